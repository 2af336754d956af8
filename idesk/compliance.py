"""The daily access-compliance report (founding letter R2): computing a day, and reading the stored results.

Rules, for one working day D and each internal unit on the e-office on D:
- visits: access events (login/visit) of a user during the local day D, where an event less than the visit gap
  (30 minutes) after the user's previous event is the same visit (two logins 5 minutes apart count once);
- a unit is compliant when its active clerk account made at least IDESK_REQUIRED_VISITS visits; a user likewise;
- unopened: electronic deliveries to the unit not opened within IDESK_OPEN_WITHIN_WORKING_DAYS working days after
  arriving (a delivery sent after the end of the working day arrives the next day), counted from their opening
  deadline until the day they are finally opened;
- overdue: assignments (chủ trì, phối hợp) of the unit or of its people whose deadline is before D and that were
  still open at the start of D;
- unexcused absences: invitations to meetings held on D that the organiser marked absent without a valid reason
  (the invited unit's, or the invited person's unit's);
- in breach (the head answers for it): not compliant and at least one consequence.

Everything about D is judged as of D's end of working day, from timestamps, so recomputing a past day from
unchanged data gives the same rows. A day is computed by the database in a constant number of statements
(INSERT … SELECT: no row travels through Python), whatever the district's size.

What is stored: per day, each unit's and each person's numbers, and the day's cut-offs (ComplianceDay). Which
deliveries and assignments a day counted is not stored item by item (a province has some 140,000 of them every
day, mostly the same old ones): the rule is written once below as SQL over those cut-offs, and the drill-down and a
range's distinct counts re-derive the items from the stored days. They read the records as they are now: a
delivery recalled since, or a person moved to another unit, is named as it is now while the day keeps the count
it stored (recomputing the day aligns the two). A month's totals per unit are summed up once (summarize_month,
after the day's computation) so that a month's dashboard reads a few hundred rows.
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, F, Max, Min, Q, Sum, Window
from django.db.models.functions import Lag
from django.urls import NoReverseMatch
from django.utils import timezone
from django.utils.translation import gettext_lazy

from accounts.models import AccessEvent, AccessKind, Role, User
from documents.models import Assignment, AssignmentRole, AssignmentStatus, Delivery, DeliveryStatus
from idesk.models import ComplianceDay, ComplianceMonth, UnitCompliance, UnitComplianceMonth, UserCompliance
from units.calendar import WorkCalendar
from units.models import Unit

ONE_DAY = datetime.timedelta(days=1)
_SECRET = gettext_lazy("Văn bản mật")
_MEETING = gettext_lazy("Cuộc họp")


# --- Time helpers ---------------------------------------------------------------------------------------------


def local_midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_default_timezone())


def workday_end(day: datetime.date) -> datetime.datetime:
    """The end of the working day D (IDESK_WORKDAY_ENDS_AT, local time): the report's cut-off."""
    hours, minutes = settings.IDESK_WORKDAY_ENDS_AT
    return datetime.datetime.combine(day, datetime.time(hours, minutes), tzinfo=timezone.get_default_timezone())


def required_visits() -> int:
    return settings.IDESK_REQUIRED_VISITS


def month_bounds(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    first = day.replace(day=1)
    last = (first + datetime.timedelta(days=31)).replace(day=1) - ONE_DAY
    return first, last


def day_cutoffs(day: datetime.date, calendar: WorkCalendar) -> dict:
    """The timestamps that decide what counts on D (stored with the day, as ComplianceDay's fields).

    With N = IDESK_OPEN_WITHIN_WORKING_DAYS and P_k the k-th working day before D, a delivery's opening deadline
    (the N-th working day after it arrives) is on or before D when it arrived before P_(N-1), and is D itself
    when it arrived on or after P_N. It arrives on day X or later exactly when it was sent at or after the end
    of the working day before X. So the rule becomes plain comparisons of timestamps the database can index.
    """
    n = max(settings.IDESK_OPEN_WITHIN_WORKING_DAYS, 1)
    return {
        "starts_at": local_midnight(day),
        "ends_at": workday_end(day),
        "due_sent_before": workday_end(calendar.add_working_days(day, -(n - 1)) - ONE_DAY),
        "due_today_sent_from": workday_end(calendar.add_working_days(day, -n) - ONE_DAY),
    }


# --- The rules, as SQL ----------------------------------------------------------------------------------------
#
# Each rule is one template of plain comparisons, filled either with one day's cut-offs (bound values: computing
# the day) or with the columns of the stored days (k = ComplianceDay, joined: a range, a drill-down). Both uses
# read the same text, so what a day counts and what its drill-down names cannot drift apart.
#
# The indexes behind them (the documents models' Meta: Assignment, Delivery): open assignments by deadline,
# completed ones by completion time, never-opened deliveries by sending time, opened ones by opening time.


class Col(str):
    """A column of the query, put into a rule's template as it is (not a value to bind)."""


def _fill(template: str, **terms) -> tuple[str, list]:
    """Put terms into a template's {names}: a Col as written, an (sql, params) pair as a subquery, anything else
    as a bound value. Parameters come out in the order their placeholders appear."""
    sql: list[str] = []
    params: list = []
    for i, part in enumerate(re.split(r"\{(\w+)\}", template)):
        if i % 2 == 0:
            sql.append(part)
            continue
        term = terms[part]
        if isinstance(term, Col):
            sql.append(term)
        elif isinstance(term, tuple):
            sql.append(term[0])
            params.extend(term[1])
        else:
            sql.append("%s")
            params.append(_adapt(term))
    return "".join(sql), params


def _adapt(value):
    if isinstance(value, datetime.datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, datetime.date):
        return connection.ops.adapt_datefield_value(value)
    return value


def _literal(value: str) -> str:
    assert re.fullmatch(r"\w+", value), value  # our own enum values only
    return f"'{value}'"


# Assignments to handle (not "để biết") past their deadline on the day and not yet done at its start.
OVERDUE = (
    f"{{a}}.role <> {_literal(AssignmentRole.INFORM)} AND {{a}}.due_date < {{date}} AND {{a}}.assigned_at < {{ends}}"
)
OPEN_NOW = f"{{a}}.completed_at IS NULL AND {{a}}.status <> {_literal(AssignmentStatus.DONE)}"
DONE_SINCE = "{a}.completed_at >= {starts}"  # completed during or after the day: still open at its start
# Electronic deliveries whose opening deadline is the day or earlier, not opened in time.
UNOPENED = (
    f"{{d}}.electronic AND {{d}}.status <> {_literal(DeliveryStatus.RECALLED)} AND {{d}}.sent_at < {{due_before}}"
)
NEVER_OPENED = "{d}.opened_at IS NULL"
# Opened on the day or later: late if the deadline was before the day, or was the day and it was opened after its end.
OPENED_LATE = "{d}.opened_at >= {starts} AND ({d}.sent_at < {due_today_from} OR {d}.opened_at >= {ends})"

_STORED_DAY = {
    "date": Col("k.date"),
    "starts": Col("k.starts_at"),
    "ends": Col("k.ends_at"),
    "due_before": Col("k.due_sent_before"),
    "due_today_from": Col("k.due_today_sent_from"),
}


def _day_terms(day: datetime.date, cut: dict) -> dict:
    return {
        "date": day,
        "starts": cut["starts_at"],
        "ends": cut["ends_at"],
        "due_before": cut["due_sent_before"],
        "due_today_from": cut["due_today_sent_from"],
    }


def _tables() -> dict:
    from documents.models import Meeting, MeetingInvitee

    return {
        "assignment": Assignment._meta.db_table,
        "delivery": Delivery._meta.db_table,
        "user": User._meta.db_table,
        "unit": Unit._meta.db_table,
        "day": ComplianceDay._meta.db_table,
        "unit_day": UnitCompliance._meta.db_table,
        "user_day": UserCompliance._meta.db_table,
        "unit_month": UnitComplianceMonth._meta.db_table,
        "meeting": Meeting._meta.db_table,
        "invitee": MeetingInvitee._meta.db_table,
    }


def _in(values) -> tuple[str, list]:
    values = list(values)
    return ", ".join(["%s"] * len(values)) or "NULL", values


def _assignment_candidates(open_terms: dict, done_terms: dict, unit_ids=None) -> tuple[str, list]:
    """Rows (id, unit_id, role, due_date, assigned_at, completed_at, status) of the assignments the overdue rule
    can count with these terms: the open ones, and those completed since `starts` — two disjoint branches, each
    read from its own index. unit_id is the owner: the assigned unit, else the assigned person's unit."""
    t = _tables()
    select = (
        # The person's unit is looked up only for an assignment to a person alone (COALESCE stops at the first).
        f"SELECT a.id, COALESCE(a.assignee_unit_id, (SELECT p.unit_id FROM {t['user']} p WHERE p.id = "
        "a.assignee_user_id)) AS unit_id, a.role, a.due_date, a.assigned_at, a.completed_at, a.status "
        f"FROM {t['assignment']} a WHERE "
    )
    owner, owner_params = "", []
    if unit_ids is not None:
        marks, ids = _in(unit_ids)
        owner = (
            f" AND (a.assignee_unit_id IN ({marks}) OR a.assignee_unit_id IS NULL AND a.assignee_user_id IN "
            f"(SELECT o.id FROM {t['user']} o WHERE o.unit_id IN ({marks})))"
        )
        owner_params = ids + ids
    open_sql, open_params = _fill(f"{OVERDUE} AND {OPEN_NOW}", a=Col("a"), **open_terms)
    done_sql, done_params = _fill(f"{OVERDUE} AND {DONE_SINCE}", a=Col("a"), **done_terms)
    return (
        f"{select}{open_sql}{owner} UNION ALL {select}{done_sql}{owner}",
        [*open_params, *owner_params, *done_params, *owner_params],
    )


def _delivery_candidates(never_terms: dict, late_terms: dict, unit_ids=None) -> tuple[str, list]:
    """Rows (id, unit_id, electronic, status, sent_at, opened_at) of the deliveries the unopened rule can count:
    those never opened, and those opened late — two disjoint branches, each read from its own index."""
    t = _tables()
    select = (
        "SELECT d.id, d.recipient_unit_id AS unit_id, d.electronic, d.status, d.sent_at, d.opened_at "
        f"FROM {t['delivery']} d WHERE "
    )
    owner, owner_params = "", []
    if unit_ids is not None:
        marks, owner_params = _in(unit_ids)
        owner = f" AND d.recipient_unit_id IN ({marks})"
    never_sql, never_params = _fill(f"{UNOPENED} AND {NEVER_OPENED}", d=Col("d"), **never_terms)
    late_sql, late_params = _fill(f"{UNOPENED} AND {OPENED_LATE}", d=Col("d"), **late_terms)
    return (
        f"{select}{never_sql}{owner} UNION ALL {select}{late_sql}{owner}",
        [*never_params, *owner_params, *late_params, *owner_params],
    )


def _absence_candidates(starts, next_starts, unit_ids=None) -> tuple[str, list]:
    """Rows (id, unit_id, start) of invitations marked "vắng không có lý do chính đáng" to meetings not cancelled
    that started in [starts, next_starts); unit_id is the invited unit, else the invited person's unit."""
    from documents.models import Attendance, MeetingStatus

    t = _tables()
    sql, params = _fill(
        "SELECT i.id, COALESCE(i.unit_id, p.unit_id) AS unit_id, m.start FROM {invitee} i "
        "JOIN {meeting} m ON m.id = i.meeting_id LEFT JOIN {user} p ON p.id = i.user_id "
        f"WHERE i.attendance = {_literal(Attendance.UNEXCUSED)} AND m.status <> {_literal(MeetingStatus.CANCELLED)} "
        "AND m.start >= {starts} AND m.start < {next_starts}",
        invitee=Col(t["invitee"]),
        meeting=Col(t["meeting"]),
        user=Col(t["user"]),
        starts=starts,
        next_starts=next_starts,
    )
    if unit_ids is not None:
        marks, ids = _in(unit_ids)
        sql = f"SELECT * FROM ({sql}) i WHERE i.unit_id IN ({marks})"
        params += ids
    return sql, params


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
    terms = _day_terms(day, cut)
    t = _tables()
    sql, params = _fill(
        "INSERT INTO {unit_day} (date, unit_id, clerk_id, visits, compliant, unopened, overdue, unexcused_absences, "
        "in_breach) SELECT r.date, r.unit_id, r.clerk_id, r.visits, r.compliant, r.unopened, r.overdue, r.absences, "
        "NOT r.compliant AND r.unopened + r.overdue + r.absences > 0 FROM ("
        "SELECT {date} AS date, u.id AS unit_id, k.id AS clerk_id, COALESCE(v.visits, 0) AS visits, "
        "(k.id IS NOT NULL AND COALESCE(v.visits, 0) >= {required}) AS compliant, COALESCE(o.n, 0) AS unopened, "
        "COALESCE(w.n, 0) AS overdue, COALESCE(m.n, 0) AS absences "
        "FROM {unit} u "
        # at most one active clerk per unit (a database constraint)
        f"LEFT JOIN {{user}} k ON k.unit_id = u.id AND k.is_active AND k.role = {_literal(Role.CLERK)} "
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
        unopened=_delivery_candidates(terms, terms),
        overdue=_assignment_candidates(terms, terms),
        absences=_absence_candidates(cut["starts_at"], cut["starts_at"] + ONE_DAY),
        units=_sql(unit_ids),
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _insert_day(day: datetime.date, cut: dict, required: int) -> None:
    """The day itself: the rule, the cut-offs, and the totals of the unit rows just made."""
    t = _tables()
    sql, params = _fill(
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
        **_day_terms(day, cut),
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
    sql, params = _absence_candidates(start, start + ONE_DAY, unit_ids)
    found: dict[int, list[int]] = defaultdict(list)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT a.unit_id, a.id FROM ({sql}) a ORDER BY a.id", params)
        for unit_id, invitee_id in cursor.fetchall():
            found[unit_id].append(invitee_id)
    return found


# --- What the stored days counted, re-derived ------------------------------------------------------------------


def _loosest(start: datetime.date, end: datetime.date) -> dict | None:
    """The loosest cut-offs of the stored days in [start, end] (one query), None when there are none: what any
    of those days counts passes the rules filled with them, so they pick the candidates from the indexes."""
    agg = ComplianceDay.objects.filter(date__range=(start, end)).aggregate(
        date=Max("date"),
        starts=Min("starts_at"),
        ends=Max("ends_at"),
        due_before=Max("due_sent_before"),
        # Every delivery the rule counts was sent before the last day's end: so OPENED_LATE's "sent before its
        # deadline day" part lets all of them through, as a filter of candidates must.
        due_today_from=Max("ends_at"),
    )
    return agg if agg["date"] else None


def _counted_sql(kind: str, start: datetime.date, end: datetime.date, loose: dict, unit_ids=None, *, per_unit: bool):
    """The deliveries ("unopened") or assignments ("overdue") counted on any stored day of [start, end] of their
    unit: per unit, how many (per_unit) or (unit_id, id) rows.

    Candidates come first from the indexes with the loosest cut-offs of the range (_loosest), then each is kept
    if the rule holds on one of its unit's stored days (EXISTS over the unit's rows and the days' cut-offs)."""
    t = _tables()
    if kind == "unopened":
        candidates = _delivery_candidates(loose, loose, unit_ids)
        rule = f"{UNOPENED} AND ({NEVER_OPENED} OR {OPENED_LATE})"
        columns = {"d": Col("x")}
    else:
        candidates = _assignment_candidates(loose, loose, unit_ids)
        rule = f"{OVERDUE} AND ({OPEN_NOW} OR {DONE_SINCE})"
        columns = {"a": Col("x")}
    select = "x.unit_id AS unit_id, COUNT(*) AS n" if per_unit else "x.unit_id, x.id"
    tail = " GROUP BY x.unit_id" if per_unit else " ORDER BY x.id"
    return _fill(
        f"SELECT {select} FROM ({{candidates}}) x WHERE EXISTS (SELECT 1 FROM {{unit_day}} c "
        f"JOIN {{day_table}} k ON k.date = c.date WHERE c.unit_id = x.unit_id AND c.date >= {{start}} "
        f"AND c.date <= {{end}} AND {rule}){tail}",
        candidates=candidates,
        unit_day=Col(t["unit_day"]),
        day_table=Col(t["day"]),
        start=start,
        end=end,
        **columns,
        **_STORED_DAY,
    )


def counted_per_unit(start: datetime.date, end: datetime.date, unit_ids=None) -> dict[int, tuple[int, int]]:
    """Per unit: the distinct deliveries and assignments counted (unopened, overdue) on its stored days of the
    range (three queries). On one day they are that day's stored counts."""
    out: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    loose = _loosest(start, end)
    if loose is None:
        return {}
    with connection.cursor() as cursor:
        for i, kind in enumerate(("unopened", "overdue")):
            cursor.execute(*_counted_sql(kind, start, end, loose, unit_ids, per_unit=True))
            for unit_id, n in cursor.fetchall():
                out[unit_id][i] = n
    return {unit_id: (u, o) for unit_id, (u, o) in out.items()}


def counted_ids(unit_id: int, start: datetime.date, end: datetime.date) -> tuple[list[int], list[int], list[int]]:
    """The deliveries, assignments and meeting invitations counted against a unit on its stored days of the
    period, by id (five queries)."""
    found: list[list[int]] = [[], []]
    loose = _loosest(start, end)
    with connection.cursor() as cursor:
        for i, kind in enumerate(("unopened", "overdue")):
            if loose is None:
                break
            cursor.execute(*_counted_sql(kind, start, end, loose, [unit_id], per_unit=False))
            found[i] = [item_id for _, item_id in cursor.fetchall()]
    # An absence counts on the local day of its meeting, if that day of the unit is stored.
    stored = set(
        UnitCompliance.objects.filter(unit_id=unit_id, date__range=(start, end)).values_list("date", flat=True)
    )
    sql, params = _absence_candidates(local_midnight(start), local_midnight(end + ONE_DAY), [unit_id])
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT a.id, a.start FROM ({sql}) a ORDER BY a.id", params)
        rows = cursor.fetchall()
    absences = [i for i, start_at in rows if timezone.localdate(_aware(start_at)) in stored]
    return found[0], found[1], absences


def _aware(value) -> datetime.datetime:
    """A timestamp read by raw SQL: aware on PostgreSQL, a naive UTC value or text on SQLite."""
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value)
    if timezone.is_naive(value):
        value = value.replace(tzinfo=datetime.UTC)
    return value


# --- A month summed up ------------------------------------------------------------------------------------------


def summarize_month(day: datetime.date) -> bool:
    """Sum up the stored days of D's month per unit (UnitComplianceMonth), in place of any earlier summary, with
    the distinct deliveries and assignments each unit was counted for. Returns whether the month has stored days.

    Run after computing days (the daily task, compliance_report): a few statements, about as long as a day's
    computation on a province. Recomputing gives identical rows."""
    first, last = month_bounds(day)
    t = _tables()
    with transaction.atomic():
        _lock_month(first)
        UnitComplianceMonth.objects.filter(month=first).delete()
        ComplianceMonth.objects.filter(month=first).delete()
        span = ComplianceDay.objects.filter(date__range=(first, last)).aggregate(
            n=Count("id"), first=Min("date"), last=Max("date")
        )
        if not span["n"]:
            return False
        loose = _loosest(first, last)
        sql, params = _fill(
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
            unopened=_counted_sql("unopened", first, last, loose, per_unit=True),
            overdue=_counted_sql("overdue", first, last, loose, per_unit=True),
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


# --- Who sees what ---------------------------------------------------------------------------------------------


def unit_scope(user: User) -> list[int] | None:
    """Units whose results the user may see: None for all (leaders, administrators), else their own unit.

    Raises PermissionDenied for everyone else (staff, clerks).
    """
    from django.core.exceptions import PermissionDenied

    if not user.is_authenticated or not user.is_active or not user.sees_compliance:
        raise PermissionDenied
    if user.is_superuser or user.role in (Role.LEADER, Role.ADMIN):
        return None
    return [user.unit_id] if user.unit_id else []


def require_unit(user: User, unit: Unit) -> None:
    """403 unless the user may see this unit's results (heads: their own unit only)."""
    from django.core.exceptions import PermissionDenied

    scope = unit_scope(user)
    if scope is not None and unit.id not in scope:
        raise PermissionDenied


@dataclass
class CountedItem:
    """A delivery or assignment counted against a unit, named only as far as the viewer may see it."""

    number_symbol: str  # empty when hidden
    summary: str  # trích yếu, or "Văn bản mật"
    confidential: bool
    url: str
    sender: str = ""
    sent_at: datetime.datetime | None = None
    opened_at: datetime.datetime | None = None
    role: str = ""
    assignee: str = ""
    due_date: datetime.date | None = None
    done_at: datetime.datetime | None = None


def counted_items(user: User, unit_id: int, start: datetime.date, end: datetime.date):
    """The unopened deliveries and overdue assignments counted in the period, for the drill-down (≤ 5 queries).

    Confidential documents are named only to someone with a grant on them (documents/*/policy.py); records the
    viewer may open get a link.
    """
    from documents.core import policy as permissions
    from documents.incoming import policy as incoming_policy

    delivery_ids, assignment_ids, absence_ids = counted_ids(unit_id, start, end)
    deliveries = list(
        Delivery.objects.filter(pk__in=delivery_ids).select_related("document", "sender_unit").order_by("sent_at")
    )
    assignments = list(
        Assignment.objects.filter(pk__in=assignment_ids)
        .select_related("record__document", "assignee_unit", "assignee_user")
        .order_by("due_date", "id")
    )
    secret_docs = {d.document_id for d in deliveries if d.document.is_confidential}
    granted = (
        set(
            permissions.granted_document_ids(user)
            .filter(content_object_id__in=secret_docs)
            .values_list("content_object_id", flat=True)
        )
        if secret_docs
        else set()
    )
    visible = (
        set(
            incoming_policy.visible_to(user)
            .filter(pk__in={a.record_id for a in assignments})
            .values_list("pk", flat=True)
        )
        if assignments
        else set()
    )

    def named(document, may_see: bool) -> tuple[str, str]:
        if document.is_confidential and not may_see:
            return "", str(_SECRET)
        return document.number_symbol, document.summary

    unopened = []
    for d in deliveries:
        number_symbol, summary = named(d.document, d.document_id in granted)
        unopened.append(
            CountedItem(
                number_symbol=number_symbol,
                summary=summary,
                confidential=d.document.is_confidential,
                url="",
                sender=d.sender_unit.name,
                sent_at=d.sent_at,
                opened_at=d.opened_at,
            )
        )
    overdue = []
    for a in assignments:
        number_symbol, summary = named(a.record.document, a.record_id in visible)
        overdue.append(
            CountedItem(
                number_symbol=number_symbol,
                summary=summary,
                confidential=a.record.document.is_confidential,
                url=a.record.get_absolute_url() if a.record_id in visible else "",
                role=a.get_role_display(),
                assignee=a.assignee_label,
                due_date=a.due_date,
                done_at=a.completed_at,
            )
        )
    return unopened, overdue, _absences(user, absence_ids)


@dataclass
class Absence:
    title: str  # the meeting's subject, or "Cuộc họp" when the viewer may not see the meeting
    start: datetime.datetime
    invitee: str
    reason: str
    url: str


def _absences(user: User, invitee_ids: list[int]) -> list[Absence]:
    """Unexcused absences by meeting, named only for meetings the viewer may see (two queries)."""
    if not invitee_ids:
        return []
    from documents.meetings import policy as meetings
    from documents.models import MeetingInvitee

    invitees = list(
        MeetingInvitee.objects.filter(pk__in=invitee_ids)
        .select_related("meeting", "unit", "user")
        .order_by("meeting__start", "id")
    )
    visible = set(
        meetings.visible_to(user).filter(pk__in={i.meeting_id for i in invitees}).values_list("pk", flat=True)
    )
    out = []
    for i in invitees:
        seen = i.meeting_id in visible
        url = ""
        if seen:
            try:
                url = i.meeting.get_absolute_url()
            except NoReverseMatch:
                url = ""
        out.append(
            Absence(
                title=i.meeting.title if seen else str(_MEETING),
                start=i.meeting.start,
                invitee=i.label,
                reason=i.decline_reason if seen else "",
                url=url,
            )
        )
    return out
