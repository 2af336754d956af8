"""Directions (bút phê) and the assignments they make; a directed document reaching other units through their
clerk (a Delivery into their "Chờ vào sổ", carrying the leader's comment) and their completion reported back.

The services module's `direct`, `add_note` and `complete` call these inside their transaction.

As in practice (DOMAIN.md, "Numbering details"): when the Chủ tịch directs the district's incoming document to a
phòng, ban or xã, that unit's văn thư finds it in "Chờ vào sổ" with the comment, registers it under the unit's own
số đến, and the unit handles it in its own book; the district's assignment for the unit follows that record."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from accounts.models import Role, User
from documents.core import audit, liaison, notify, roles
from documents.core.models import AssignmentRole, Delivery, DeliveryStatus
from documents.core.services import ServiceError, grant_confidential
from documents.incoming import policy
from documents.incoming.models import Assignment, AssignmentStatus, Direction, IncomingRecord, IncomingStatus
from units.models import Unit, UnitKind

_PAPER_REASON_LENGTH = Delivery._meta.get_field("paper_reason").max_length


def unit_leaders(unit_id: int) -> list[User]:
    return list(User.objects.filter(unit_id=unit_id, is_active=True, role__in=roles.LEADING_ROLES))


@dataclass
class AssignmentSpec:
    role: str
    unit: Unit | None = None
    user: User | None = None
    due_date: datetime.date | None = None


def lead_refusal(leader: User, record: IncomingRecord, lead: AssignmentSpec) -> str | None:
    """Why this leader may not make `lead` chủ trì, or None. Only the district's leaders give work to other units:
    a phòng's (or xã's) head directs the unit's own record within the unit, and cannot hand the district's work
    back to UBND huyện or over to another phòng, ban."""
    if policy.records.can_for_unit(leader, policy.DIRECT_OTHER_UNITS, record.unit_id):
        return None
    own_unit = record.unit_id
    if (lead.unit is not None and lead.unit.pk != own_unit) or (
        lead.user is not None and lead.user.unit_id != own_unit
    ):
        return _(
            "Lãnh đạo phòng, ban chỉ giao chủ trì trong đơn vị mình: không thể giao UBND huyện hay phòng, ban "
            "khác chủ trì công việc của UBND huyện."
        )
    return None


def check_specs(leader: User, record: IncomingRecord, specs: Sequence[AssignmentSpec]) -> None:
    leads = [s for s in specs if s.role == AssignmentRole.LEAD]
    if len(leads) != 1:
        raise ServiceError({"lead": _("Phải chọn đúng một đơn vị hoặc người chủ trì.")})
    refusal = lead_refusal(leader, record, leads[0])
    if refusal:
        raise ServiceError({"lead": refusal})
    arrival = timezone.localtime(record.arrived_at).date()
    seen = set()
    for spec in specs:
        if (spec.unit is None) == (spec.user is None):
            raise ServiceError(_("Mỗi phân công phải chọn một đơn vị hoặc một người."))
        if spec.unit is not None and (not spec.unit.is_on_system() or spec.unit.is_external):
            raise ServiceError(_("%(u)s không dùng hệ thống, không thể phân công.") % {"u": spec.unit})
        if spec.user is not None and not spec.user.is_active:
            raise ServiceError(_("Tài khoản %(u)s đã bị khóa.") % {"u": spec.user})
        if spec.due_date and spec.due_date < arrival:
            raise ServiceError(
                {"due_date": _("Hạn xử lý không thể trước ngày đến (%(d)s).") % {"d": arrival.strftime("%d/%m/%Y")}}
            )
        key = ("u", spec.unit.pk) if spec.unit else ("p", spec.user.pk)
        if key in seen:
            raise ServiceError(_("%(a)s được chọn hai lần.") % {"a": spec.unit or spec.user})
        seen.add(key)


def create_assignments(leader: User, record: IncomingRecord, specs: Sequence[AssignmentSpec]) -> list[Assignment]:
    created = []
    for spec in specs:
        assignment = Assignment.objects.create(
            record=record,
            role=spec.role,
            assignee_unit=spec.unit,
            assignee_user=spec.user,
            due_date=spec.due_date or record.due_date,
            assigned_by=leader,
        )
        grant_confidential([spec.user] if spec.user else unit_leaders(spec.unit.pk), record.document)
        audit.record(
            leader, "assigned", record, role=spec.role, assignee=assignment.assignee_label,
            due_date=assignment.due_date.isoformat() if assignment.due_date else None,
        )  # fmt: skip
        created.append(assignment)
    return created


# --- Through the units' clerks ---------------------------------------------------------------------------------


def _reaches_through_clerk(record: IncomingRecord, assignment: Assignment, clerks: set[int], today) -> bool:
    unit = assignment.assignee_unit
    return (
        unit is not None
        and assignment.assignee_user_id is None
        and unit.pk != record.unit_id
        and unit.pk in clerks
        and unit.is_on_system(today)
    )


def send_to_units(leader: User, record: IncomingRecord, created: Sequence[Assignment]) -> list[Delivery]:
    """A district leader's direction to other units: one Delivery per directed unit into its clerk's "Chờ vào
    sổ", linked to the unit's assignment (which is how it carries the comment). The paper rule decides each as for
    a document with a leadership comment (letter R3's exception). A unit that already has the document delivered,
    or has no văn thư, keeps the assignment alone."""
    if (
        not policy.records.can_for_unit(leader, policy.DIRECT_OTHER_UNITS, record.unit_id)
        or record.unit.kind != UnitKind.DISTRICT
    ):
        return []
    units = [a.assignee_unit_id for a in created if a.assignee_unit_id and a.assignee_user_id is None]
    if not units:
        return []
    document, today = record.document, timezone.localdate()
    clerks = set(
        User.objects.filter(unit_id__in=units, role=Role.CLERK, is_active=True).values_list("unit_id", flat=True)
    )
    clerks -= set(
        Delivery.objects.filter(document=document, recipient_unit_id__in=units).values_list(
            "recipient_unit_id", flat=True
        )
    )
    # The paper rule (founding letter R3) is documents/outgoing's, which builds on incoming: through the liaison.
    decide = liaison.paper_decision()
    sent = []
    for assignment in created:
        if not _reaches_through_clerk(record, assignment, clerks, today):
            continue
        unit = assignment.assignee_unit
        decision = decide(document, unit, today, district_leader_comment=True)
        delivery = Delivery.objects.create(
            document=document,
            sender_unit_id=record.unit_id,
            recipient_unit=unit,
            # Classified content travels on paper only: the decision says so and why.
            electronic=getattr(decision, "electronic", True),
            paper_required=decision.paper_required,
            paper_reason=Truncator(decision.reason).chars(_PAPER_REASON_LENGTH),
            sent_by=leader,
        )
        assignment.delivery = delivery
        assignment.save(update_fields=["delivery"])
        if delivery.electronic:
            grant_confidential(User.objects.filter(unit=unit, role=Role.CLERK, is_active=True), document)
        audit.record(
            leader, "sent_to_unit", record, assignee=unit.name, unit_id=unit.pk, delivery_id=delivery.pk,
            paper_required=decision.paper_required, paper_reason=decision.reason,
        )  # fmt: skip
        sent.append(delivery)
    for delivery in sent:
        notify.later("delivered", delivery_id=delivery.pk)
    return sent


def report_progress(unit_record: IncomingRecord) -> None:
    """The unit works on the record it registered: the district's assignment for the unit is in progress."""
    Assignment.objects.filter(delivery__record_id=unit_record.pk, status=AssignmentStatus.PENDING).update(
        status=AssignmentStatus.IN_PROGRESS
    )


def report_done(user: User, unit_record: IncomingRecord, result: str, now) -> IncomingRecord | None:
    """The unit finished its record: the district's assignment for the unit is done with the unit's result; when
    that unit was chủ trì the district's record is done too (its chủ trì has finished). Returns the district's
    record when it was completed here."""
    district_id = (
        Assignment.objects.filter(delivery__record_id=unit_record.pk).values_list("record_id", flat=True).first()
    )
    if district_id is None:
        return None
    # The district's record first, then its assignment: the order the district's own actions lock them in.
    district = IncomingRecord.objects.select_for_update().get(pk=district_id)
    assignment = Assignment.objects.select_for_update(of=("self",)).get(delivery__record_id=unit_record.pk)
    assignment.status = AssignmentStatus.DONE
    assignment.completed_at = assignment.completed_at or now
    assignment.result = result
    assignment.save(update_fields=["status", "completed_at", "result"])
    audit.record(
        user, "unit_completed", district, assignee=str(assignment.assignee_unit), role=assignment.role,
        record_id=unit_record.pk, unit_arrival_number=unit_record.arrival_number, result=result[:500],
    )  # fmt: skip
    if assignment.role != AssignmentRole.LEAD or district.status != IncomingStatus.IN_PROGRESS:
        return None
    # The chủ trì's completion completes the record, as when a chủ trì completes it in the district itself.
    district.assignments.exclude(pk=assignment.pk).exclude(status=AssignmentStatus.DONE).update(
        status=AssignmentStatus.DONE, completed_at=now
    )
    district.status = IncomingStatus.DONE
    district.completed_at = now
    district.save(update_fields=["status", "completed_at"])
    liaison.record_changed(district, "06")
    return district


# --- What the pages show -----------------------------------------------------------------------------------------


@dataclass
class DirectedFrom:
    """The direction a delivery (or the record it became) carries from the district."""

    assignment: Assignment
    direction: Direction | None

    @property
    def district_record(self) -> IncomingRecord:
        return self.assignment.record


def directed_from(delivery_ids: Sequence[int]) -> dict[int, DirectedFrom]:
    """delivery id → the district's assignment and latest direction it carries (two queries for a page)."""
    if not delivery_ids:
        return {}
    assignments = list(
        Assignment.objects.filter(delivery_id__in=list(delivery_ids)).select_related(
            "record", "record__unit", "assigned_by"
        )
    )
    latest: dict[int, Direction] = {}
    for direction in Direction.objects.filter(record_id__in={a.record_id for a in assignments}).select_related(
        "author"
    ):
        latest[direction.record_id] = direction  # ordered oldest first: the last one wins
    return {a.delivery_id: DirectedFrom(a, latest.get(a.record_id)) for a in assignments}


@dataclass
class UnitProgress:
    """How a directed unit is getting on, as the district sees it on its record."""

    delivery: Delivery

    @property
    def unit_record(self) -> IncomingRecord | None:
        return self.delivery.record

    @property
    def label(self) -> str:
        record = self.delivery.record
        if self.delivery.status == DeliveryStatus.RETURNED:
            return _("Đơn vị trả lại: %(r)s") % {"r": self.delivery.returned_reason}
        if record is None:
            return _("Chờ văn thư đơn vị vào sổ")
        return _("Số đến %(n)s của đơn vị — %(s)s") % {"n": record.arrival_number, "s": record.get_status_display()}


def unit_progress(record: IncomingRecord) -> dict[int, UnitProgress]:
    """assignment id → the progress of the unit it was sent to (one query)."""
    deliveries = Delivery.objects.filter(assignment__record_id=record.pk).select_related("record", "assignment")
    return {d.assignment.pk: UnitProgress(d) for d in deliveries}
