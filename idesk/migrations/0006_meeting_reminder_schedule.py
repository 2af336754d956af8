from django.db import migrations
from django.utils import timezone

# Written out here rather than read from idesk.schedules: a migration must not depend on live code.
NAME = "Nhắc lịch họp (trước một ngày, trước một giờ)"


def create(apps, schema_editor):
    schedule = apps.get_model("django_q", "Schedule")
    if not schedule.objects.filter(name=NAME).exists():
        schedule.objects.create(
            name=NAME,
            func="idesk.tasks.send_meeting_reminders",
            schedule_type="I",  # Schedule.MINUTES
            minutes=10,
            repeats=-1,
            next_run=timezone.now(),
        )


def remove(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("idesk", "0005_user_compliance_without_fk_checks"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]
    operations = [migrations.RunPython(create, remove)]
