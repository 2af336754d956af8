"""What the stored days counted, re-derived from their cut-offs (drill-downs, a range's distinct counts)."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db import connection
from django.db.models import Max, Min
from django.utils import timezone

from idesk.compliance.clock import ONE_DAY, local_midnight
from idesk.compliance.rules import (
    DONE_SINCE,
    NEVER_OPENED,
    OPEN_NOW,
    OPENED_LATE,
    OVERDUE,
    STORED_DAY,
    UNOPENED,
    Col,
    absence_candidates,
    assignment_candidates,
    delivery_candidates,
    fill,
    tables,
)
from idesk.models import (
    ComplianceDay,
    UnitCompliance,
)

# --- What the stored days counted, re-derived ------------------------------------------------------------------


def loosest(start: datetime.date, end: datetime.date) -> dict | None:
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


def counted_sql(kind: str, start: datetime.date, end: datetime.date, loose: dict, unit_ids=None, *, per_unit: bool):
    """The deliveries ("unopened") or assignments ("overdue") counted on any stored day of [start, end] of their
    unit: per unit, how many (per_unit) or (unit_id, id) rows.

    Candidates come first from the indexes with the loosest cut-offs of the range (loosest), then each is kept
    if the rule holds on one of its unit's stored days (EXISTS over the unit's rows and the days' cut-offs)."""
    t = tables()
    if kind == "unopened":
        candidates = delivery_candidates(loose, loose, unit_ids)
        rule = f"{UNOPENED} AND ({NEVER_OPENED} OR {OPENED_LATE})"
        columns = {"d": Col("x")}
    else:
        candidates = assignment_candidates(loose, loose, unit_ids)
        rule = f"{OVERDUE} AND ({OPEN_NOW} OR {DONE_SINCE})"
        columns = {"a": Col("x")}
    select = "x.unit_id AS unit_id, COUNT(*) AS n" if per_unit else "x.unit_id, x.id"
    tail = " GROUP BY x.unit_id" if per_unit else " ORDER BY x.id"
    return fill(
        f"SELECT {select} FROM ({{candidates}}) x WHERE EXISTS (SELECT 1 FROM {{unit_day}} c "
        f"JOIN {{day_table}} k ON k.date = c.date WHERE c.unit_id = x.unit_id AND c.date >= {{start}} "
        f"AND c.date <= {{end}} AND {rule}){tail}",
        candidates=candidates,
        unit_day=Col(t["unit_day"]),
        day_table=Col(t["day"]),
        start=start,
        end=end,
        **columns,
        **STORED_DAY,
    )


def counted_per_unit(start: datetime.date, end: datetime.date, unit_ids=None) -> dict[int, tuple[int, int]]:
    """Per unit: the distinct deliveries and assignments counted (unopened, overdue) on its stored days of the
    range (three queries). On one day they are that day's stored counts."""
    out: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    loose = loosest(start, end)
    if loose is None:
        return {}
    with connection.cursor() as cursor:
        for i, kind in enumerate(("unopened", "overdue")):
            cursor.execute(*counted_sql(kind, start, end, loose, unit_ids, per_unit=True))
            for unit_id, n in cursor.fetchall():
                out[unit_id][i] = n
    return {unit_id: (u, o) for unit_id, (u, o) in out.items()}


def counted_ids(unit_id: int, start: datetime.date, end: datetime.date) -> tuple[list[int], list[int], list[int]]:
    """The deliveries, assignments and meeting invitations counted against a unit on its stored days of the
    period, by id (five queries)."""
    found: list[list[int]] = [[], []]
    loose = loosest(start, end)
    with connection.cursor() as cursor:
        for i, kind in enumerate(("unopened", "overdue")):
            if loose is None:
                break
            cursor.execute(*counted_sql(kind, start, end, loose, [unit_id], per_unit=False))
            found[i] = [item_id for _, item_id in cursor.fetchall()]
    # An absence counts on the local day of its meeting, if that day of the unit is stored.
    stored = set(
        UnitCompliance.objects.filter(unit_id=unit_id, date__range=(start, end)).values_list("date", flat=True)
    )
    sql, params = absence_candidates(local_midnight(start), local_midnight(end + ONE_DAY), [unit_id])
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
