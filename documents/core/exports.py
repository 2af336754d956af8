"""Excel exports of the register books: every column of the register, dates as real date cells."""

from __future__ import annotations

import datetime

from documents import registers
from units.models import Unit
from units.reports import xlsx_bytes


def register_book_xlsx(*, book: registers.RegisterBook) -> bytes:
    """Any register book as one sheet: the book's heading, then its columns and rows."""
    heading = book.heading
    return xlsx_bytes(
        f"{heading.title} {heading.year}",
        [str(column.label) for column in book.columns],
        ([getattr(row, column.field) for column in book.columns] for row in book.rows),
        heading=f"{heading.title.upper()} NĂM {heading.year} — {heading.unit.name} — {heading.period}",
        widths=[column.width for column in book.columns],
    )


def incoming_register_xlsx(
    *,
    unit: Unit,
    year: int,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    confidential: bool = False,
    within=None,
) -> bytes:
    """Sổ đăng ký văn bản đến (or the confidential one) with the electronic columns."""
    book = registers.incoming_register_book(
        unit=unit, year=year, date_from=date_from, date_to=date_to, confidential=confidential, within=within
    )
    return register_book_xlsx(book=book)
