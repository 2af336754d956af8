from django.db import migrations


def create_brin(apps, schema_editor):
    # Events arrive in time order, so a tiny BRIN index on `at` makes one-day scans cheap (PERFORMANCE.md).
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS access_event_at_brin ON accounts_accessevent USING brin (at)"
        )


def drop_brin(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS access_event_at_brin")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(create_brin, drop_brin)]
