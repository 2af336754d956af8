"""Grants on confidential meeting materials move from a many-to-many field to django-guardian's direct object
permission table (like confidential documents): the rows are copied, then the field goes."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def copy_grants(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    MeetingMaterial = apps.get_model("documents", "MeetingMaterial")
    Grant = apps.get_model("documents", "MeetingMaterialUserObjectPermission")
    through = MeetingMaterial.granted_users.through
    if not through.objects.exists():
        return
    ctype, _ = ContentType.objects.get_or_create(app_label="documents", model="meetingmaterial")
    perm, _ = Permission.objects.get_or_create(
        content_type=ctype, codename="view_confidential", defaults={"name": "Được xem tài liệu họp mật"}
    )
    Grant.objects.bulk_create(
        [
            Grant(user_id=row.user_id, content_object_id=row.meetingmaterial_id, permission_id=perm.pk)
            for row in through.objects.all()
        ],
        ignore_conflicts=True,
    )


def copy_back(apps, schema_editor):
    MeetingMaterial = apps.get_model("documents", "MeetingMaterial")
    Grant = apps.get_model("documents", "MeetingMaterialUserObjectPermission")
    through = MeetingMaterial.granted_users.through
    through.objects.bulk_create(
        [
            through(user_id=g.user_id, meetingmaterial_id=g.content_object_id)
            for g in Grant.objects.filter(permission__codename="view_confidential")
        ],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("documents", "0011_compliance_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="meetingmaterial",
            options={
                "ordering": ["id"],
                "permissions": [("view_confidential", "Được xem tài liệu họp mật")],
                "verbose_name": "tài liệu họp",
                "verbose_name_plural": "tài liệu họp",
            },
        ),
        migrations.CreateModel(
            name="MeetingMaterialUserObjectPermission",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "content_object",
                    models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to="documents.meetingmaterial"),
                ),
                ("permission", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to="auth.permission")),
                ("user", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to=settings.AUTH_USER_MODEL)),
            ],
            options={
                "verbose_name": "quyền xem tài liệu họp mật",
                "verbose_name_plural": "quyền xem tài liệu họp mật",
                "abstract": False,
                "unique_together": {("user", "permission", "content_object")},
            },
        ),
        migrations.AlterModelOptions(
            name="documentuserobjectpermission",
            options={"verbose_name": "quyền xem văn bản mật", "verbose_name_plural": "quyền xem văn bản mật"},
        ),
        migrations.RunPython(copy_grants, copy_back),
        migrations.RemoveField(model_name="meetingmaterial", name="granted_users"),
    ]
