"""Số, ký hiệu by NĐ30: `3261/UBND`, `12/UBND-VX`, `05/KH-UBND`, `36/2016/QĐ-UBND`, `08/SY-UBND`, and the
register a draft is numbered in (the administrative series, the QPPL series, the confidential ones).

Three series can give the same number to two documents of one issuer in one year (NĐ30 Art. 15: confidential
documents and normative legal documents are numbered apart from the administrative series), yet number and symbol
must stay unique within the year and a recipient must never take one for the other (its duplicate check compares
issuer, number-symbol and date). So each series writes its number differently:
- QPPL carry the year after the number (`36/2016/QĐ-UBND`), which no administrative symbol has;
- every confidential series carries the mark `(M)` at the end (`03/GM-UBND(M)`), on the face, in the registers, in
  the edXML notation and in the recipient's register alike.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from documents.core.models import ABBREVIATIONS, DocType, RegisterKind

if TYPE_CHECKING:
    from documents.core.models import Document
    from documents.outgoing.models import OutgoingDraft
    from units.models import Unit

# The end of every number-symbol given in a confidential register: `03/GM-UBND(M)`.
CONFIDENTIAL_MARK = "(M)"

# Types that can be normative legal documents at a district or commune (Luật Ban hành VBQPPL 2015, Art. 4: nghị
# quyết of the HĐND, quyết định of the UBND). A công văn never is one.
LEGAL_TYPES = frozenset({DocType.NGHI_QUYET, DocType.QUYET_DINH})


def format_number(number: int) -> str:
    """1–9 are written with a leading zero (01…09)."""
    return f"{number:02d}"


def build_symbol(
    *,
    number: int,
    doc_type: str,
    issuer_short: str,
    year: int | None = None,
    is_legal: bool = False,
    suffix: str = "",
    copy_kind: str = "",
    confidential: bool = False,
) -> str:
    """The number-symbol string; no spaces, '/' after the number, '-' between groups."""
    issuer_short = issuer_short.strip().replace(" ", "")
    groups: list[str] = []
    if copy_kind:
        groups.append(copy_kind)
    elif doc_type in ABBREVIATIONS:
        groups.append(ABBREVIATIONS[doc_type])
    groups.append(issuer_short)
    if suffix.strip():
        groups.append(suffix.strip().replace(" ", ""))
    head = format_number(number)
    if is_legal and year and not copy_kind:
        head = f"{head}/{year}"
    return f"{head}/{'-'.join(groups)}{CONFIDENTIAL_MARK if confidential else ''}"


def short_of(unit: Unit) -> str:
    return unit.short_name or unit.code.upper()


def drafting_suffix(draft: OutgoingDraft) -> str:
    """The drafting unit's part of the symbol: as typed, or for a công văn drafted by another unit than the issuer
    the drafting unit's abbreviation (`12/UBND-VX`; a Phòng Nội vụ draft of UBND: `…/UBND-NV`)."""
    typed = draft.symbol_suffix.strip()
    if typed or draft.doc_type != DocType.CONG_VAN or draft.unit_id == draft.issuer_unit_id:
        return typed
    return short_of(draft.unit)


def register_kind(draft: OutgoingDraft) -> str:
    """QPPL have their own series (with the year in the symbol); everything else the administrative one."""
    return RegisterKind.LEGAL if draft.is_legal else RegisterKind.OUTGOING


def symbol_maker(draft: OutgoingDraft, year: int) -> Callable[[int], str]:
    """number → the draft's number-symbol in `year`. Everything but the number is read now: issue() calls the result
    after taking the number, while the register row is locked, and it must query nothing then."""
    parts = {
        "doc_type": draft.doc_type,
        "issuer_short": short_of(draft.issuer_unit),
        "year": year,
        "is_legal": draft.is_legal,
        "suffix": drafting_suffix(draft),
        "confidential": draft.confidential,
    }
    return lambda number: build_symbol(number=number, **parts)


def draft_symbol(draft: OutgoingDraft, number: int, year: int) -> str:
    """The number-symbol the draft gets with `number` in `year`: issue() and the preview both use it."""
    return symbol_maker(draft, year)(number)


def unnumbered_symbol(draft: OutgoingDraft, year: int) -> str:
    """The symbol with '…' where the number goes (the preview): `…/GM-UBND(M)`, not `…/UBND`."""
    return "…" + draft_symbol(draft, 0, year).removeprefix(format_number(0))


def legal_errors(doc_type: str, is_legal: bool) -> dict[str, str]:
    """Only a nghị quyết or a quyết định can be a normative legal document (never a công văn)."""
    if is_legal and doc_type in DocType.values and doc_type not in LEGAL_TYPES:
        return {
            "is_legal": _(
                "Chỉ nghị quyết hoặc quyết định mới có thể là văn bản quy phạm pháp luật (được đánh số theo năm, "
                "như 36/2016/QĐ-UBND); %(t)s thì không."
            )
            % {"t": DocType(doc_type).label.lower()}
        }
    return {}


def copy_symbol(copy: Document, number: int, kind: str) -> str:
    """A copy's number-symbol in the copy series (`08/SY-UBND`; a confidential copy `08/SY-UBND(M)`)."""
    return build_symbol(
        number=number,
        doc_type=copy.doc_type,
        issuer_short=short_of(copy.issuer_unit),
        copy_kind=kind,
        confidential=copy.is_confidential,
    )
