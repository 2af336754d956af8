"""Liên thông, receiving: a package posted by a peer is kept, checked, and applied in one transaction (or refused
whole); the receiver's unique constraint makes sure the same DocumentId is never registered twice."""

from __future__ import annotations

import hashlib
import io
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import BinaryIO

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.models import User
from documents.core import audit, files, notify
from documents.core import policy as core_policy
from documents.core.models import (
    Delivery,
    DeliveryStatus,
    DocType,
    Document,
    DocumentFile,
    DocumentUpdate,
    Urgency,
)
from documents.exchange import edxml
from documents.exchange.edxml import EdxmlError, StatusCode
from documents.exchange.models import Direction, Link, Package, PackageState, Peer
from documents.exchange.statuses import queue_status
from documents.exchange.store import enqueue_send, keep
from units.models import Unit, UnitKind

log = logging.getLogger(__name__)


# --- Receiving -----------------------------------------------------------------------------------------------


@dataclass
class Answer:
    status: int
    body: dict


_DOC_ID = re.compile(rb"<(?:\w+:)?DocumentId>\s*([^<]{1,255}?)\s*</(?:\w+:)?DocumentId>")
_FROM = re.compile(rb"<(?:\w+:)?From>.*?<(?:\w+:)?OrganId>\s*([^<]{1,64}?)\s*</", re.S)


def _identify(source: BinaryIO) -> tuple[str, str]:
    """DocumentId and From/OrganId of a package the parser refused, when they can still be seen in it."""
    source.seek(0)
    head = source.read(256 * 1024)
    source.seek(0)
    doc, frm = _DOC_ID.search(head), _FROM.search(head)
    decode = lambda m: m.group(1).decode("utf-8", "replace").strip() if m else ""  # noqa: E731
    return decode(doc), decode(frm)


def receive(peer: Peer, data: bytes | BinaryIO) -> Answer:
    """A package posted by `peer` (its bytes, or the file the inbox streamed it to): kept, checked, and applied in
    one transaction (or refused whole). Parsed from the file with its attachments decoded to temporary files, so
    a large package is not held in memory (only a PDF's verification reads that PDF whole)."""
    source = io.BytesIO(data) if isinstance(data, bytes | bytearray) else data
    try:
        package = edxml.parse_file(source, spool=True)
    except EdxmlError as exc:
        document_id, from_organ = _identify(source)
        source.seek(0)
        with transaction.atomic():
            kept = keep(
                direction=Direction.IN, data=source, state=PackageState.REFUSED, peer=peer, kind="unknown",
                document_id=document_id, from_organ=from_organ, last_error=str(exc),
            )  # fmt: skip
            _refuse_back(peer, document_id, from_organ, str(exc))
        log.info("exchange: refused package %s from %s: %s", kept.pk, peer, exc)
        return Answer(400, {"error": str(exc), "status": StatusCode.REFUSED.value})
    source.seek(0)
    try:
        if package.from_organ.organ_id not in peer.codes():
            refusal = _("Hệ thống gửi không được gửi thay cơ quan %(o)s.") % {"o": package.from_organ.organ_id}
            return Answer(403, {"error": refusal})
        if isinstance(package, edxml.StatusPackage):
            return _receive_status(peer, package, source)
        return _receive_document(peer, package, source)
    finally:
        edxml.close_attachments(package)


def _refuse_back(peer: Peer, document_id: str, from_organ: str, reason: str, to_units: Sequence[Unit] = ()) -> None:
    """Status 02 for a package we cannot accept, where its DocumentId and sender are known."""
    if not document_id or not from_organ:
        return
    from documents.exchange.packages import organ_of

    local = next((u for u in to_units if u.organ_id), None) or _any_local_unit()
    if local is None:
        return
    status = edxml.StatusPackage(
        from_organ=organ_of(local),
        response_for=edxml.ResponseFor(organ_id=from_organ, document_id=document_id),
        status_code=StatusCode.REFUSED,
        description=reason[:1000],
        timestamp=timezone.now().replace(microsecond=0),
        to_organs=[edxml.Organ(organ_id=from_organ)],
    )
    package = keep(
        direction=Direction.OUT, data=edxml.build(status), state=PackageState.PENDING, peer=peer, kind="status",
        document_id=document_id, status_code="02", from_organ=local.organ_id, to_organ=from_organ,
        next_attempt_at=timezone.now(),
    )  # fmt: skip
    enqueue_send(package)


def _any_local_unit() -> Unit | None:
    return Unit.objects.internal().exclude(organ_id="").order_by("kind", "sort_order", "pk").first()


def _sender_unit(organ: edxml.Organ, peer: Peer) -> Unit:
    """The sending agency as an external unit here (made on first contact), reached through this peer."""
    unit = Unit.objects.filter(organ_id=organ.organ_id).first()
    if unit is None:
        base = slugify(f"lt-{organ.organ_id}") or "lien-thong"
        unit = Unit.objects.create(
            name=(organ.organ_name or organ.organ_id)[:255],
            code=base[:64],
            kind=UnitKind.EXTERNAL,
            organ_id=organ.organ_id,
            address=organ.organ_add[:255],
        )
        peer.units.add(unit)
    return unit


def _doc_type(name: str) -> str:
    key = name.strip().lower()
    for value, label in DocType.choices:
        if str(label).lower() == key:
            return value
    return DocType.CONG_VAN


def _check_attachments(package: edxml.DocumentPackage) -> list[SimpleUploadedFile]:
    uploads = []
    for attachment in package.attachments:
        name = attachment.name[:255] or "tep"
        if attachment.file is not None:
            upload = UploadedFile(attachment.file, name, attachment.content_type, attachment.size)
        else:
            upload = SimpleUploadedFile(name, attachment.data, attachment.content_type)
        try:
            files.validate_upload(upload)
        except ValidationError as exc:
            raise EdxmlError(" ".join(exc.messages)) from exc
        uploads.append(upload)
    return uploads


def _verify_at_intake(stored: Sequence[DocumentFile], peer: Peer) -> None:
    """Every PDF of the package verified as it lands, as an electronic delivery's are (documents/signing/intake),
    so the arrival and the record show the result. A broken or revoked signature refuses the package (status 02,
    inside the landing transaction: nothing stays); an unsigned file or an untrusted chain passes and is shown."""
    from documents.signing import intake

    roots = peer.signing_roots()  # a peer's agencies may sign under a CA this server does not trust by itself
    for f in stored:
        verification = intake.verify_stored(f.blob, extra_roots=roots)
        if verification is None:
            continue
        signatures = list(verification.signatures.all())
        bad = [s for s in signatures if not s.valid or s.revoked]
        unreadable = not signatures and not verification.ok and not verification.unsigned
        if bad or unreadable:
            summary = bad[0].summary if bad else verification.problem
            raise EdxmlError(_("Chữ ký số trong tệp “%(f)s” không hợp lệ: %(s)s") % {"f": f.name, "s": summary})


def _original_of(peer: Peer, package: edxml.DocumentPackage) -> Document | None:
    """The document a replacement (type 3) or an update (type 2) changes: by the DocumentId it names (an update
    without one names its own), first as received from this peer, else by the DocumentId's parts (issuer's mã định
    danh, date, number/symbol) per QCVN 102; None when it never reached this server."""
    kind = package.business.doc_type
    if kind not in (edxml.BusinessDocType.UPDATE, edxml.BusinessDocType.REPLACEMENT):
        return None
    wanted = list(package.business.replaces)
    if not wanted and kind == edxml.BusinessDocType.UPDATE:
        wanted = [package.document_id]
    for document_id in wanted:
        link = (
            Link.objects.filter(peer=peer, direction=Direction.IN, document_id=document_id)
            .select_related("delivery__document")
            .order_by("pk")
            .first()
        )
        if link is not None:
            return link.delivery.document
        parts = edxml.split_document_id(document_id)
        if parts is None:
            continue
        organ_id, issued_date, code = parts
        found = (
            Document.objects.filter(issuer_unit__organ_id=organ_id, issued_date=issued_date, number_symbol=code)
            .order_by("pk")
            .first()
        )
        if found is not None:
            return found
    return None


def _update_key(package: edxml.DocumentPackage) -> str:
    """An update (type 2) by its content, so that a second update of the same DocumentId is not taken for a repeat
    of the first while a resent one is: its reason and the SHA-256 of each attachment."""
    if package.business.doc_type != edxml.BusinessDocType.UPDATE:
        return ""
    digest = hashlib.sha256(package.business.reason.encode())
    for data_hash in sorted(_sha256(a) for a in package.attachments):
        digest.update(data_hash.encode())
    return digest.hexdigest()


def _sha256(attachment: edxml.Attachment) -> str:
    digest = hashlib.sha256()
    for chunk in attachment.chunks():
        digest.update(chunk)
    return digest.hexdigest()


def _received_before(peer: Peer, package: edxml.DocumentPackage) -> bool:
    return Package.objects.filter(
        direction=Direction.IN, kind="document", state=PackageState.RECEIVED, peer=peer,
        document_id=package.document_id, business_doc_type=int(package.business.doc_type),
        update_key=_update_key(package),
    ).exists()  # fmt: skip


def _receive_document(peer: Peer, package: edxml.DocumentPackage, data: BinaryIO) -> Answer:
    ok = Answer(200, {"status": StatusCode.ARRIVED.value, "document_id": package.document_id})
    if _received_before(peer, package):
        return ok  # a repeat (the sender retried after a lost answer): acknowledged, not registered again
    wanted = [o.organ_id for o in package.to_organs]
    local = list(Unit.objects.internal().filter(organ_id__in=wanted, active=True))
    try:
        if not local:
            missing = _("Không có cơ quan nhận nào (To/OrganId) trên hệ thống này: %(o)s.")
            raise EdxmlError(missing % {"o": ", ".join(wanted)})
        if package.business.doc_type == edxml.BusinessDocType.REVOCATION:
            with transaction.atomic():
                _keep_received(peer, package, data)
                _revoke(peer, package)
            return ok
        uploads = _check_attachments(package)
        with transaction.atomic():
            kept = _keep_received(peer, package, data)
            original = _original_of(peer, package)
            if package.business.doc_type == edxml.BusinessDocType.UPDATE and original is not None:
                _apply_update(peer, package, uploads, original, kept)
            else:
                _land(peer, package, uploads, local, kept, original)
    except IntegrityError:
        if _received_before(peer, package):
            return ok  # a concurrent twin won the race
        raise
    except EdxmlError as exc:
        with transaction.atomic():
            keep(
                direction=Direction.IN, data=data, state=PackageState.REFUSED, peer=peer, kind="document",
                document_id=package.document_id, business_doc_type=int(package.business.doc_type),
                from_organ=package.from_organ.organ_id, to_organ=",".join(wanted)[:255], last_error=str(exc),
                update_key=_update_key(package),
            )  # fmt: skip
            _refuse_back(peer, package.document_id, package.from_organ.organ_id, str(exc), local)
        return Answer(400, {"error": str(exc), "status": StatusCode.REFUSED.value})
    return ok


def _keep_received(peer: Peer, package: edxml.DocumentPackage, data: BinaryIO) -> Package:
    return keep(
        direction=Direction.IN, data=data, state=PackageState.RECEIVED, peer=peer, kind="document",
        document_id=package.document_id, business_doc_type=int(package.business.doc_type),
        from_organ=package.from_organ.organ_id, to_organ=",".join(o.organ_id for o in package.to_organs)[:255],
        update_key=_update_key(package),
    )  # fmt: skip


def _apply_update(
    peer: Peer, package: edxml.DocumentPackage, uploads: Sequence[SimpleUploadedFile], original: Document, kept
) -> None:
    """An update (BussinessDocType 2) of a document that reached this server: its new files are added to the
    document (each content once), and every unit that has it sees "Văn bản đã được cập nhật" with the reason, as
    a local update shows (documents/outgoing/updates.py). The signed face and the registered details stay."""
    reason = package.business.reason.strip() or _("Cơ quan gửi cập nhật văn bản (không nêu lý do).")
    if package.subject and package.subject != original.summary:
        reason += "\n" + _("Trích yếu theo gói tin cập nhật: %(s)s") % {"s": package.subject}
    update = DocumentUpdate.objects.create(document=original, reason=reason)
    have = set(original.files.values_list("blob__sha256", flat=True))
    stored = []
    for upload in uploads:
        blob = files.store(upload)
        if blob.sha256 in have:
            continue  # the official PDF and the files already received travel again in an update
        have.add(blob.sha256)
        stored.append(DocumentFile.objects.create(document=original, blob=blob, name=upload.name[:255], update=update))
    _verify_at_intake(stored, peer)
    deliveries = list(
        Delivery.objects.filter(document=original, recipient_unit__in=Unit.objects.internal()).order_by("pk")
    )
    if deliveries:
        Package.objects.filter(pk=kept.pk).update(delivery=deliveries[0])
    names = [f.name for f in stored]
    audit.record(None, "document_updated", original, reason=reason, files=names, package_id=kept.pk, peer=peer.name)
    for delivery in deliveries:
        notify.later("document_updated", delivery_id=delivery.pk, update_id=update.pk)


def _land(
    peer: Peer,
    package: edxml.DocumentPackage,
    uploads: Sequence[SimpleUploadedFile],
    local: Sequence[Unit],
    kept,
    original: Document | None,
) -> None:
    """The document lands in each addressed unit's Chờ vào sổ, as a local electronic delivery does, with 01 back.
    A replacement names the document it replaces (an update of a document that never reached this server lands
    as a document of its own)."""
    sender = _sender_unit(package.from_organ, peer)
    document = Document.objects.create(
        replaces=original,
        issuer_unit=sender,
        issuer_name=sender.name,
        doc_type=_doc_type(package.document_type_name),
        number_symbol=package.code[:100],
        issued_date=package.promulgation_date,
        summary=package.subject or package.code,
        signer_name=package.signer.full_name[:150],
        signer_position=package.signer.position[:150],
        urgency=min(max(package.other_info.priority, Urgency.NORMAL), Urgency.HOA_TOC),
        pages=package.other_info.page_amount,
        body=package.content,
    )
    stored = [
        DocumentFile.objects.create(document=document, blob=files.store(upload), name=upload.name[:255])
        for upload in uploads
    ]
    _verify_at_intake(stored, peer)
    for unit in local:
        delivery = Delivery.objects.create(
            document=document, sender_unit=sender, recipient_unit=unit, electronic=True,
            paper_reason=_("Nhận liên thông từ %(p)s.") % {"p": peer.name},
        )  # fmt: skip
        if kept.delivery_id is None:
            Package.objects.filter(pk=kept.pk).update(delivery=delivery)
            kept.delivery_id = delivery.pk
        link = Link.objects.create(
            delivery=delivery, peer=peer, direction=Direction.IN,
            document_id=package.document_id, organ_id=package.from_organ.organ_id,
        )  # fmt: skip
        audit.record(None, "exchange_received", delivery, package_id=kept.pk, peer=peer.name)
        queue_status(link, StatusCode.ARRIVED)
        notify.later("delivered", delivery_id=delivery.pk)


def _revoke(peer: Peer, package: edxml.DocumentPackage) -> None:
    """A revocation (BussinessDocType 1): our copies are withdrawn as a local recall withdraws them; the clerk then
    agrees (15) with the usual Xác nhận thu hồi, or refuses (16) and the copy comes back."""
    links = Link.objects.filter(
        peer=peer, direction=Direction.IN, document_id=package.document_id, recall_requested_at__isnull=True
    ).select_related("delivery__document")
    now = timezone.now()
    for link in links:
        delivery = link.delivery
        Link.objects.filter(pk=link.pk).update(
            recall_requested_at=now, recall_reason=package.business.reason, status_before_recall=delivery.status
        )
        Document.objects.filter(pk=delivery.document_id).update(recalled_at=now, recall_reason=package.business.reason)
        Delivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.RECALLED)
        audit.record(None, "exchange_recall_requested", delivery, reason=package.business.reason)
        notify.later("recalled", delivery_id=delivery.pk)


def refuse_recall(*, clerk: User, delivery: Delivery, reason: str) -> Delivery:
    """Từ chối thu hồi (status 16): the copy comes back where it was, and the sender is told why."""
    from django.core.exceptions import PermissionDenied

    from documents.core.services import ServiceError

    reason = (reason or "").strip()
    if not reason:
        raise ServiceError({"reason": _("Hãy nêu lý do từ chối thu hồi.")})
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().get(pk=delivery.pk)
        link = Link.objects.filter(delivery=delivery, direction=Direction.IN, recall_requested_at__isnull=False).first()
        if (
            link is None
            or not core_policy.deliveries.can_for_unit(clerk, core_policy.ANSWER_RECALL, delivery.recipient_unit_id)
            or delivery.status != DeliveryStatus.RECALLED
            or delivery.recall_acknowledged_at is not None
        ):
            raise PermissionDenied
        delivery.status = link.status_before_recall or DeliveryStatus.SENT
        delivery.save(update_fields=["status"])
        Document.objects.filter(pk=delivery.document_id).update(recalled_at=None, recall_reason="")
        Link.objects.filter(pk=link.pk).update(recall_requested_at=None)
        audit.record(clerk, "exchange_recall_refused", delivery, reason=reason)
        link = Link.objects.select_related("peer", "delivery__document", "delivery__recipient_unit").get(pk=link.pk)
        queue_status(link, StatusCode.RECALL_REFUSED, reason)
    return delivery


_NUMBER = re.compile(r"(?:số đến|so den)\D{0,5}(\d{1,9})", re.I)
_ANY_NUMBER = re.compile(r"\b(\d{1,9})\b")


def _receive_status(peer: Peer, status: edxml.StatusPackage, data: BinaryIO) -> Answer:
    document_id, code = status.response_for.document_id, status.status_code.value
    with transaction.atomic():
        kept = keep(
            direction=Direction.IN, data=data, state=PackageState.RECEIVED, peer=peer, kind="status",
            document_id=document_id, status_code=code, from_organ=status.from_organ.organ_id,
        )  # fmt: skip
        direction = Direction.IN if code == StatusCode.RECALL_REQUESTED else Direction.OUT
        links = list(
            Link.objects.select_for_update()
            .filter(peer=peer, direction=direction, document_id=document_id, organ_id=status.from_organ.organ_id)
            .select_related("delivery")
        )
        if not links:
            Package.objects.filter(pk=kept.pk).update(state=PackageState.REFUSED, last_error="unknown DocumentId")
            return Answer(404, {"error": _("Không tìm thấy văn bản %(d)s.") % {"d": document_id}})
        for link in links:
            _apply_status(link, status, kept)
    return Answer(200, {"status": "ok", "document_id": document_id})


def _apply_status(link: Link, status: edxml.StatusPackage, kept: Package) -> None:
    code, description = status.status_code.value, status.description
    now = timezone.now()
    delivery = Delivery.objects.select_for_update().get(pk=link.delivery_id)
    Package.objects.filter(pk=kept.pk).update(delivery=delivery)
    fields = {"remote_status": code, "remote_description": description[:2000], "remote_status_at": now}
    if code == StatusCode.RECALL_REQUESTED:
        Link.objects.filter(pk=link.pk).update(recall_reason=description)
        return
    if code == StatusCode.REGISTERED:
        found = _NUMBER.search(description) or _ANY_NUMBER.search(description)
        fields["remote_arrival_number"] = found.group(1) if found else ""
    Link.objects.filter(pk=link.pk).update(**fields)
    updates: dict = {}
    waiting = (DeliveryStatus.SENDING, DeliveryStatus.FAILED, DeliveryStatus.SENT, DeliveryStatus.OPENED)
    if code == StatusCode.ARRIVED and delivery.status in (DeliveryStatus.SENDING, DeliveryStatus.FAILED):
        updates = {"status": DeliveryStatus.SENT}
    elif code == StatusCode.REFUSED and delivery.status in waiting:
        updates = {"status": DeliveryStatus.RETURNED, "returned_reason": description, "returned_at": now}
    elif code in (StatusCode.REGISTERED, StatusCode.ASSIGNED, StatusCode.IN_PROGRESS, StatusCode.DONE):
        if delivery.status in waiting:
            updates = {"status": DeliveryStatus.REGISTERED, "opened_at": delivery.opened_at or now}
    elif code == StatusCode.RECALL_AGREED and delivery.recall_acknowledged_at is None:
        updates = {"recall_acknowledged_at": now}
    if updates:
        Delivery.objects.filter(pk=delivery.pk).update(**updates)
    audit.record(None, "exchange_status", delivery, code=code, description=description[:500], package_id=kept.pk)
    if updates.get("status") in (DeliveryStatus.REGISTERED, DeliveryStatus.RETURNED):
        notify.later("receipt", delivery_id=delivery.pk)
