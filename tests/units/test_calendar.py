import datetime

import pytest
from django.contrib.admin.sites import site

from tests.helpers import user
from units import calendar
from units.models import CalendarException, CalendarExceptionKind

D = datetime.date


@pytest.mark.parametrize(
    "day, working",
    [
        (D(2026, 11, 16), True),  # Monday
        (D(2026, 11, 20), True),  # Friday
        (D(2026, 11, 21), False),  # Saturday
        (D(2026, 11, 22), False),  # Sunday
        (D(2026, 2, 17), False),  # Tết Nguyên đán (mùng 1)
        (D(2026, 2, 20), False),  # Tết (mùng 4)
        (D(2025, 4, 7), False),  # Giỗ Tổ Hùng Vương 10/3 âm lịch
        (D(2026, 4, 27), False),  # Giỗ Tổ fell on a Sunday: the Monday is off instead
        (D(2026, 1, 1), False),  # Tết Dương lịch
        (D(2026, 9, 2), False),  # Quốc khánh
        (D(2025, 4, 26), True),  # a make-up Saturday the holidays package knows
    ],
)
def test_working_days_follow_the_vietnamese_calendar(db, day, working):
    assert calendar.is_working_day(day) is working


def test_a_make_up_saturday_entered_by_the_administrator_is_a_working_day(db):
    saturday = D(2026, 11, 21)
    assert not calendar.is_working_day(saturday)
    CalendarException.objects.create(date=saturday, kind=CalendarExceptionKind.WORKING_DAY, reason="Làm bù")
    assert calendar.is_working_day(saturday)  # no cache to wait for


def test_an_extra_day_off_is_not_a_working_day(db):
    CalendarException.objects.create(date=D(2026, 11, 19), kind=CalendarExceptionKind.DAY_OFF, reason="Nghỉ bù")
    assert not calendar.is_working_day(D(2026, 11, 19))
    assert calendar.add_working_days(D(2026, 11, 18), 1) == D(2026, 11, 20)


def test_the_nth_working_day_skips_weekends_and_tet(db):
    assert calendar.add_working_days(D(2026, 11, 20), 1) == D(2026, 11, 23)  # Friday → Monday
    assert calendar.add_working_days(D(2026, 2, 13), 1) == D(2026, 2, 23)  # Friday before Tết → after it
    assert calendar.add_working_days(D(2026, 11, 23), -1) == D(2026, 11, 20)
    assert calendar.add_working_days(D(2026, 11, 21), 0) == D(2026, 11, 21)
    assert calendar.add_working_days(D(2026, 11, 21), 1) == D(2026, 11, 23)  # from a Saturday


def test_working_days_between_is_the_inverse_of_add(db):
    start = D(2026, 1, 28)
    for n in (0, 1, 5, 17, 40):
        assert calendar.working_days_between(start, calendar.add_working_days(start, n)) == n
    assert calendar.working_days_between(D(2026, 11, 23), D(2026, 11, 20)) == -1


def test_each_call_costs_at_most_one_query(db, django_assert_num_queries):
    with django_assert_num_queries(1):
        calendar.is_working_day(D(2026, 11, 16))
    with django_assert_num_queries(1):
        calendar.add_working_days(D(2026, 1, 5), 60)  # across Tết
    with django_assert_num_queries(1):
        calendar.working_days_between(D(2026, 1, 1), D(2026, 12, 31))


def test_a_loaded_calendar_answers_without_queries(db, django_assert_num_queries):
    cal = calendar.calendar_for(D(2026, 1, 1), D(2026, 12, 31))
    with django_assert_num_queries(0):
        assert len(cal.working_days(D(2026, 11, 16), D(2026, 11, 22))) == 5
        assert cal.describe(D(2026, 2, 17)) == "Tết Nguyên Đán"
        assert cal.describe(D(2026, 11, 21)) == "Thứ Bảy"


def test_the_admin_lists_exceptions_in_vietnamese(db, client):

    admin = user("admin")
    client.force_login(admin)
    CalendarException.objects.create(date=D(2026, 11, 21), kind=CalendarExceptionKind.WORKING_DAY, reason="Làm bù")
    assert CalendarException in site._registry
    page = client.get("/admin/units/calendarexception/").content.decode()
    assert "Làm bù" in page and "Thứ Bảy" in page


def test_a_years_holidays_are_worked_out_once_however_many_days_are_asked(db, monkeypatch):
    """The holidays package takes ~14 ms for a year: asked for each day, the daily reminders over a province's
    overdue assignments (a deadline years back is hundreds of days to walk) took minutes instead of seconds."""
    import holidays

    made = []
    real = holidays.country_holidays

    def counted(*args, **kwargs):
        made.append(kwargs.get("years"))
        return real(*args, **kwargs)

    monkeypatch.setattr(holidays, "country_holidays", counted)
    calendar._year.cache_clear()
    work = calendar.WorkCalendar(D(2024, 1, 1), D(2026, 12, 31))
    assert work.working_days_between(D(2024, 1, 1), D(2026, 12, 31)) > 700
    assert sorted(made) == [2024, 2025, 2026]
