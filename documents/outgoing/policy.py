"""The policy for the outgoing part, in the shape of documents/core/policy.py, over its three kinds: drafts,
issued documents and deliveries (`visible_to(user, OutgoingDraft | Document | Delivery or a queryset of one)`,
`can(user, action, obj)`, `require(user, action, obj)`). Taking part in the flow is the grant; confidential
ones (độ mật) are narrower. Also `documents`: a document whichever part brought it, and who may download its
files (`documents.can(user, VIEW_FILE, document)`)."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.models import User
from documents.core import policy as core_policy
from documents.core import roles
from documents.core.models import Document, Secrecy
from documents.core.policy import granted_document_ids
from documents.core.roles import is_clerk_of, leads_unit, sees_unit_register
from documents.incoming import policy as incoming_policy
from documents.outgoing.models import DraftComment, DraftStatus, OutgoingDraft

_SIGNER_STAGES = [DraftStatus.TO_SIGN, DraftStatus.SIGNED, DraftStatus.ISSUED]
_CLERK_STAGES = [DraftStatus.SIGNED, DraftStatus.ISSUED]
_REVIEW_STAGES = [DraftStatus.IN_REVIEW, DraftStatus.RETURNED, *_SIGNER_STAGES]


_UNDER_REVIEW = [DraftStatus.IN_REVIEW, DraftStatus.RETURNED, DraftStatus.TO_SIGN, DraftStatus.SIGNED]


def _drafts_visible(user: User, qs: QuerySet[OutgoingDraft]) -> QuerySet[OutgoingDraft]:
    """A drafter sees own drafts; the unit's head what came up for review; the signer what is before them;
    the issuing unit's clerk what is signed. Taking part in the flow is the grant.

    A confidential draft (độ mật) is narrower: its author; the unit's leaders while it waits for their review;
    those who reviewed or signed it (their comment is on it) and its signer, while it is still under review; the
    issuing clerk while it waits to be issued. Once issued, only those holding a grant on the document."""
    rel = Q(author_id=user.pk) | Q(signer_id=user.pk, status__in=_SIGNER_STAGES)
    if leads_unit(user):
        rel |= Q(unit_id=user.unit_id, status__in=_REVIEW_STAGES)
    if roles.is_clerk(user):
        rel |= Q(issuer_unit_id=user.unit_id, status__in=_CLERK_STAGES)
    secret = (
        Q(author_id=user.pk)
        | Q(signer_id=user.pk, status__in=[DraftStatus.TO_SIGN, DraftStatus.SIGNED])
        | Q(pk__in=DraftComment.objects.filter(author_id=user.pk).values("draft_id"), status__in=_UNDER_REVIEW)
        | Q(document_id__in=granted_document_ids(user), status=DraftStatus.ISSUED)
    )
    if leads_unit(user):
        secret |= Q(unit_id=user.unit_id, status=DraftStatus.IN_REVIEW)
    if roles.is_clerk(user):
        secret |= Q(issuer_unit_id=user.unit_id, status=DraftStatus.SIGNED)
    return qs.filter((Q(secrecy=Secrecy.NONE) & rel) | (Q(secrecy__gt=Secrecy.NONE) & secret))


def _issued_visible(user: User, qs: QuerySet[Document]) -> QuerySet[Document]:
    """Documents issued by the user's unit (its outgoing and copy registers), for its clerk, heads and leaders;
    documents the user drafted or signed, and for a unit's heads those their unit drafted; confidential ones only
    with a grant.

    Like `visible_to`: one `id IN (UNION ALL of indexed lookups)`, never an OR across joins (which scanned every
    document of the province)."""
    granted = granted_document_ids(user)
    first, *others = issued_candidate_parts(user)
    candidates = first.union(*others, all=True)
    return qs.filter(Q(secrecy=Secrecy.NONE) | Q(pk__in=granted), pk__in=candidates, register__isnull=False)


def issued_candidate_parts(user: User) -> list[QuerySet]:
    """The document ids the issued documents' visible_to starts from, one query each (duplicates across parts):
    every issued document the user sees is among them."""
    parts = [
        OutgoingDraft.objects.filter(author_id=user.pk, document__isnull=False).order_by().values("document_id"),
        OutgoingDraft.objects.filter(signer_id=user.pk, document__isnull=False).order_by().values("document_id"),
        # A grant alone opens an issued confidential document.
        Document.objects.filter(pk__in=granted_document_ids(user), secrecy__gt=Secrecy.NONE).order_by().values("pk"),
    ]
    if sees_unit_register(user):
        parts.append(Document.objects.filter(register__unit_id=user.unit_id).order_by().values("pk"))
    if leads_unit(user):
        # What the unit drafted, wherever it was issued (UBND huyện, for a department's draft the Chủ tịch signs):
        # its head reviewed it and answers for it after the issue too.
        parts.append(
            OutgoingDraft.objects.filter(unit_id=user.unit_id, document__isnull=False).order_by().values("document_id")
        )
    return parts


# --- Actions ---------------------------------------------------------------------------------------------------

VIEW = core_policy.VIEW
# Drafts
EDIT, SUBMIT, REVIEW, SIGN, ISSUE = "edit", "submit", "review", "sign", "issue"
# Issued documents
RECALL, CANCEL, PAPER, COPY, UPDATE = "recall", "cancel", "paper", "copy", "update"
# By unit (documents/core/policy.py): a unit's clerk makes copies into its copy register, posts its paper copies
# and retries the agency's signature on what it issued.
RESIGN = "resign"
# Deliveries
RECEIVE = core_policy.RECEIVE


def issuer_unit(document: Document) -> int | None:
    return document.register.unit_id if document.register_id else None


def _live(document: Document) -> bool:
    return document.recalled_at is None and document.cancelled_at is None


class DraftPolicy(core_policy.Policy):
    model = OutgoingDraft
    # By unit: who reviews the unit's drafts, who issues what the unit issues (tabs, "who takes this step").
    unit_rules = {REVIEW: roles.leads, ISSUE: is_clerk_of}
    rules = {
        EDIT: lambda user, d: d.author_id == user.pk and d.status in (DraftStatus.DRAFT, DraftStatus.RETURNED),
        SUBMIT: lambda user, d: d.author_id == user.pk and d.status in (DraftStatus.DRAFT, DraftStatus.RETURNED),
        REVIEW: lambda user, d: d.status == DraftStatus.IN_REVIEW and DraftPolicy.unit_rules[REVIEW](user, d.unit_id),
        SIGN: lambda user, d: d.status == DraftStatus.TO_SIGN and d.signer_id == user.pk,
        ISSUE: lambda user, d: d.status == DraftStatus.SIGNED and DraftPolicy.unit_rules[ISSUE](user, d.issuer_unit_id),
    }

    def _visible(self, user: User, qs: QuerySet) -> QuerySet:
        return _drafts_visible(user, qs)

    def state(self, draft: OutgoingDraft) -> tuple:
        return (draft.status, draft.secrecy, draft.signer_id, draft.issuer_unit_id, draft.document_id)


class IssuedPolicy(core_policy.Policy):
    model = Document
    unit_rules = {PAPER: is_clerk_of, COPY: is_clerk_of, RESIGN: is_clerk_of}
    rules = {
        RECALL: lambda user, doc: _live(doc) and roles.leads(user, issuer_unit(doc)),
        CANCEL: lambda user, doc: _live(doc) and is_clerk_of(user, issuer_unit(doc)),
        PAPER: lambda user, doc: _live(doc) and IssuedPolicy.unit_rules[PAPER](user, issuer_unit(doc)),
        COPY: lambda user, doc: _live(doc) and IssuedPolicy.unit_rules[COPY](user, issuer_unit(doc)),
        # Cập nhật văn bản đã phát hành: the issuing clerk, on a live, unclassified document that is not a copy.
        UPDATE: lambda user, doc: (
            _live(doc) and doc.secrecy == Secrecy.NONE and not doc.copy_kind and is_clerk_of(user, issuer_unit(doc))
        ),
    }

    def _visible(self, user: User, qs: QuerySet) -> QuerySet:
        return _issued_visible(user, qs)

    def state(self, doc: Document) -> tuple:
        return (doc.secrecy, doc.register_id, doc.recalled_at, doc.cancelled_at, doc.copy_kind)


drafts = DraftPolicy()
issued = IssuedPolicy()
deliveries = core_policy.deliveries
part = core_policy.Part(drafts, issued, deliveries)
visible_to = part.visible_to
can = part.can
require = part.require


# --- A document whichever part brought it ------------------------------------------------------------------

VIEW_FILE = "view_file"


class DocumentPolicy(core_policy.Policy):
    """A document as its files see it: seen by whoever sees a record of it (incoming), the issued document, or a
    pending delivery of it (the receiving clerk reads it before registering: dispatch is the grant for that unit).
    Its files and official PDF go with seeing it (VIEW_FILE).

    Correlated EXISTS, not `pk IN (…)`: asked of one document, each is an indexed lookup for that document
    instead of gathering every record the user sees."""

    model = Document
    rules = {VIEW_FILE: lambda user, doc: True}

    def _visible(self, user: User, qs: QuerySet) -> QuerySet:
        return qs.filter(
            Exists(incoming_policy.visible_to(user).filter(document_id=OuterRef("pk")))
            | Exists(issued.visible_to(user, Document.objects.filter(pk=OuterRef("pk"))))
            | Exists(deliveries.visible_to(user).filter(document_id=OuterRef("pk")))
        )

    def state(self, doc: Document) -> tuple:
        return (doc.secrecy, doc.register_id, doc.recalled_at, doc.cancelled_at)


documents = DocumentPolicy()
