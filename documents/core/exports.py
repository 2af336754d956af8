"""Excel exports of the register books: every column of the register, dates as real date cells."""

from __future__ import annotations

from documents.core import registers
from idesk.lib.reports import xlsx_bytes


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
