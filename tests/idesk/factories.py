"""Small builders for the compliance and notification tests: documents, deliveries, assignments, visits."""

from __future__ import annotations

import datetime
import itertools

from django.utils import timezone

from accounts.models import AccessEvent, AccessKind, User
from documents.models import (
    Assignment,
    AssignmentRole,
    Delivery,
    Document,
    IncomingRecord,
    Register,
    RegisterKind,
    Secrecy,
)
from tests.helpers import unit, user  # noqa: F401 (the compliance tests import them from here)
from units.models import Unit

_numbers = itertools.count(1)

# Monday 16 November 2026 and the days around it (24/11 is Ngày Văn hóa Việt Nam, a holiday from 2026).
MON = datetime.date(2026, 11, 16)
TUE, WED, THU, FRI, SAT, SUN = (MON + datetime.timedelta(days=i) for i in range(1, 7))


def at(day: datetime.date, hhmm: str) -> datetime.datetime:
    hours, minutes = (int(x) for x in hhmm.split(":"))
    return datetime.datetime.combine(day, datetime.time(hours, minutes), tzinfo=timezone.get_default_timezone())


def visit(user: User, day: datetime.date, *times: str, kind: str = AccessKind.VISIT) -> None:
    for hhmm in times:
        AccessEvent.objects.create(user=user, unit_id=user.unit_id, at=at(day, hhmm), kind=kind)


def document(
    summary: str = "V/v triển khai kế hoạch chuyển đổi số năm 2026",
    *,
    secrecy: int = Secrecy.NONE,
    issuer: Unit | None = None,
    urgency: int = 0,
) -> Document:
    n = next(_numbers)
    issuer = issuer or unit("ubnd")
    return Document.objects.create(
        issuer_unit=issuer,
        issuer_name=issuer.name,
        number=n,
        number_symbol=f"{n}/UBND-VP",
        issued_date=MON - datetime.timedelta(days=3),
        summary=summary,
        secrecy=secrecy,
        urgency=urgency,
    )


def deliver(
    doc: Document, to: Unit, sent_at: datetime.datetime, *, opened_at=None, sender: Unit | None = None, **extra
) -> Delivery:
    return Delivery.objects.create(
        document=doc,
        sender_unit=sender or unit("ubnd"),
        recipient_unit=to,
        sent_at=sent_at,
        opened_at=opened_at,
        **extra,
    )


def record(doc: Document, at_unit: Unit, **extra) -> IncomingRecord:
    register, _ = Register.objects.get_or_create(
        unit=at_unit, year=2026, kind=RegisterKind.INCOMING, confidential=doc.secrecy > Secrecy.NONE
    )
    register.last_number += 1
    register.save(update_fields=["last_number"])
    return IncomingRecord.objects.create(
        document=doc,
        unit=at_unit,
        register=register,
        year=2026,
        arrival_number=register.last_number,
        secrecy=doc.secrecy,
        urgency=doc.urgency,
        **extra,
    )


def assign(
    rec: IncomingRecord,
    *,
    to_unit: Unit | None = None,
    to_user: User | None = None,
    due: datetime.date | None = None,
    role: str = AssignmentRole.LEAD,
    by: User | None = None,
    assigned_at: datetime.datetime | None = None,
    **extra,
) -> Assignment:
    return Assignment.objects.create(
        record=rec,
        role=role,
        assignee_unit=to_unit,
        assignee_user=to_user,
        due_date=due,
        assigned_by=by or user("chutich"),
        assigned_at=assigned_at or at(MON - datetime.timedelta(days=7), "09:00"),
        **extra,
    )
