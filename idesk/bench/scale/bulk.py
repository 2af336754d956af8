"""Bulk loading: COPY on PostgreSQL (batched INSERTs elsewhere), indexes built after the rows, sequences reset."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager

from django.db import connection


class Progress:
    def __init__(self, label: str, total: int, out=sys.stderr):
        self.label, self.total, self.out = label, max(total, 1), out
        self.done, self.started, self.last = 0, time.monotonic(), 0.0

    def step(self, n: int = 1) -> None:
        self.done += n
        now = time.monotonic()
        if now - self.last > 0.5 or self.done >= self.total:
            self.last = now
            width = 30
            filled = int(width * self.done / self.total)
            self.out.write(
                f"\r{self.label:<22} [{'#' * filled}{'.' * (width - filled)}] {self.done:>10,}/{self.total:,}"
                f"  {now - self.started:6.1f}s"
            )
            self.out.flush()

    def finish(self) -> None:
        if self.done < self.total:
            self.done = self.total - 1
            self.step(1)
        self.out.write("\n")


def copy_rows(table: str, columns: Sequence[str], rows: Iterable[Sequence], progress: Progress | None = None) -> int:
    """COPY on PostgreSQL; batched INSERTs elsewhere (SQLite, for the test-suite smoke run)."""
    count = 0
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            raw = cursor.cursor  # psycopg 3 cursor under Django's wrapper
            with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
                    if progress and count % 10_000 == 0:
                        progress.step(10_000)
        if progress:
            progress.step(count % 10_000)
        return count
    placeholders = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})"
    batch: list = []
    with connection.cursor() as cursor:
        for row in rows:
            batch.append(tuple(row))
            if len(batch) >= 2000:
                cursor.executemany(sql, batch)
                count += len(batch)
                if progress:
                    progress.step(len(batch))
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
            if progress:
                progress.step(len(batch))
    return count


# The big tables the load writes. Their secondary indexes, unique and foreign-key constraints are built once after
# it: kept in place, COPY maintained a dozen indexes a row and checked every foreign key row by row at commit, about
# ten times the cost of writing the rows themselves.
LOADED_TABLES = (
    "documents_document",
    "documents_incomingrecord",
    "documents_assignment",
    "documents_delivery",
    "documents_direction",
    "documents_auditevent",
    "accounts_accessevent",
)


@contextmanager
def indexes_built_after(tables: Sequence[str], log: Callable[[str], None]) -> Iterator[None]:
    """On PostgreSQL, inside the caller's transaction: drop the tables' secondary indexes and their unique and
    foreign-key constraints, and create them again, as they were, when the block ends. Run it in one transaction
    with the load: if anything fails, the drop is rolled back with the rows."""
    if connection.vendor != "postgresql":
        yield
        return
    assert connection.in_atomic_block, "indexes are dropped and rebuilt inside the load's transaction"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.conrelid::regclass::text, c.conname, c.contype, pg_get_constraintdef(c.oid) FROM pg_constraint c "
            "WHERE c.conrelid = ANY(%s::regclass[]) AND c.contype IN ('u', 'f') ORDER BY c.contype DESC, c.conname",
            [list(tables)],
        )
        constraints = cursor.fetchall()  # unique ones first: their indexes are built before the foreign keys' checks
        cursor.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary "
            "AND i.indexrelid NOT IN (SELECT conindid FROM pg_constraint WHERE contype IN ('u', 'p', 'x')) "
            "ORDER BY 1",
            [list(tables)],
        )
        indexes = cursor.fetchall()
        for table, name, _, _ in constraints[::-1]:  # foreign keys first
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {name}")
    yield
    started = time.monotonic()
    progress = Progress("indexes, constraints", len(indexes) + len(constraints))
    with connection.cursor() as cursor:
        # Enough memory to sort an index of 10M rows in one go (the default 64 MB spills to disk).
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        for _, definition in indexes:
            cursor.execute(definition)
            progress.step()
        for table, name, _, definition in constraints:
            cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
            progress.step()
    progress.finish()
    log(f"indexes and constraints: {len(indexes) + len(constraints)} built in {time.monotonic() - started:.0f} s")


def copy_text(table: str, columns: Sequence[str], chunks: Iterable[tuple[str, int]], progress: Progress) -> int:
    """COPY of rows already written as COPY text: (chunk of lines, how many) pairs. PostgreSQL only."""
    count = 0
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for text, n in chunks:
                copy.write(text)
                count += n
                progress.step(n)
    return count


def max_id(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
        return cursor.fetchone()[0]


def reset_sequences(tables: Sequence[str]) -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE((SELECT MAX(id) FROM {table}), 1))"
            )
