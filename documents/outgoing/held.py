"""Deliveries held for the agency's signature (issue 16).

A document issued from a draft the leader signed is the original only with the agency's signature too (NĐ30
Art. 8), and that signature is applied after the number commits. Until it succeeds the document's electronic
deliveries — here and to peer systems — exist ("Chờ ký số cơ quan" on the issuing clerk's page) but are not
delivered: no recipient lists, searches or is notified of them, no package leaves. When the agency signs (at issue,
or at the clerk's "Ký lại" after a failure) they go out once, with their notifications; a document cancelled or
recalled meanwhile never sends them.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from documents.core import audit, liaison, notify, roles
from documents.core.models import Delivery, DeliveryStatus, Document
from documents.core.services import grant_confidential


def pending(document: Document) -> int:
    """How many of the document's deliveries wait for the agency's signature (for the issuing clerk's page)."""
    return document.deliveries.filter(status=DeliveryStatus.HELD).count()


def release(document: Document, *, by: User | None = None) -> list[int]:
    """Send the held deliveries of a document the agency has signed: those to peers to the worker, the others
    "Đã gửi" now with their notifications. Safe to call twice (the second finds nothing held). Returns the ids of
    the deliveries released here (not those to peers)."""
    with transaction.atomic():
        document = Document.objects.select_for_update().get(pk=document.pk)
        if document.cancelled_at or document.recalled_at:
            return []
        held = Delivery.objects.filter(document=document, status=DeliveryStatus.HELD)
        now = timezone.now()
        count = held.update(sent_at=now)  # the recipients' arrival: when it reaches them, not when numbered
        if not count:
            return []
        to_peers = liaison.released(document)
        local = list(held.exclude(pk__in=to_peers).values_list("pk", flat=True))
        Delivery.objects.filter(pk__in=local).update(status=DeliveryStatus.SENT)
        if document.is_confidential:
            units = Delivery.objects.filter(pk__in=local).values("recipient_unit_id")
            grant_confidential(User.objects.filter(roles.clerks(), unit__in=units), document)
        audit.record(by or document.issued_by, "deliveries_released", document, deliveries=count)
        for pk in local:
            notify.later("delivered", delivery_id=pk)
    return local


def withdraw(document: Document) -> None:
    """A held document cancelled or recalled: its held deliveries are withdrawn, with nothing for the recipients
    to acknowledge (they never received it). Inside the caller's transaction."""
    document.deliveries.filter(status=DeliveryStatus.HELD).update(
        status=DeliveryStatus.RECALLED, recall_acknowledged_at=timezone.now()
    )
