"""Access events are the founding letter's compliance evidence: append-only, in the database too.

On PostgreSQL a trigger (migration accounts/0004) refuses every UPDATE and DELETE of accounts_accessevent. The one
exception is deliberate and visible: a transaction that sets ERASE_SETTING may delete (the compliance benchmark
removes the synthetic people it made, on a scratch database). SQLite, for a small office, relies on the admin
and PROTECT alone.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction

ERASE_SETTING = "idesk.erase_access_events"


@contextmanager
def erasing(setting: str = ERASE_SETTING) -> Iterator[None]:
    """A transaction in which the append-only table whose trigger reads `setting` may be deleted from (never
    updated). For synthetic data only (the benchmarks' own rows on a scratch database)."""
    postgresql = connection.vendor == "postgresql"
    with transaction.atomic():
        if postgresql:
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config(%s, 'on', true)", [setting])  # local to the transaction
        yield
        if postgresql:
            # Inside an outer transaction the setting would outlive this block: take it back now. (A failure in
            # the block rolls back to the savepoint, which takes it back as well.)
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config(%s, 'off', true)", [setting])


def erasing_access_events():
    """A transaction in which access events may be deleted (never updated). For synthetic data only."""
    return erasing(ERASE_SETTING)
