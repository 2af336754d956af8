"""Excel export of the incoming register book."""

from __future__ import annotations

import datetime

from documents.core.exports import register_book_xlsx
from documents.incoming import registers
from units.models import Unit


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
