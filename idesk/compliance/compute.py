"""Computing one day (INSERT … SELECT in the database) and summing up its month."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, F, Max, Min, Q, Window
from django.db.models.functions import Lag
from django.utils import timezone

from accounts.models import AccessEvent, AccessKind, Role, User
from idesk.compliance.clock import (
    ONE_DAY,
    day_cutoffs,
    local_midnight,
    month_bounds,
    required_visits,
)
from idesk.compliance.counted import counted_sql, loosest
from idesk.compliance.rules import (
    Col,
    absence_candidates,
    assignment_candidates,
    day_terms,
    delivery_candidates,
    fill,
    literal,
    tables,
)
from idesk.models import (
    ComplianceDay,
    ComplianceMonth,
    UnitCompliance,
    UnitComplianceMonth,
    UserCompliance,
)
from units.calendar import WorkCalendar
from units.models import Unit

# --- Computing one day -----------------------------------------------------------------------------------------


def units_on_system(day: datetime.date):
    return Unit.objects.on_system(day).internal()


def compute_day(day: datetime.date) -> bool:
    """Compute (or recompute) day D and store its rows in place of any earlier ones (one transaction).

    Returns whether D is a working day; a day that is not (any more) has no rows. Every row is made by the
    database itself (INSERT … SELECT): the people's visits, then each unit's numbers from its clerk's visits and
    the rules above, then the day with its cut-offs and totals. Ten statements, whatever the district's size.
    The summary of D's month is dropped (summarize_month makes it again).
    """
    calendar = WorkCalendar(day - datetime.timedelta(days=45), day)
    if not calendar.is_working_day(day):
        with transaction.atomic():
            _lock_month(day)
            _delete_day(day)
        return False
    required = required_visits()
    cut = day_cutoffs(day, calendar)
    unit_ids = units_on_system(day).order_by().values("id")
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Derived data, recomputable at will: a crash right after commit could at worst lose this
            # recompute (never corrupt anything), so do not wait for the WAL flush of ten thousand rows.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        _lock_month(day)
        _delete_day(day)
        _insert_user_rows(day, required, unit_ids)
        _insert_unit_rows(day, cut, required, unit_ids)
        _insert_day(day, cut, required)
    return True


def _lock_month(day: datetime.date) -> None:
    """Computing a day and summing up its month wait for each other (PostgreSQL; SQLite writes one at a time),
    so that a month's summary never misses a day computed while it was being made."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [0x1D35C, day.year * 12 + day.month])


def _delete_day(day: datetime.date) -> None:
    month = day.replace(day=1)
    UserCompliance.objects.filter(date=day).delete()
    UnitCompliance.objects.filter(date=day).delete()
    ComplianceDay.objects.filter(date=day).delete()
    UnitComplianceMonth.objects.filter(month=month).delete()
    ComplianceMonth.objects.filter(month=month).delete()


def _sql(qs) -> tuple[str, tuple]:
    sql, params = qs.query.get_compiler(connection=connection).as_sql()
    return sql, tuple(params)


def _insert_user_rows(day: datetime.date, required: int, unit_ids) -> None:
    """One row per active user of the units on the system: their visits and whether they met the rule."""
    people_sql, people_params = _sql(
        User.objects.filter(is_active=True, unit_id__in=unit_ids).order_by().values("id", "unit_id")
    )
    visits_sql, visits_params = _visits_sql(day)
    table = UserCompliance._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (date, user_id, unit_id, visits, compliant) "
            f"SELECT %s, p.id, p.unit_id, COALESCE(v.n, 0), COALESCE(v.n, 0) >= %s "
            f"FROM ({people_sql}) p LEFT JOIN ({visits_sql}) v ON v.user_id = p.id",
            (connection.ops.adapt_datefield_value(day), required, *people_params, *visits_params),
        )


def _insert_unit_rows(day: datetime.date, cut: dict, required: int, unit_ids) -> None:
    """One row per unit on the system: its clerk's visits (from the people's rows just made) and its counts."""
    terms = day_terms(day, cut)
    t = tables()
    sql, params = fill(
        "INSERT INTO {unit_day} (date, unit_id, clerk_id, visits, compliant, unopened, overdue, unexcused_absences, "
        "in_breach) SELECT r.date, r.unit_id, r.clerk_id, r.visits, r.compliant, r.unopened, r.overdue, r.absences, "
        "NOT r.compliant AND r.unopened + r.overdue + r.absences > 0 FROM ("
        "SELECT {date} AS date, u.id AS unit_id, k.id AS clerk_id, COALESCE(v.visits, 0) AS visits, "
        "(k.id IS NOT NULL AND COALESCE(v.visits, 0) >= {required}) AS compliant, COALESCE(o.n, 0) AS unopened, "
        "COALESCE(w.n, 0) AS overdue, COALESCE(m.n, 0) AS absences "
        "FROM {unit} u "
        # at most one active clerk per unit (a database constraint)
        f"LEFT JOIN {{user}} k ON k.unit_id = u.id AND k.is_active AND k.role = {literal(Role.CLERK)} "
        "LEFT JOIN {user_day} v ON v.date = {date} AND v.user_id = k.id "
        "LEFT JOIN (SELECT x.unit_id, COUNT(*) AS n FROM ({unopened}) x GROUP BY x.unit_id) o ON o.unit_id = u.id "
        "LEFT JOIN (SELECT x.unit_id, COUNT(*) AS n FROM ({overdue}) x GROUP BY x.unit_id) w ON w.unit_id = u.id "
        "LEFT JOIN (SELECT x.unit_id, COUNT(*) AS n FROM ({absences}) x GROUP BY x.unit_id) m ON m.unit_id = u.id "
        "WHERE u.id IN ({units})) r",
        unit_day=Col(t["unit_day"]),
        unit=Col(t["unit"]),
        user=Col(t["user"]),
        user_day=Col(t["user_day"]),
        date=day,
        required=required,
        unopened=delivery_candidates(terms, terms),
        overdue=assignment_candidates(terms, terms),
        absences=absence_candidates(cut["starts_at"], cut["starts_at"] + ONE_DAY),
        units=_sql(unit_ids),
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _insert_day(day: datetime.date, cut: dict, required: int) -> None:
    """The day itself: the rule, the cut-offs, and the totals of the unit rows just made."""
    t = tables()
    sql, params = fill(
        "INSERT INTO {day_table} (date, required_visits, computed_at, starts_at, ends_at, due_sent_before, "
        "due_today_sent_from, units, compliant_units, breach_units, clerk_visits) "
        "SELECT {date}, {required}, {now}, {starts}, {ends}, {due_before}, {due_today_from}, COUNT(*), "
        "COALESCE(SUM(CASE WHEN c.compliant THEN 1 ELSE 0 END), 0), "
        "COALESCE(SUM(CASE WHEN c.in_breach THEN 1 ELSE 0 END), 0), COALESCE(SUM(c.visits), 0) "
        "FROM {unit_day} c WHERE c.date = {date}",
        day_table=Col(t["day"]),
        unit_day=Col(t["unit_day"]),
        required=required,
        now=timezone.now(),
        **day_terms(day, cut),
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _visits_sql(day: datetime.date) -> tuple[str, tuple]:
    """SQL of (user_id, n): visits per user on the local day (see visits_by_user)."""
    gap = datetime.timedelta(minutes=settings.IDESK_VISIT_GAP_MINUTES)
    start = local_midnight(day)
    events = (
        AccessEvent.objects.filter(at__gte=start, at__lt=start + ONE_DAY, kind__in=[AccessKind.LOGIN, AccessKind.VISIT])
        .annotate(previous=Window(Lag("at"), partition_by=[F("user_id")], order_by=F("at").asc()))
        .filter(Q(previous__isnull=True) | Q(at__gte=F("previous") + gap))
        .values("user_id")
    )
    inner, params = _sql(events)
    # Django cannot aggregate over a filtered window function, so its SQL is wrapped in a GROUP BY.
    return f"SELECT e.user_id, COUNT(*) AS n FROM ({inner}) e GROUP BY e.user_id", params


def visits_by_user(day: datetime.date) -> dict[int, int]:
    """Visits per user on the local day: events at least the visit gap after the user's previous event.

    The window function (lag() over each user's events) runs in the database, in one query.
    """
    sql, params = _visits_sql(day)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return dict(cursor.fetchall())


def unexcused_absences(day: datetime.date, unit_ids) -> dict[int, list[int]]:
    """Invitations counted as unexcused absences on D, per unit (one query): the rule compute_day counts with."""
    start = local_midnight(day)
    sql, params = absence_candidates(start, start + ONE_DAY, unit_ids)
    found: dict[int, list[int]] = defaultdict(list)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT a.unit_id, a.id FROM ({sql}) a ORDER BY a.id", params)
        for unit_id, invitee_id in cursor.fetchall():
            found[unit_id].append(invitee_id)
    return found


# --- A month summed up ------------------------------------------------------------------------------------------


def summarize_month(day: datetime.date) -> bool:
    """Sum up the stored days of D's month per unit (UnitComplianceMonth), in place of any earlier summary, with
    the distinct deliveries and assignments each unit was counted for. Returns whether the month has stored days.

    Run after computing days (the daily task, compliance_report): a few statements, about as long as a day's
    computation on a province. Recomputing gives identical rows."""
    first, last = month_bounds(day)
    t = tables()
    with transaction.atomic():
        _lock_month(first)
        UnitComplianceMonth.objects.filter(month=first).delete()
        ComplianceMonth.objects.filter(month=first).delete()
        span = ComplianceDay.objects.filter(date__range=(first, last)).aggregate(
            n=Count("id"), first=Min("date"), last=Max("date")
        )
        if not span["n"]:
            return False
        if connection.vendor == "postgresql":
            # The days just computed are newer than the planner's statistics (autovacuum analyzes these tables
            # every few weeks of days): it then took a month's days for one row and joined by nested loops, 2.6 s
            # on the bench's province; analyzed first (~35 ms), 0.14-0.18 s (docs/performance.md).
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {t['unit_day']}, {t['day']}")
        loose = loosest(first, last)
        sql, params = fill(
            "INSERT INTO {unit_month} (month, unit_id, clerk_id, days, compliant_days, breach_days, visits, "
            "unexcused_absences, unopened, overdue) "
            "SELECT {month}, s.unit_id, (SELECT c.clerk_id FROM {unit_day} c WHERE c.unit_id = s.unit_id "
            "AND c.date >= {first} AND c.date <= {last} ORDER BY c.date DESC LIMIT 1), s.days, s.ok, s.bad, "
            "s.visits, s.absences, COALESCE(o.n, 0), COALESCE(w.n, 0) FROM ("
            "SELECT c.unit_id, COUNT(*) AS days, SUM(CASE WHEN c.compliant THEN 1 ELSE 0 END) AS ok, "
            "SUM(CASE WHEN c.in_breach THEN 1 ELSE 0 END) AS bad, SUM(c.visits) AS visits, "
            "SUM(c.unexcused_absences) AS absences FROM {unit_day} c WHERE c.date >= {first} AND c.date <= {last} "
            "GROUP BY c.unit_id) s "
            "LEFT JOIN ({unopened}) o ON o.unit_id = s.unit_id LEFT JOIN ({overdue}) w ON w.unit_id = s.unit_id",
            unit_month=Col(t["unit_month"]),
            unit_day=Col(t["unit_day"]),
            month=first,
            first=first,
            last=last,
            unopened=counted_sql("unopened", first, last, loose, per_unit=True),
            overdue=counted_sql("overdue", first, last, loose, per_unit=True),
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
        ComplianceMonth.objects.create(
            month=first, first_day=span["first"], last_day=span["last"], days=span["n"], computed_at=timezone.now()
        )
    return True


def compute_days(days) -> list[datetime.date]:
    """Compute (or recompute) these days, then sum up their months again. Returns the working days among them."""
    working = [day for day in days if compute_day(day)]
    for month in sorted({day.replace(day=1) for day in days}):
        summarize_month(month)
    return working
