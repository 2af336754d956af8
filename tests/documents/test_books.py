"""The books NĐ30 asks for beside the registers: sổ theo dõi giải quyết văn bản đến, sổ gửi văn bản đi bưu điện,
sổ đăng ký bản sao văn bản. Each is a printed book (landscape, numbered columns, Trang x/y) and an Excel sheet.

Everything happens in 2031 (the clock pinned), so the demo data of other years never mixes in.
"""

from __future__ import annotations

import datetime
import io
import subprocess
from zoneinfo import ZoneInfo

import pytest
import time_machine
from openpyxl import load_workbook
from pypdf import PdfReader

from accounts.models import Role, User
from documents.core.exports import register_book_xlsx
from documents.core.pdf import register_book_pdf
from documents.incoming import services as incoming
from documents.incoming.follow_up import follow_up_book
from documents.models import CopyKind, DocType, Secrecy
from documents.outgoing import books, copies
from documents.outgoing import services as outgoing
from tests.documents.conftest import coop, directed, lead, register, unit, user
from tests.documents.outgoing_builders import issued

VN = ZoneInfo("Asia/Ho_Chi_Minh")
YEAR = 2031


def at(day: int, hour: int = 9, month: int = 3) -> datetime.datetime:
    return datetime.datetime(YEAR, month, day, hour, tzinfo=VN)


def march(day: int) -> datetime.date:
    return datetime.date(YEAR, 3, day)


def pdf_text(content: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()


def sheet(content: bytes) -> list[tuple]:
    return list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))


def assert_a_landscape_book(content: bytes, title: str, columns: int) -> str:
    """Landscape A4, the title on the cover, the columns numbered 1..n under their header, Trang x/y."""
    page = PdfReader(io.BytesIO(content)).pages[0]
    assert page.mediabox.width > page.mediabox.height
    text = pdf_text(content)
    assert title.upper() in text and f"Năm {YEAR}" in text
    numbers = next(line for line in text.splitlines() if line.split()[:2] == ["1", "2"])
    assert numbers.split() == [str(n) for n in range(1, columns + 1)]
    assert "Trang 1/1" in text
    return text


@pytest.fixture
def no_pdf(monkeypatch):
    monkeypatch.setattr(outgoing, "attach_official_pdf", lambda document: None)


# --- Sổ theo dõi giải quyết văn bản đến ----------------------------------------------------------------------


@pytest.fixture
def followed(db):
    """Three arrivals of 2031 at UBND huyện: a plan directed to Phòng Nội vụ (with a progress note), a report
    only registered (nothing to follow), a letter with a deadline finished after it."""
    clerk, chairman = user("vanthu.ubnd"), user("chutich")
    # The departments' clerks are away: the work stays on the district record (issue 15: with a clerk it goes
    # through the department's own record and its head notes progress there).
    User.objects.filter(role=Role.CLERK, unit__code__in=["noi-vu", "tu-phap"]).update(is_active=False)
    with time_machine.travel(at(10), tick=False):
        plan = register(
            clerk, issuer_name="UBND tỉnh Bình Định", doc_type=DocType.KE_HOACH, number_symbol="05/KH-UBND",
            issued_date=march(3), summary="triển khai văn phòng điện tử năm 2031",
        )  # fmt: skip
        incoming.submit(clerk=clerk, record=plan, leader=chairman)
        directed(plan, chairman, lead(unit("noi-vu"), march(25)), coop(unit("tu-phap"), march(20)))
    with time_machine.travel(at(12), tick=False):
        incoming.add_note(user=user("truong.noivu"), record=plan, text="Đã dự thảo kế hoạch.")
        register(clerk, issuer_name="Sở Nội vụ", summary="Báo cáo số liệu cán bộ")
        letter = register(
            clerk, issuer_name="Sở Tài chính", number_symbol="88/STC-NS", issued_date=march(11),
            summary="V/v rà soát dự toán", due_date=march(15),
        )  # fmt: skip
        incoming.submit(clerk=clerk, record=letter, leader=chairman)
        directed(letter, chairman, lead(user("truong.vp"), march(15)))
    with time_machine.travel(at(18), tick=False):
        incoming.complete(user=user("truong.vp"), record=letter, result="Đã báo cáo Sở Tài chính.")
    return plan, letter


def test_the_follow_up_book_lists_what_must_be_handled(followed):
    plan, letter = followed
    book = follow_up_book(unit=unit("ubnd"), year=YEAR, today=march(28))

    assert [row.record_id for row in book.rows] == [plan.pk, letter.pk]  # the report had nothing to follow
    first, second = book.rows
    assert first.document_line == "Kế hoạch số 05/KH-UBND ngày 03/03/2031 của UBND tỉnh Bình Định"
    assert first.recipient == "Chủ trì: Phòng Nội vụ; Phối hợp: Phòng Tư pháp"
    assert first.due_date == march(25)
    assert first.progress == "Đang xử lý — 12/03/2031: Đã dự thảo kế hoạch."
    assert first.note == "Quá hạn 3 ngày"
    assert second.progress == "Đã xong ngày 18/03/2031: Đã báo cáo Sở Tài chính."
    assert second.note == "Hoàn thành sau hạn"
    assert [str(c.label) for c in book.columns][:7] == [
        "Số đến", "Tên loại, số, ký hiệu, ngày tháng và cơ quan ban hành", "Đơn vị hoặc người nhận",
        "Thời hạn giải quyết", "Tiến độ giải quyết", "Số, ký hiệu văn bản trả lời", "Ghi chú",
    ]  # fmt: skip


def test_the_follow_up_book_prints_and_exports(followed):
    book = follow_up_book(unit=unit("ubnd"), year=YEAR, today=march(28))

    text = assert_a_landscape_book(
        register_book_pdf(book=book, template="documents/incoming/pdf/follow_up.html"),
        "Sổ theo dõi giải quyết văn bản đến",
        7,
    )
    assert "05/KH-UBND" in text and "Chủ trì: Phòng Nội vụ" in text and "Quá hạn 3 ngày" in text
    rows = sheet(register_book_xlsx(book=book))
    assert rows[0][0].startswith("SỔ THEO DÕI GIẢI QUYẾT VĂN BẢN ĐẾN NĂM 2031")
    assert rows[1][3] == "Thời hạn giải quyết"
    assert rows[2][3] == datetime.datetime(YEAR, 3, 25)  # a real date cell
    assert rows[1][7] == "Trích yếu nội dung" and rows[2][7] == "triển khai văn phòng điện tử năm 2031"


# --- Sổ gửi văn bản đi bưu điện ------------------------------------------------------------------------------


@pytest.fixture
def posted(no_pdf, db):
    """A công văn of 10/03 to Sở Nội vụ (not on the system) and a commune: paper copies for both; the clerk posts
    Sở Nội vụ's on 12/03, the commune's is still to post."""
    with time_machine.travel(at(10), tick=False):
        document = issued(recipient_groups=[], recipient_units=[unit("so-noi-vu"), unit("xa-canh-hien")])
    deliveries = {d.recipient_unit.code: d for d in document.deliveries.select_related("recipient_unit")}
    assert all(d.paper_required for d in deliveries.values())
    with time_machine.travel(at(12, 14), tick=False):
        outgoing.mark_paper_sent(clerk=user("vanthu.ubnd"), delivery=deliveries["so-noi-vu"])
    return document


def test_the_postal_book_is_the_paper_list_kept_as_a_book(posted):
    book = books.postal_book(unit=unit("ubnd"), year=YEAR)

    assert [(r.transferred_on, r.number_symbol, r.recipient, r.envelopes, r.note) for r in book.rows] == [
        (march(12), posted.number_symbol, "Sở Nội vụ tỉnh Bình Định", 1, ""),
        (None, posted.number_symbol, "UBND xã Canh Hiển", 1, "Chưa gửi"),
    ]
    assert [str(c.label) for c in book.columns] == [
        "Ngày chuyển", "Số, ký hiệu", "Nơi nhận", "Số lượng bì", "Ký nhận và dấu bưu điện", "Ghi chú",
    ]  # fmt: skip
    # Posted on another day than the period's: not in the book of those days.
    assert books.postal_book(unit=unit("ubnd"), year=YEAR, date_from=march(13)).rows == []
    assert books.postal_book(unit=unit("ubnd"), year=YEAR, confidential=True).rows == []


def test_the_postal_book_prints_and_exports(posted):
    book = books.postal_book(unit=unit("ubnd"), year=YEAR)

    text = assert_a_landscape_book(
        register_book_pdf(book=book, template="documents/outgoing/pdf/postal.html"), "Sổ gửi văn bản đi bưu điện", 6
    )
    assert "Ký nhận và dấu bưu điện" in text and "Sở Nội vụ tỉnh Bình Định" in text and "Chưa gửi" in text
    rows = sheet(register_book_xlsx(book=book))
    assert rows[1] == ("Ngày chuyển", "Số, ký hiệu", "Nơi nhận", "Số lượng bì", "Ký nhận và dấu bưu điện", "Ghi chú")
    assert rows[2][:4] == (datetime.datetime(YEAR, 3, 12), posted.number_symbol, "Sở Nội vụ tỉnh Bình Định", 1)


# --- Sổ đăng ký bản sao văn bản ------------------------------------------------------------------------------


@pytest.fixture
def copied(no_pdf, db):
    with time_machine.travel(at(10), tick=False):
        source = register(
            user("vanthu.ubnd"), issuer_name="UBND tỉnh Bình Định", doc_type=DocType.THONG_BAO,
            number_symbol="282/TB-UBND", issued_date=datetime.date(YEAR, 3, 2), summary="Thông báo kết luận",
        ).document  # fmt: skip
    with time_machine.travel(at(11), tick=False):
        sao_y = copies.make_copy(
            clerk=user("vanthu.ubnd"), source=source, kind=CopyKind.SAO_Y, signer=user("chutich"),
            recipient_units=[unit("noi-vu"), unit("xa-canh-hien")],
        )  # fmt: skip
    with time_machine.travel(at(13), tick=False):
        trich = copies.make_copy(
            clerk=user("vanthu.ubnd"), source=source, kind=CopyKind.TRICH_SAO, signer=user("chutich"),
            recipient_units=[unit("noi-vu")], excerpt="Phần II.",
        )  # fmt: skip
    return source, sao_y, trich


def test_the_copy_register_lists_the_copy_series(copied):
    source, sao_y, trich = copied
    book = books.copy_book(unit=unit("ubnd"), year=YEAR)

    assert [(r.number_symbol, r.issued_date, r.kind) for r in book.rows] == [
        ("01/SY-UBND", march(11), "Sao y"),
        ("02/TrS-UBND", march(13), "Trích sao"),
    ]
    first = book.rows[0]
    assert first.source == "Thông báo số 282/TB-UBND ngày 02/03/2031 của UBND tỉnh Bình Định"
    assert first.recipients == "Phòng Nội vụ; UBND xã Canh Hiển"
    assert first.signer_name == "Trần Kim Vũ"
    assert (book.first_number, book.last_number) == (1, 2)


def test_the_copy_register_prints_and_exports(copied):
    book = books.copy_book(unit=unit("ubnd"), year=YEAR)

    text = assert_a_landscape_book(
        register_book_pdf(book=book, template="documents/outgoing/pdf/copies.html"), "Sổ đăng ký bản sao văn bản", 8
    )
    assert "01/SY-UBND" in text and "Trích sao" in text and "từ số 01 đến số 02" in text
    rows = sheet(register_book_xlsx(book=book))
    assert rows[1][:4] == ("Số, ký hiệu bản sao", "Ngày sao", "Hình thức sao", "Văn bản được sao")
    assert rows[3][:3] == ("02/TrS-UBND", datetime.datetime(YEAR, 3, 13), "Trích sao")


def test_a_confidential_copy_goes_in_the_confidential_copy_register(no_pdf, db):
    with time_machine.travel(at(10), tick=False):
        source = register(user("vanthu.ubnd"), summary="Báo cáo an ninh", secrecy=Secrecy.MAT).document
        copies.make_copy(
            clerk=user("vanthu.ubnd"), source=source, kind=CopyKind.SAO_Y, signer=user("chutich"),
            recipient_units=[unit("noi-vu")],
        )  # fmt: skip

    assert books.copy_book(unit=unit("ubnd"), year=YEAR).rows == []
    book = books.copy_book(unit=unit("ubnd"), year=YEAR, confidential=True)
    assert len(book.rows) == 1 and book.heading.title == "Sổ đăng ký bản sao văn bản mật"


# --- The pages ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "title"),
    [
        ("/documents/incoming/follow-up/", "SỔ THEO DÕI GIẢI QUYẾT VĂN BẢN ĐẾN NĂM 2031"),
        ("/documents/outgoing/postal/", "SỔ GỬI VĂN BẢN ĐI BƯU ĐIỆN NĂM 2031"),
        ("/documents/outgoing/copies/register/", "SỔ ĐĂNG KÝ BẢN SAO VĂN BẢN NĂM 2031"),
    ],
)
def test_the_clerk_prints_each_book_under_the_registers_policy(
    url, title, district_clerk, dept_staff, commune_clerk, as_user
):
    page = as_user(district_clerk).get(url)
    assert page.status_code == 200
    links = page.content.decode()
    for other in ("/documents/incoming/register/", "/documents/outgoing/register/", "/documents/outgoing/postal/"):
        assert (f'href="{other}"' in links) == (other != url)
    response = as_user(district_clerk).get(url, {"year": YEAR, "format": "xlsx"})
    assert response.status_code == 200 and sheet(response.content)[0][0].startswith(title)
    response = as_user(district_clerk).get(url, {"year": YEAR, "format": "pdf"})
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert as_user(dept_staff).get(url).status_code == 403  # staff keep no book
    other_unit = as_user(commune_clerk).get(url, {"year": YEAR, "format": "xlsx"})
    assert "UBND huyện Vân Canh" not in sheet(other_unit.content)[0][0]  # a clerk prints only their own unit's


def test_the_paper_list_links_to_the_postal_book(district_clerk, as_user):
    assert (
        'href="/documents/outgoing/postal/"'
        in as_user(district_clerk).get("/documents/outgoing/paper/").content.decode()
    )
