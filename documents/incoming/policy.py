"""The policy for incoming records: `visible_to(user)` for lists, search, counts and exports;
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

from accounts.models import User
from documents.core.models import Secrecy
from documents.core.policy import granted_document_ids, is_clerk_of, leads_unit, sees_unit_register
from documents.incoming.models import Assignment, AssignmentRole, AssignmentStatus, IncomingRecord, IncomingStatus


def _related_ids(user: User) -> list[QuerySet]:
    """Ids of the records the user takes part in, one indexed lookup per relation (to be joined by UNION ALL).

    (The same relations as one OR across the assignments join cannot use any index: every list, count and
    detail scanned all the records of the province.)"""
    parts = [
        IncomingRecord.objects.filter(submitted_to_id=user.pk).order_by().values("pk"),
        Assignment.objects.filter(assignee_user_id=user.pk).order_by().values("record_id"),
    ]
    if sees_unit_register(user):
        parts.append(IncomingRecord.objects.filter(unit_id=user.unit_id).order_by().values("pk"))
    if leads_unit(user):
        parts.append(Assignment.objects.filter(assignee_unit_id=user.unit_id).order_by().values("record_id"))
    return parts


def visible_to(user: User, qs: QuerySet[IncomingRecord] | None = None) -> QuerySet[IncomingRecord]:
    """Incoming records the user may see. One `id IN (subquery)` so rows never duplicate."""
    qs = IncomingRecord.objects.all() if qs is None else qs
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    return qs.filter(_visibility(user))


def _visibility(user: User) -> Q:
    """The condition behind visible_to, built once per user object (in a request, once per request): a page
    asks for it a dozen times (lists, tab counts, badges) and building the union costs a millisecond each.
    It holds no results, only subqueries, so it never goes stale; it is rebuilt if the user's role changes."""
    key = (user.pk, user.role, user.unit_id, user.is_active)
    cached = getattr(user, "_idesk_visibility", None)
    if cached is not None and cached[0] == key:
        return cached[1]
    granted = granted_document_ids(user)
    first, *others = _related_ids(user)
    if not sees_unit_register(user):
        # A grant is on the Document, which several units may have registered (one electronic document, N
        # deliveries): it opens the records of one's own unit or those one is part of, never another unit's.
        # (Whoever sees the unit's register has every record of it among the relations already.)
        others.append(
            IncomingRecord.objects.filter(unit_id=user.unit_id, secrecy__gt=Secrecy.NONE, document_id__in=granted)
            .order_by()
            .values("pk")
        )
    candidates = first.union(*others, all=True)
    condition = (Q(secrecy=Secrecy.NONE) | Q(document_id__in=granted)) & Q(pk__in=candidates)
    user._idesk_visibility = (key, condition)
    return condition


def relations_visible_to(user: User, qs: QuerySet[IncomingRecord] | None = None) -> QuerySet[IncomingRecord]:
    """visible_to for querysets the caller keeps within the user's own relations (an inbox tab: submitted to
    them, assigned to them or to the unit they lead, their unit's register when they see it). For those only the
    confidentiality rule remains, so a tab and its count need not rebuild the union of every relation.
    (tests/documents/test_visibility_shortcuts.py checks each tab gives what visible_to gives.)"""
    qs = IncomingRecord.objects.all() if qs is None else qs
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    return qs.filter(confidentiality_rule(user))


def confidentiality_rule(user: User, prefix: str = "") -> Q:
    """The confidentiality half of visible_to, on a record (or through `prefix`, e.g. "record__", on what
    points to one): not confidential, or its document granted to the user."""
    return Q(**{f"{prefix}secrecy": Secrecy.NONE}) | Q(**{f"{prefix}document_id__in": granted_document_ids(user)})


def unit_register_visible_to(user: User, qs: QuerySet[IncomingRecord] | None = None) -> QuerySet[IncomingRecord]:
    """The user's unit register as `visible_to` shows it: the same rows as visible_to(user).filter(unit_id=…).

    For those who see their unit's register every record of it is related, so only the confidentiality rule
    remains; written without the relations' union, a register list can walk the register's own index in list
    order and stop after a page instead of gathering and sorting the whole register."""
    if not sees_unit_register(user):
        return visible_to(user, qs).filter(unit_id=user.unit_id)
    return relations_visible_to(user, qs).filter(unit_id=user.unit_id)


def can_view(user: User, record: IncomingRecord) -> bool:
    if getattr(record, "_visible_to_user", None) == user.pk:
        return True  # read through visible_to for this user (get_visible_or_404) during this request
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
    # The page then asks can() for each action it might offer: each would repeat this visibility query.
    record._visible_to_user = user.pk
    return record
