"""The recurring tasks, created by migration idesk/0003 (and re-synced by `manage.py setup_schedules` after
the times in settings change). Never created by hand in the admin, so every installation has the same."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import timezone

# name → (task, setting holding its local time of day)
SCHEDULES = {
    "Tính báo cáo tuân thủ truy cập hằng ngày": ("idesk.tasks.compute_compliance", "IDESK_WORKDAY_ENDS_AT"),
    "Đôn đốc nhiệm vụ hằng ngày": ("idesk.tasks.send_daily_reminders", "IDESK_REMINDERS_AT"),
    "Thư báo đơn vị vi phạm gửi lãnh đạo": ("idesk.tasks.send_breach_report", "IDESK_BREACH_EMAIL_AT"),
}


# name → (task, minutes between runs): tasks that watch the clock all day.
FREQUENT = {
    "Nhắc lịch họp (trước một ngày, trước một giờ)": ("idesk.tasks.send_meeting_reminders", 10),
    # Liên thông: packages whose next attempt is due (a worker stopped mid-send, a retry whose one-off
    # schedule was lost); sending twice is harmless, the peer acknowledges a DocumentId it already has.
    "Gửi gói tin liên thông đến hạn": ("documents.exchange.tasks.send_due", 5),
    # Deliveries held for an agency signature that is on the document, after a process stopped mid-issue.
    "Gửi văn bản đã ký số còn chờ gửi": ("documents.outgoing.tasks.release_signed", 10),
}


def next_run_at(hours: int, minutes: int, now: datetime.datetime | None = None) -> datetime.datetime:
    """The next moment it is HH:MM in the installation's time zone."""
    now = timezone.localtime(now or timezone.now())
    candidate = now.replace(hour=hours, minute=minutes, second=0, microsecond=0)
    return candidate if candidate > now else candidate + datetime.timedelta(days=1)


def ensure(schedule_model, *, reset_times: bool = False) -> int:
    """Create the schedules that are missing; with reset_times, also move existing ones to the configured times.
    (The model is an argument: setup_schedules passes django-q2's Schedule.)"""
    changed = 0
    for name, (func, setting) in SCHEDULES.items():
        hours, minutes = getattr(settings, setting)
        fields = {
            "func": func,
            "schedule_type": "D",  # Schedule.DAILY; each run passes the day it was meant for
            "repeats": -1,
            "intended_date_kwarg": "scheduled_for",
        }
        schedule = schedule_model.objects.filter(name=name).first()
        if schedule is None:
            schedule_model.objects.create(name=name, next_run=next_run_at(hours, minutes), **fields)
            changed += 1
        elif reset_times or any(getattr(schedule, k) != v for k, v in fields.items()):
            for key, value in fields.items():
                setattr(schedule, key, value)
            if reset_times:
                schedule.next_run = next_run_at(hours, minutes)
            schedule.save()
            changed += 1
    for name, (func, every) in FREQUENT.items():
        if not schedule_model.objects.filter(name=name).exists():
            schedule_model.objects.create(
                name=name, func=func, schedule_type="I", minutes=every, repeats=-1, next_run=timezone.now()
            )  # "I" is Schedule.MINUTES
            changed += 1
    return changed
