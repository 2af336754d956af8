"""Compliance's clock: a day's local bounds, its end of working day and its cut-offs."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy

from units.calendar import WorkCalendar, local_midnight

ONE_DAY = datetime.timedelta(days=1)


SECRET = gettext_lazy("Văn bản mật")


MEETING = gettext_lazy("Cuộc họp")


# --- Time helpers ---------------------------------------------------------------------------------------------


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
