"""The daily đôn đốc of open assignments and the daily e-mail to leadership about units in breach."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import NotificationKind, Role, User
from documents.models import (
    Assignment,
    AssignmentRole,
    AssignmentStatus,
)
from idesk import compliance
from idesk.models import Notification
from idesk.notifications.document_events import assignment_text
from idesk.notifications.store import Message, deliver
from idesk.notifications.words import assignment_recipients, record_url, vn_date
from units.calendar import WorkCalendar

# --- Daily đôn đốc -------------------------------------------------------------------------------------------


REMINDER_BATCH = 2000


def daily_reminders(today: datetime.date) -> int:
    """Remind handlers one working day before a deadline and on every working day after it (once a day).
    Returns how many notifications hold today's reminders (a second run adds none).

    The open assignments are read and told in batches of REMINDER_BATCH: a province keeps tens of thousands open
    past their deadline, and holding them all with their records, documents and notifications took the worker
    past 800 MB. Constant queries per batch: the assignments, their units' leads, the notifications."""
    calendar = WorkCalendar(today - datetime.timedelta(days=366), today + datetime.timedelta(days=40))
    if not calendar.is_working_day(today):
        return 0
    next_working = calendar.add_working_days(today, 1)
    open_assignments = (
        Assignment.objects.exclude(role=AssignmentRole.INFORM)
        .exclude(status=AssignmentStatus.DONE)
        .filter(due_date__isnull=False, due_date__lte=next_working)
        .exclude(due_date=today)  # due today: the day before already said so, and it is not late yet
    )
    ids = list(open_assignments.order_by("pk").values_list("pk", flat=True))
    lateness: dict[datetime.date, int] = {}
    told = 0
    for start in range(0, len(ids), REMINDER_BATCH):
        batch = list(
            Assignment.objects.filter(pk__in=ids[start : start + REMINDER_BATCH]).select_related(
                "record__document", "assigned_by"
            )
        )
        recipients = assignment_recipients(batch)
        messages = []
        for a in batch:
            title, body = assignment_text(a)
            if a.due_date > today:
                kind, key = NotificationKind.DUE_SOON, f"due_soon:{a.pk}:{today.isoformat()}"
                title = _("Đến hạn %(d)s — %(title)s") % {"d": vn_date(a.due_date), "title": title}
            else:
                if a.due_date not in lateness:  # counted once per deadline: a year late is 250 days to walk
                    lateness[a.due_date] = calendar.working_days_between(a.due_date, today)
                late = lateness[a.due_date]
                kind, key = NotificationKind.OVERDUE, f"overdue:{a.pk}:{today.isoformat()}"
                title = _("Quá hạn %(n)d ngày làm việc — %(title)s") % {"n": late, "title": title}
            for uid in recipients[a.id]:
                messages.append(Message(uid, kind, title, key, body, record_url(a.record_id), a.record.confidential))
        told += len(deliver(messages))
    return told


# --- Daily e-mail to leadership -----------------------------------------------------------------------------


def breach_report(day: datetime.date) -> list[Notification]:
    """Tell the district leaders which units are in breach on a computed day; nothing when none is."""
    units = compliance.units_in_breach(day)
    if not units:
        return []
    required = compliance.stored_range(day, day)["required"] or compliance.required_visits()
    lines = []
    for u in units:
        parts = [_("văn thư truy cập %(v)d/%(r)d lượt") % {"v": u["visits"], "r": required}]
        if u["unopened"]:
            parts.append(_("%(n)d văn bản chậm mở") % {"n": u["unopened"]})
        if u["overdue"]:
            parts.append(_("%(n)d nhiệm vụ quá hạn") % {"n": u["overdue"]})
        if u["unexcused_absences"]:
            parts.append(_("%(n)d lượt vắng họp không lý do") % {"n": u["unexcused_absences"]})
        lines.append(f"- {u['unit__name']}: " + "; ".join(parts))
    title = _("Ngày %(d)s: %(n)d đơn vị vi phạm quy định truy cập iDesk") % {"d": vn_date(day), "n": len(units)}
    body = "\n".join([_("Các đơn vị không truy cập đủ số lần quy định và có văn bản, nhiệm vụ bị chậm:"), *lines])
    url = reverse("compliance") + f"?from={day.isoformat()}&to={day.isoformat()}"
    leaders = User.objects.filter(role=Role.LEADER, is_active=True).values_list("id", flat=True)
    return deliver(
        [Message(uid, NotificationKind.BREACH, title, f"breach:{day.isoformat()}", body, url) for uid in leaders]
    )
