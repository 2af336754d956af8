"""The one permission policy for documents: `visible_to(user)` for lists, search, counts and exports;
`can(user, action, obj)` for details and actions. Both derive from the same relations, so a list never shows
what the detail would refuse.

Relations:
- the unit's register: its clerk, its head and deputies, and (for UBND huyện) the district leaders;
- personal: records submitted to me, assigned to me, or assigned to my unit when I am its head or deputy;
- confidential documents (độ mật) only through an explicit django-guardian grant on the Document, which the
  flow itself gives (the registering clerk, the leader a record is submitted to, the people assigned) and a
  clerk or head may give by hand.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.models import Role, User
from documents.models import (
    AssignmentRole,
    AssignmentStatus,
    Delivery,
    DeliveryStatus,
    Document,
    DocumentUserObjectPermission,
    IncomingRecord,
    IncomingStatus,
    Secrecy,
)

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


def _relations(user: User) -> Q:
    rel = Q(submitted_to_id=user.pk) | Q(assignments__assignee_user_id=user.pk)
    if sees_unit_register(user):
        rel |= Q(unit_id=user.unit_id)
    if leads_unit(user):
        rel |= Q(assignments__assignee_unit_id=user.unit_id)
    return rel


def visible_to(user: User, qs: QuerySet[IncomingRecord] | None = None) -> QuerySet[IncomingRecord]:
    """Incoming records the user may see. One `id IN (subquery)` so rows never duplicate."""
    qs = IncomingRecord.objects.all() if qs is None else qs
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    open_ids = IncomingRecord.objects.filter(_relations(user), secrecy=Secrecy.NONE).values("pk")
    granted = Q(secrecy__gt=Secrecy.NONE, document_id__in=granted_document_ids(user))
    return qs.filter(Q(pk__in=open_ids) | granted)


def has_grant(user: User, document: Document) -> bool:
    return DocumentUserObjectPermission.objects.filter(
        user_id=user.pk, content_object_id=document.pk, permission__codename=VIEW_CONFIDENTIAL
    ).exists()


def can_view(user: User, record: IncomingRecord) -> bool:
    return visible_to(user).filter(pk=record.pk).exists()


def _lead_assignment_for(user: User, record: IncomingRecord):
    for a in record.assignments.all():
        if a.role != AssignmentRole.LEAD:
            continue
        if a.assignee_user_id == user.pk:
            return a
        if a.assignee_user_id is None and a.assignee_unit_id == user.unit_id and leads_unit(user):
            return a
    return None


def handler_assignments(user: User, record: IncomingRecord) -> list:
    """The assignments through which the user handles the record (chủ trì or phối hợp)."""
    mine = []
    for a in record.assignments.all():
        if a.role == AssignmentRole.INFORM:
            continue
        if a.assignee_user_id == user.pk or (
            a.assignee_user_id is None and a.assignee_unit_id == user.unit_id and leads_unit(user)
        ):
            mine.append(a)
    return mine


def can(user: User, action: str, record: IncomingRecord) -> bool:
    """May the user do `action` on this incoming record now? (False for illegal transitions too.)"""
    if not can_view(user, record):
        return False
    status = record.status
    if action == "view":
        return True
    if action == "submit":
        return is_clerk_of(user, record.unit_id) and status in (IncomingStatus.REGISTERED, IncomingStatus.SUBMITTED)
    if action in ("direct", "forward"):
        return status == IncomingStatus.SUBMITTED and record.submitted_to_id == user.pk and leads_unit(user)
    if action == "reassign":
        # A leader who directed may adjust assignments while the work is open.
        return status == IncomingStatus.IN_PROGRESS and leads_unit(user) and user.unit_id == record.unit_id
    if action == "delegate":
        return status == IncomingStatus.IN_PROGRESS and any(
            a.assignee_unit_id == user.unit_id and a.assignee_user_id is None and leads_unit(user)
            for a in record.assignments.all()
            if a.role != AssignmentRole.INFORM and a.status != AssignmentStatus.DONE
        )
    if action == "note":
        return status == IncomingStatus.IN_PROGRESS and bool(handler_assignments(user, record))
    if action == "complete":
        lead = _lead_assignment_for(user, record)
        return status == IncomingStatus.IN_PROGRESS and lead is not None and lead.status != AssignmentStatus.DONE
    if action == "grant":
        return record.confidential and (
            is_clerk_of(user, record.unit_id) or (leads_unit(user) and user.unit_id == record.unit_id)
        )
    if action == "export":
        return sees_unit_register(user) and user.unit_id == record.unit_id
    return False


def require(user: User, action: str, record: IncomingRecord) -> None:
    """404 when the record is hidden from the user, 403 when only the action is refused."""
    if not can_view(user, record):
        raise Http404
    if not can(user, action, record):
        raise PermissionDenied


def get_visible_or_404(user: User, pk: int, qs: QuerySet[IncomingRecord] | None = None) -> IncomingRecord:
    record = visible_to(user, qs).filter(pk=pk).first()
    if record is None:
        raise Http404
    return record


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


def can_view_document_file(user: User, document: Document) -> bool:
    """A file may be downloaded by anyone who may see a record or a pending delivery of its document."""
    if visible_to(user).filter(document_id=document.pk).exists():
        return True
    # The receiving clerk reads a delivery before registering it (dispatch is the grant for that unit).
    return pending_deliveries_for(user).filter(document_id=document.pk).exists()
