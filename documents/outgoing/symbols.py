"""Số, ký hiệu by NĐ30: `3261/UBND`, `12/UBND-VX`, `05/KH-UBND`, `36/2016/QĐ-UBND`, `08/SY-UBND`."""

from __future__ import annotations

from documents.core.models import ABBREVIATIONS


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
    return f"{head}/{'-'.join(groups)}"
