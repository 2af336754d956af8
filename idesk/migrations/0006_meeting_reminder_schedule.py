from django.db import migrations


def create(apps, schema_editor):
    from idesk import schedules

    schedules.ensure(apps.get_model("django_q", "Schedule"))


def remove(apps, schema_editor):
    from idesk import schedules

    apps.get_model("django_q", "Schedule").objects.filter(name__in=list(schedules.FREQUENT)).delete()


class Migration(migrations.Migration):
    dependencies = [("idesk", "0005_user_compliance_without_fk_checks")]
    operations = [migrations.RunPython(create, remove)]
