from django.db import migrations


def create_schedules(apps, schema_editor):
    from idesk import schedules

    schedules.ensure(apps.get_model("django_q", "Schedule"))


def remove_schedules(apps, schema_editor):
    from idesk import schedules

    apps.get_model("django_q", "Schedule").objects.filter(name__in=list(schedules.SCHEDULES)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("idesk", "0002_notifications_and_compliance"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]
    operations = [migrations.RunPython(create_schedules, remove_schedules)]
