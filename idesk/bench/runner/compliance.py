"""One day's compliance computation, on the last working day."""

from __future__ import annotations

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from idesk.bench.runner.options import TARGETS, Options, summarize, timings

# --- Compliance, numbering ------------------------------------------------------------------------------------------


def last_working_day() -> datetime.date:
    from units.calendar import WorkCalendar

    today = timezone.localdate()
    return WorkCalendar(today - datetime.timedelta(days=40), today).add_working_days(today, -1)


def previous_month() -> tuple[datetime.date, datetime.date]:
    first_this = timezone.localdate().replace(day=1)
    last = first_this - datetime.timedelta(days=1)
    return last.replace(day=1), last


def ensure_month_computed(month: tuple[datetime.date, datetime.date], log) -> int:
    """The dashboard reads stored days: compute the month's working days that are not stored yet."""
    from idesk import compliance
    from idesk.models import ComplianceDay, ComplianceMonth
    from units.calendar import WorkCalendar

    start, end = month
    stored = set(ComplianceDay.objects.filter(date__range=month).values_list("date", flat=True))
    calendar = WorkCalendar(start - datetime.timedelta(days=45), end)
    made = 0
    day = start
    while day <= end:
        if day not in stored and calendar.is_working_day(day):
            compliance.compute_day(day)
            made += 1
        day += datetime.timedelta(days=1)
    if made:
        log(f"  computed {made} stored days of {start:%m/%Y} for the dashboard")
    if made or not ComplianceMonth.objects.filter(month=start.replace(day=1)).exists():
        compliance.summarize_month(start)  # as the daily task does after computing its days
    return made


def measure_compliance(opts: Options) -> dict:
    from idesk import compliance

    day = last_working_day()
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        # What autovacuum does between evenings (it is off on the CI machine's server): clear the rows that the
        # recomputations of earlier runs left dead, so that this measures computing a day, not wading through
        # them (each recompute of a day leaves its 10,000 people's rows behind).
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE) idesk_usercompliance, idesk_unitcompliance, idesk_complianceday")
    with CaptureQueriesContext(connection) as ctx:
        compliance.compute_day(day)
    samples = timings(lambda: compliance.compute_day(day), opts.compliance_runs, 0)
    out = {"day": day.isoformat(), "queries": len(ctx.captured_queries), **summarize(samples)}
    out["pass"] = out["median"] <= TARGETS["compliance_day_ms"]
    opts.log(f"  compute_day({day}): median {out['median']:.0f} ms, p95 {out['p95']:.0f} ms, {out['queries']} queries")
    # What the daily task does after computing its days (no target: it is not the day's report): the month's
    # summary the dashboard reads. It also leaves the month summed up, as the task would.
    month = summarize(timings(lambda: compliance.summarize_month(day), max(opts.compliance_runs // 2, 1), 0))
    out["month_summary"] = month
    opts.log(f"  summarize_month({day:%m/%Y}): median {month['median']:.0f} ms, p95 {month['p95']:.0f} ms")
    return out
