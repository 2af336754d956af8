import pytest
from django.utils import timezone

from documents.models import Attendance, Meeting, MeetingInvitee
from idesk.demo_history import seed_history
from idesk.models import ComplianceDay, UnitCompliance

# On the worker that seeds the demo for its other modules (tests/idesk/test_seed_demo.py), which copies it here.
pytestmark = pytest.mark.xdist_group("demo")


def test_the_demo_history_fills_the_dashboard_once(demo, db):
    assert seed_history() > 0
    days = ComplianceDay.objects.count()
    assert days >= 10
    assert UnitCompliance.objects.filter(compliant=False).exists(), "some units must show up as not compliant"
    absence = MeetingInvitee.objects.get(unit__code="xa-canh-thuan", attendance=Attendance.UNEXCUSED)
    assert UnitCompliance.objects.filter(
        unit__code="xa-canh-thuan", date=timezone.localtime(absence.meeting.start).date(), unexcused_absences=1
    ).exists()
    upcoming = Meeting.objects.get(title__startswith="Họp triển khai chữ ký số")
    assert upcoming.invitation is not None and upcoming.invitation.number_symbol.endswith("/GM-UBND")
    assert seed_history() == 0 and ComplianceDay.objects.count() == days
