"""Every model of the documents app, gathered so that Django (app label `documents`) finds them all and other
apps import them from one place. Each part defines its own: the shared core (documents, files, registers,
deliveries, audit) in core/, then incoming/, outgoing/, meetings/ and signing/. Inside documents, modules import
from the part that defines a model, never from here (that would make every part depend on every other)."""

from documents.core.models import (  # noqa: F401
    ABBREVIATIONS,
    AssignmentRole,
    AuditEvent,
    Delivery,
    DeliveryStatus,
    DocType,
    Document,
    DocumentFile,
    DocumentUpdate,
    DocumentUserObjectPermission,
    Register,
    RegisterKind,
    Secrecy,
    StoredFile,
    Urgency,
    build_search_key,
)
from documents.exchange.models import Link, Package, Peer  # noqa: F401
from documents.incoming.models import (  # noqa: F401
    Assignment,
    AssignmentStatus,
    Direction,
    IncomingRecord,
    IncomingStatus,
    NoteFile,
    ProgressNote,
)
from documents.meetings.models import (  # noqa: F401
    Attendance,
    CalendarFeed,
    Meeting,
    MeetingInvitee,
    MeetingMaterial,
    MeetingMaterialUserObjectPermission,
    MeetingStatus,
    Response,
)
from documents.outgoing.models import (  # noqa: F401
    CopyKind,
    DraftComment,
    DraftFile,
    DraftStatus,
    DraftVersion,
    MeetingKind,
    OutgoingDraft,
    PaperRule,
    PdfCache,
    RecipientGroup,
    SigningCapacity,
)
from documents.search.models import SavedSearch  # noqa: F401
from documents.signing.models import (  # noqa: F401
    IssuedSignedFile,
    PdfVerification,
    RevocationList,
    SealImage,
    SignatureCheck,
    SignatureImage,
    SigningCertificate,
    TrustedRoot,
)
