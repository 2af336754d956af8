"""A trigram index on the search key of issued documents only (issue 18: the one search's Văn bản đi group).

The issued group asks `register_id IS NOT NULL AND search_key LIKE '%…%'`. A person's name is made of the
commonest trigrams ("le thanh tuan": "nh ", " th", "an "…), whose posting lists in the index over every document
(document_search_trgm, 0002) hold most of the million rows: merging them cost 35-95 ms per query, twice per
search. Issued documents are a third of the rows, so their own index reads a third of the postings (about 11 ms
on the 1M-document dataset).

PostgreSQL only, as the other trigram indexes, and built CONCURRENTLY (outside a transaction) so that writers to
the documents table are not blocked while it is built."""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS document_issued_search_trgm ON documents_document "
        "USING gin (search_key gin_trgm_ops) WHERE register_id IS NOT NULL"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX CONCURRENTLY IF EXISTS document_issued_search_trgm")


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run inside a transaction

    dependencies = [("documents", "0024_delivery_held")]
    operations = [migrations.RunPython(forwards, backwards)]
