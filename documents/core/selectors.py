"""Reads every part shares: list rows as dicts, a deadline's colour, and the recalls a receiving clerk must
acknowledge."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet

from accounts.models import User
from documents.core import policy
from documents.core.models import Delivery, DeliveryStatus


class Row(dict):
    """A list row for a template: a dict (the template engine looks a key up at once, where on a model instance
    every lookup first fails as a subscript, an exception, before getattr), readable as attributes in Python."""

    def __getattr__(self, name: str):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


def due_css(due: datetime.date | None, today: datetime.date, status: str = "") -> str:
    """A deadline's colour (SCREENS.md): overdue red, due within a day amber; nothing once done."""
    if not due or status == "done":
        return ""
    if due < today:
        return "text-danger fw-semibold"
    if (due - today).days <= 1:
        return "text-warning-emphasis fw-semibold"
    return ""


def recalls_to_acknowledge(user: User) -> QuerySet[Delivery]:
    """The recall notices on top of Văn bản đến, with only what they show (the list asks on every page)."""
    if not policy.deliveries.can_for_unit(user, policy.ANSWER_RECALL):
        return Delivery.objects.none()
    return (
        Delivery.objects.filter(
            recipient_unit_id=user.unit_id,
            status=DeliveryStatus.RECALLED,
            recall_acknowledged_at__isnull=True,
            electronic=True,
        )
        # (exchange: a liên thông delivery's package, whose notice may be refused; joined, not asked per notice.)
        .select_related("document", "sender_unit", "exchange")
        .only(
            "exchange__id",
            "document__number_symbol",
            "document__doc_type",
            "document__summary",
            "document__recall_reason",
            "sender_unit__name",
        )
    )
