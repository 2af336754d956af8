"""Reading the stored results: a day's report, a period's rows per unit, trends, a unit's people."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Max, Min, Q, Sum

from idesk.compliance.clock import required_visits
from idesk.compliance.counted import counted_per_unit
from idesk.models import (
    ComplianceDay,
    ComplianceMonth,
    UnitCompliance,
    UnitComplianceMonth,
    UserCompliance,
)
from units.calendar import WorkCalendar

# --- Reading the stored results -------------------------------------------------------------------------------


def report(day: datetime.date, *, working_day: bool | None = None) -> dict:
    """The stored results of D in the shape `compliance_report --json` prints (three queries)."""
    if working_day is None:
        working_day = WorkCalendar(day, day).is_working_day(day)
    stored = ComplianceDay.objects.filter(date=day).first()
    out = {
        "date": day.isoformat(),
        "working_day": working_day,
        "required_visits": stored.required_visits if stored else required_visits(),
        "units": [],
    }
    if not working_day or stored is None:
        return out
    users: dict[int, list[dict]] = defaultdict(list)
    for unit_id, username, visits, compliant in (
        UserCompliance.objects.filter(date=day)
        .order_by("user__username")
        .values_list("unit_id", "user__username", "visits", "compliant")
    ):
        users[unit_id].append({"username": username, "visits": visits, "compliant": compliant})
    for row in (
        UnitCompliance.objects.filter(date=day)
        .order_by("unit__code")
        .values(
            "unit_id",
            "unit__code",
            "unit__name",
            "clerk__username",
            "visits",
            "compliant",
            "unopened",
            "overdue",
            "unexcused_absences",
            "in_breach",
        )
    ):
        out["units"].append(
            {
                "code": row["unit__code"],
                "name": row["unit__name"],
                "clerk": row["clerk__username"],
                "visits": row["visits"],
                "compliant": row["compliant"],
                "unopened": row["unopened"],
                "overdue": row["overdue"],
                "unexcused_absences": row["unexcused_absences"],
                "in_breach": row["in_breach"],
                "users": users.get(row["unit_id"], []),
            }
        )
    return out


def latest_day(on_or_before: datetime.date) -> datetime.date | None:
    return ComplianceDay.objects.filter(date__lte=on_or_before).order_by("-date").values_list("date", flat=True).first()


def units_in_breach(day: datetime.date) -> list[dict]:
    """Units in breach on a stored day, by code, with what they did not do (one query)."""
    return list(
        UnitCompliance.objects.filter(date=day, in_breach=True)
        .order_by("unit__sort_order", "unit__code")
        .values("unit__code", "unit__name", "clerk__username", "visits", "unopened", "overdue", "unexcused_absences")
    )


# The status a unit has over a period: breach on any day beats non-compliance on any day beats compliant.
BREACH, NOT_COMPLIANT, COMPLIANT = "breach", "not_compliant", "compliant"


STATUS_ORDER = {BREACH: 0, NOT_COMPLIANT: 1, COMPLIANT: 2}


@dataclass
class UnitPeriod:
    """A unit's stored results summed over a period (one day or many)."""

    unit_id: int
    code: str
    name: str
    sort_order: int
    clerk: str | None
    days: int
    compliant_days: int
    breach_days: int
    visits: int
    unopened: int  # distinct deliveries counted on any day of the period
    overdue: int  # distinct assignments counted on any day of the period
    unexcused_absences: int
    counted: bool = False  # unopened and overdue are known (else count_period_items fills them)

    @property
    def status(self) -> str:
        if self.breach_days:
            return BREACH
        if self.compliant_days < self.days:
            return NOT_COMPLIANT
        return COMPLIANT

    @property
    def not_compliant_days(self) -> int:
        return self.days - self.compliant_days

    @property
    def average_visits(self) -> float:
        return self.visits / self.days if self.days else 0.0


def summarized_month(start: datetime.date, end: datetime.date) -> datetime.date | None:
    """The month whose stored summary is exactly the period's stored days, if any (one query): the period lies in
    one month and leaves out none of its stored days (a whole month, or "this month" up to today)."""
    if (start.year, start.month) != (end.year, end.month):
        return None
    month = start.replace(day=1)
    found = ComplianceMonth.objects.filter(month=month, first_day__gte=start, last_day__lte=end).exists()
    return month if found else None


def period_rows(
    start: datetime.date, end: datetime.date, unit_ids: list[int] | None = None, *, count_items: bool = True
) -> list[UnitPeriod]:
    """Each unit's results over [start, end], breaches first, then non-compliant, then compliant (two or three
    queries).

    A summed-up month is read from its summary (a row a unit, with its distinct counts). Otherwise the days are
    summed here, and a unit with one stored day in the period has that day's counts; for the others
    count_items=False leaves unopened/overdue to count_period_items, so that a page of rows can have them
    counted for its own units only (the order does not depend on them)."""
    month = summarized_month(start, end)
    if month is not None:
        rows = _month_rows(month, unit_ids)
    else:
        rows = _day_sums(start, end, unit_ids)
    rows.sort(key=lambda r: (STATUS_ORDER[r.status], -r.breach_days, r.compliant_days - r.days, r.sort_order, r.code))
    if count_items:
        count_period_items(rows, start, end)
    return rows


def _month_rows(month: datetime.date, unit_ids: list[int] | None) -> list[UnitPeriod]:
    qs = UnitComplianceMonth.objects.filter(month=month)
    if unit_ids is not None:
        qs = qs.filter(unit_id__in=unit_ids)
    return [
        UnitPeriod(
            unit_id=r[0],
            code=r[1],
            name=r[2],
            sort_order=r[3],
            clerk=r[4],
            days=r[5],
            compliant_days=r[6],
            breach_days=r[7],
            visits=r[8],
            unopened=r[9],
            overdue=r[10],
            unexcused_absences=r[11],
            counted=True,
        )
        for r in qs.values_list(
            "unit_id",
            "unit__code",
            "unit__name",
            "unit__sort_order",
            "clerk__username",
            "days",
            "compliant_days",
            "breach_days",
            "visits",
            "unopened",
            "overdue",
            "unexcused_absences",
        )
    ]


def _day_sums(start: datetime.date, end: datetime.date, unit_ids: list[int] | None) -> list[UnitPeriod]:
    qs = UnitCompliance.objects.filter(date__gte=start, date__lte=end)
    if unit_ids is not None:
        qs = qs.filter(unit_id__in=unit_ids)
    sums = list(
        qs.values("unit_id", "unit__code", "unit__name", "unit__sort_order")
        .annotate(
            days=Count("id"),
            compliant_days=Count("id", filter=Q(compliant=True)),
            breach_days=Count("id", filter=Q(in_breach=True)),
            visits_sum=Sum("visits"),
            absences=Sum("unexcused_absences"),
            unopened_sum=Sum("unopened"),
            overdue_sum=Sum("overdue"),
            last=Max("date"),
        )
        .order_by()
    )
    # The clerk of each unit's last stored day, read in one go (usually all units share that day).
    last_days: dict[datetime.date, list[int]] = defaultdict(list)
    for s in sums:
        last_days[s["last"]].append(s["unit_id"])
    clerks: dict[int, str | None] = {}
    if last_days:
        which = Q()
        for day, ids in last_days.items():
            which |= Q(date=day, unit_id__in=ids)
        clerks = dict(UnitCompliance.objects.filter(which).values_list("unit_id", "clerk__username"))
    return [
        UnitPeriod(
            unit_id=s["unit_id"],
            code=s["unit__code"],
            name=s["unit__name"],
            sort_order=s["unit__sort_order"],
            clerk=clerks.get(s["unit_id"]),
            days=s["days"],
            compliant_days=s["compliant_days"],
            breach_days=s["breach_days"],
            visits=s["visits_sum"] or 0,
            # One stored day: its counts are the distinct ones.
            unopened=s["unopened_sum"] if s["days"] == 1 else 0,
            overdue=s["overdue_sum"] if s["days"] == 1 else 0,
            unexcused_absences=s["absences"] or 0,
            counted=s["days"] == 1,
        )
        for s in sums
    ]


def count_period_items(rows: list[UnitPeriod], start: datetime.date, end: datetime.date) -> None:
    """Set unopened and overdue of the rows that do not have them yet: the distinct deliveries and assignments
    counted on any stored day of the period, re-derived by the database for these units only (three queries)."""
    todo = {r.unit_id: r for r in rows if not r.counted}
    if not todo:
        return
    counts = counted_per_unit(start, end, list(todo))
    for unit_id, row in todo.items():
        row.unopened, row.overdue = counts.get(unit_id, (0, 0))
        row.counted = True


@dataclass
class DayPoint:
    date: datetime.date
    units: int
    compliant: int
    breach: int
    visits: int

    @property
    def not_compliant(self) -> int:
        return self.units - self.compliant

    @property
    def not_compliant_only(self) -> int:
        return self.units - self.compliant - self.breach


def district_trend(start: datetime.date, end: datetime.date, unit_ids: list[int] | None = None) -> list[DayPoint]:
    """Per stored day: units counted, compliant, in breach, clerk visits (one query; the whole district's from
    the days' totals)."""
    if unit_ids is None:
        return [
            DayPoint(date=d, units=n, compliant=ok, breach=bad, visits=v)
            for d, n, ok, bad, v in ComplianceDay.objects.filter(date__gte=start, date__lte=end)
            .order_by("date")
            .values_list("date", "units", "compliant_units", "breach_units", "clerk_visits")
        ]
    qs = UnitCompliance.objects.filter(date__gte=start, date__lte=end, unit_id__in=unit_ids)
    return [
        DayPoint(date=r["date"], units=r["n"], compliant=r["ok"], breach=r["bad"], visits=r["v"] or 0)
        for r in qs.values("date")
        .annotate(
            n=Count("id"),
            ok=Count("id", filter=Q(compliant=True)),
            bad=Count("id", filter=Q(in_breach=True)),
            v=Sum("visits"),
        )
        .order_by("date")
    ]


def unit_days(unit_id: int, start: datetime.date, end: datetime.date) -> list[UnitCompliance]:
    """A unit's stored days in the period, newest first (one query)."""
    return list(
        UnitCompliance.objects.filter(unit_id=unit_id, date__gte=start, date__lte=end)
        .select_related("clerk")
        .order_by("-date")
    )


@dataclass
class UserPeriod:
    user_id: int
    username: str
    full_name: str
    position: str
    role: str
    days: int
    compliant_days: int
    visits: int


def unit_users(unit_id: int, start: datetime.date, end: datetime.date) -> list[UserPeriod]:
    """The unit's people over the period: visits, days they met the rule (one query)."""
    rows = (
        UserCompliance.objects.filter(unit_id=unit_id, date__gte=start, date__lte=end)
        .values("user_id", "user__username", "user__full_name", "user__position", "user__role", "user__sort_order")
        .annotate(days=Count("id"), ok=Count("id", filter=Q(compliant=True)), v=Sum("visits"))
        .order_by("user__sort_order", "user__full_name")
    )
    return [
        UserPeriod(
            user_id=r["user_id"],
            username=r["user__username"],
            full_name=r["user__full_name"],
            position=r["user__position"],
            role=r["user__role"],
            days=r["days"],
            compliant_days=r["ok"],
            visits=r["v"] or 0,
        )
        for r in rows
    ]


def stored_range(start: datetime.date, end: datetime.date) -> dict:
    """The computed days in [start, end] and the rule used (one query)."""
    agg = ComplianceDay.objects.filter(date__gte=start, date__lte=end).aggregate(
        n=Count("id"), first=Min("date"), last=Max("date"), required=Max("required_visits")
    )
    return {"days": agg["n"], "first": agg["first"], "last": agg["last"], "required": agg["required"]}
