"""A long register book is printed in parts (documents.core.pdf.register_book_pdf) so that memory stays bounded: the
book must come out exactly as if it were laid out at once. Compared as images of every page (poppler's
pdftoppm), with the page numbers, running heads, title, language and outline."""

from __future__ import annotations

import dataclasses
import datetime
import gc
import glob
import io
import subprocess
import tempfile
import threading
from zoneinfo import ZoneInfo

import pytest
from PIL import Image
from pypdf import PdfReader

from documents.core import pdf
from documents.core import registers as core_registers
from documents.incoming import registers
from documents.models import RegisterKind
from documents.outgoing import registers as outgoing_registers
from idesk.lib import reports
from idesk.lib.reports import collecting_by_hand
from units.models import Unit

VN = ZoneInfo("Asia/Ho_Chi_Minh")
PRINTED = datetime.datetime(2031, 5, 6, 9, 30, tzinfo=VN)
INCOMING = "documents/incoming/pdf/register.html"
OUTGOING = "documents/outgoing/pdf/register.html"

WORDS = (
    "triển khai thực hiện kế hoạch chuyển đổi số năm 2031 của Ủy ban nhân dân tỉnh báo cáo kết quả phòng cháy "
    "chữa cháy tăng cường công tác quản lý nhà nước đối với hoạt động đầu tư xây dựng trên địa bàn huyện"
).split()


def words(i: int, n: int) -> str:
    return " ".join(WORDS[(i * 7 + k * 3) % len(WORDS)] for k in range(n))


def incoming_rows(n: int, long_at: int | None = None) -> list[registers.IncomingRegisterRow]:
    """Entries of varied heights (1 to 5 lines of trích yếu, some with a direction); one taller than a page."""
    rows = []
    for i in range(n):
        day = datetime.date(2031, 1, 2) + datetime.timedelta(days=i)
        summary = "Công văn về việc " + words(i, 6 + (i * 11) % 40)
        if i == long_at:
            summary = "Báo cáo " + words(i, 1500)
        direction = f"Trần Kim Vũ: {words(i + 3, 5 + i % 17)}" if i % 3 else ""
        rows.append(
            registers.IncomingRegisterRow(
                record_id=i + 1, arrival_date=day, arrival_number=i + 1, issuer_name="UBND tỉnh Bình Định",
                number_symbol=f"{100 + i}/UBND-KT", issued_date=day, type_and_summary=summary,
                recipient="Phòng Nội vụ", transferred_on=day, acknowledgement="",
                note="Bản chính" if i % 5 == 0 else "", secrecy="", urgency="Khẩn" if i % 7 == 0 else "",
                pages=1 + i % 9, signer_name="Hồ Quốc Dũng", direction=direction, status="Đang xử lý",
                handling="Đang xử lý", due_date=day + datetime.timedelta(days=10),
            )
        )  # fmt: skip
    return rows


def outgoing_rows(n: int) -> list[outgoing_registers.OutgoingRegisterRow]:
    rows = []
    for i in range(n):
        day = datetime.date(2031, 1, 2) + datetime.timedelta(days=i)
        rows.append(
            outgoing_registers.OutgoingRegisterRow(
                document_id=i + 1, number=i + 1, number_symbol=f"{i + 1:02d}/UBND-VP", issued_date=day,
                type_and_summary="Công văn về việc " + words(i, 8 + (i * 13) % 35), signer_name="Trần Kim Vũ",
                recipients="; ".join(f"UBND xã {w}" for w in WORDS[: 2 + i % 12]), archive="VT, VP",
                copies=3 + i % 12, transferred_on=day, acknowledgement="", note="", secrecy="", urgency="",
            )
        )  # fmt: skip
    return rows


def book(rows, kind=RegisterKind.INCOMING) -> core_registers.RegisterBook:
    heading = core_registers.book_heading(unit=Unit.objects.get(code="ubnd"), kind=kind, year=2031)
    columns = registers.INCOMING_COLUMNS if kind == RegisterKind.INCOMING else outgoing_registers.OUTGOING_COLUMNS
    return core_registers.RegisterBook(
        heading=heading, columns=columns, rows=rows, first_number=1, last_number=len(rows)
    )


def printed(a_book, template=INCOMING, part_rows=0) -> bytes:
    return pdf.register_book_pdf(book=a_book, template=template, printed_at=PRINTED, part_rows=part_rows)


def page_images(content: bytes, dpi: int = 40) -> list[bytes]:
    with tempfile.TemporaryDirectory() as folder:
        with open(f"{folder}/book.pdf", "wb") as f:
            f.write(content)
        subprocess.run(["pdftoppm", "-png", "-r", str(dpi), f"{folder}/book.pdf", f"{folder}/p"], check=True)
        return [Image.open(path).convert("L").tobytes() for path in sorted(glob.glob(f"{folder}/p-*.png"))]


def page_text(content: bytes, page: int) -> str:
    command = ["pdftotext", "-layout", "-f", str(page), "-l", str(page), "-", "-"]
    result = subprocess.run(command, input=content, capture_output=True, check=True)
    return result.stdout.decode()


def pages_of(content: bytes) -> int:
    return len(PdfReader(io.BytesIO(content)).pages)


def assert_same_pages(parted: bytes, whole: bytes) -> None:
    a, b = page_images(parted), page_images(whole)
    assert len(a) == len(b)
    differing = [number for number, (x, y) in enumerate(zip(a, b, strict=True), start=1) if x != y]
    assert differing == []


@pytest.fixture
def parts_made(monkeypatch):
    """How many parts each printing joined (0: the book was laid out at once)."""
    made = []
    join = pdf.join_and_number
    monkeypatch.setattr(pdf, "join_and_number", lambda parts: made.append(len(parts)) or join(parts))
    return made


# --- The same book ---------------------------------------------------------------------------------------------


def test_a_book_printed_in_parts_is_the_book_laid_out_at_once(db, parts_made):
    a_book = book(incoming_rows(48))

    whole = printed(a_book, part_rows=1000)
    parted = printed(a_book, part_rows=9)

    assert parts_made == [parts_made[0]] and parts_made[0] >= 5
    assert pages_of(whole) >= 6
    assert_same_pages(parted, whole)


@pytest.mark.parametrize("long_at", [4, 12])
def test_a_row_taller_than_a_page_crosses_a_part_unchanged(db, parts_made, long_at):
    """At 4 the first part (rows 0-4) ends inside the long row: its last pages hold only the rest of that row."""
    a_book = book(incoming_rows(30, long_at=long_at))

    whole = printed(a_book, part_rows=1000)
    parted = printed(a_book, part_rows=5)

    assert pages_of(whole) > pages_of(printed(book(incoming_rows(30)), part_rows=1000)) + 1  # it spans pages
    assert parts_made[0] >= 3
    assert_same_pages(parted, whole)


def test_the_outgoing_register_in_parts(db, parts_made):
    a_book = book(outgoing_rows(40), kind=RegisterKind.OUTGOING)

    assert_same_pages(printed(a_book, OUTGOING, part_rows=8), printed(a_book, OUTGOING, part_rows=1000))
    assert parts_made[0] >= 3


def test_a_long_book_is_printed_in_parts_of_book_part_rows(db, parts_made, monkeypatch):
    monkeypatch.setattr(pdf, "BOOK_PART_ROWS", 10)

    content = printed(book(incoming_rows(35)))

    assert parts_made and parts_made[0] >= 3
    assert_same_pages(content, printed(book(incoming_rows(35)), part_rows=1000))


def test_a_part_ends_just_past_a_page_break(db, monkeypatch):
    """After the first part, a part holds whole pages at the last part's rows per page and two rows more: its last
    page, laid out again at the head of the next part, holds at most two rows when rows are alike."""
    rows = [
        dataclasses.replace(row, type_and_summary="Công văn về việc " + words(0, 12), direction="")
        for row in incoming_rows(90)
    ]
    laid_out_again = []
    part_break = pdf._part_break

    def recording(pages, start):
        laid_out_again.append(len(pdf._rows_on(pages[-1])))
        return part_break(pages, start)

    monkeypatch.setattr(pdf, "_part_break", recording)

    content = printed(book(rows), part_rows=30)

    assert len(laid_out_again) >= 3
    assert all(count <= 2 for count in laid_out_again[1:])
    assert_same_pages(content, printed(book(rows), part_rows=1000))


def test_the_next_part_is_whole_pages_and_two_rows():
    assert pdf._next_part_rows(50, 9.0) == 47  # 5 pages of 9, 2 more
    assert pdf._next_part_rows(50, 8.8) == 46
    assert pdf._next_part_rows(50, 0.0) == 50  # nothing known yet
    assert pdf._next_part_rows(8, 9.0) == 8  # not one page in a part: as asked


def test_a_short_book_is_laid_out_at_once(db, parts_made):
    content = printed(book(incoming_rows(6)))

    assert parts_made == []
    assert "Trang 1/" in page_text(content, 1)


# --- The user agent's stylesheet ----------------------------------------------------------------------------------


def test_a_book_without_the_markers_rules_looks_as_with_weasyprints_own(db, monkeypatch):
    """Register books are laid out without the user agent's rules for list markers and footnotes (a sixth of the
    cascade's work): the same pages as with WeasyPrint's own stylesheet, and those rules are really left out."""
    import weasyprint

    from idesk.lib.reports import EVERY_ELEMENT_PSEUDO_RULES, html_without_markers

    a_book = book(incoming_rows(20))
    used = []
    monkeypatch.setattr(pdf, "html_without_markers", lambda: used.append(True) or html_without_markers())
    trimmed = printed(a_book, part_rows=1000)
    assert used
    monkeypatch.setattr(pdf, "html_without_markers", lambda: weasyprint.HTML)
    assert_same_pages(trimmed, printed(a_book, part_rows=1000))

    def pseudo_elements(html_class) -> list:
        """What the user agent's stylesheet gives a table cell, by pseudo-element (None: the cell itself)."""
        html = html_class(string="<table><tr><td>x</td></tr></table>")
        cell = next(element for element in html.wrapper_element.iter_subtree() if element.local_name == "td")
        (stylesheet,) = html._ua_stylesheets()
        return sorted((match[2] or "" for match in stylesheet.matcher.match(cell)), key=str)

    theirs, ours = pseudo_elements(weasyprint.HTML), pseudo_elements(html_without_markers())
    assert {f"::{name}" for name in theirs if name} == EVERY_ELEMENT_PSEUDO_RULES
    assert ours == [name for name in theirs if not name]


# --- What the joining adds -------------------------------------------------------------------------------------


def test_every_page_says_its_number_out_of_the_total_once(db):
    content = printed(book(incoming_rows(40)), part_rows=8)
    total = pages_of(content)

    for number in range(1, total + 1):
        text = page_text(content, number)
        assert text.count("Trang ") == 1
        assert f"Trang {number}/{total}" in text
        assert "In từ iDesk ngày 06/05/2031 09:30" in text
        # The running head: on every page but the first, which carries the book's heading instead.
        assert ("SỔ ĐĂNG KÝ VĂN BẢN ĐẾN — năm 2031" in text) == (number > 1)


def test_the_numbers_are_laid_out_a_run_of_pages_at_a_time(db, monkeypatch):
    """Page numbers are made NUMBER_PAGES pages at a time (memory): each run starts at its own page and says the
    book's total, and the pages are those of the book laid out at once, numbered by WeasyPrint itself."""
    a_book = book(incoming_rows(40))
    whole = printed(a_book, part_rows=1000)
    monkeypatch.setattr(pdf, "NUMBER_PAGES", 2)

    parted = printed(a_book, part_rows=8)

    total = pages_of(parted)
    assert total >= 5  # three runs at least
    for number in range(1, total + 1):
        assert page_text(parted, number).count(f"Trang {number}/{total}") == 1
    assert_same_pages(parted, whole)


def test_the_joined_book_keeps_its_title_language_and_outline(db):
    reader = PdfReader(io.BytesIO(printed(book(incoming_rows(30)), part_rows=8)))

    assert reader.metadata.title == "Sổ đăng ký văn bản đến 2031 — UBND huyện Vân Canh"
    assert reader.trailer["/Root"]["/Lang"] == "vi"
    assert [item.title for item in reader.outline] == ["SỔ ĐĂNG KÝ VĂN BẢN ĐẾN"]


def test_the_closing_line_and_the_empty_book(db):
    content = printed(book(incoming_rows(25)), part_rows=6)
    last = page_text(content, pages_of(content))
    assert "Sổ này có 25 văn bản, từ số 01 đến số 25." in " ".join(last.split())
    assert all("Sổ này có" not in page_text(content, n) for n in range(1, pages_of(content)))

    empty = printed(book([]))
    assert "Không có văn bản nào được vào sổ" in page_text(empty, 1)
    assert "Trang 1/1" in page_text(empty, 1)


# --- The garbage collector ---------------------------------------------------------------------------------------


@pytest.fixture
def nothing_frozen(monkeypatch):
    """A process that never called freeze_loaded (a web server): each printing freezes what exists and thaws it.
    The suite's own freeze (tests/conftest.py) is thawed for the test and made again after it."""
    monkeypatch.setattr(reports, "_gc_frozen_for_good", False)
    gc.unfreeze()
    yield
    reports.freeze_loaded()


def test_printing_leaves_the_garbage_collector_as_it_found_it(db, nothing_frozen):
    printed(book(incoming_rows(20)), part_rows=6)
    assert gc.isenabled() and gc.get_freeze_count() == 0

    gc.disable()
    try:
        printed(book(incoming_rows(3)))
        assert not gc.isenabled()
    finally:
        gc.enable()
    assert gc.get_freeze_count() == 0


def test_printing_keeps_a_freeze_made_before_it(db):
    held = [[]]  # a container the collector tracks; frozen, it is out of gc.get_objects()
    reports.freeze_loaded()  # what tests/conftest.py does once the suite is loaded
    assert not any(thing is held for thing in gc.get_objects())
    printed(book(incoming_rows(20)), part_rows=6)
    assert gc.isenabled()
    assert not any(thing is held for thing in gc.get_objects())  # not thawed (the freeze count may drop: frozen
    # objects are still freed when nothing refers to them)


def test_collecting_by_hand_ends_with_the_last_holder_and_on_errors(nothing_frozen):
    in_thread = threading.Event()
    leave = threading.Event()

    def other_printer():
        with collecting_by_hand():
            in_thread.set()
            leave.wait(5)

    with pytest.raises(RuntimeError):
        with collecting_by_hand():
            thread = threading.Thread(target=other_printer)
            thread.start()
            in_thread.wait(5)
            raise RuntimeError
    assert not gc.isenabled()  # the other printer still works with it off
    leave.set()
    thread.join(5)
    assert gc.isenabled() and gc.get_freeze_count() == 0
