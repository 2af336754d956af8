"""The books NĐ30 asks for beside the numbered registers: their headings.

The numbered registers (sổ đăng ký văn bản đến, đi) take their title from their kind (core/registers.py). The other
books a văn thư keeps (sổ theo dõi giải quyết văn bản đến, sổ gửi văn bản đi bưu điện, sổ đăng ký bản sao văn bản)
carry their own name and are printed by the same machinery (`documents.core.pdf`, `documents.core.exports`).
"""

from __future__ import annotations

import dataclasses
import datetime

from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from documents.core.registers import BookHeading, book_heading
from units.models import Unit

FOLLOW_UP, POSTAL, COPIES = "follow-up", "postal", "copies"

_NAMES = {
    (FOLLOW_UP, False): _("Sổ theo dõi giải quyết văn bản đến"),
    (FOLLOW_UP, True): _("Sổ theo dõi giải quyết văn bản mật đến"),
    (POSTAL, False): _("Sổ gửi văn bản đi bưu điện"),
    (POSTAL, True): _("Sổ gửi văn bản mật đi bưu điện"),
    (COPIES, False): _("Sổ đăng ký bản sao văn bản"),
    (COPIES, True): _("Sổ đăng ký bản sao văn bản mật"),
}


@dataclasses.dataclass(frozen=True)
class NamedBookHeading(BookHeading):
    """A book's heading whose title is the book's own name, not its register kind's."""

    book: str = ""

    @property
    def title(self) -> str:
        return str(_NAMES[(self.book, self.confidential)])


def named_heading(
    *,
    book: str,
    unit: Unit,
    kind: str,
    year: int,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    confidential: bool = False,
) -> NamedBookHeading:
    """book_heading() for one of the named books (FOLLOW_UP, POSTAL, COPIES)."""
    heading = book_heading(
        unit=unit, kind=kind, year=year, date_from=date_from, date_to=date_to, confidential=confidential
    )
    values = {field.name: getattr(heading, field.name) for field in dataclasses.fields(heading)}
    return NamedBookHeading(**values, book=book)


def document_line(document) -> str:
    """'Kế hoạch số 05/KH-UBND ngày 17/02/2031 của UBND tỉnh Bình Định'."""
    line = document.get_doc_type_display()
    if document.number_symbol:
        line += _t(" số %(s)s") % {"s": document.number_symbol}
    if document.issued_date:
        line += _t(" ngày %(d)s") % {"d": document.issued_date.strftime("%d/%m/%Y")}
    if document.issuer_name:
        line += _t(" của %(i)s") % {"i": document.issuer_name}
    return line
