from django.db import migrations
from django.utils import timezone

# Written out here rather than read from idesk.schedules: a migration must not depend on live code.
NAME = "Gửi văn bản đã ký số còn chờ gửi"


def create(apps, schema_editor):
    schedule = apps.get_model("django_q", "Schedule")
    if not schedule.objects.filter(name=NAME).exists():
        schedule.objects.create(
            name=NAME,
            func="documents.outgoing.tasks.release_signed",
            schedule_type="I",  # Schedule.MINUTES
            minutes=10,
            repeats=-1,
            next_run=timezone.now(),
        )


def remove(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [("idesk", "0010_export_job")]
    operations = [migrations.RunPython(create, remove)]
