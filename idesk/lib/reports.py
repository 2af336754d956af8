"""Tabular exports shared by every app (units is the base app, so all may import it)."""

from __future__ import annotations

import datetime
import functools
import gc
import importlib.resources
import io
import re
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from urllib.parse import quote

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Lists show dates as dd/mm/yyyy (DOMAIN.md); Excel keeps them real dates, only displayed that way.
XLSX_DATE_FORMAT = "DD/MM/YYYY"
XLSX_DATETIME_FORMAT = "DD/MM/YYYY HH:MM"


def attachment(content: bytes, content_type: str, filename: str, inline: bool = False) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    disposition = "inline" if inline else "attachment"
    # RFC 5987 so Vietnamese file names survive every browser.
    response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(filename)}"
    return response


def xlsx_bytes(
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence],
    heading: str | None = None,
    widths: Sequence[int] | None = None,
) -> bytes:
    """One sheet: optional heading line, a bold header row frozen under it, then the rows (dates as dd/mm/yyyy)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    if heading:
        ws.append([heading])
        ws.cell(row=1, column=1).font = Font(bold=True, size=13)
    ws.append(list(headers))
    header_row = ws.max_row
    for col in range(1, len(headers) + 1):
        cell = ws.cell(row=header_row, column=col)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE7F0")
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    ws.freeze_panes = f"A{header_row + 1}"  # a string: ws.cell() would create a row
    for row in rows:
        values = list(row)
        ws.append(values)
        for col, value in enumerate(values, start=1):
            if isinstance(value, datetime.date):
                date_format = XLSX_DATETIME_FORMAT if isinstance(value, datetime.datetime) else XLSX_DATE_FORMAT
                ws.cell(row=ws.max_row, column=col).number_format = date_format
    for index, header in enumerate(headers, start=1):
        width = widths[index - 1] if widths else max(12, min(50, len(str(header)) + 4))
        ws.column_dimensions[get_column_letter(index)].width = width
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


_weasyprint = threading.local()


def font_config():
    """This thread's WeasyPrint FontConfiguration, made once and reused by every PDF: making one loads the system's
    font configuration and, at the first text, the fonts themselves, again (~5 ms and a few MB each time). Per
    thread, as WeasyPrint does not say it may be shared between threads."""
    from weasyprint.text.fonts import FontConfiguration

    if getattr(_weasyprint, "font_config", None) is None:
        _weasyprint.font_config = FontConfiguration()
    return _weasyprint.font_config


def parsed_stylesheet(template: str):
    """The WeasyPrint CSS of a stylesheet template without variables, parsed once per thread (with this thread's
    font_config): parsing it for every PDF cost a one-page letter a fifth of its time."""
    from weasyprint import CSS

    cache = _weasyprint.__dict__.setdefault("stylesheets", {})
    if template not in cache:
        cache[template] = CSS(string=render_to_string(template), font_config=font_config())
    return cache[template]


# The user agent's rules that match every element with a pseudo-element (list markers, footnote and note calls):
# WeasyPrint cascades and computes each for every element, six styles more per table cell. A register book has
# no list and no footnote, and without them its cascade is ~5 % of its time smaller and its layout leaves 60 %
# fewer objects for the collector.
EVERY_ELEMENT_PSEUDO_RULES = frozenset(
    {"::marker", "::footnote-call", "::footnote-marker", "::note-call", "::note-marker", "::note-callback"}
)


@functools.cache
def html_without_markers():
    """A weasyprint.HTML whose user-agent stylesheet is WeasyPrint's own without EVERY_ELEMENT_PSEUDO_RULES, for
    documents that hold neither lists nor footnotes (register books). WeasyPrint has no public way to choose the
    user agent's stylesheet: this overrides the method its own tests override (HTML._ua_stylesheets, 70.x)."""
    import weasyprint.css
    from weasyprint import CSS, HTML

    source = (importlib.resources.files(weasyprint.css) / "html5_ua.css").read_text("utf-8")
    names = "|".join(re.escape(selector) for selector in sorted(EVERY_ELEMENT_PSEUDO_RULES))
    stylesheet = CSS(string=re.sub(rf"^(?:{names})\s*\{{[^}}]*\}}", "", source, flags=re.MULTILINE))

    class HTMLWithoutMarkers(HTML):
        def _ua_stylesheets(self, forms=False):
            return super()._ua_stylesheets(forms) if forms else [stylesheet]

    return HTMLWithoutMarkers


def pdf_bytes(template: str, context: dict, stylesheet: str | None = None) -> bytes:
    """Render a template to PDF with WeasyPrint (fonts from the system: Liberation Serif for Times), with the
    `stylesheet` template parsed once per thread (parsed_stylesheet) when given."""
    from weasyprint import HTML

    html = render_to_string(template, context)
    stylesheets = [parsed_stylesheet(stylesheet)] if stylesheet else None
    with collecting_by_hand():
        pdf = HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(
            stylesheets=stylesheets, font_config=font_config()
        )
        gc.collect()  # the layout's cyclic garbage, alone: the collector walks nothing older
    return pdf


_gc_lock = threading.Lock()
_gc_holders = 0
_gc_was_enabled = True
_gc_frozen_for_good = False  # freeze_loaded() was called: the blocks below leave the freeze alone


def freeze_loaded() -> None:
    """Move what the process holds now out of the cyclic collector's sight for good (gc.freeze), after collecting:
    the full collections after rendering and signing then walk only what was made since. For a process that
    loads much before its work (the web server once loaded, idesk.wsgi; the test suite); collecting_by_hand keeps
    this freeze."""
    global _gc_frozen_for_good
    with _gc_lock:
        gc.collect()
        gc.freeze()
        _gc_frozen_for_good = True


@contextmanager
def collecting_by_hand() -> Iterator[None]:
    """Inside the block the cyclic garbage collector runs only when the caller calls gc.collect(), and then
    walks only what was made inside the block.

    WeasyPrint makes about a million cyclic objects for a hundred table rows: left on, the collector walks them
    thousands of times while they are all still alive (a fifth of a register book's time), and every walk also
    crosses everything the process held before. So: automatic collection off, what exists now frozen (left out
    of collections), both undone when the block ends. Counted, so that threads printing at once undo it only
    when the last one is done, and leave the collector as they found it. After freeze_loaded() nothing is frozen
    or thawed here (unfreezing would thaw that too): the block's collections also walk what was made since."""
    global _gc_holders, _gc_was_enabled
    with _gc_lock:
        if _gc_holders == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
            if not _gc_frozen_for_good:
                gc.freeze()
        _gc_holders += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_holders -= 1
            if _gc_holders == 0:
                if not _gc_frozen_for_good:
                    gc.unfreeze()
                if _gc_was_enabled:
                    gc.enable()
