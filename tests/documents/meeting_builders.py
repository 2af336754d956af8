"""Builders for the meetings tests (test_meetings*.py).

The usual cast, from the demo district: vanthu.ubnd (the office) schedules for chutich, who chairs; xã Canh Hiển
and xã Canh Vinh are invited (their clerks answer for them); cv1.canhhien is a member of an invited unit;
truong.noivu and cv1.noivu are not invited at all; pct.kinhte is another district leader.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from documents.meetings import services as meetings
from documents.meetings.services import MeetingData
from documents.models import Meeting, MeetingInvitee
from tests.documents.conftest import pdf_upload, unit, user


def local(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def next_monday(weeks: int = 1) -> datetime.date:
    today = timezone.localdate()
    return today - datetime.timedelta(days=today.weekday()) + datetime.timedelta(weeks=weeks)


def meeting_data(**overrides) -> MeetingData:
    """A morning meeting next Monday, chaired by the Chủ tịch, with two communes invited."""
    day = next_monday()
    fields = {
        "title": "Họp triển khai hệ thống Văn phòng điện tử iDesk",
        "chair": user("chutich"),
        "start": local(day, 8),
        "end": local(day, 11),
        "place": "Hội trường UBND huyện",
        "agenda": "1. Đánh giá việc sử dụng iDesk.\n2. Triển khai năm 2017.",
        "invited_units": [unit("xa-canh-hien"), unit("xa-canh-vinh")],
    }
    fields.update(overrides)
    return MeetingData(**fields)


def scheduled(organiser: str = "vanthu.ubnd", **overrides) -> Meeting:
    return meetings.create_meeting(organiser=user(organiser), data=meeting_data(**overrides))


def with_material(meeting: Meeting, name: str = "bao-cao.pdf", confidential: bool = False, by: str = "vanthu.ubnd"):
    return meetings.add_materials(
        user=user(by),
        meeting=meeting,
        uploads=[pdf_upload(name, marker=f"{meeting.pk}-{name}")],
        confidential=confidential,
    )[0]


def invitee_of(meeting: Meeting, code: str) -> MeetingInvitee:
    return MeetingInvitee.objects.get(meeting=meeting, unit__code=code, user__isnull=True)


def move_to_past(meeting: Meeting, days: int = 1) -> Meeting:
    """What a test may do that no service allows: the meeting took place yesterday."""
    start = timezone.now() - datetime.timedelta(days=days)
    Meeting.objects.filter(pk=meeting.pk).update(start=start, end=start + datetime.timedelta(hours=2))
    meeting.refresh_from_db()
    return meeting
