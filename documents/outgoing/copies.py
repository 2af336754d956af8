"""Certified copies (sao y, sao lục, trích sao, NĐ30 Art. 25-27): one copy series per unit and year, numbered and
dispatched like any issued document (services.dispatch / number_document), the copy block on its face."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from documents.core import audit, faces, notify, roles
from documents.core.models import DeliveryStatus, Document, DocumentFile, RegisterKind
from documents.core.services import ServiceError, grant_confidential
from documents.incoming.models import IncomingRecord
from documents.outgoing import policy, services, signatures, symbols
from documents.outgoing.models import CopyKind
from documents.signing.errors import SigningError
from documents.signing.models import IssuedSignedFile, SigningCertificate
from units.models import Unit


def make_copy(
    *,
    clerk: User,
    source: Document,
    kind: str,
    signer: User,
    recipient_units: Sequence[Unit],
    excerpt: str = "",
    signing_capacity: str = "",
) -> Document:
    """Sao y / sao lục / trích sao: one copy series per unit and year shared by all kinds (e.g. 08/SY-UBND),
    then dispatch like any document (electronic-only to units on the system, by the paper rule)."""
    if kind not in CopyKind.values:
        raise ServiceError({"kind": _("Hình thức sao không hợp lệ.")})
    if kind == CopyKind.TRICH_SAO and not excerpt.strip():
        raise ServiceError({"excerpt": _("Trích sao cần nội dung phần trích.")})
    if not (roles.is_leader(signer) and signer.unit_id == clerk.unit_id):
        raise ServiceError({"signer": _("Người ký bản sao phải là lãnh đạo của đơn vị.")})
    if not recipient_units:
        raise ServiceError({"recipient_units": _("Hãy chọn nơi nhận bản sao.")})
    inactive = [u.name for u in recipient_units if not u.active]
    if inactive:
        raise ServiceError({"recipient_units": _("Đơn vị không còn hoạt động: %(u)s.") % {"u": ", ".join(inactive)}})
    policy.issued.require_for_unit(clerk, policy.COPY)
    cert = _copying_certificate(clerk.unit)
    with transaction.atomic():
        # Read again under the lock recall() and cancel_number() take: never copy what is being withdrawn.
        source = Document.objects.select_for_update().get(pk=source.pk)
        can_source = (
            IncomingRecord.objects.filter(unit_id=clerk.unit_id, document=source).exists()
            or policy.issued.visible_to(clerk).filter(pk=source.pk).exists()
        )
        if not can_source or source.recalled_at is not None or source.cancelled_at is not None:
            raise PermissionDenied
        now = timezone.now()
        today = timezone.localdate(now)
        unit = clerk.unit
        names = [u.name for u in recipient_units]
        # Everything but the number first (see issue()).
        copy = Document.objects.create(
            issuer_unit=unit,
            issuer_name=unit.name,
            doc_type=source.doc_type,
            issued_date=today,
            summary=source.summary,
            signer_name=signer.full_name,
            signer_position=signer.position,
            signer_title=faces.title_of(signer.position),
            signing_capacity=signing_capacity,
            urgency=source.urgency,
            secrecy=source.secrecy,
            body=excerpt.strip() if kind == CopyKind.TRICH_SAO else "",
            recipients_text="\n".join(f"- {n};" for n in names),
            copy_kind=kind,
            copy_of=source,
            year=today.year,
            issued_at=now,
            issued_by=clerk,
            created_by=clerk,
        )
        copied = []
        if kind != CopyKind.TRICH_SAO:
            label = CopyKind(kind).label
            copied = [
                DocumentFile(document=copy, blob=f.blob, name=f"{label} - {f.name}"[:255], added_by=clerk)
                for f in source.files.select_related("blob")
            ]
        if cert is not None:
            # Signed before the number (the signed pages do not show it: the block says the kind of copy, the agency
            # and the time), so the copy series' row stays locked for two statements as ever; a failure saves
            # nothing at all — no number taken, no copy to sign again (see _signed).
            face, *copied = _signed(copy, cert, copied)
            IssuedSignedFile.objects.create(document=copy, blob=face.blob, code=signatures.new_code(), signed_at=now)
            copy.save(update_fields=["pages"])  # counted on the signed face
        DocumentFile.objects.bulk_create(copied)
        grant_confidential([clerk, signer], copy)
        # Signed: the deliveries wait until the signed face is attached after the commit (held.py), as at issue.
        deliveries = services.dispatch(copy, unit, list(recipient_units), clerk, today, held=cert is not None)
        services.number_document(copy, unit, RegisterKind.COPY, lambda n: symbols.copy_symbol(copy, n, kind))
        audit.record(clerk, "copied", copy, kind=kind, source=source.number_symbol, source_id=source.pk)
    services.attach_official_pdf(copy)  # signed: the signed face attached, deliveries released; else rendered
    for delivery in deliveries:
        if delivery.electronic and delivery.status != DeliveryStatus.HELD:  # held ones: when released
            notify.later("delivered", delivery_id=delivery.pk)
    return copy


def _copying_certificate(unit: Unit) -> SigningCertificate | None:
    """The copying agency's certificate, checked before anything is saved; None (the copy unsigned, as before
    issue 16) only when the unit has none and signatures are not required."""
    try:
        return signatures.check_agency(unit)
    except SigningError as exc:
        raise ServiceError(exc.message) from exc


def _signed(copy: Document, cert: SigningCertificate, copied: list[DocumentFile]) -> list[DocumentFile]:
    """The copy's face and copied PDFs signed by the copying agency (signatures.sign_copy). When the face cannot be
    signed the copy is refused with the reason and rolled back whole. Not held for "Ký lại" like an issued document:
    that needs a state copies do not have (no draft holds a face to sign again, and a copy's face is rendered
    here, so a retry would render it again), while a copy is quick to make again once the certificate is fixed."""
    try:
        return signatures.sign_copy(copy, cert, copied)
    except SigningError as exc:
        raise ServiceError(
            _("Không ký số được bản sao (%(reason)s). Bản sao chưa được tạo, chưa lấy số.") % {"reason": exc.message}
        ) from exc
