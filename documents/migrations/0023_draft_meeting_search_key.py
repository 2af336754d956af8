"""Drafts and meetings get a folded search key (issue 18: the one search matches them in SQL rather than folding
every visible draft and meeting in Python per search), filled for the existing rows.

The folding is a frozen copy of units.text.fold as it was written for this migration: migrations do not import
live application code."""

import re
import unicodedata

from django.db import migrations, models

BATCH = 2000
_SPACES = re.compile(r"\s+")


def _fold(text):
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return _SPACES.sub(" ", stripped).strip().lower()


def _fill(model, fields):
    last = 0
    while True:  # keyset batches: bounded memory and short statements
        rows = list(model.objects.filter(pk__gt=last).order_by("pk").only("pk", *fields)[:BATCH])
        if not rows:
            return
        for row in rows:
            row.search_key = _fold(" ".join(filter(None, (getattr(row, f) for f in fields))))
        model.objects.bulk_update(rows, ["search_key"], batch_size=BATCH)
        last = rows[-1].pk


def trigram_indexes(apps, schema_editor):
    # As for documents (0002): the one search reads `search_key LIKE '%…%'` through a trigram index.
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, name in (("documents_outgoingdraft", "draft_search_trgm"), ("documents_meeting", "meeting_search_trgm")):
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (search_key gin_trgm_ops)")


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS draft_search_trgm")
        schema_editor.execute("DROP INDEX IF EXISTS meeting_search_trgm")


def fill(apps, schema_editor):
    _fill(apps.get_model("documents", "OutgoingDraft"), ["summary"])
    _fill(apps.get_model("documents", "Meeting"), ["title", "place"])


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0022_document_update"),
    ]

    operations = [
        migrations.AddField(
            model_name="outgoingdraft",
            name="search_key",
            field=models.TextField(default="", editable=False),
        ),
        migrations.AddField(
            model_name="meeting",
            name="search_key",
            field=models.TextField(default="", editable=False),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(trigram_indexes, drop_trigram_indexes),
    ]
