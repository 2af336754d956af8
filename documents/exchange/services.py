"""Liên thông: sending our documents and statuses to peer systems as edXML packages, and receiving theirs.

Every package, either way, is stored (Package, its XML in the file store) before anything else happens to it.
Sending runs in the worker (tasks.py), with bounded retries; the receiver's unique constraint and the sender's
conditional state changes make sure the same DocumentId is never delivered twice.
"""

from __future__ import annotations

import datetime
import json
import logging
import re
import urllib.error
import urllib.request
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.models import User
from documents.core import audit, files, notify, roles
from documents.core.models import Delivery, DeliveryStatus, DocType, Document, DocumentFile, Urgency
from documents.exchange import edxml
from documents.exchange.edxml import EdxmlError, StatusCode
from documents.exchange.models import Direction, Link, Package, PackageState, Peer
from units.models import Unit, UnitKind

log = logging.getLogger(__name__)

TASKS = "documents.exchange.tasks"
MAX_ATTEMPTS = 6
# Seconds before the next attempt after the n-th failure (growing; the last failure marks the delivery Gửi lỗi).
RETRY_DELAYS = (30, 120, 600, 1800, 3600)
SEND_TIMEOUT = 30
CLAIM_SECONDS = 300  # a claimed attempt not finished by then (worker killed) may be tried again


# --- Peers ---------------------------------------------------------------------------------------------------


def _active_peers() -> list[Peer]:
    return list(Peer.objects.filter(active=True).prefetch_related("units").order_by("pk"))


def peer_for(unit: Unit, peers: Sequence[Peer] | None = None) -> Peer | None:
    for peer in _active_peers() if peers is None else peers:
        if any(u.pk == unit.pk for u in peer.units.all()) or (unit.organ_id and unit.organ_id in peer.listed_codes()):
            return peer
    return None


def reached_by_peer(units: Iterable[Unit]) -> set[int]:
    """Ids of the units an active peer reaches (they count as on the system for the paper rule)."""
    units = list(units)
    if not units:
        return set()
    peers = _active_peers()
    return {u.pk for u in units if peer_for(u, peers) is not None}


def peer_by_token(raw: str) -> Peer | None:
    from documents.exchange.models import hash_token

    if not raw:
        return None
    return Peer.objects.filter(active=True, inbound_token_hash=hash_token(raw)).first()


# --- Storing packages ----------------------------------------------------------------------------------------


def _store_xml(data: bytes, name: str):
    return files.store(SimpleUploadedFile(name, data, content_type="application/xml"))


def _keep(
    *, direction: str, data: bytes, state: str, peer: Peer | None, kind: str, document_id: str = "", **fields
) -> Package:
    package = Package(
        direction=direction,
        peer=peer,
        kind=kind,
        document_id=document_id[:255],
        blob=_store_xml(data, "goi-tin.xml") if data else None,
        size=len(data),
        state=state,
        **fields,
    )
    package.save(force_insert=True)
    return package


def _enqueue_send(package: Package) -> None:
    pk = package.pk

    def enqueue() -> None:
        from django_q.tasks import async_task

        async_task(f"{TASKS}.send_package", pk, task_name=f"exchange-send-{pk}")

    transaction.on_commit(enqueue)


# --- Sending documents ---------------------------------------------------------------------------------------


def dispatch(document: Document, deliveries: Sequence[Delivery]) -> None:
    """Deliveries to units behind a peer become electronic ("Đang gửi liên thông"); their packages are built and
    sent from the worker once the issuing transaction has committed (the number and official PDF exist then)."""
    if document.is_confidential:
        return  # classified content never crosses the network: paper (DOMAIN.md)
    peers = _active_peers()
    if not peers:
        return
    linked = []
    for delivery in deliveries:
        unit = delivery.recipient_unit
        if unit.is_on_system() or not unit.organ_id:
            continue
        peer = peer_for(unit, peers)
        if peer is None:
            continue
        if delivery.pk is None:
            delivery = Delivery.objects.get(document=document, recipient_unit=unit)
        Link.objects.create(delivery=delivery, peer=peer, direction=Direction.OUT, organ_id=unit.organ_id)
        linked.append(delivery.pk)
    if not linked:
        return
    Delivery.objects.filter(pk__in=linked).update(status=DeliveryStatus.SENDING, electronic=True)
    pk = document.pk

    def enqueue() -> None:
        from django_q.tasks import async_task

        async_task(f"{TASKS}.send_document", pk, task_name=f"exchange-document-{pk}")

    transaction.on_commit(enqueue)


def prepare_document(document_pk: int, business: edxml.Business | None = None) -> list[int]:
    """Build and store the package of each linked delivery of the document that has none yet (of this business
    type); returns the packages to send. Safe to run twice."""
    from documents.exchange.packages import package_for_issued

    document = Document.objects.select_related("issuer_unit", "issued_by", "replaces").get(pk=document_pk)
    doc_type = int(business.doc_type) if business else (3 if document.replaces_id else 0)
    links = Link.objects.filter(delivery__document=document, direction=Direction.OUT).select_related(
        "delivery__recipient_unit", "peer"
    )
    ready = []
    for link in links:
        if business is None and link.delivery.status not in (DeliveryStatus.SENDING, DeliveryStatus.FAILED):
            continue
        with transaction.atomic():
            link = Link.objects.select_for_update().select_related("delivery__recipient_unit", "peer").get(pk=link.pk)
            done = Package.objects.filter(
                delivery=link.delivery, direction=Direction.OUT, kind="document", business_doc_type=doc_type
            ).first()
            if done is not None:
                continue
            package = package_for_issued(document, [link.delivery.recipient_unit], business=business)
            data = edxml.build(package)
            stored = _keep(
                direction=Direction.OUT,
                data=data,
                state=PackageState.PENDING,
                peer=link.peer,
                kind="document",
                document_id=package.document_id,
                business_doc_type=doc_type,
                from_organ=package.from_organ.organ_id,
                to_organ=link.organ_id,
                delivery=link.delivery,
                next_attempt_at=timezone.now(),
            )
            if link.document_id != package.document_id:
                link.document_id = package.document_id
                link.save(update_fields=["document_id"])
            audit.record(
                None, "exchange_queued", link.delivery, package_id=stored.pk, kind="document", business=doc_type
            )
            ready.append(stored.pk)
    return ready


def _post(peer: Peer, data: bytes) -> tuple[int, str]:
    request = urllib.request.Request(
        peer.base_url,
        data=data,
        method="POST",
        headers={"Content-Type": "application/xml; charset=utf-8", "Authorization": f"Bearer {peer.outbound_token}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=SEND_TIMEOUT) as response:  # noqa: S310 (the admin's URL)
            return response.status, response.read(64 * 1024).decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(64 * 1024).decode("utf-8", "replace")


def _reason(body: str) -> str:
    try:
        return str(json.loads(body).get("error") or body)[:1000]
    except (ValueError, AttributeError):
        return body[:1000]


def send_package(package_pk: int) -> str:
    """One attempt at sending a stored package. The attempt is claimed by a conditional update, so two workers
    never send it at once, and the package is marked sent only on the peer's 200."""
    now = timezone.now()
    package = Package.objects.select_related("peer", "blob").filter(pk=package_pk).first()
    if package is None or package.state != PackageState.PENDING:
        return "nothing to do"
    claimed = Package.objects.filter(pk=package.pk, state=PackageState.PENDING, attempts=package.attempts).update(
        attempts=package.attempts + 1, next_attempt_at=now + datetime.timedelta(seconds=CLAIM_SECONDS)
    )
    if not claimed:
        return "claimed by another worker"
    attempt = package.attempts + 1
    with package.blob.content.open("rb") as stream:
        data = stream.read()
    permanent = False
    try:
        status, body = _post(package.peer, data)
        error = "" if status == 200 else f"HTTP {status}: {_reason(body)}"
        # A refusal the peer explained (400, 403, 413) will not change by retrying; anything else may.
        permanent = status in (400, 401, 403, 404, 413)
    except (OSError, ValueError) as exc:
        error = _("Không kết nối được %(peer)s: %(e)s") % {"peer": package.peer.name, "e": exc}
    if not error:
        _sent(package)
        return "sent"
    if permanent or attempt >= MAX_ATTEMPTS:
        _failed(package, error)
        return "failed"
    delay = RETRY_DELAYS[min(attempt - 1, len(RETRY_DELAYS) - 1)]
    next_at = timezone.now() + datetime.timedelta(seconds=delay)
    Package.objects.filter(pk=package.pk).update(last_error=error, next_attempt_at=next_at)
    _schedule(package.pk, next_at)
    return f"retry at {next_at.isoformat()}"


def _schedule(package_pk: int, at: datetime.datetime) -> None:
    from django_q.models import Schedule
    from django_q.tasks import schedule

    schedule(
        f"{TASKS}.send_package",
        package_pk,
        schedule_type=Schedule.ONCE,
        next_run=at,
        repeats=1,
        name=f"exchange-retry-{package_pk}-{at.timestamp():.0f}",
    )


def _sent(package: Package) -> None:
    with transaction.atomic():
        updated = Package.objects.filter(pk=package.pk, state=PackageState.PENDING).update(
            state=PackageState.SENT, sent_at=timezone.now(), last_error="", next_attempt_at=None
        )
        if updated and package.delivery_id and package.kind == "document":
            Delivery.objects.filter(
                pk=package.delivery_id, status__in=[DeliveryStatus.SENDING, DeliveryStatus.FAILED]
            ).update(status=DeliveryStatus.SENT)
            audit.record(None, "exchange_sent", Delivery(pk=package.delivery_id), package_id=package.pk)


def _failed(package: Package, error: str) -> None:
    with transaction.atomic():
        Package.objects.filter(pk=package.pk, state=PackageState.PENDING).update(
            state=PackageState.FAILED, last_error=error, next_attempt_at=None
        )
        if package.delivery_id and package.kind == "document":
            Delivery.objects.filter(pk=package.delivery_id, status=DeliveryStatus.SENDING).update(
                status=DeliveryStatus.FAILED
            )
            audit.record(None, "exchange_failed", Delivery(pk=package.delivery_id), package_id=package.pk, error=error)
        notify.later("exchange_failed", package_id=package.pk)


def send_due(now: datetime.datetime | None = None) -> int:
    """Every pending package whose time has come (a worker killed mid-attempt, or a lost schedule)."""
    now = now or timezone.now()
    due = list(
        Package.objects.filter(direction=Direction.OUT, state=PackageState.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:500]
    )
    for pk in due:
        send_package(pk)
    return len(due)


def resend(package: Package) -> Package:
    """An administrator (or the clerk) tries a failed package again: a fresh round of attempts."""
    with transaction.atomic():
        updated = Package.objects.filter(pk=package.pk, direction=Direction.OUT, state=PackageState.FAILED).update(
            state=PackageState.PENDING, attempts=0, next_attempt_at=timezone.now()
        )
        if updated and package.delivery_id and package.kind == "document":
            Delivery.objects.filter(pk=package.delivery_id, status=DeliveryStatus.FAILED).update(
                status=DeliveryStatus.SENDING
            )
        if updated:
            _enqueue_send(package)
    package.refresh_from_db()
    return package


def failure_recipients(package: Package) -> list[int]:
    """Who is told of a Gửi lỗi: the sending unit's clerk and the administrators."""
    ids = set(User.objects.filter(roles.administrators()).values_list("pk", flat=True))
    if package.delivery_id:
        sender = Delivery.objects.filter(pk=package.delivery_id).values_list("sender_unit_id", flat=True).first()
        ids |= set(User.objects.filter(roles.clerks(), unit_id=sender).values_list("pk", flat=True))
    return sorted(ids)


# --- Sending statuses ----------------------------------------------------------------------------------------

ONCE_CODES = {"04", "05", "06", "03", "01"}


def _status_package(link: Link, code: str, description: str, staff: User | None = None) -> edxml.StatusPackage:
    from documents.exchange.packages import organ_of

    delivery = link.delivery
    local = _local_unit(link)
    return edxml.StatusPackage(
        from_organ=organ_of(local),
        response_for=edxml.ResponseFor(organ_id=link.organ_id if link.direction == Direction.IN else local.organ_id,
                                       code=delivery.document.number_symbol,
                                       promulgation_date=delivery.document.issued_date,
                                       document_id=link.document_id),
        status_code=StatusCode(code),
        description=description,
        timestamp=timezone.now().replace(microsecond=0),
        staff=edxml.StaffInfo(
            department=local.name, staff=staff.full_name if staff else "", email=staff.email if staff else ""
        ),
        to_organs=[edxml.Organ(organ_id=link.organ_id)],
    )  # fmt: skip


def _local_unit(link: Link) -> Unit:
    """Our side of the link: the recipient of what came in, the sender of what went out."""
    return link.delivery.recipient_unit if link.direction == Direction.IN else link.delivery.sender_unit


def queue_status(link: Link, code: str, description: str = "") -> Package | None:
    """Store a status package for the other side of `link` and send it once the transaction commits."""
    if code in ONCE_CODES and code in link.codes_sent:
        return None
    data = edxml.build(_status_package(link, code, description))
    package = _keep(
        direction=Direction.OUT,
        data=data,
        state=PackageState.PENDING,
        peer=link.peer,
        kind="status",
        document_id=link.document_id,
        status_code=code,
        from_organ=_local_unit(link).organ_id,
        to_organ=link.organ_id,
        delivery=link.delivery,
        next_attempt_at=timezone.now(),
    )
    Link.objects.filter(pk=link.pk).update(codes_sent=[*link.codes_sent, code])
    link.codes_sent = [*link.codes_sent, code]
    audit.record(None, "exchange_status_queued", link.delivery, package_id=package.pk, code=code)
    _enqueue_send(package)
    return package


def came_from_peer(delivery: Delivery) -> bool:
    return Link.objects.filter(delivery_id=delivery.pk, direction=Direction.IN).exists()


def status_changed(delivery: Delivery, code: str, description: str = "") -> None:
    """The incoming flow's hook (documents/core/liaison.py): a delivery that came from a peer changed state."""
    link = (
        Link.objects.filter(delivery_id=delivery.pk, direction=Direction.IN)
        .select_related("peer", "delivery__document", "delivery__recipient_unit", "delivery__sender_unit")
        .first()
    )
    if link is None or not link.peer.active:
        return
    queue_status(link, code, description)


def recalled(document: Document) -> None:
    """The outgoing flow's recall hook: every peer delivery gets status 13 now and the revocation package from
    the worker (it carries the document again, with BussinessDocType 1)."""
    links = list(
        Link.objects.filter(delivery__document=document, direction=Direction.OUT)
        .exclude(document_id="")
        .select_related("peer", "delivery__document", "delivery__recipient_unit", "delivery__sender_unit")
    )
    if not links:
        return
    for link in links:
        queue_status(link, StatusCode.RECALL_REQUESTED, document.recall_reason)
    pk = document.pk
    transaction.on_commit(lambda: _enqueue_recall(pk))


def _enqueue_recall(document_pk: int) -> None:
    from django_q.tasks import async_task

    async_task(f"{TASKS}.send_recall", document_pk, task_name=f"exchange-recall-{document_pk}")


def send_recall(document_pk: int) -> list[int]:
    document = Document.objects.get(pk=document_pk)
    business = edxml.Business(doc_type=edxml.BusinessDocType.REVOCATION, reason=document.recall_reason)
    return prepare_document(document_pk, business=business)


# --- Receiving -----------------------------------------------------------------------------------------------


@dataclass
class Answer:
    status: int
    body: dict


_DOC_ID = re.compile(rb"<(?:\w+:)?DocumentId>\s*([^<]{1,255}?)\s*</(?:\w+:)?DocumentId>")
_FROM = re.compile(rb"<(?:\w+:)?From>.*?<(?:\w+:)?OrganId>\s*([^<]{1,64}?)\s*</", re.S)


def _identify(data: bytes) -> tuple[str, str]:
    """DocumentId and From/OrganId of a package the parser refused, when they can still be seen in it."""
    head = data[: 256 * 1024]
    doc, frm = _DOC_ID.search(head), _FROM.search(head)
    decode = lambda m: m.group(1).decode("utf-8", "replace").strip() if m else ""  # noqa: E731
    return decode(doc), decode(frm)


def receive(peer: Peer, data: bytes) -> Answer:
    """A package posted by `peer`: kept, checked, and applied in one transaction (or refused whole)."""
    try:
        package = edxml.parse(data)
    except EdxmlError as exc:
        document_id, from_organ = _identify(data)
        with transaction.atomic():
            kept = _keep(
                direction=Direction.IN, data=data, state=PackageState.REFUSED, peer=peer, kind="unknown",
                document_id=document_id, from_organ=from_organ, last_error=str(exc),
            )  # fmt: skip
            _refuse_back(peer, document_id, from_organ, str(exc))
        log.info("exchange: refused package %s from %s: %s", kept.pk, peer, exc)
        return Answer(400, {"error": str(exc), "status": StatusCode.REFUSED.value})
    if package.from_organ.organ_id not in peer.codes():
        refusal = _("Hệ thống gửi không được gửi thay cơ quan %(o)s.") % {"o": package.from_organ.organ_id}
        return Answer(403, {"error": refusal})
    if isinstance(package, edxml.StatusPackage):
        return _receive_status(peer, package, data)
    return _receive_document(peer, package, data)


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
    package = _keep(
        direction=Direction.OUT, data=edxml.build(status), state=PackageState.PENDING, peer=peer, kind="status",
        document_id=document_id, status_code="02", from_organ=local.organ_id, to_organ=from_organ,
        next_attempt_at=timezone.now(),
    )  # fmt: skip
    _enqueue_send(package)


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
        upload = SimpleUploadedFile(attachment.name[:255] or "tep", attachment.data, attachment.content_type)
        try:
            files.validate_upload(upload)
        except ValidationError as exc:
            raise EdxmlError(" ".join(exc.messages)) from exc
        uploads.append(upload)
    return uploads


def _check_signatures(uploads: Sequence[SimpleUploadedFile]) -> None:
    """Every signature in the PDFs must be intact, valid and not revoked; an unsigned file passes (a peer on an
    older system may send one), and an untrusted chain is shown to the clerk by the file's own check."""
    from documents.signing.errors import SigningError
    from documents.signing.models import trust_store
    from documents.signing.verify import verify_pdf

    pdfs = [u for u in uploads if u.name.lower().endswith(".pdf")]
    if not pdfs:
        return
    roots, crls = trust_store()
    for upload in pdfs:
        upload.seek(0)
        data = upload.read()
        upload.seek(0)
        if b"/ByteRange" not in data:
            continue
        try:
            results = verify_pdf(data, trusted_roots=roots, crls=crls)
        except SigningError as exc:
            raise EdxmlError(str(exc.message)) from exc
        bad = [r for r in results if not r.valid or r.revoked]
        if bad:
            raise EdxmlError(
                _("Chữ ký số trong tệp “%(f)s” không hợp lệ: %(s)s") % {"f": upload.name, "s": bad[0].summary}
            )


def _received_before(peer: Peer, package: edxml.DocumentPackage) -> bool:
    return Package.objects.filter(
        direction=Direction.IN, kind="document", state=PackageState.RECEIVED, peer=peer,
        document_id=package.document_id, business_doc_type=int(package.business.doc_type),
    ).exists()  # fmt: skip


def _receive_document(peer: Peer, package: edxml.DocumentPackage, data: bytes) -> Answer:
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
        _check_signatures(uploads)
        with transaction.atomic():
            kept = _keep_received(peer, package, data)
            _land(peer, package, uploads, local, kept)
    except IntegrityError:
        if _received_before(peer, package):
            return ok  # a concurrent twin won the race
        raise
    except EdxmlError as exc:
        with transaction.atomic():
            _keep(
                direction=Direction.IN, data=data, state=PackageState.REFUSED, peer=peer, kind="document",
                document_id=package.document_id, business_doc_type=int(package.business.doc_type),
                from_organ=package.from_organ.organ_id, to_organ=",".join(wanted)[:255], last_error=str(exc),
            )  # fmt: skip
            _refuse_back(peer, package.document_id, package.from_organ.organ_id, str(exc), local)
        return Answer(400, {"error": str(exc), "status": StatusCode.REFUSED.value})
    return ok


def _keep_received(peer: Peer, package: edxml.DocumentPackage, data: bytes) -> Package:
    return _keep(
        direction=Direction.IN, data=data, state=PackageState.RECEIVED, peer=peer, kind="document",
        document_id=package.document_id, business_doc_type=int(package.business.doc_type),
        from_organ=package.from_organ.organ_id, to_organ=",".join(o.organ_id for o in package.to_organs)[:255],
    )  # fmt: skip


def _land(
    peer: Peer, package: edxml.DocumentPackage, uploads: Sequence[SimpleUploadedFile], local: Sequence[Unit], kept
) -> None:
    """The document lands in each addressed unit's Chờ vào sổ, as a local electronic delivery does, with 01 back."""
    sender = _sender_unit(package.from_organ, peer)
    document = Document.objects.create(
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
    for upload in uploads:
        DocumentFile.objects.create(document=document, blob=files.store(upload), name=upload.name[:255])
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
            or not roles.is_clerk_of(clerk, delivery.recipient_unit_id)
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


def _receive_status(peer: Peer, status: edxml.StatusPackage, data: bytes) -> Answer:
    document_id, code = status.response_for.document_id, status.status_code.value
    with transaction.atomic():
        kept = _keep(
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
