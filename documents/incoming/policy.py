"""The policy for incoming records, in the shape of documents/core/policy.py: `visible_to(user)` for lists,
search, counts and exports (one `id IN (subquery)` so rows never duplicate); `can(user, action, record)` and
`require(…)` for details and actions. Both derive from the same relations, so a list never shows what the detail
would refuse.

Relations:
- the unit's register: its clerk, its head and deputies, and (for UBND huyện) the district leaders;
- personal: records submitted to me, assigned to me, or assigned to my unit when I am its head or deputy;
- confidential documents (độ mật) only through an explicit django-guardian grant on the Document, which the
  flow itself gives (the registering clerk, the leader a record is submitted to, the people assigned) and a
  clerk or head may give by hand.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from accounts.models import User
from documents.core import policy as core_policy
from documents.core import roles
from documents.core.models import Secrecy
from documents.core.policy import granted_document_ids
from documents.core.roles import is_clerk_of, leads_unit, sees_unit_register
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


def _visibility(user: User) -> Q:
    """The condition behind visible_to, built once per user object (in a request, once per request): a page
    asks for it a dozen times (lists, tab counts, badges) and building the union costs a millisecond each.
    It holds no results, only subqueries, so it never goes stale; it is rebuilt if the user's role changes."""
    key = (user.pk, user.role, user.unit_id, user.is_active)
    cached = getattr(user, "_idesk_visibility", None)
    if cached is not None and cached[0] == key:
        return cached[1]
    granted = granted_document_ids(user)
    first, *others = candidate_parts(user)
    candidates = first.union(*others, all=True)
    condition = (Q(secrecy=Secrecy.NONE) | Q(document_id__in=granted)) & Q(pk__in=candidates)
    user._idesk_visibility = (key, condition)
    return condition


def candidate_parts(user: User) -> list[QuerySet]:
    """The record ids visible_to starts from, one query each (duplicates across parts): every record the user
    sees is among them. (Their size, counted by the one search, says whether testing each one is cheap.)"""
    parts = _related_ids(user)
    if not sees_unit_register(user):
        # A grant is on the Document, which several units may have registered (one electronic document, N
        # deliveries): it opens the records of one's own unit or those one is part of, never another unit's.
        # (Whoever sees the unit's register has every record of it among the relations already.)
        parts.append(
            IncomingRecord.objects.filter(
                unit_id=user.unit_id, secrecy__gt=Secrecy.NONE, document_id__in=granted_document_ids(user)
            )
            .order_by()
            .values("pk")
        )
    return parts


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


def my_assignments(user: User) -> Q:
    """Assignments I hold, as a condition: to me, or to my unit while undelegated when I lead it; not those a
    delivery carries to my unit's clerk (the unit handles them on its own record). The query side of
    `_held_by_unit_head` below."""
    mine = Q(assignee_user_id=user.pk)
    if leads_unit(user):
        mine |= Q(assignee_unit_id=user.unit_id, assignee_user__isnull=True, delivery__isnull=True)
    return mine


def _held_by_unit_head(user: User, a: Assignment) -> bool:
    """An assignment to the user's unit that its head holds on this record. Not one a delivery carries (a district
    leader's direction sent to the unit's clerk): the unit handles that one on its own record, and the district
    record only shows the unit's progress (documents/incoming/directions.py)."""
    return (
        a.assignee_user_id is None and a.assignee_unit_id == user.unit_id and a.delivery_id is None and leads_unit(user)
    )


def carried_to_unit(user: User, record: IncomingRecord) -> list[Assignment]:
    """The open assignments of this record to the user's unit that reach it through its clerk (see above)."""
    return [
        a
        for a in record.assignments.all()
        if a.assignee_user_id is None
        and a.assignee_unit_id == user.unit_id
        and a.delivery_id is not None
        and a.role != AssignmentRole.INFORM
    ]


def _lead_assignment_for(user: User, record: IncomingRecord):
    for a in record.assignments.all():
        if a.role != AssignmentRole.LEAD:
            continue
        if a.assignee_user_id == user.pk or _held_by_unit_head(user, a):
            return a
    return None


def handler_assignments(user: User, record: IncomingRecord) -> list:
    """The assignments through which the user handles the record (chủ trì or phối hợp)."""
    return [
        a
        for a in record.assignments.all()
        if a.role != AssignmentRole.INFORM and (a.assignee_user_id == user.pk or _held_by_unit_head(user, a))
    ]


# --- Actions ---------------------------------------------------------------------------------------------------

VIEW = core_policy.VIEW
SUBMIT, DIRECT, FORWARD, REASSIGN, DELEGATE = "submit", "direct", "forward", "reassign", "delegate"
NOTE, COMPLETE, GRANT, EXPORT, REMIND = "note", "complete", "grant", "export", "remind"
# By unit (documents/core/policy.py): vào sổ an arrival into the unit's register (no record yet); who submits the
# unit's records (the clerk's "Chờ xử lý"); whether a direction may give work beyond the record's unit (only the
# district's leaders do: a phòng's head directs within the unit).
REGISTER, DIRECT_OTHER_UNITS = "register", "direct_other_units"


def _may_delegate(user: User, record: IncomingRecord) -> bool:
    return record.status == IncomingStatus.IN_PROGRESS and any(
        _held_by_unit_head(user, a)
        for a in record.assignments.all()
        if a.role != AssignmentRole.INFORM and a.status != AssignmentStatus.DONE
    )


def _may_complete(user: User, record: IncomingRecord) -> bool:
    lead = _lead_assignment_for(user, record)
    return record.status == IncomingStatus.IN_PROGRESS and lead is not None and lead.status != AssignmentStatus.DONE


def _may_direct(user: User, record: IncomingRecord) -> bool:
    return record.status == IncomingStatus.SUBMITTED and record.submitted_to_id == user.pk and leads_unit(user)


def _live(rule):
    """A step of the handling, refused once the sender has recalled the document (the record stays readable and
    in the register book, but nobody submits, directs or handles a withdrawn document)."""
    return lambda user, r: not r.withdrawn and rule(user, r)


class IncomingPolicy(core_policy.Policy):
    model = IncomingRecord
    unit_rules = {
        REGISTER: is_clerk_of,
        SUBMIT: is_clerk_of,
        DIRECT_OTHER_UNITS: lambda user, unit_id: roles.is_district_leader(user),
    }
    rules = {
        SUBMIT: _live(
            lambda user, r: (
                IncomingPolicy.unit_rules[SUBMIT](user, r.unit_id)
                and r.status in (IncomingStatus.REGISTERED, IncomingStatus.SUBMITTED)
            )
        ),
        DIRECT: _live(_may_direct),
        FORWARD: _live(_may_direct),
        # A leader who directed may adjust assignments while the work is open.
        REASSIGN: _live(lambda user, r: r.status == IncomingStatus.IN_PROGRESS and roles.leads(user, r.unit_id)),
        DELEGATE: _live(_may_delegate),
        NOTE: _live(lambda user, r: r.status == IncomingStatus.IN_PROGRESS and bool(handler_assignments(user, r))),
        COMPLETE: _live(_may_complete),
        GRANT: lambda user, r: r.confidential and (is_clerk_of(user, r.unit_id) or roles.leads(user, r.unit_id)),
        EXPORT: lambda user, r: core_policy.reads_register(user, r.unit_id),
        # Nhắc việc: the unit's leaders remind those handling its records.
        REMIND: _live(lambda user, r: roles.leads(user, r.unit_id)),
    }

    def _visible(self, user: User, qs: QuerySet) -> QuerySet:
        return qs.filter(_visibility(user))

    def state(self, record: IncomingRecord) -> tuple:
        return (record.status, record.secrecy, record.submitted_to_id)


records = IncomingPolicy()
part = core_policy.Part(records)
# The part's three entry points, as every part exports them (visible_to(user, model or queryset)).
visible_to = part.visible_to
can = part.can
require = part.require
get_visible_or_404 = records.get_visible_or_404
