"""A few weeks of history for the demo district, so a new user sees a working office on the first `make run`:
visits on past working days (most units compliant, a few not), a past meeting with an unexcused absence,
an upcoming meeting with its giấy mời, and the compliance report computed for those days.

Past facts cannot be made through the services (they refuse the past), so they are written directly here, as
an import of history would be; everything from today on goes through the services.
"""

from __future__ import annotations

import datetime
import random

from django.db import transaction
from django.utils import timezone

from accounts.models import AccessEvent, AccessKind, Role, User
from idesk.models import ComplianceDay
from units.calendar import WorkCalendar
from units.models import Unit

DAYS = 15
# Units whose clerk often forgets to open the system (R2: they show up on the dashboard).
LAX_UNITS = {"xa-canh-thuan": 0.6, "dan-toc": 0.4}


def _local(day: datetime.date, hour: int, minute: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def seed_history() -> int:
    """Idempotent: does nothing once any compliance day is stored."""
    if ComplianceDay.objects.exists():
        return 0
    today = timezone.localdate()
    start = today - datetime.timedelta(days=40)
    calendar = WorkCalendar(start, today)
    days = [d for d in calendar.working_days(start, today - datetime.timedelta(days=1))][-DAYS:]
    rng = random.Random(3261)
    users = list(User.objects.filter(is_active=True, unit__eoffice_since__isnull=False).select_related("unit"))
    events = []
    for day in days:
        for user in users:
            code = user.unit.code
            if user.role == Role.CLERK:
                visits = 1 if rng.random() < LAX_UNITS.get(code, 0.03) else rng.choice([2, 2, 3, 4])
            elif user.role in (Role.LEADER, Role.HEAD, Role.DEPUTY_HEAD):
                visits = rng.choice([1, 2, 2, 3])
            else:
                visits = rng.choice([0, 1, 2, 2, 3])
            slots = sorted(rng.sample(range(0, 9 * 60, 45), visits))
            for n, minutes in enumerate(slots):
                events.append(
                    AccessEvent(
                        user=user, unit=user.unit, at=_local(day, 7, 30) + datetime.timedelta(minutes=minutes),
                        kind=AccessKind.LOGIN if n == 0 else AccessKind.VISIT,
                    )
                )  # fmt: skip
    with transaction.atomic():
        AccessEvent.objects.bulk_create(events, ignore_conflicts=True, batch_size=2000)
        _past_meeting(days[-3] if len(days) >= 3 else days[0])
    from idesk import compliance

    compliance.compute_days(days)
    _upcoming_meeting()
    return len(events)


def _past_meeting(day: datetime.date) -> None:
    """A meeting held on a past day where xã Canh Thuận was absent without a valid reason."""
    from documents.models import Attendance, Meeting, MeetingInvitee, Response

    chairman = User.objects.get(username="chutich")
    district = Unit.objects.get(code="ubnd")
    meeting = Meeting.objects.create(
        title="Giao ban công tác văn phòng điện tử tháng", organiser=User.objects.get(username="vanthu.ubnd"),
        organiser_unit=district, chair=chairman, start=_local(day, 8, 0), end=_local(day, 10, 30),
        place="Hội trường UBND huyện",
    )  # fmt: skip
    marks = {
        "xa-canh-hien": Attendance.PRESENT,
        "xa-canh-vinh": Attendance.PRESENT,
        "xa-canh-thuan": Attendance.UNEXCUSED,
    }
    for code, mark in marks.items():
        response = Response.ATTEND if mark == Attendance.PRESENT else Response.PENDING
        MeetingInvitee.objects.create(
            meeting=meeting, unit=Unit.objects.get(code=code), response=response,
            attendance=mark, attendance_at=_local(day, 10, 30),
        )  # fmt: skip


def _upcoming_meeting() -> None:
    """Next week's meeting, scheduled and invited through the services like any other."""
    from documents.meetings import services as meetings

    today = timezone.localdate()
    start_day = WorkCalendar(today, today + datetime.timedelta(days=30)).add_working_days(today, 3)
    data = meetings.MeetingData(
        title="Họp triển khai chữ ký số chuyên dùng trên Văn phòng điện tử",
        chair=User.objects.get(username="chutich"),
        start=_local(start_day, 14, 0),
        end=_local(start_day, 16, 30),
        place="Phòng họp UBND huyện",
        agenda="Sở Thông tin và Truyền thông hướng dẫn; các đơn vị đăng ký chứng thư số.",
        invited_units=list(
            Unit.objects.filter(code__in=["vp", "noi-vu", "xa-canh-hien", "xa-canh-vinh", "tt-van-canh"])
        ),
    )
    clerk = User.objects.get(username="vanthu.ubnd")
    meeting = meetings.create_meeting(organiser=clerk, data=data)
    meetings.issue_invitation(user=clerk, meeting=meeting)
