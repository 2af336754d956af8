"""The shared part of the documents policy: who sees a unit's register or leads a unit, confidential grants
(django-guardian, on the Document), and the electronic deliveries waiting for a unit's clerk. Each part's own
policy (incoming/policy.py, outgoing/policy.py, meetings/policy.py) builds on these."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import Role, User
from documents.core.models import Delivery, DeliveryStatus, Document, DocumentUserObjectPermission

VIEW_CONFIDENTIAL = "view_confidential"
REGISTER_ROLES = {Role.CLERK, Role.HEAD, Role.DEPUTY_HEAD, Role.LEADER}
LEADING_ROLES = {Role.HEAD, Role.DEPUTY_HEAD, Role.LEADER}


def sees_unit_register(user: User) -> bool:
    return user.is_active and user.unit_id is not None and user.role in REGISTER_ROLES


def leads_unit(user: User) -> bool:
    """Thủ trưởng/phó or a district leader: may direct and assign within the unit."""
    return user.is_active and user.unit_id is not None and user.role in LEADING_ROLES


def is_clerk_of(user: User, unit_id: int | None) -> bool:
    return user.is_active and user.role == Role.CLERK and unit_id is not None and user.unit_id == unit_id


def granted_document_ids(user: User):
    """Subquery of documents explicitly granted to the user (one indexed lookup)."""
    return DocumentUserObjectPermission.objects.filter(user_id=user.pk, permission__codename=VIEW_CONFIDENTIAL).values(
        "content_object_id"
    )


def has_grant(user: User, document: Document) -> bool:
    return DocumentUserObjectPermission.objects.filter(
        user_id=user.pk, content_object_id=document.pk, permission__codename=VIEW_CONFIDENTIAL
    ).exists()


# --- Electronic arrivals (Chờ vào sổ) ------------------------------------------------------------------


def pending_deliveries_for(user: User) -> QuerySet[Delivery]:
    """Deliveries waiting in the clerk's "Chờ vào sổ"; only the receiving unit's clerk sees them."""
    if user.role != Role.CLERK or not user.is_active or user.unit_id is None:
        return Delivery.objects.none()
    return Delivery.objects.filter(
        recipient_unit_id=user.unit_id, electronic=True, status__in=[DeliveryStatus.SENT, DeliveryStatus.OPENED]
    )


def can_receive(user: User, delivery: Delivery) -> bool:
    return (
        is_clerk_of(user, delivery.recipient_unit_id)
        and delivery.electronic
        and delivery.status
        in (
            DeliveryStatus.SENT,
            DeliveryStatus.OPENED,
        )
    )
