"""Register books as PDF (WeasyPrint), whatever the part: laid out in parts, joined and numbered 'Trang x/y'.

Pure functions returning PDF bytes; views check who may print what and wrap the bytes in a response.
"""

from __future__ import annotations

import datetime
import gc
import io
import math
import tempfile
from collections.abc import Callable

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from documents.core import registers
from idesk.lib.reports import collecting_by_hand, font_config, html_without_markers

# Rows laid out at once (about six pages): WeasyPrint keeps a document's boxes until it is written, so a book is
# laid out in parts to bound a process's memory whatever its length (figures: docs/performance.md, "Constants").
BOOK_PART_ROWS = 50

# A book longer than this is made by the worker (idesk's export jobs): a web request spends at most ~2 s on a PDF.
SYNC_BOOK_ROWS = 150


def register_book_pdf(
    *,
    book: registers.RegisterBook,
    template: str,
    printed_at: datetime.datetime | None = None,
    part_rows: int = 0,
    progress: Callable[[int, int], None] | None = None,
) -> bytes:
    """Any register book: landscape A4, cover heading, the table with its header on every page, 'Trang x/y'.

    A long book is laid out part by part, each written to PDF and let go before the next, so memory stays bounded.
    A part ends at a page break of the whole book: the rows that begin on a part's last page are laid out again
    at the head of the next, so the pages are those of the book laid out at once. The parts are joined and
    "Trang x/y" stamped on once the number of pages is known. `progress(rows done, rows)` is told after each part."""
    context = {"book": book, "heading": book.heading, "printed_at": printed_at or timezone.localtime()}
    part_rows = part_rows or BOOK_PART_ROWS
    if len(book.rows) > part_rows:
        gc.collect()  # what came before (the rows' model instances are cyclic) is not to be kept for the book
    with collecting_by_hand():
        content = _register_book_pdf(template, context, book.rows, part_rows, progress or (lambda done, total: None))
        gc.collect()  # the joining's garbage, while the collector looks at nothing older
    return content


def _register_book_pdf(
    template: str, context: dict, rows: list, part_rows: int, progress: Callable[[int, int], None]
) -> bytes:
    HTML = html_without_markers()  # noqa: N806 (a class)

    parts, start, size = [], 0, part_rows
    while True:
        end = min(start + size, len(rows))
        last = end == len(rows)
        part = {"first": start == 0, "last": last, "numbers": start == 0 and last}
        html = render_to_string(template, {**context, "part": part, "rows": rows[start:end], "start": start})
        document = HTML(string=html, base_url=str(settings.BASE_DIR)).render(font_config=font_config())
        if part["numbers"]:  # the whole book in one part: WeasyPrint numbers its pages itself
            content = document.write_pdf()
            progress(len(rows), len(rows))
            return content
        keep, resume, per_page = len(document.pages), end, 0.0
        if not last:
            keep, resume, per_page = _part_break(document.pages, start)
            if keep == 0:  # one row longer than the part's pages: lay out a longer part
                size *= 2
                continue
        pages = document.pages[:keep]
        parts.append(document.copy(pages).write_pdf())
        del document, pages
        # The part's boxes are cyclic: let them go before the next part is laid out. The young generations only:
        # what survived earlier parts is not walked again (the book's last collection walks everything).
        gc.collect(1)
        progress(min(resume, len(rows)), len(rows))
        if resume >= len(rows):
            break
        start, size = resume, _next_part_rows(part_rows, per_page)
    return join_and_number(parts)


def _part_break(pages, start: int) -> tuple[int, int, float]:
    """(pages to keep, first row of the next part, rows per kept page): up to the part's last page that a row
    begins. Rows per page are counted on the kept pages after the book's first, which holds its heading."""
    rows = [_rows_on(page) for page in pages]
    for index in range(len(pages) - 1, 0, -1):
        if rows[index] and rows[index][0] not in rows[index - 1]:  # not the rest of a row split over pages
            resume = rows[index][0]
            first = 1 if start == 0 else 0
            counted = resume - (rows[first][0] if rows[first] else start) if index > first else 0
            return index, resume, counted / (index - first) if index > first else 0.0
    return 0, start, 0.0


def _next_part_rows(part_rows: int, per_page: float) -> int:
    """Rows for the next part: as many whole pages as `part_rows` holds at the last part's rows per page, and
    two rows more. A part's last page is laid out again at the head of the next, so a part should end just past
    a page break, its last page holding a row or two rather than half a page of them laid out twice. One row
    more than the estimate, as a part that ends short of its last page costs that whole page."""
    if per_page <= 0:
        return part_rows
    pages = int((part_rows - 2) // per_page)
    if pages < 1:
        return part_rows
    return min(part_rows, math.ceil(pages * per_page) + 2)


def _rows_on(page) -> list[int]:
    """Book indexes (`data-i`) of the table rows on a laid-out page, in order; a row split over pages is on each.

    Read from the page's boxes: WeasyPrint has no public view of them. (Anchors are public, but an id on every
    row costs a third more memory: WeasyPrint then shares no computed style between rows.)"""
    from weasyprint.formatting_structure.boxes import TableRowBox

    found, stack = [], [page._page_box]
    while stack:
        box = stack.pop()
        if isinstance(box, TableRowBox):
            index = box.element.get("data-i") if box.element is not None else None
            if index is not None:
                found.append(int(index))
            continue
        stack.extend(reversed(getattr(box, "children", ())))
    return found


def join_and_number(parts: list[bytes]) -> bytes:
    """The parts as one PDF, each page stamped with "Trang x/y" in the book's page box.

    The numbers are small WeasyPrint documents holding only them, NUMBER_PAGES pages each; each of their pages
    becomes a form XObject drawn over the matching page of the book (its fonts shared by the run's pages), so the
    book's own content streams are neither parsed nor rewritten. The numbers are made before the parts are read,
    and the book is written to a file and read back once the joining's objects are let go: each step's memory is
    then free for the next (~3 MB less at the peak)."""
    with tempfile.TemporaryFile() as out:
        _join_and_number(parts, out)
        gc.collect()  # the joined book's objects (cyclic), before its bytes are read back
        out.seek(0)
        return out.read()


def _join_and_number(parts: list[bytes], out) -> None:
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject

    writer = PdfWriter()
    total = sum(len(PdfReader(io.BytesIO(content)).pages) for content in parts)
    stamps = []
    for start in range(0, total, NUMBER_PAGES):
        stamps += _page_numbers(writer, range(start, min(start + NUMBER_PAGES, total)), total)
        gc.collect(1)  # this run's layout, before the next is laid out
    for index, content in enumerate(parts):
        writer.append(PdfReader(io.BytesIO(content)), import_outline=True)
        parts[index] = b"" if index else content
        gc.collect(1)  # the part's reader (cyclic) and bytes, now copied; not the writer's older pages again
    first = PdfReader(io.BytesIO(parts[0]))
    writer.add_metadata(dict(first.metadata or {}))  # title and producer, as WeasyPrint writes them
    if "/Lang" in first.root_object:
        writer.root_object[NameObject("/Lang")] = first.root_object["/Lang"].clone(writer)
    for page, stamp in zip(writer.pages, stamps, strict=True):
        # The book's pages share one resources dictionary per part: each page gets its own copy naming its stamp.
        page_resources = DictionaryObject(page["/Resources"].get_object())
        xobjects = DictionaryObject(page_resources.get("/XObject", DictionaryObject()).get_object())
        xobjects[NameObject("/PageNumber")] = stamp
        page_resources[NameObject("/XObject")] = xobjects
        page[NameObject("/Resources")] = page_resources
        before, after = DecodedStreamObject(), DecodedStreamObject()
        before.set_data(b"q\n")
        after.set_data(b"Q\n/PageNumber Do\n")  # drawn in the page's default space, after the book's content
        contents = page["/Contents"].get_object()
        contents = list(contents) if isinstance(contents, ArrayObject) else [page["/Contents"]]
        page[NameObject("/Contents")] = ArrayObject([writer._add_object(before), *contents, writer._add_object(after)])
    writer.write(out)


# Pages of numbers laid out at once, for the same reason as BOOK_PART_ROWS (docs/performance.md, "Constants").
NUMBER_PAGES = 20


def _page_numbers(writer, pages: range, total: int) -> list:
    """ "Trang x/total" for the book's `pages`, laid out as one small document: a form XObject in the writer for
    each page, its resources (the font) shared by the run's pages."""
    from pypdf import PdfReader
    from pypdf.generic import ArrayObject, DecodedStreamObject, NameObject
    from weasyprint import HTML

    html = render_to_string(
        "documents/pdf/book_page_numbers.html", {"pages": pages, "first": pages.start, "total": total}
    )
    numbers = PdfReader(
        io.BytesIO(HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(font_config=font_config()))
    )
    shared: dict = {}  # the numbers' resources, cloned into the book once
    stamps = []
    for number_page in numbers.pages:
        resources = number_page["/Resources"].get_object()
        key = id(resources)
        if key not in shared:
            shared[key] = writer._add_object(resources.clone(writer))
        form = DecodedStreamObject()
        form.set_data(number_page.get_contents().get_data())
        form.update(
            {
                NameObject("/Type"): NameObject("/XObject"),
                NameObject("/Subtype"): NameObject("/Form"),
                NameObject("/BBox"): ArrayObject(number_page.mediabox),
                NameObject("/Resources"): shared[key],
            }
        )
        stamps.append(writer._add_object(form.flate_encode()))
    if len(stamps) != len(pages):
        raise ValueError(f"{len(stamps)} pages of numbers for {len(pages)} pages")
    return stamps
