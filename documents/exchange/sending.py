"""Liên thông, sending documents: packages of issued documents built and stored, then sent from the worker with
bounded retries; the sender's conditional state changes make sure the same package is never sent twice at once."""

from __future__ import annotations

import datetime
import json
import logging
import urllib.error
import urllib.request
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from documents.core import audit, notify, roles
from documents.core.models import Delivery, DeliveryStatus, Document
from documents.exchange import edxml
from documents.exchange.models import Direction, Link, Package, PackageState, Peer
from documents.exchange.store import TASKS, active_peers, enqueue_send, keep, peer_for

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
# Seconds before the next attempt after the n-th failure (growing; the last failure marks the delivery Gửi lỗi).
RETRY_DELAYS = (30, 120, 600, 1800, 3600)
SEND_TIMEOUT = 30
CLAIM_SECONDS = 300  # a claimed attempt not finished by then (worker killed) may be tried again


# --- Sending documents ---------------------------------------------------------------------------------------


def dispatch(document: Document, deliveries: Sequence[Delivery], *, held: bool = False) -> None:
    """Deliveries to units behind a peer become electronic ("Đang gửi liên thông"); their packages are built and
    sent from the worker once the issuing transaction has committed (the number and official PDF exist then).
    Held (the agency's signature is still to come): linked and electronic but "Chờ ký số cơ quan", nothing
    queued; `release` sends them once the agency has signed."""
    if document.is_confidential:
        return  # classified content never crosses the network: paper (DOMAIN.md)
    peers = active_peers()
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
    status = DeliveryStatus.HELD if held else DeliveryStatus.SENDING
    Delivery.objects.filter(pk__in=linked).update(status=status, electronic=True)
    if not held:
        _enqueue_send(document.pk)


def release(document: Document) -> list[int]:
    """The held deliveries of the document to units behind a peer: "Đang gửi liên thông" and queued for the
    worker (after the caller's commit). Their ids."""
    ids = list(
        Delivery.objects.filter(
            document=document, status=DeliveryStatus.HELD, exchange__direction=Direction.OUT
        ).values_list("pk", flat=True)
    )
    if ids:
        Delivery.objects.filter(pk__in=ids, status=DeliveryStatus.HELD).update(status=DeliveryStatus.SENDING)
        _enqueue_send(document.pk)
    return ids


def _enqueue_send(pk: int) -> None:
    def enqueue() -> None:
        from django_q.tasks import async_task

        async_task(f"{TASKS}.send_document", pk, task_name=f"exchange-document-{pk}")

    transaction.on_commit(enqueue)


# The deliveries that got the document: an update goes to these (one still being sent gets it in its package).
GOT_IT = (DeliveryStatus.SENT, DeliveryStatus.OPENED, DeliveryStatus.REGISTERED)


def prepare_document(document_pk: int, business: edxml.Business | None = None, update_key: str = "") -> list[int]:
    """Build and store the package of each linked delivery of the document that has none yet (of this business
    type, and for an update this update); returns the packages to send. Safe to run twice."""
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
        if update_key and (link.delivery.status not in GOT_IT or not link.document_id):
            continue
        with transaction.atomic():
            link = Link.objects.select_for_update().select_related("delivery__recipient_unit", "peer").get(pk=link.pk)
            done = Package.objects.filter(
                delivery=link.delivery,
                direction=Direction.OUT,
                kind="document",
                business_doc_type=doc_type,
                update_key=update_key,
            ).first()
            if done is not None:
                continue
            package = package_for_issued(document, [link.delivery.recipient_unit], business=business)
            data = edxml.build(package)
            stored = keep(
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
                update_key=update_key,
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
            enqueue_send(package)
    package.refresh_from_db()
    return package


def failure_recipients(package: Package) -> list[int]:
    """Who is told of a Gửi lỗi: the sending unit's clerk and the administrators."""
    ids = set(User.objects.filter(roles.administrators()).values_list("pk", flat=True))
    if package.delivery_id:
        sender = Delivery.objects.filter(pk=package.delivery_id).values_list("sender_unit_id", flat=True).first()
        ids |= set(User.objects.filter(roles.clerks(), unit_id=sender).values_list("pk", flat=True))
    return sorted(ids)
