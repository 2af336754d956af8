"""Phiếu giải quyết văn bản đến (NĐ30): the slip printed with an incoming document, its direction and assignments."""

from __future__ import annotations

import datetime
import io
import subprocess
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfReader

from accounts.models import Role, User
from documents.incoming import pdf, services
from documents.incoming.services import AssignmentSpec, IncomingData
from documents.models import AssignmentRole, DocType, Secrecy, Urgency
from units.models import Unit

VN = ZoneInfo("Asia/Ho_Chi_Minh")
YEAR = 2031


def at(day: int, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(YEAR, 3, day, hour, minute, tzinfo=VN)


def pdf_text(content: bytes) -> str:
    result = subprocess.run(["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True)
    return result.stdout.decode()


@pytest.fixture
def noi_vu(db):
    return Unit.objects.get(code="noi-vu")


@pytest.fixture
def plan(district_clerk):
    """Kế hoạch 05/KH-UBND, registered as số đến 01 of 2031 at 08:02 on 10/03."""
    data = IncomingData(
        issuer_name="UBND tỉnh Bình Định",
        doc_type=DocType.KE_HOACH,
        number_symbol="05/KH-UBND",
        issued_date=datetime.date(YEAR, 2, 17),
        summary="triển khai thực hiện Đề án văn phòng điện tử năm 2031",
        signer_name="Hồ Quốc Dũng",
        urgency=Urgency.THUONG_KHAN,
        pages=4,
    )
    with time_machine.travel(at(10, 8, 2), tick=False):
        return services.register_incoming(clerk=district_clerk, data=data)


@pytest.fixture
def submitted_plan(plan, district_clerk, chairman):
    with time_machine.travel(at(10, 8, 30), tick=False):
        return services.submit(clerk=district_clerk, record=plan, leader=chairman)


@pytest.fixture
def directed_plan(submitted_plan, chairman, noi_vu, dept_staff):
    # The two departments' clerks are away: the work stays on the district record, whose slip this is (with a
    # clerk it would go through each department's own record, issue 15).
    User.objects.filter(role=Role.CLERK, unit__code__in=["noi-vu", "tu-phap"]).update(is_active=False)
    with time_machine.travel(at(10, 9, 10), tick=False):
        return services.direct(
            leader=chairman,
            record=submitted_plan,
            text="Giao Phòng Nội vụ chủ trì, phối hợp Phòng Tư pháp tham mưu triển khai; báo cáo trước 25/3.",
            assignments=[
                AssignmentSpec(role=AssignmentRole.LEAD, unit=noi_vu, due_date=datetime.date(YEAR, 3, 25)),
                AssignmentSpec(
                    role=AssignmentRole.COOPERATE,
                    unit=Unit.objects.get(code="tu-phap"),
                    due_date=datetime.date(YEAR, 3, 20),
                ),
                AssignmentSpec(role=AssignmentRole.INFORM, user=dept_staff),
            ],
        )


def test_slip_carries_the_identity_the_direction_and_the_assignments(directed_plan, dept_head, dept_staff):
    with time_machine.travel(at(12, 15, 40), tick=False):
        services.add_note(
            user=dept_head, record=directed_plan, text="Đã dự thảo kế hoạch, đang lấy ý kiến Phòng Tư pháp."
        )

    content = pdf.processing_slip_pdf(record=directed_plan)

    page = PdfReader(io.BytesIO(content)).pages[0]
    assert page.mediabox.height > page.mediabox.width  # A4 portrait
    assert round(float(page.mediabox.width) / 72 * 25.4) == 210
    text = pdf_text(content)
    assert "UBND HUYỆN VÂN CANH" in text
    assert "PHIẾU GIẢI QUYẾT VĂN BẢN ĐẾN" in text  # as NĐ30 names it (DOMAIN.md)
    assert "PHIẾU XỬ LÝ" not in text
    assert "Số đến: 01" in text
    assert "Ngày đến: 10/03/2031" in text
    assert "UBND tỉnh Bình Định" in text
    assert "05/KH-UBND" in text and "17/02/2031" in text
    assert "Kế hoạch triển khai thực hiện Đề án văn phòng điện tử năm 2031" in text
    assert "THƯỢNG KHẨN" in text
    # Ý kiến chỉ đạo: the text, who gave it and when.
    assert "Giao Phòng Nội vụ chủ trì, phối hợp Phòng Tư pháp" in text
    assert "Trần Kim Vũ, Chủ tịch UBND huyện, lúc 09:10 ngày 10/03/2031" in text
    # Phân công: roles in the order chủ trì, phối hợp, để biết, with deadlines and status.
    lines = text.splitlines()
    lead = next(line for line in lines if "Chủ trì" in line and "Phòng Nội vụ" in line)
    assert "25/03/2031" in lead and "Đang xử lý" in lead
    coop = next(line for line in lines if "Phối hợp" in line and "Phòng Tư pháp" in line)
    assert "20/03/2031" in coop and "Chờ xử lý" in coop
    assert any("Để biết" in line and dept_staff.full_name in line for line in lines)
    assert lines.index(lead) < lines.index(coop)
    # Tiến độ, and the leader's signature place.
    assert "Đã dự thảo kế hoạch" in text and dept_head.full_name in text and "12/03/2031" in text
    assert "CHỦ TỊCH UBND HUYỆN" in text
    assert "(Ký, ghi rõ họ tên)" in text


def test_progress_notes_list_their_files(directed_plan, dept_head):
    minimal_pdf = (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )
    upload = SimpleUploadedFile("Dự thảo kế hoạch.pdf", minimal_pdf, content_type="application/pdf")
    with time_machine.travel(at(12, 15, 40), tick=False):
        services.add_note(user=dept_head, record=directed_plan, text="Gửi dự thảo.", uploads=[upload])

    text = pdf_text(pdf.processing_slip_pdf(record=directed_plan))

    assert "Tệp: Dự thảo kế hoạch.pdf" in text


def test_slip_before_any_direction_leaves_room_to_write_by_hand(submitted_plan, chairman):
    text = pdf_text(pdf.processing_slip_pdf(record=submitted_plan))

    assert "Ý KIẾN CHỈ ĐẠO" in text
    assert "Đã trình Trần Kim Vũ lúc 08:30 ngày 10/03/2031; chưa có ý kiến chỉ đạo." in text
    assert "Chủ trì:" in text and "Phối hợp:" in text and "Hạn xử lý:" in text
    assert "Chưa có cập nhật tiến độ." in text
    assert "CHỦ TỊCH UBND HUYỆN" in text and "Trần Kim Vũ" in text


def test_slip_of_a_finished_record_shows_the_result(directed_plan, dept_head):
    with time_machine.travel(at(20, 16), tick=False):
        services.complete(user=dept_head, record=directed_plan, result="Đã ban hành Kế hoạch 12/KH-UBND triển khai.")

    text = pdf_text(pdf.processing_slip_pdf(record=directed_plan))

    assert "KẾT QUẢ XỬ LÝ" in text
    assert "Đã ban hành Kế hoạch 12/KH-UBND triển khai." in text
    assert "Đã xong" in text


def test_times_on_the_slip_are_vietnamese_local_time(district_clerk, chairman):
    # 17:45 UTC on 14/04 is 00:45 on 15/04 in Vietnam.
    with time_machine.travel(datetime.datetime(YEAR, 4, 14, 17, 45, tzinfo=datetime.UTC), tick=False):
        record = services.register_incoming(
            clerk=district_clerk,
            data=IncomingData(issuer_name="Công an huyện Vân Canh", summary="V/v bảo đảm an ninh", secrecy=Secrecy.MAT),
        )

    text = pdf_text(pdf.processing_slip_pdf(record=record))

    assert "Ngày đến: 15/04/2031" in text
    assert "lúc 00:45" in text
    assert "MẬT" in text


def test_an_overdue_assignment_is_marked(directed_plan):
    with time_machine.travel(at(28, 9), tick=False):
        text = pdf_text(pdf.processing_slip_pdf(record=directed_plan))

    assert "Quá hạn" in text
