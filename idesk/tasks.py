"""django-q2 entry points: small, idempotent, called with ids; the work is in idesk.notifications and
idesk.compliance. Schedules are created by migration idesk/0003 (see idesk/schedules.py).

A task that raises is retried by the queue (Q_CLUSTER retry/max_attempts) and listed under "Failed tasks" in the
admin; running any of these twice changes nothing the second time.
"""

from __future__ import annotations

import datetime
import logging

from django.utils import timezone

log = logging.getLogger(__name__)


def _day(scheduled_for: str | None) -> datetime.date:
    """The local day a scheduled run was meant for (a worker that was down may run it late)."""
    if scheduled_for:
        moment = datetime.datetime.fromisoformat(scheduled_for)
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment, datetime.UTC)
        return timezone.localdate(moment)
    return timezone.localdate()


def handle_event(event: str, ids: dict) -> int:
    """Turn a domain event from documents (see documents/core/notify.py) into notifications."""
    from idesk import notifications

    return len(notifications.handle_event(event, ids))


def compute_compliance(scheduled_for: str | None = None) -> str:
    """After the working day ends: compute the day, and recompute the few working days before it
    (IDESK_COMPLIANCE_REFRESH_DAYS) so that what happened after their end — evening visits, late openings,
    attendance recorded or absence reasons judged later — reaches their stored results too."""
    from django.conf import settings

    from idesk import compliance
    from units.calendar import WorkCalendar

    day = _day(scheduled_for)
    refresh = max(settings.IDESK_COMPLIANCE_REFRESH_DAYS, 0)
    calendar = WorkCalendar(day - datetime.timedelta(days=2 * refresh + 45), day)
    earlier = [calendar.add_working_days(day, -k) for k in range(refresh, 0, -1)]
    working = day in compliance.compute_days([*earlier, day])  # and their months' summaries for the dashboard
    done = "computed" if working else "not a working day"
    return f"{day.isoformat()} {done}; recomputed {', '.join(d.isoformat() for d in earlier) or 'nothing'}"


def send_daily_reminders(scheduled_for: str | None = None) -> int:
    """Morning đôn đốc: deadlines on the next working day, and everything overdue."""
    from idesk import notifications

    return notifications.daily_reminders(_day(scheduled_for))


def send_breach_report(scheduled_for: str | None = None) -> int:
    """Evening e-mail to leadership listing the units in breach today (nothing when there are none)."""
    from idesk import compliance, notifications
    from idesk.models import ComplianceDay

    day = _day(scheduled_for)
    if not ComplianceDay.objects.filter(date=day).exists():
        # The computation has not run (worker down, or scheduled later by mistake): do it now.
        if not compliance.compute_day(day):
            return 0
    return len(notifications.breach_report(day))


def send_meeting_reminders() -> int:
    """Every few minutes: the day-before and hour-before reminders of meetings (once each)."""
    from idesk import notifications

    return notifications.meeting_reminders()


def run_export(job_id: int) -> str:
    """A long PDF asked for by one person (idesk/exports): made, stored, its requester told."""
    from idesk.exports import jobs

    return jobs.run(job_id)
