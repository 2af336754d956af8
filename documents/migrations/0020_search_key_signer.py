"""The folded search key takes the signer's name too (issue 18: search by người ký), so existing keys are rebuilt.

The folding is a frozen copy of units.text.fold as it was written for this migration: migrations do not import
live application code."""

import re
import unicodedata

from django.db import migrations

BATCH = 2000
_SPACES = re.compile(r"\s+")


def _fold(text):
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return _SPACES.sub(" ", stripped).strip().lower()


def _rebuild(apps, with_signer):
    Document = apps.get_model("documents", "Document")
    fields = ["number_symbol", "summary", "issuer_name", "signer_name"]
    last = 0
    while True:  # keyset batches: bounded memory and short statements on a large register
        rows = list(Document.objects.filter(pk__gt=last).order_by("pk").only("pk", "search_key", *fields)[:BATCH])
        if not rows:
            return
        changed = []
        for doc in rows:
            parts = [doc.number_symbol, doc.summary, doc.issuer_name] + ([doc.signer_name] if with_signer else [])
            key = _fold(" ".join(p for p in parts if p))
            if key != doc.search_key:
                doc.search_key = key
                changed.append(doc)
        Document.objects.bulk_update(changed, ["search_key"], batch_size=BATCH)
        last = rows[-1].pk


def add_signer(apps, schema_editor):
    _rebuild(apps, with_signer=True)


def drop_signer(apps, schema_editor):
    _rebuild(apps, with_signer=False)


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0019_saved_search"),
    ]

    operations = [
        migrations.RunPython(add_signer, drop_signer, elidable=True),
    ]
