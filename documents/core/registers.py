"""Register books (sổ văn bản) as rows: the reads behind the printed register and its Excel export.

Every register book follows the same shape:
- a row dataclass with the regulation's columns as fields (DOMAIN.md, "Register columns");
- a tuple of `Column`s naming, in the regulation's order, the field behind each column;
- `<direction>_register_book(*, unit, year, date_from, date_to, confidential)` returning a `RegisterBook` (its
  `BookHeading`, columns and rows in number order, read with a constant number of queries), and
  `<direction>_register_rows(...)` returning just the rows.
`documents.core.pdf` and `documents.core.exports` print any `RegisterBook`. Each part keeps its own book in its
`registers.py` (incoming/registers.py, outgoing/registers.py), with its own template extending
`documents/pdf/register_book.html`. The numbering of registers (their counters) is here too.

Selectors do not check permissions: the caller decides who may export which register (the confidential one
only to people allowed to see confidential documents).
"""

from __future__ import annotations

import datetime
import sys
from collections.abc import Callable
from dataclasses import dataclass

import psycopg
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from documents.core.models import Register, RegisterKind
from units.calendar import local_midnight
from units.models import Unit

# --- What every register book shares ------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One column of a register: its printed label, the row field behind it, its Excel width."""

    label: str
    field: str
    width: int = 14


_TITLES = {
    (RegisterKind.INCOMING, False): _("Sổ đăng ký văn bản đến"),
    (RegisterKind.INCOMING, True): _("Sổ đăng ký văn bản mật đến"),
    (RegisterKind.OUTGOING, False): _("Sổ đăng ký văn bản đi"),
    (RegisterKind.OUTGOING, True): _("Sổ đăng ký văn bản mật đi"),
    (RegisterKind.LEGAL, False): _("Sổ đăng ký văn bản quy phạm pháp luật"),
    (RegisterKind.LEGAL, True): _("Sổ đăng ký văn bản mật quy phạm pháp luật"),
}


@dataclass(frozen=True)
class BookHeading:
    """What the cover of a register book says: whose book, which book, which year and days."""

    unit: Unit
    kind: str
    confidential: bool
    year: int
    date_from: datetime.date
    date_to: datetime.date

    @property
    def title(self) -> str:
        """As the regulation names the book, e.g. 'Sổ đăng ký văn bản mật đến'."""
        return str(_TITLES[(self.kind, self.confidential)])

    @property
    def parent_name(self) -> str:
        """The body above the unit, printed over its name on the cover (cơ quan chủ quản)."""
        return self.unit.parent.name if self.unit.parent_id else ""

    @property
    def period(self) -> str:
        return _("Từ ngày %(a)s đến ngày %(b)s") % {
            "a": self.date_from.strftime("%d/%m/%Y"),
            "b": self.date_to.strftime("%d/%m/%Y"),
        }


def book_heading(
    *,
    unit: Unit,
    kind: str,
    year: int,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    confidential: bool = False,
) -> BookHeading:
    """The heading of a register book; the days are those of the year, narrowed by date_from/date_to."""
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    return BookHeading(
        unit=unit,
        kind=kind,
        confidential=confidential,
        year=year,
        date_from=max(date_from, first) if date_from else first,
        date_to=min(date_to, last) if date_to else last,
    )


@dataclass(frozen=True)
class RegisterBook:
    """A register book ready to print: its heading, its columns and its rows in number order."""

    heading: BookHeading
    columns: tuple[Column, ...]
    rows: list
    first_number: int | None = None  # 'Từ số … đến số …' on the cover
    last_number: int | None = None


def local_day_bounds(heading: BookHeading) -> tuple[datetime.datetime, datetime.datetime]:
    """[start of date_from, start of the day after date_to) in local time, so the filter stays an index range."""
    return local_midnight(heading.date_from), local_midnight(heading.date_to + datetime.timedelta(days=1))


def local_date(value: datetime.datetime | None) -> datetime.date | None:
    return timezone.localtime(value).date() if value else None


# --- Numbers ------------------------------------------------------------------------------------------------


# The counter is an upsert: a register's first number of the year creates its row in the same statement. Either way
# the row stays locked until the transaction ends, so numbers are unique and gapless under concurrency (unique
# constraints on the numbered rows back it up), and whatever the transaction writes after the number is written
# while every other clerk of that register waits: take it last.
REGISTERS_TABLE = Register._meta.db_table
NEXT_NUMBER_SQL = (
    f"INSERT INTO {REGISTERS_TABLE} (unit_id, year, kind, confidential, last_number) VALUES (%s, %s, %s, %s, 1) "
    f"ON CONFLICT (unit_id, year, kind, confidential) DO UPDATE SET last_number = {REGISTERS_TABLE}.last_number + 1 "
    "RETURNING id, last_number"
)


def register_row(register_id: int, unit_id: int, year: int, kind: str, confidential: bool, number: int) -> Register:
    register = Register(
        id=register_id, unit_id=unit_id, year=year, kind=kind, confidential=confidential, last_number=number
    )
    register._state.adding, register._state.db = False, transaction.get_connection().alias
    return register


def take_number(unit: Unit, year: int, kind: str, confidential: bool) -> tuple[Register, int]:
    """The next number of a register, its row locked until the caller's transaction ends (one statement)."""
    connection = transaction.get_connection()
    assert connection.in_atomic_block, "take_number must run inside the caller's transaction"
    with connection.cursor() as cursor:
        cursor.execute(NEXT_NUMBER_SQL, [unit.pk, year, kind, confidential])
        register_id, number = cursor.fetchone()
    register = register_row(register_id, unit.pk, year, kind, confidential, number)
    register.unit = unit
    return register, number


class NumberingAtomic:
    """transaction.atomic() for a service whose last statement takes the number (execute_last).

    On PostgreSQL, when the block is the outermost transaction, that statement is sent together with the COMMIT
    (psycopg's pipeline mode) and its row is read once the block has ended: the register row is locked for the
    server's own work, not also for a round trip to this process and its wait for a CPU (and, with threads, the
    GIL), which is what limits several clerks numbering at once on a busy machine. Nothing may run in the block
    after execute_last(): in pipeline mode an UPDATE's row count is not known until the commit."""

    def __enter__(self) -> NumberingAtomic:
        self._connection = transaction.get_connection()
        self._outermost = not self._connection.in_atomic_block
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self._pipeline = self._cursor = self._then = None
        return self

    def execute_last(self, sql: str, params: list, then: Callable[[tuple], None]) -> None:
        """Execute the block's last statement; `then` gets its row (at once, or after the commit)."""
        connection = self._connection
        if (
            self._outermost
            and connection.vendor == "postgresql"
            and not connection.run_on_commit  # hooks run inside the commit, and so would run in pipeline mode
            and psycopg.Pipeline.is_supported()
        ):
            self._pipeline = connection.connection.pipeline()
            self._pipeline.__enter__()
        self._cursor = connection.cursor()
        self._cursor.execute(sql, params)
        if self._pipeline is None:
            then(self._cursor.fetchone())
        else:
            self._then = then

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            try:
                self._atomic.__exit__(exc_type, exc, tb)  # the commit sends the pipelined statement
            finally:
                if self._pipeline is not None:
                    self._pipeline.__exit__(*sys.exc_info())
            if exc_type is None and self._then is not None:
                self._then(self._cursor.fetchone())
        finally:
            if self._cursor is not None:
                self._cursor.close()
