"""The indexes compliance reads on assignments and deliveries, now declared in the models' Meta (they were raw SQL
in idesk's migration 0007). Same names as before but one (31 characters is over Django's limit), so query plans
keep them; a database that ran the raw SQL has them dropped first."""

from django.db import migrations, models

# As idesk 0007 created them; IF EXISTS, since a new database never had them.
RAW_SQL_INDEXES = [
    "compliance_assignment_open",
    "compliance_assignment_completed",
    "compliance_delivery_unopened",
    "compliance_delivery_opened",
]


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0010_signed_files"),
    ]

    operations = [
        migrations.RunSQL(
            [f"DROP INDEX IF EXISTS {name}" for name in RAW_SQL_INDEXES],
            reverse_sql=migrations.RunSQL.noop,
        ),
        migrations.AddIndex(
            model_name="assignment",
            index=models.Index(
                condition=models.Q(
                    ("completed_at__isnull", True),
                    models.Q(("status", "done"), _negated=True),
                    models.Q(("role", "info"), _negated=True),
                ),
                fields=["assignee_unit", "due_date"],
                include=("id", "assignee_user", "assigned_at", "role", "status", "completed_at"),
                name="compliance_assignment_open",
            ),
        ),
        migrations.AddIndex(
            model_name="assignment",
            index=models.Index(
                condition=models.Q(("completed_at__isnull", False)),
                fields=["completed_at"],
                name="compliance_assignment_done",
            ),
        ),
        migrations.AddIndex(
            model_name="delivery",
            index=models.Index(
                condition=models.Q(
                    ("electronic", True),
                    ("opened_at__isnull", True),
                    models.Q(("status", "recalled"), _negated=True),
                ),
                fields=["recipient_unit", "sent_at"],
                include=("id", "electronic", "status", "opened_at"),
                name="compliance_delivery_unopened",
            ),
        ),
        migrations.AddIndex(
            model_name="delivery",
            index=models.Index(
                condition=models.Q(("opened_at__isnull", False)),
                fields=["opened_at"],
                name="compliance_delivery_opened",
            ),
        ),
    ]
