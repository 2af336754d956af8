"""Liên thông, sending statuses: status packages (01–16) for the other side of a link, and the recall hook."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from documents.core import audit
from documents.core.models import Delivery, Document, DocumentUpdate
from documents.exchange import edxml
from documents.exchange.edxml import StatusCode
from documents.exchange.models import Direction, Link, Package, PackageState
from documents.exchange.sending import prepare_document
from documents.exchange.store import TASKS, enqueue_send, keep
from units.models import Unit

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
    package = keep(
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
    enqueue_send(package)
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


def updated(document: Document, update: DocumentUpdate) -> None:
    """The outgoing flow's update hook: the update package (BussinessDocType 2, the document's own DocumentId)
    is built and sent from the worker to every peer delivery that got the document."""
    if not Link.objects.filter(delivery__document=document, direction=Direction.OUT).exclude(document_id="").exists():
        return
    pk = update.pk

    def enqueue() -> None:
        from django_q.tasks import async_task

        async_task(f"{TASKS}.send_update", pk, task_name=f"exchange-update-{pk}")

    transaction.on_commit(enqueue)


def update_key(update: DocumentUpdate) -> str:
    return f"u{update.pk}"


def send_update(update_pk: int) -> list[int]:
    update = DocumentUpdate.objects.get(pk=update_pk)
    business = edxml.Business(
        doc_type=edxml.BusinessDocType.UPDATE, reason=update.reason, document_info="1", document_receiver="0"
    )
    return prepare_document(update.document_id, business=business, update_key=update_key(update))
