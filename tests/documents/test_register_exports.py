"""Sổ đăng ký văn bản đến: its rows, the printed book (PDF) and the Excel export.

Records are made through the services, in 2031 so the demo data of other years never mixes in.
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

from documents.incoming import exports, pdf, registers, services
from documents.incoming.services import AssignmentSpec
from documents.models import AssignmentRole, DocType, Secrecy, Urgency
from tests.documents import conftest as builders
from units.models import Unit

VN = ZoneInfo("Asia/Ho_Chi_Minh")
YEAR = 2031


def at(day: int, hour: int = 8, minute: int = 0, month: int = 3) -> datetime.datetime:
    return datetime.datetime(YEAR, month, day, hour, minute, tzinfo=VN)


def register(clerk, when: datetime.datetime, **fields):
    """tests/documents/conftest.py's register at `when`: a report from the province, no signer named."""
    data = {
        "summary": "V/v báo cáo tình hình",
        "issued_date": when.date() - datetime.timedelta(days=3),
        "signer_name": "",
        **fields,
    }
    with time_machine.travel(when, tick=False):
        return builders.register(clerk, confirm_duplicate=True, **data)


def submit(clerk, record, leader, when):
    with time_machine.travel(when, tick=False):
        return services.submit(clerk=clerk, record=record, leader=leader)


def direct(leader, record, when, text, specs):
    with time_machine.travel(when, tick=False):
        return services.direct(leader=leader, record=record, text=text, assignments=specs)


@pytest.fixture
def district(db):
    return Unit.objects.get(code="ubnd")


@pytest.fixture
def noi_vu(db):
    return Unit.objects.get(code="noi-vu")


@pytest.fixture
def book(district_clerk, chairman, noi_vu):
    """Three entries in three states, and one confidential document in its own register."""
    plan = register(
        district_clerk,
        at(10, 8, 2),
        issuer_name="UBND tỉnh Bình Định",
        doc_type=DocType.KE_HOACH,
        number_symbol="05/KH-UBND",
        issued_date=datetime.date(YEAR, 2, 17),
        summary="triển khai thực hiện Đề án văn phòng điện tử năm 2031",
        signer_name="Hồ Quốc Dũng",
        urgency=Urgency.KHAN,
        pages=4,
        note="Bản chính",
    )
    submit(district_clerk, plan, chairman, at(10, 8, 30))
    direct(
        chairman,
        plan,
        at(11, 9, 10),
        "Giao Phòng Nội vụ chủ trì, phối hợp Phòng Tư pháp tham mưu triển khai.",
        [
            AssignmentSpec(role=AssignmentRole.LEAD, unit=noi_vu, due_date=datetime.date(YEAR, 3, 25)),
            AssignmentSpec(role=AssignmentRole.COOPERATE, unit=Unit.objects.get(code="tu-phap")),
        ],
    )
    notice = register(district_clerk, at(12, 14), number_symbol="77/TB-UBND", doc_type=DocType.THONG_BAO)
    submit(district_clerk, notice, chairman, at(13, 7, 45))
    report = register(district_clerk, at(20, 10), issuer_name="Sở Nội vụ tỉnh Bình Định", number_symbol="12/SNV")
    secret = register(district_clerk, at(21, 9), summary="V/v bảo đảm an ninh trật tự dịp lễ", secrecy=Secrecy.MAT)
    return {"plan": plan, "notice": notice, "report": report, "secret": secret}


def pdf_text(content: bytes) -> str:
    result = subprocess.run(["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True)
    return result.stdout.decode()


# --- Rows ------------------------------------------------------------------------------------------------------


def test_rows_follow_the_arrival_numbers_with_the_regulation_columns(district, book, chairman):
    rows = registers.incoming_register_rows(unit=district, year=YEAR)

    assert [r.arrival_number for r in rows] == [1, 2, 3]
    plan = rows[0]
    assert plan.arrival_date == datetime.date(YEAR, 3, 10)
    assert plan.issuer_name == "UBND tỉnh Bình Định"
    assert plan.number_symbol == "05/KH-UBND"
    assert plan.issued_date == datetime.date(YEAR, 2, 17)
    assert plan.type_and_summary == "Kế hoạch triển khai thực hiện Đề án văn phòng điện tử năm 2031"
    assert plan.recipient == "Phòng Nội vụ"
    assert plan.transferred_on == datetime.date(YEAR, 3, 11)
    assert plan.acknowledgement == ""
    assert plan.note == "Bản chính"
    assert (plan.secrecy, plan.urgency, plan.pages, plan.signer_name) == ("", "Khẩn", 4, "Hồ Quốc Dũng")
    assert plan.direction == "Trần Kim Vũ: Giao Phòng Nội vụ chủ trì, phối hợp Phòng Tư pháp tham mưu triển khai."
    assert plan.handling.startswith("Đang xử lý — Trần Kim Vũ: Giao Phòng Nội vụ")
    assert plan.due_date == datetime.date(YEAR, 3, 25)


def test_a_submitted_record_names_the_leader_and_the_day_it_went_up(district, book, chairman):
    notice = registers.incoming_register_rows(unit=district, year=YEAR)[1]

    assert notice.type_and_summary == "Thông báo V/v báo cáo tình hình"
    assert notice.recipient == chairman.full_name
    assert notice.transferred_on == datetime.date(YEAR, 3, 13)
    assert notice.handling == "Chờ ý kiến chỉ đạo"


def test_a_record_only_registered_has_no_recipient_yet(district, book):
    report = registers.incoming_register_rows(unit=district, year=YEAR)[2]

    assert (report.recipient, report.transferred_on, report.direction) == ("", None, "")
    assert report.status == "Đã vào sổ"


def march(day: int) -> datetime.date:
    return datetime.date(YEAR, 3, day)


def numbers(**kwargs) -> list[int]:
    return [r.arrival_number for r in registers.incoming_register_rows(year=YEAR, **kwargs)]


def test_date_range_keeps_the_arrivals_of_those_local_days(district, book):
    assert numbers(unit=district, date_from=march(11), date_to=march(12)) == [2]
    assert numbers(unit=district, date_to=march(10)) == [1]
    assert numbers(unit=district, date_from=march(20)) == [3]
    assert numbers(unit=district, date_from=march(22)) == []


def test_an_arrival_after_midnight_in_vietnam_is_on_the_vietnamese_day(district, district_clerk):
    # 17:30 UTC on 14/04 is 00:30 on 15/04 in Hà Nội.
    register(district_clerk, datetime.datetime(YEAR, 4, 14, 17, 30, tzinfo=datetime.UTC))

    rows = registers.incoming_register_rows(unit=district, year=YEAR, date_from=datetime.date(YEAR, 4, 15))
    assert [r.arrival_date for r in rows] == [datetime.date(YEAR, 4, 15)]
    assert registers.incoming_register_rows(unit=district, year=YEAR, date_to=datetime.date(YEAR, 4, 14)) == []


def test_the_confidential_register_is_kept_apart(district, book):
    normal = registers.incoming_register_rows(unit=district, year=YEAR)
    secret = registers.incoming_register_rows(unit=district, year=YEAR, confidential=True)

    assert "V/v bảo đảm an ninh trật tự dịp lễ" not in [r.type_and_summary for r in normal]
    assert [(r.arrival_number, r.type_and_summary, r.secrecy) for r in secret] == [
        (1, "V/v bảo đảm an ninh trật tự dịp lễ", "Mật")
    ]


def test_rows_belong_to_the_unit_and_the_year(district, book, noi_vu):
    assert registers.incoming_register_rows(unit=noi_vu, year=YEAR) == []
    assert registers.incoming_register_rows(unit=district, year=YEAR + 1) == []


def test_rows_take_a_constant_number_of_queries(
    district, district_clerk, chairman, noi_vu, django_assert_max_num_queries
):
    for day in range(1, 26):
        record = register(district_clerk, at(day, month=5), summary=f"V/v việc số {day}")
        submit(district_clerk, record, chairman, at(day, 9, month=5))
        direct(
            chairman,
            record,
            at(day, 10, month=5),
            "Giao Phòng Nội vụ xử lý.",
            [
                AssignmentSpec(role=AssignmentRole.LEAD, unit=noi_vu),
                AssignmentSpec(role=AssignmentRole.INFORM, user=chairman),
            ],
        )

    with django_assert_max_num_queries(3):
        rows = registers.incoming_register_rows(unit=district, year=YEAR)
        assert all(r.recipient == "Phòng Nội vụ" for r in rows)
    assert len(rows) == 25


# --- Excel -----------------------------------------------------------------------------------------------------

HEADERS = [
    "Ngày đến",
    "Số đến",
    "Tác giả",
    "Số, ký hiệu văn bản",
    "Ngày tháng văn bản",
    "Tên loại và trích yếu nội dung",
    "Đơn vị hoặc người nhận",
    "Ngày chuyển",
    "Ký nhận",
    "Ghi chú",
    "Độ mật",
    "Mức độ khẩn",
    "Số trang",
    "Người ký",
    "Ý kiến phân phối, chỉ đạo, trạng thái xử lý",
    "Thời hạn giải quyết",
]


def test_excel_has_every_column_and_real_dates(district, book):
    sheet = load_workbook(io.BytesIO(exports.incoming_register_xlsx(unit=district, year=YEAR))).active

    rows = list(sheet.iter_rows(values_only=True))
    assert "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN NĂM 2031" in rows[0][0] and "UBND huyện Vân Canh" in rows[0][0]
    assert list(rows[1]) == HEADERS
    assert len(rows) == 2 + 3
    plan = dict(zip(HEADERS, rows[2], strict=True))
    assert plan["Ngày đến"] == datetime.datetime(YEAR, 3, 10)
    assert plan["Số đến"] == 1
    assert plan["Tên loại và trích yếu nội dung"] == "Kế hoạch triển khai thực hiện Đề án văn phòng điện tử năm 2031"
    assert plan["Đơn vị hoặc người nhận"] == "Phòng Nội vụ"
    assert plan["Mức độ khẩn"] == "Khẩn"
    assert plan["Số trang"] == 4
    assert plan["Thời hạn giải quyết"] == datetime.datetime(YEAR, 3, 25)
    assert plan["Ký nhận"] is None
    for column in (1, 5, 8, 16):
        cell = sheet.cell(row=3, column=column)
        assert cell.is_date and cell.number_format == "DD/MM/YYYY"


def test_excel_of_the_confidential_register_holds_only_it(district, book):
    sheet = load_workbook(
        io.BytesIO(exports.incoming_register_xlsx(unit=district, year=YEAR, confidential=True))
    ).active

    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0].startswith("SỔ ĐĂNG KÝ VĂN BẢN MẬT ĐẾN")
    assert [r[5] for r in rows[2:]] == ["V/v bảo đảm an ninh trật tự dịp lễ"]
    assert rows[2][10] == "Mật"


def test_excel_of_a_date_range(district, book):
    content = exports.incoming_register_xlsx(
        unit=district, year=YEAR, date_from=datetime.date(YEAR, 3, 12), date_to=datetime.date(YEAR, 3, 31)
    )
    rows = list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
    assert "Từ ngày 12/03/2031 đến ngày 31/03/2031" in rows[0][0]
    assert [r[1] for r in rows[2:]] == [2, 3]


# --- The printed book ------------------------------------------------------------------------------------------


def test_register_pdf_is_a_landscape_book_with_the_regulation_columns(district, book):
    content = pdf.incoming_register_pdf(unit=district, year=YEAR)

    page = PdfReader(io.BytesIO(content)).pages[0]
    assert page.mediabox.width > page.mediabox.height  # landscape A4
    assert round(float(page.mediabox.width) / 72 * 25.4) == 297
    text = pdf_text(content)
    assert "UBND HUYỆN VÂN CANH" in text
    assert "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN" in text
    assert "Năm 2031" in text
    assert "Từ ngày 01/01/2031 đến ngày 31/12/2031" in text
    for header in (
        "Ngày đến",
        "Số đến",
        "Tác giả",
        "Số, ký hiệu",
        "Ngày tháng",
        "Tên loại và trích yếu",
        "Ký nhận",
        "Ghi chú",
    ):
        assert header in text
    assert "Kế hoạch triển khai" in text
    assert "05/KH-UBND" in text
    assert "10/03/2031" in text
    assert "Phòng Nội vụ" in text
    assert "Trang 1/1" in text
    assert "an ninh trật tự" not in text


def test_confidential_register_pdf_has_its_own_title_and_entries(district, book):
    text = pdf_text(pdf.incoming_register_pdf(unit=district, year=YEAR, confidential=True))

    assert "SỔ ĐĂNG KÝ VĂN BẢN MẬT ĐẾN" in text
    assert "an ninh trật tự" in text
    assert "Kế hoạch triển khai" not in text


def test_a_long_register_repeats_its_header_and_numbers_its_pages(district, district_clerk):
    for n in range(60):
        register(district_clerk, at(1 + n // 5, 8 + n % 5, month=6), summary=f"V/v tổng hợp số liệu đợt {n + 1}")

    content = pdf.incoming_register_pdf(unit=district, year=YEAR)

    pages = PdfReader(io.BytesIO(content)).pages
    assert len(pages) > 1
    last = pages[-1].extract_text()
    assert "Ngày đến" in last and "Tên loại và trích yếu" in last.replace("\n", " ")
    text = pdf_text(content)
    assert f"Trang 2/{len(pages)}" in text
    assert "Từ số 01 đến số 60" in text


def test_an_empty_register_still_prints_its_heading(district):
    text = pdf_text(pdf.incoming_register_pdf(unit=district, year=YEAR))

    assert "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN" in text
    assert "Không có văn bản nào được vào sổ" in text
