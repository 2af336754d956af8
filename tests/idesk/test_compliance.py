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
from tests.factories import UnitFactory, UserFactory
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


def counted(day, code) -> tuple[list[int], list[int], list[int]]:
    """The deliveries, assignments and invitations the drill-down names for a unit's day: as many as it counted."""
    ids = compliance.counted_ids(unit(code).pk, day, day)
    row = unit_row(day, code)
    assert (row.unopened, row.overdue, row.unexcused_absences) == tuple(len(i) for i in ids)
    return ids


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
    assert counted(TUE, "xa-canh-hien")[0] == [late.pk]  # due Tuesday, opened Wednesday
    assert counted(WED, "xa-canh-hien")[0] == [late.pk]  # still late when finally opened
    assert unit_row(THU, "xa-canh-hien").unopened == 0
    assert on_time.pk not in counted(TUE, "xa-canh-hien")[0]


def test_opening_after_the_end_of_the_due_day_is_late(db):
    d = deliver(document(), unit("xa-canh-hien"), at(MON, "09:00"), opened_at=at(TUE, "19:30"))
    compliance.compute_day(TUE)
    assert counted(TUE, "xa-canh-hien")[0] == [d.pk]


def test_a_delivery_sent_after_the_working_day_arrives_the_next_day(db):
    d = deliver(document(), unit("xa-canh-hien"), at(MON, "19:00"))
    compliance.compute_day(TUE)
    compliance.compute_day(WED)
    assert unit_row(TUE, "xa-canh-hien").unopened == 0
    assert counted(WED, "xa-canh-hien")[0] == [d.pk]


def test_the_weekend_does_not_count_towards_opening(db):
    d = deliver(document(), unit("xa-canh-hien"), at(FRI, "10:00"))
    next_monday = MON + datetime.timedelta(days=7)
    compliance.compute_day(next_monday)
    compliance.compute_day(next_monday + datetime.timedelta(days=1))
    assert counted(next_monday, "xa-canh-hien")[0] == [d.pk]  # due Monday, never opened
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
    assert sorted(counted(TUE, "noi-vu")[1]) == sorted([by_unit.pk, by_person.pk, done_late.pk])
    assert done.pk not in counted(TUE, "noi-vu")[1]
    assert done_late.pk not in counted(WED, "noi-vu")[1]


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


def meeting_at(day, hhmm="08:00", **extra):
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

    meeting = meeting_at(TUE)
    absent = MeetingInvitee.objects.create(meeting=meeting, unit=unit("xa-canh-hien"), attendance=Attendance.UNEXCUSED)
    person = MeetingInvitee.objects.create(meeting=meeting, user=user("cv1.noivu"), attendance=Attendance.UNEXCUSED)
    MeetingInvitee.objects.create(meeting=meeting, unit=unit("xa-canh-hiep"), attendance=Attendance.EXCUSED)
    MeetingInvitee.objects.create(meeting=meeting, unit=unit("xa-canh-hoa"), attendance=Attendance.PRESENT)
    cancelled = meeting_at(TUE, "14:00", status=MeetingStatus.CANCELLED)
    MeetingInvitee.objects.create(meeting=cancelled, unit=unit("xa-canh-lien"), attendance=Attendance.UNEXCUSED)
    for day in (TUE, WED):
        compliance.compute_day(day)
    assert counted(TUE, "xa-canh-hien")[2] == [absent.pk]
    assert unit_row(TUE, "xa-canh-hien").unexcused_absences == 1
    assert unit_row(TUE, "xa-canh-hien").in_breach  # no visits and an unexcused absence
    assert counted(TUE, "noi-vu")[2] == [person.pk]  # a person's absence counts for their unit
    for code in ("xa-canh-hiep", "xa-canh-hoa", "xa-canh-lien"):
        assert unit_row(TUE, code).unexcused_absences == 0
    assert unit_row(WED, "xa-canh-hien").unexcused_absences == 0


def test_a_reason_judged_later_is_picked_up_by_recomputing(db):
    from documents.models import Attendance, MeetingInvitee

    invitee = MeetingInvitee.objects.create(
        meeting=meeting_at(TUE), unit=unit("xa-canh-hien"), attendance=Attendance.UNEXCUSED
    )
    compliance.compute_day(TUE)
    assert unit_row(TUE, "xa-canh-hien").unexcused_absences == 1
    MeetingInvitee.objects.filter(pk=invitee.pk).update(attendance=Attendance.EXCUSED)
    compliance.compute_day(TUE)
    assert unit_row(TUE, "xa-canh-hien").unexcused_absences == 0


# --- Ranges of days and months ------------------------------------------------------------------------------------


def _week_of_items():
    """Deliveries to Canh Hiển and assignments of Nội vụ, each late on some days of the week of MON."""
    hien, noivu = unit("xa-canh-hien"), unit("noi-vu")
    items = {
        "never": deliver(document(), hien, at(MON, "10:00")),  # due TUE, never opened: TUE…FRI
        "wed": deliver(document(), hien, at(MON, "10:30"), opened_at=at(WED, "09:00")),  # TUE, WED
        "fri_evening": deliver(document(), hien, at(WED, "19:00"), opened_at=at(FRI, "19:30")),  # FRI
        "in_time": deliver(document(), hien, at(TUE, "09:00"), opened_at=at(WED, "10:00")),  # never late
        "thu_only": deliver(document(), hien, at(WED, "09:00"), opened_at=at(THU, "19:00")),  # THU
        "open": assign(record(document(), unit("ubnd")), to_unit=noivu, due=MON),  # TUE…FRI
        "done_thu": assign(
            record(document(), unit("ubnd")), to_unit=noivu, due=TUE, status=AssignmentStatus.DONE,
            completed_at=at(THU, "10:00"),
        ),  # WED, THU
        "person": assign(
            record(document(), unit("ubnd")), to_user=user("cv1.noivu"), due=MON, status=AssignmentStatus.DONE,
            completed_at=at(TUE, "08:00"),
        ),  # TUE
    }  # fmt: skip
    assign(record(document(), unit("ubnd")), to_unit=noivu, due=MON, role=AssignmentRole.INFORM)  # never
    return items


def _union(code, days):
    ids = [compliance.counted_ids(unit(code).pk, d, d) for d in days]
    return tuple(sorted(set().union(*(i[k] for i in ids))) for k in range(3))


def test_a_range_counts_each_item_once_on_the_days_that_are_stored(db):
    items = _week_of_items()
    for day in (MON, TUE, WED, FRI):
        compliance.compute_day(day)
    pk = {name: item.pk for name, item in items.items()}
    hien, noivu = unit("xa-canh-hien").pk, unit("noi-vu").pk
    # Thursday is not computed: what only Thursday counted is not in the week.
    assert compliance.counted_ids(hien, MON, FRI)[0] == sorted([pk["never"], pk["wed"], pk["fri_evening"]])
    compliance.compute_day(THU)
    unopened, overdue, _ = compliance.counted_ids(hien, MON, FRI)
    assert unopened == sorted([pk["never"], pk["wed"], pk["fri_evening"], pk["thu_only"]])
    assert compliance.counted_ids(noivu, MON, FRI)[1] == sorted([pk["open"], pk["done_thu"], pk["person"]])
    assert compliance.counted_ids(noivu, WED, WED)[1] == sorted([pk["open"], pk["done_thu"]])
    week = (MON, TUE, WED, THU, FRI)
    for start, end in ((MON, FRI), (TUE, WED), (THU, FRI), (WED, WED), (SAT, SUN)):
        days = [d for d in week if start <= d <= end]
        for code in ("xa-canh-hien", "noi-vu", "xa-canh-hiep"):
            assert compliance.counted_ids(unit(code).pk, start, end) == _union(code, days), (code, start, end)
        counts = compliance.counted_per_unit(start, end)
        for code in ("xa-canh-hien", "noi-vu"):
            union = _union(code, days)
            assert counts.get(unit(code).pk, (0, 0)) == (len(union[0]), len(union[1])), (code, start, end)


def test_a_unit_counts_only_on_its_own_stored_days(db):
    """A unit joining on Wednesday is not counted for Tuesday, even in a range that covers both days."""
    hien = unit("xa-canh-hien")
    old = deliver(document(), hien, at(MON, "10:00"))
    Unit.objects.filter(pk=hien.pk).update(eoffice_since=WED)
    for day in (TUE, WED):
        compliance.compute_day(day)
    assert not UnitCompliance.objects.filter(date=TUE, unit=hien).exists()
    assert compliance.counted_ids(hien.pk, TUE, WED)[0] == [old.pk]
    assert compliance.counted_ids(hien.pk, TUE, TUE)[0] == []


def _month_rows(start, end):
    return [vars(r) for r in compliance.period_rows(start, end)]


def test_a_months_summary_has_what_its_days_sum_to(db):
    from idesk.models import ComplianceMonth, UnitComplianceMonth

    _week_of_items()
    visit(user("vanthu.canhhiep"), TUE, "08:00", "14:00")
    first, last = compliance.month_bounds(MON)
    for day in (MON, TUE, WED, THU, FRI):
        compliance.compute_day(day)
    assert compliance.summarized_month(first, last) is None
    from_days = _month_rows(first, last)  # summed from the stored days
    assert compliance.summarize_month(MON)
    assert compliance.summarized_month(first, last) == first
    assert compliance.summarized_month(MON, FRI) == first  # every stored day of the month is in it
    assert compliance.summarized_month(TUE, last) is None  # leaves Monday out
    assert _month_rows(first, last) == from_days
    hien = next(r for r in from_days if r["code"] == "xa-canh-hien")
    assert (hien["days"], hien["unopened"], hien["overdue"]) == (5, 4, 0)
    stored = list(UnitComplianceMonth.objects.order_by("unit_id").values())
    assert compliance.summarize_month(FRI)  # again: the same rows
    assert [{**r, "id": None} for r in UnitComplianceMonth.objects.order_by("unit_id").values()] == [
        {**r, "id": None} for r in stored
    ]
    assert ComplianceMonth.objects.get(month=first).days == 5


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (set DATABASE_URL)")
def test_a_months_summary_first_brings_the_planners_statistics_up_to_the_days_just_computed(db):
    """The days a summary reads were just written, past the statistics autovacuum keeps (it analyzes these tables
    every few weeks of days): planned as one row, the province's month took 2.5 s instead of 0.09. The summary
    analyzes them first, so PostgreSQL knows the rows are there (pg_class.reltuples, set by ANALYZE)."""

    def rows_known(table):
        with connection.cursor() as cursor:
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
            return cursor.fetchone()[0]

    for day in (MON, TUE):
        compliance.compute_day(day)
    days = UnitCompliance.objects.count()
    assert days > 0 and rows_known("idesk_unitcompliance") != days
    assert compliance.summarize_month(TUE)
    assert rows_known("idesk_unitcompliance") == days and rows_known("idesk_complianceday") == 2


def test_computing_a_day_drops_its_months_summary_only(db):
    from idesk.models import ComplianceMonth, UnitComplianceMonth

    october = datetime.date(2026, 10, 30)
    for day in (october, TUE):
        compliance.compute_day(day)
        compliance.summarize_month(day)
    compliance.compute_day(WED)
    assert list(ComplianceMonth.objects.values_list("month", flat=True)) == [october.replace(day=1)]
    assert not UnitComplianceMonth.objects.filter(month=TUE.replace(day=1)).exists()
    assert compliance.summarized_month(*compliance.month_bounds(TUE)) is None
    compliance.compute_days([WED])  # as the daily task and compliance_report do
    assert compliance.summarized_month(*compliance.month_bounds(TUE)) == TUE.replace(day=1)


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


def add_units(n: int) -> None:
    """n more communes, each with a clerk and two staff who visit, and a late delivery."""
    for i in range(n):
        u = UnitFactory(
            code=f"xa-them-{i}", name=f"UBND xã Thêm {i}", kind=UnitKind.COMMUNE, sort_order=0,
            eoffice_since=MON - datetime.timedelta(days=30),
        )  # fmt: skip
        clerk = UserFactory(unit=u, role=Role.CLERK)
        for staff in UserFactory.create_batch(2, unit=u):
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
    add_units(15)
    after = _queries_to_compute(TUE)
    assert after == before
    assert after <= 16
    assert UnitCompliance.objects.filter(date=TUE, unit__code__startswith="xa-them-", compliant=True).count() == 15
