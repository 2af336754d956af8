"""Reads every part shares: list rows as dicts, and the recalls a receiving clerk must acknowledge."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import User
from documents.core import roles
from documents.core.models import Delivery, DeliveryStatus


class Row(dict):
    """A list row for a template: a dict (the template engine looks a key up at once, where on a model instance
    every lookup first fails as a subscript, an exception, before getattr), readable as attributes in Python."""

    def __getattr__(self, name: str):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


def recalls_to_acknowledge(user: User) -> QuerySet[Delivery]:
    if not roles.is_clerk(user):
        return Delivery.objects.none()
    return Delivery.objects.filter(
        recipient_unit_id=user.unit_id,
        status=DeliveryStatus.RECALLED,
        recall_acknowledged_at__isnull=True,
        electronic=True,
    ).select_related("document", "sender_unit")
