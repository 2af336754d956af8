import datetime

import pytest
from django.utils import timezone

from documents.meetings import services as meetings
from idesk.models import Notification
from idesk.notifications import meeting_reminders
from tests.helpers import user as who
from units.models import Unit


@pytest.fixture
def meeting(db):
    start = timezone.now() + datetime.timedelta(hours=20)
    return meetings.create_meeting(
        organiser=who("vanthu.ubnd"),
        data=meetings.MeetingData(
            title="Giao ban tuần", chair=who("chutich"), start=start,
            end=start + datetime.timedelta(hours=2), place="Hội trường",
            invited_units=[Unit.objects.get(code="xa-canh-hien")],
        ),
    )  # fmt: skip


def _reminders(meeting):
    return Notification.objects.filter(dedup_key__startswith=f"meeting_reminder:{meeting.pk}:")


def test_the_day_before_then_the_hour_before_each_once(meeting):
    clerk = who("vanthu.canhhien")
    meeting_reminders(timezone.now())
    meeting_reminders(timezone.now())  # a second run tells nobody twice
    day_before = _reminders(meeting).filter(recipient=clerk)
    assert day_before.count() == 1 and "ngày mai" in day_before.get().title
    meeting_reminders(meeting.start - datetime.timedelta(minutes=30))
    meeting_reminders(meeting.start - datetime.timedelta(minutes=20))
    titles = sorted(_reminders(meeting).filter(recipient=clerk).values_list("title", flat=True))
    assert len(titles) == 2 and any("Sắp đến giờ họp" in t for t in titles)


def test_cancelled_and_far_meetings_get_no_reminder(meeting):
    meeting_reminders(meeting.start - datetime.timedelta(days=3))
    assert not _reminders(meeting).exists()
    meetings.cancel(user=who("vanthu.ubnd"), meeting=meeting, reason="Lãnh đạo bận")
    meeting_reminders(timezone.now())
    assert not _reminders(meeting).exists()


def test_a_rescheduled_meeting_is_reminded_again_at_its_new_time(meeting):
    meeting_reminders(timezone.now())
    new_start = meeting.start + datetime.timedelta(hours=3)
    meetings.reschedule(
        user=who("vanthu.ubnd"), meeting=meeting, start=new_start,
        end=new_start + datetime.timedelta(hours=1), place="Phòng họp số 2",
    )  # fmt: skip
    meeting.refresh_from_db()
    meeting_reminders(new_start - datetime.timedelta(minutes=30))
    assert _reminders(meeting).filter(dedup_key__contains=new_start.isoformat()).exists()


def test_the_schedule_exists(db):
    from django_q.models import Schedule

    assert Schedule.objects.filter(func="idesk.tasks.send_meeting_reminders", schedule_type="I").exists()


def test_the_exchange_retry_sweep_is_scheduled_every_five_minutes(db):
    from django_q.models import Schedule

    sweep = Schedule.objects.get(func="documents.exchange.tasks.send_due")
    assert sweep.schedule_type == "I" and sweep.minutes == 5 and sweep.repeats == -1
