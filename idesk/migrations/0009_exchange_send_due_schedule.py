from django.db import migrations
from django.utils import timezone

# Written out here rather than read from idesk.schedules: a migration must not depend on live code.
NAME = "Gửi gói tin liên thông đến hạn"


def create(apps, schema_editor):
    schedule = apps.get_model("django_q", "Schedule")
    if not schedule.objects.filter(name=NAME).exists():
        schedule.objects.create(
            name=NAME,
            func="documents.exchange.tasks.send_due",
            schedule_type="I",  # Schedule.MINUTES
            minutes=5,
            repeats=-1,
            next_run=timezone.now(),
        )


def remove(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [("idesk", "0008_evidence_protected"), ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more")]
    operations = [migrations.RunPython(create, remove)]
