"""Directions (bút phê) and the assignments they make; a directed document reaching other units through their
clerk (a Delivery into their "Chờ vào sổ", carrying the leader's comment) and their completion reported back.

The services module's `direct` and `complete` call these inside their transaction."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from documents.core import audit, roles
from documents.core.models import AssignmentRole
from documents.core.services import ServiceError, grant_confidential
from documents.incoming.models import Assignment, IncomingRecord
from units.models import Unit


def unit_leaders(unit_id: int) -> list[User]:
    return list(User.objects.filter(unit_id=unit_id, is_active=True, role__in=roles.LEADING_ROLES))


@dataclass
class AssignmentSpec:
    role: str
    unit: Unit | None = None
    user: User | None = None
    due_date: datetime.date | None = None


def check_specs(record: IncomingRecord, specs: Sequence[AssignmentSpec]) -> None:
    leads = [s for s in specs if s.role == AssignmentRole.LEAD]
    if len(leads) != 1:
        raise ServiceError({"lead": _("Phải chọn đúng một đơn vị hoặc người chủ trì.")})
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
