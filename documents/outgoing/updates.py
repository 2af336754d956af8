"""Cập nhật văn bản đã phát hành (edXML BussinessDocType 2): the issuing clerk adds what the signed official PDF
does not carry, typically a missing or corrected appendix (phụ lục bổ sung), with a mandatory reason.

What an update may change, by NĐ30: nothing that is on the signed face. The number and symbol, date, summary,
body, signer, recipients and the urgency mark (độ khẩn, printed in its box on the face: Appendix I) are the
original as signed; changing any of them is a new document that replaces this one (documents/outgoing/services,
`replaces`). The deadline for handling (hạn xử lý) is the receiving agency's own, set when its leader directs the
document (NĐ30 Art. 24), so the sender has none to correct. What remains is the files beside the face, and the
update's reason, which every recipient reads. A classified document travels on paper and is not updated here.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from documents.core import audit, files, liaison, notify
from documents.core.models import Delivery, DeliveryStatus, Document, DocumentFile, DocumentUpdate
from documents.core.services import ServiceError
from documents.outgoing import policy

MAX_FILES = 10
# The deliveries an update reaches: those that have (or are about to have) the document, not those it left.
LIVE_DELIVERIES = (DeliveryStatus.SENT, DeliveryStatus.OPENED, DeliveryStatus.REGISTERED)


def _check_uploads(uploads: Sequence) -> list[str]:
    errors = []
    for upload in uploads:
        try:
            files.validate_upload(upload)
        except ValidationError as exc:
            errors += exc.messages
    return errors


def _agency_certificate(document: Document):
    """The agency's certificate when the document was issued with its signature (the appendices then carry its
    block at the top right, as at issue); None when it was issued without. SigningError when it cannot sign."""
    from documents.outgoing import signatures
    from documents.signing.models import IssuedSignedFile

    if not IssuedSignedFile.objects.filter(document=document).exists():
        return None
    return signatures.check_agency(document.issuer_unit)


def _blob_of(document: Document, upload, cert, stamper):
    """The upload as stored: a PDF signed for the agency at the top right of its first page when `cert`."""
    from documents.outgoing import signatures

    if cert is None or files.sniff(upload).content_type != "application/pdf":
        return files.store(upload)
    upload.seek(0)
    data = upload.read()
    return signatures.store_pdf(signatures.sign_attachment(document, data, cert, stamper), upload.name[:255])


def send_update(*, clerk: User, document: Document, reason: str, uploads: Sequence) -> DocumentUpdate:
    """Gửi cập nhật: the files are added to the issued document (checked by content like every upload, signed for
    the agency like the attachments at issue), the recipients on this server see the update and its reason, and
    each peer recipient that got the document is sent an edXML update (BussinessDocType 2, same DocumentId)."""
    from documents.outgoing import signatures
    from documents.signing.errors import SigningError

    reason = (reason or "").strip()
    errors = {}
    if not reason:
        errors["reason"] = _("Hãy nêu lý do cập nhật.")
    if not uploads:
        errors["files"] = _("Hãy chọn tệp bổ sung (phụ lục, tài liệu kèm theo).")
    elif len(uploads) > MAX_FILES:
        errors["files"] = _("Mỗi lần cập nhật gửi tối đa %(n)s tệp.") % {"n": MAX_FILES}
    else:
        problems = _check_uploads(uploads)
        if problems:
            errors["files"] = " ".join(problems)
    if errors:
        raise ServiceError(errors)
    with transaction.atomic():
        # Under the lock recall() and cancel_number() take: never update what is being withdrawn.
        document = Document.objects.select_for_update(of=("self",)).select_related("issuer_unit").get(pk=document.pk)
        policy.require(clerk, policy.UPDATE, document)
        if signatures.awaiting_agency(document):
            raise ServiceError(_("Văn bản chưa có chữ ký số cơ quan: hãy ký lại trước khi gửi cập nhật."))
        try:
            cert = _agency_certificate(document)
            stamper = signatures.timestamper() if cert is not None else None
            update = DocumentUpdate.objects.create(document=document, reason=reason, created_by=clerk)
            added = [
                DocumentFile.objects.create(
                    document=document,
                    blob=_blob_of(document, upload, cert, stamper),
                    name=upload.name[:255],
                    added_by=clerk,
                    update=update,
                )
                for upload in uploads
            ]
        except SigningError as exc:
            raise ServiceError({"files": exc.message}) from exc
        except Exception as exc:  # pyHanko and the PDF readers raise many kinds on a damaged or locked PDF
            if isinstance(exc, ServiceError):
                raise
            raise ServiceError({"files": _("Không ký số được tệp PDF bổ sung: %(e)s") % {"e": exc}}) from exc
        local = list(
            Delivery.objects.filter(document=document, electronic=True, status__in=LIVE_DELIVERIES).exclude(
                exchange__isnull=False
            )
        )
        names = [f.name for f in added]
        audit.record(clerk, "document_updated", document, reason=reason, files=names, update_id=update.pk)
        for delivery in local:
            notify.later("document_updated", delivery_id=delivery.pk, update_id=update.pk)
        liaison.updated(document, update)
    return update
