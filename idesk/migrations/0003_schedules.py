import datetime

from django.conf import settings
from django.db import migrations
from django.utils import timezone

# Written out here rather than read from idesk.schedules: a migration must not depend on live code.
# name → (task, setting holding its local time of day)
SCHEDULES = {
    "Tính báo cáo tuân thủ truy cập hằng ngày": ("idesk.tasks.compute_compliance", "IDESK_WORKDAY_ENDS_AT"),
    "Đôn đốc nhiệm vụ hằng ngày": ("idesk.tasks.send_daily_reminders", "IDESK_REMINDERS_AT"),
    "Thư báo đơn vị vi phạm gửi lãnh đạo": ("idesk.tasks.send_breach_report", "IDESK_BREACH_EMAIL_AT"),
}


def next_run_at(hours: int, minutes: int) -> datetime.datetime:
    """The next moment it is HH:MM in the installation's time zone."""
    now = timezone.localtime(timezone.now())
    candidate = now.replace(hour=hours, minute=minutes, second=0, microsecond=0)
    return candidate if candidate > now else candidate + datetime.timedelta(days=1)


def create_schedules(apps, schema_editor):
    schedule = apps.get_model("django_q", "Schedule")
    for name, (func, setting) in SCHEDULES.items():
        if schedule.objects.filter(name=name).exists():
            continue
        hours, minutes = getattr(settings, setting)
        schedule.objects.create(
            name=name,
            func=func,
            schedule_type="D",  # Schedule.DAILY; each run passes the day it was meant for
            repeats=-1,
            intended_date_kwarg="scheduled_for",
            next_run=next_run_at(hours, minutes),
        )


def remove_schedules(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name__in=list(SCHEDULES)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("idesk", "0002_notifications_and_compliance"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]
    operations = [migrations.RunPython(create_schedules, remove_schedules)]
