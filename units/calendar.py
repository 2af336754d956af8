"""Working days (ngày làm việc): Monday–Friday except Vietnamese public holidays, with administrator exceptions.

Three sources, strongest first:
1. `CalendarException` rows an administrator enters (an extra day off, a make-up working Saturday);
2. the `holidays` package for Vietnam: fixed and lunar holidays (Tết Nguyên đán, Giỗ Tổ Hùng Vương), their
   observed days, and the swaps it already knows (including make-up Saturdays);
3. Saturday and Sunday are days off.

The holiday sets are computed once per year and kept for the life of the process (they never change). The
exceptions are read from the database on each call, one query for the span the call needs, so a change in the
admin is seen at once by every process (web and worker) without a cache to invalidate. Code that asks many
questions (a report, a page) loads a `WorkCalendar` once and asks it.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Iterator

from django.utils import timezone
from django.utils.translation import gettext as _

ONE_DAY = datetime.timedelta(days=1)
SATURDAY = 5


def local_midnight(day: datetime.date) -> datetime.datetime:
    """The start of `day` in Vietnam (the site's time zone): whole days are filtered as a range from one local
    midnight to the next, which an index on the column serves (`__date` converts every row's value)."""
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_default_timezone())


@functools.lru_cache(maxsize=128)  # ~14 ms to work out a year; asked for every day a calendar looks at
def _year(year: int) -> tuple[dict[datetime.date, str], frozenset[datetime.date]]:
    """(public holidays with their names, make-up working weekend days) of one year, in Vietnamese."""
    import holidays  # here, not with the module: ~2 MB that a process needs only once it counts working days

    vn = holidays.country_holidays("VN", years=year, language="vi")
    names = {day: name for day, name in vn.items() if day.year == year}
    workdays = frozenset(day for day in getattr(vn, "weekend_workdays", ()) if day.year == year)
    return names, workdays


def holiday_name(day: datetime.date) -> str | None:
    """The public holiday on `day` (e.g. "Tết Nguyên Đán"), or None."""
    return _year(day.year)[0].get(day)


class WorkCalendar:
    """Answers working-day questions for a span of dates from one query; extends itself if asked outside it."""

    def __init__(self, start: datetime.date, end: datetime.date) -> None:
        self._exceptions: dict[datetime.date, tuple[str, str]] = {}
        self._lo = self._hi = None
        self._load(start, end)

    def _load(self, start: datetime.date, end: datetime.date) -> None:
        from units.models import CalendarException

        if start > end:
            start, end = end, start
        rows = CalendarException.objects.filter(date__gte=start, date__lte=end).values_list("date", "kind", "reason")
        for day, kind, reason in rows:
            self._exceptions[day] = (kind, reason)
        self._lo = start if self._lo is None else min(self._lo, start)
        self._hi = end if self._hi is None else max(self._hi, end)

    def _cover(self, day: datetime.date) -> None:
        # Rare: a long jump past the loaded span. Load a generous chunk so a loop does not query per day.
        if day < self._lo:
            self._load(day - datetime.timedelta(days=366), self._lo - ONE_DAY)
        elif day > self._hi:
            self._load(self._hi + ONE_DAY, day + datetime.timedelta(days=366))

    def exception(self, day: datetime.date) -> tuple[str, str] | None:
        self._cover(day)
        return self._exceptions.get(day)

    def is_working_day(self, day: datetime.date) -> bool:
        from units.models import CalendarExceptionKind

        found = self.exception(day)
        if found is not None:
            return found[0] == CalendarExceptionKind.WORKING_DAY
        names, workdays = _year(day.year)
        if day in names:
            return False
        if day in workdays:
            return True
        return day.weekday() < SATURDAY

    def describe(self, day: datetime.date) -> str:
        """Why a day is what it is, in Vietnamese, for pages ("Tết Nguyên Đán", "Thứ Bảy", "Làm bù …")."""
        found = self.exception(day)
        if found is not None:
            return found[1]
        name = holiday_name(day)
        if name:
            return name
        if day in _year(day.year)[1]:
            return _("Làm bù")
        return [_("Thứ Hai"), _("Thứ Ba"), _("Thứ Tư"), _("Thứ Năm"), _("Thứ Sáu"), _("Thứ Bảy"), _("Chủ nhật")][
            day.weekday()
        ]

    def add_working_days(self, day: datetime.date, n: int) -> datetime.date:
        """The n-th working day after `day` (before it when n < 0); `day` itself when n == 0."""
        step = ONE_DAY if n >= 0 else -ONE_DAY
        remaining = abs(n)
        while remaining:
            day += step
            if self.is_working_day(day):
                remaining -= 1
        return day

    def working_days_between(self, start: datetime.date, end: datetime.date) -> int:
        """Working days d with start < d <= end (negative when end is before start).

        So that working_days_between(d, add_working_days(d, n)) == n.
        """
        if end < start:
            return -self.working_days_between(end, start)
        return sum(1 for d in _days(start + ONE_DAY, end) if self.is_working_day(d))

    def working_days(self, start: datetime.date, end: datetime.date) -> list[datetime.date]:
        """The working days from `start` to `end`, both included."""
        return [d for d in _days(start, end) if self.is_working_day(d)]


def _days(start: datetime.date, end: datetime.date) -> Iterator[datetime.date]:
    day = start
    while day <= end:
        yield day
        day += ONE_DAY


def _span_for(day: datetime.date, n: int) -> tuple[datetime.date, datetime.date]:
    # Five working days take seven calendar days; Tết adds at most about ten more. Twice n plus a month is plenty.
    reach = datetime.timedelta(days=2 * abs(n) + 31)
    return (day, day + reach) if n >= 0 else (day - reach, day)


def calendar_for(start: datetime.date, end: datetime.date) -> WorkCalendar:
    """A calendar loaded for [start, end] (one query)."""
    return WorkCalendar(start, end)


def is_working_day(day: datetime.date) -> bool:
    """Is `day` a working day? (one query)"""
    return WorkCalendar(day, day).is_working_day(day)


def add_working_days(day: datetime.date, n: int) -> datetime.date:
    """The n-th working day after `day` (n < 0: before it). One query."""
    return WorkCalendar(*_span_for(day, n)).add_working_days(day, n)


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Number of working days d with start < d <= end. One query."""
    return WorkCalendar(min(start, end), max(start, end)).working_days_between(start, end)
