"""The daily compliance computation (idesk.compliance) against the rules of issue 6."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import AccessKind, Role, User
from documents.models import AssignmentRole, AssignmentStatus, DeliveryStatus
from idesk import compliance
from idesk.models import ComplianceDay, UnitCompliance, UserCompliance
from tests.idesk.factories import (
    FRI,
    MON,
    SAT,
    SUN,
    THU,
    TUE,
    WED,
    assign,
    at,
    deliver,
    document,
    record,
    unit,
    user,
    visit,
)
from units.models import CalendarException, CalendarExceptionKind, Unit, UnitKind


def unit_row(day, code) -> UnitCompliance:
    return UnitCompliance.objects.select_related("clerk").get(date=day, unit__code=code)


def user_row(day, username) -> UserCompliance:
    return UserCompliance.objects.get(date=day, user__username=username)


# --- Visits ----------------------------------------------------------------------------------------------------


def test_two_logins_five_minutes_apart_count_as_one_visit(db):
    clerk = user("vanthu.canhhien")
    for minutes in (0, 5):
        with time_machine.travel(at(TUE, "08:00") + datetime.timedelta(minutes=minutes), tick=False):
            Client().post("/accounts/login/", {"username": clerk.username, "password": "idesk-demo"})
    assert clerk.access_events.filter(kind=AccessKind.LOGIN).count() == 2
    compliance.compute_day(TUE)
    assert unit_row(TUE, "xa-canh-hien").visits == 1
    assert not unit_row(TUE, "xa-canh-hien").compliant


def test_a_unit_is_compliant_when_its_clerk_visits_twice(db):
    visit(user("vanthu.canhhien"), TUE, "07:45", "14:10")
    visit(user("cv1.canhhien"), TUE, "08:00")
    compliance.compute_day(TUE)
    row = unit_row(TUE, "xa-canh-hien")
    assert (row.visits, row.compliant, row.clerk.username) == (2, True, "vanthu.canhhien")
    assert user_row(TUE, "vanthu.canhhien").compliant
    assert (user_row(TUE, "cv1.canhhien").visits, user_row(TUE, "cv1.canhhien").compliant) == (1, False)


def test_visits_by_other_people_do_not_make_the_unit_compliant(db):
    visit(user("truong.canhhien"), TUE, "08:00", "10:00", "15:00")
    compliance.compute_day(TUE)
    assert not unit_row(TUE, "xa-canh-hien").compliant
    assert user_row(TUE, "truong.canhhien").compliant


def test_visits_are_counted_in_local_days(db):
    clerk = user("vanthu.canhhien")
    visit(clerk, MON, "23:50")  # Monday evening, still Monday in Vân Canh (16:50 UTC)
    visit(clerk, TUE, "00:40", "09:00")
    compliance.compute_day(MON)
    compliance.compute_day(TUE)
    assert unit_row(MON, "xa-canh-hien").visits == 1
    assert unit_row(TUE, "xa-canh-hien").visits == 2


def test_the_required_number_is_a_setting(db, settings):
    settings.IDESK_REQUIRED_VISITS = 3
    visit(user("vanthu.canhhien"), TUE, "08:00", "11:00")
    compliance.compute_day(TUE)
    assert not unit_row(TUE, "xa-canh-hien").compliant
    assert ComplianceDay.objects.get(date=TUE).required_visits == 3


# --- Which days and which units --------------------------------------------------------------------------------


@pytest.mark.parametrize("day", [SAT, SUN, datetime.date(2026, 2, 17)], ids=["saturday", "sunday", "tet"])
def test_days_off_are_not_computed(db, day):
    visit(user("vanthu.canhhien"), day, "08:00", "10:00")
    assert compliance.compute_day(day) is False
    assert not UnitCompliance.objects.filter(date=day).exists()
    assert compliance.report(day) == {"date": day.isoformat(), "working_day": False, "required_visits": 2, "units": []}


def test_a_make_up_saturday_is_computed(db):
    CalendarException.objects.create(date=SAT, kind=CalendarExceptionKind.WORKING_DAY, reason="Làm bù ngày 02/01")
    visit(user("vanthu.canhhien"), SAT, "08:00", "10:00")
    assert compliance.compute_day(SAT) is True
    assert unit_row(SAT, "xa-canh-hien").compliant


def test_a_day_declared_off_later_loses_its_rows(db):
    compliance.compute_day(THU)
    CalendarException.objects.create(date=THU, kind=CalendarExceptionKind.DAY_OFF, reason="Nghỉ đột xuất")
    assert compliance.compute_day(THU) is False
    assert not UnitCompliance.objects.filter(date=THU).exists()
    assert not ComplianceDay.objects.filter(date=THU).exists()


def test_a_unit_joining_mid_month_is_not_required_before_its_date(db):
    hiep = unit("xa-canh-hiep")
    hiep.eoffice_since = WED
    hiep.save(update_fields=["eoffice_since"])
    compliance.compute_day(TUE)
    compliance.compute_day(WED)
    assert not UnitCompliance.objects.filter(date=TUE, unit=hiep).exists()
    assert not UserCompliance.objects.filter(date=TUE, unit=hiep).exists()
    assert UnitCompliance.objects.filter(date=WED, unit=hiep).exists()


def test_inactive_users_and_units_off_the_system_are_left_out(db):
    User.objects.filter(username="cv2.canhhien").update(is_active=False)
    Unit.objects.filter(code="xa-canh-hoa").update(active=False)
    Unit.objects.filter(code="xa-canh-lien").update(eoffice_since=None)
    compliance.compute_day(TUE)
    codes = set(UnitCompliance.objects.filter(date=TUE).values_list("unit__code", flat=True))
    assert "xa-canh-hoa" not in codes and "xa-canh-lien" not in codes
    assert not any(code in codes for code in ("ubnd-tinh", "so-tttt"))  # external bodies
    assert not UserCompliance.objects.filter(date=TUE, user__username="cv2.canhhien").exists()
    assert UserCompliance.objects.filter(date=TUE, user__username="cv1.canhhien").exists()


def test_a_unit_without_an_active_clerk_is_not_compliant(db):
    User.objects.filter(username="vanthu.canhhien").update(is_active=False)
    visit(user("truong.canhhien"), TUE, "08:00", "10:00")
    compliance.compute_day(TUE)
    row = unit_row(TUE, "xa-canh-hien")
    assert (row.clerk, row.visits, row.compliant) == (None, 0, False)


# --- Consequences ----------------------------------------------------------------------------------------------


def test_a_delivery_opened_after_one_working_day_counts_as_unopened_that_day(db):
    hien = unit("xa-canh-hien")
    late = deliver(document(), hien, at(MON, "10:00"), opened_at=at(WED, "09:00"), status=DeliveryStatus.OPENED)
    on_time = deliver(document(), hien, at(MON, "10:30"), opened_at=at(TUE, "16:00"), status=DeliveryStatus.OPENED)
    for day in (MON, TUE, WED, THU):
        compliance.compute_day(day)
    assert unit_row(MON, "xa-canh-hien").unopened == 0  # not due yet
    assert unit_row(TUE, "xa-canh-hien").unopened_ids == [late.pk]  # due Tuesday, opened Wednesday
    assert unit_row(WED, "xa-canh-hien").unopened_ids == [late.pk]  # still late when finally opened
    assert unit_row(THU, "xa-canh-hien").unopened == 0
    assert on_time.pk not in unit_row(TUE, "xa-canh-hien").unopened_ids


def test_opening_after_the_end_of_the_due_day_is_late(db):
    d = deliver(document(), unit("xa-canh-hien"), at(MON, "09:00"), opened_at=at(TUE, "19:30"))
    compliance.compute_day(TUE)
    assert unit_row(TUE, "xa-canh-hien").unopened_ids == [d.pk]


def test_a_delivery_sent_after_the_working_day_arrives_the_next_day(db):
    d = deliver(document(), unit("xa-canh-hien"), at(MON, "19:00"))
    compliance.compute_day(TUE)
    compliance.compute_day(WED)
    assert unit_row(TUE, "xa-canh-hien").unopened == 0
    assert unit_row(WED, "xa-canh-hien").unopened_ids == [d.pk]


def test_the_weekend_does_not_count_towards_opening(db):
    d = deliver(document(), unit("xa-canh-hien"), at(FRI, "10:00"))
    next_monday = MON + datetime.timedelta(days=7)
    compliance.compute_day(next_monday)
    compliance.compute_day(next_monday + datetime.timedelta(days=1))
    assert unit_row(next_monday, "xa-canh-hien").unopened_ids == [d.pk]  # due Monday, never opened
    # Paper-only deliveries and recalled ones are not counted.
    deliver(document(), unit("xa-canh-hiep"), at(FRI, "10:00"), electronic=False)
    deliver(document(), unit("xa-canh-hoa"), at(FRI, "10:00"), status=DeliveryStatus.RECALLED)
    compliance.compute_day(next_monday)
    assert unit_row(next_monday, "xa-canh-hiep").unopened == 0
    assert unit_row(next_monday, "xa-canh-hoa").unopened == 0


def test_overdue_assignments_of_the_unit_and_of_its_people(db):
    noivu = unit("noi-vu")
    rec = record(document(), unit("ubnd"))
    by_unit = assign(rec, to_unit=noivu, due=MON)
    by_person = assign(record(document(), unit("ubnd")), to_user=user("cv1.noivu"), due=MON)
    assign(rec, to_unit=noivu, due=MON, role=AssignmentRole.INFORM)  # để biết: nothing to do
    assign(record(document(), unit("ubnd")), to_unit=noivu, due=TUE)  # due today: not late yet
    done = assign(
        record(document(), unit("ubnd")),
        to_unit=noivu,
        due=MON,
        status=AssignmentStatus.DONE,
        completed_at=at(MON, "17:00"),
    )
    done_late = assign(
        record(document(), unit("ubnd")),
        to_unit=noivu,
        due=MON,
        status=AssignmentStatus.DONE,
        completed_at=at(TUE, "10:00"),
    )
    compliance.compute_day(TUE)
    compliance.compute_day(WED)
    assert sorted(unit_row(TUE, "noi-vu").overdue_ids) == sorted([by_unit.pk, by_person.pk, done_late.pk])
    assert done.pk not in unit_row(TUE, "noi-vu").overdue_ids
    assert done_late.pk not in unit_row(WED, "noi-vu").overdue_ids


def test_in_breach_needs_both_non_compliance_and_a_consequence(db):
    hien, hiep, hoa = unit("xa-canh-hien"), unit("xa-canh-hiep"), unit("xa-canh-hoa")
    deliver(document(), hien, at(MON, "09:00"))
    deliver(document(), hiep, at(MON, "09:00"))
    visit(user("vanthu.canhhiep"), TUE, "08:00", "13:30")
    compliance.compute_day(TUE)
    assert unit_row(TUE, hien.code).in_breach  # no visits, an unopened document
    assert not unit_row(TUE, hiep.code).in_breach  # compliant despite the unopened document
    assert not unit_row(TUE, hoa.code).in_breach  # not compliant, but nothing went wrong
    assert not unit_row(TUE, hoa.code).compliant


def _meeting(day, hhmm="08:00", **extra):
    from documents.models import Meeting

    start = at(day, hhmm)
    return Meeting.objects.create(
        title="Họp giao ban tháng 11",
        organiser=user("vanthu.ubnd"),
        organiser_unit=unit("ubnd"),
        chair=user("chutich"),
        start=start,
        end=start + datetime.timedelta(hours=2),
        place="Hội trường UBND huyện",
        **extra,
    )


def test_unexcused_meeting_absences_count_on_the_meetings_day(db):
    from documents.models import Attendance, MeetingInvitee, MeetingStatus

    meeting = _meeting(TUE)
    absent = MeetingInvitee.objects.create(meeting=meeting, unit=unit("xa-canh-hien"), attendance=Attendance.UNEXCUSED)
    person = MeetingInvitee.objects.create(meeting=meeting, user=user("cv1.noivu"), attendance=Attendance.UNEXCUSED)
    MeetingInvitee.objects.create(meeting=meeting, unit=unit("xa-canh-hiep"), attendance=Attendance.EXCUSED)
    MeetingInvitee.objects.create(meeting=meeting, unit=unit("xa-canh-hoa"), attendance=Attendance.PRESENT)
    cancelled = _meeting(TUE, "14:00", status=MeetingStatus.CANCELLED)
    MeetingInvitee.objects.create(meeting=cancelled, unit=unit("xa-canh-lien"), attendance=Attendance.UNEXCUSED)
    for day in (TUE, WED):
        compliance.compute_day(day)
    assert unit_row(TUE, "xa-canh-hien").absence_ids == [absent.pk]
    assert unit_row(TUE, "xa-canh-hien").unexcused_absences == 1
    assert unit_row(TUE, "xa-canh-hien").in_breach  # no visits and an unexcused absence
    assert unit_row(TUE, "noi-vu").absence_ids == [person.pk]  # a person's absence counts for their unit
    for code in ("xa-canh-hiep", "xa-canh-hoa", "xa-canh-lien"):
        assert unit_row(TUE, code).unexcused_absences == 0
    assert unit_row(WED, "xa-canh-hien").unexcused_absences == 0


def test_a_reason_judged_later_is_picked_up_by_recomputing(db):
    from documents.models import Attendance, MeetingInvitee

    invitee = MeetingInvitee.objects.create(
        meeting=_meeting(TUE), unit=unit("xa-canh-hien"), attendance=Attendance.UNEXCUSED
    )
    compliance.compute_day(TUE)
    assert unit_row(TUE, "xa-canh-hien").unexcused_absences == 1
    MeetingInvitee.objects.filter(pk=invitee.pk).update(attendance=Attendance.EXCUSED)
    compliance.compute_day(TUE)
    assert unit_row(TUE, "xa-canh-hien").unexcused_absences == 0


# --- Recomputing and the report ---------------------------------------------------------------------------------


def _snapshot(day):
    units = list(
        UnitCompliance.objects.filter(date=day)
        .order_by("unit_id")
        .values(
            "unit_id",
            "clerk_id",
            "visits",
            "compliant",
            "unopened",
            "overdue",
            "unexcused_absences",
            "in_breach",
            "unopened_ids",
            "overdue_ids",
        )
    )
    users = list(
        UserCompliance.objects.filter(date=day).order_by("user_id").values("user_id", "unit_id", "visits", "compliant")
    )
    return units, users


def test_recomputing_a_day_gives_identical_rows(db):
    visit(user("vanthu.canhhien"), TUE, "08:00", "13:00")
    visit(user("vanthu.noivu"), TUE, "08:00")
    deliver(document(), unit("xa-canh-hiep"), at(MON, "09:00"))
    assign(record(document(), unit("ubnd")), to_unit=unit("tu-phap"), due=MON)
    compliance.compute_day(TUE)
    first = _snapshot(TUE)
    count = UnitCompliance.objects.count(), UserCompliance.objects.count()
    compliance.compute_day(TUE)
    assert _snapshot(TUE) == first
    assert (UnitCompliance.objects.count(), UserCompliance.objects.count()) == count


def test_the_report_has_exactly_the_documented_shape(db):
    visit(user("vanthu.canhhien"), TUE, "08:00", "13:00")
    compliance.compute_day(TUE)
    data = compliance.report(TUE)
    assert list(data) == ["date", "working_day", "required_visits", "units"]
    assert data["date"] == TUE.isoformat() and data["working_day"] is True and data["required_visits"] == 2
    codes = [u["code"] for u in data["units"]]
    assert codes == sorted(codes)
    hien = next(u for u in data["units"] if u["code"] == "xa-canh-hien")
    assert list(hien) == [
        "code",
        "name",
        "clerk",
        "visits",
        "compliant",
        "unopened",
        "overdue",
        "unexcused_absences",
        "in_breach",
        "users",
    ]
    assert hien["name"] == "UBND xã Canh Hiển" and hien["clerk"] == "vanthu.canhhien"
    assert (hien["visits"], hien["compliant"], hien["in_breach"]) == (2, True, False)
    assert all(list(u) == ["username", "visits", "compliant"] for u in hien["users"])
    assert all(type(u["visits"]) is int and type(u["compliant"]) is bool for u in hien["users"])
    assert {u["username"] for u in hien["users"]} == set(
        User.objects.filter(unit__code="xa-canh-hien", is_active=True).values_list("username", flat=True)
    )
    types = {k: type(v) for k, v in hien.items()}
    assert types == {
        "code": str,
        "name": str,
        "clerk": str,
        "visits": int,
        "compliant": bool,
        "unopened": int,
        "overdue": int,
        "unexcused_absences": int,
        "in_breach": bool,
        "users": list,
    }


# --- Cost -------------------------------------------------------------------------------------------------------


def _add_units(n: int) -> None:
    """n more communes, each with a clerk and two staff who visit, and a late delivery."""
    district = unit("ubnd")
    for i in range(n):
        u = Unit.objects.create(
            code=f"xa-them-{i}",
            name=f"UBND xã Thêm {i}",
            kind=UnitKind.COMMUNE,
            parent=district,
            eoffice_since=MON - datetime.timedelta(days=30),
        )
        clerk = User.objects.create(username=f"vanthu.them{i}", full_name=f"Văn thư {i}", unit=u, role=Role.CLERK)
        for j in range(2):
            staff = User.objects.create(username=f"cv{j}.them{i}", full_name=f"Chuyên viên {j}", unit=u)
            visit(staff, TUE, "08:00")
        visit(clerk, TUE, "08:00", "15:00")
        deliver(document(), u, at(MON, "08:00"))
        assign(record(document(), unit("ubnd")), to_unit=u, due=MON)


def _queries_to_compute(day) -> int:
    with CaptureQueriesContext(connection) as ctx:
        compliance.compute_day(day)
    return len(ctx.captured_queries)


def test_the_computation_costs_the_same_number_of_queries_for_any_number_of_units(db):
    before = _queries_to_compute(TUE)
    _add_units(15)
    after = _queries_to_compute(TUE)
    assert after == before
    assert after <= 16
    assert UnitCompliance.objects.filter(date=TUE, unit__code__startswith="xa-them-", compliant=True).count() == 15
