"""An incoming document from the post to 'Đã xong', in headless Chromium, as the people of Vân Canh do it:
the district clerk registers it with its PDF and submits it, the Chủ tịch directs it to Văn phòng with a
co-handler, the Chánh Văn phòng gives it to a staff member, who opens it, reports progress and completes it;
the clerk then sees it done in the register."""

from __future__ import annotations

import datetime
import io
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfWriter

from accounts.models import User
from documents.models import AssignmentRole, IncomingRecord, IncomingStatus
from tests.e2e.conftest import as_person, login, new_page, open_tab, sign_in

pytestmark = pytest.mark.e2e


def scan_pdf() -> bytes:
    """A well-formed one-page PDF with no signature, as a scanner makes: shown as 'không có chữ ký số', not flagged
    (a broken file would be, rightly, with a red alert)."""
    out = io.BytesIO()
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.write(out)
    return out.getvalue()


SUMMARY = "V/v tổng kiểm tra tài khoản Văn phòng điện tử của các cơ quan, đơn vị"


def dmy(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


def open_action(page, title: str) -> None:
    """The action forms are <details> sections: open one by its summary when it is closed."""
    section = page.locator("details", has=page.locator("summary", has_text=title))
    if section.get_attribute("open") is None:
        section.locator("summary").click()
    expect(section).to_have_attribute("open", "")


def test_an_incoming_document_from_registering_to_done(page, browser, live_server, tmp_path):
    today = timezone.localdate()
    # Văn phòng's clerk is away: the direction stays on the district record and the Chánh Văn phòng delegates
    # there (with a clerk it goes through Văn phòng's own book: tests/e2e/test_directed_units_journey.py).
    User.objects.filter(username="vanthu.vp").update(is_active=False)
    scan = tmp_path / "cv-1234-ubnd-tinh.pdf"
    scan.write_bytes(scan_pdf())

    # 1. The district clerk registers the paper document with its scan.
    clerk = page
    login(clerk, "vanthu.ubnd")
    clerk.get_by_role("link", name="Văn bản đến").first.click()
    clerk.get_by_role("link", name="Vào sổ", exact=True).click()
    expect(clerk.get_by_role("heading", name="Vào sổ văn bản đến")).to_be_visible()
    clerk.get_by_label("Tác giả (cơ quan ban hành)").select_option(label="UBND tỉnh Bình Định")
    clerk.get_by_label("Số, ký hiệu").fill("1234/UBND-VX")
    clerk.get_by_label("Ngày tháng văn bản").fill(dmy(today - datetime.timedelta(days=2)))
    clerk.get_by_label("Loại văn bản").select_option(label="Công văn")
    clerk.get_by_label("Trích yếu").fill(SUMMARY)
    clerk.get_by_label("Người ký").fill("Hồ Quốc Dũng")
    clerk.get_by_label("Độ khẩn").select_option(label="Khẩn")
    clerk.get_by_label("Hạn xử lý").fill(dmy(today + datetime.timedelta(days=7)))
    clerk.get_by_label("Tệp văn bản").set_input_files(str(scan))
    clerk.get_by_role("button", name="Vào sổ").click()

    clerk.wait_for_url(re.compile(r"/documents/incoming/\d+/$"))
    expect(clerk.get_by_role("alert")).to_contain_text("Đã vào sổ văn bản đến số")
    expect(clerk.get_by_role("heading", level=1)).to_have_text(SUMMARY)
    expect(clerk.get_by_role("link", name="cv-1234-ubnd-tinh.pdf")).to_be_visible()
    record_url = clerk.url
    record = IncomingRecord.objects.get(document__number_symbol="1234/UBND-VX")

    # 2. ... and submits it to the Chủ tịch.
    open_action(clerk, "Trình lãnh đạo")
    clerk.get_by_label("Trình lãnh đạo").select_option(label="Trần Kim Vũ — Chủ tịch UBND huyện")
    clerk.get_by_role("button", name="Trình", exact=True).click()
    expect(clerk.get_by_role("alert")).to_contain_text("Đã trình Trần Kim Vũ.")
    expect(clerk.get_by_test_id("record-status")).to_have_text("Chờ ý kiến chỉ đạo")

    # 3. The Chủ tịch finds it waiting for him, writes a bút phê and assigns Văn phòng with Phòng VHTT.
    chairman = as_person(browser, live_server.url, "chutich")
    chairman.get_by_role("link", name="Văn bản đến").first.click()
    open_tab(chairman, "Chờ xử lý")  # the tab, not the sidebar's
    chairman.get_by_role("link", name=re.compile("tổng kiểm tra tài khoản")).click()
    chairman.wait_for_url(record_url)
    open_action(chairman, "Cho ý kiến chỉ đạo và phân công")
    chairman.get_by_label("Ý kiến chỉ đạo (bút phê)").fill(
        "Giao Văn phòng chủ trì rà soát, Phòng VHTT phối hợp; báo cáo trước hạn."
    )
    chairman.get_by_role("combobox", name="Chủ trì", exact=True).select_option(label="Văn phòng HĐND và UBND huyện")
    chairman.locator("#id_cooperate").get_by_label("Phòng Văn hóa và Thông tin", exact=True).check()
    chairman.get_by_role("button", name="Phân công", exact=True).click()
    expect(chairman.get_by_role("alert")).to_contain_text("Đã ghi ý kiến chỉ đạo và phân công xử lý.")
    expect(chairman.get_by_test_id("direction-text")).to_contain_text("Giao Văn phòng chủ trì rà soát")
    expect(chairman.get_by_test_id("record-status")).to_have_text("Đang xử lý")
    chairman.context.close()

    # 4. The Chánh Văn phòng gives the work to a staff member.
    head = as_person(browser, live_server.url, "truong.vp", record.get_absolute_url())
    open_action(head, "Giao người xử lý")
    staff_name = record.assignments.get(role=AssignmentRole.LEAD).assignee_unit.users.get(username="cv1.vp").full_name
    head.get_by_label("Giao cho").select_option(label=f"{staff_name} — Chuyên viên")
    head.get_by_role("button", name="Giao xử lý").click()
    expect(head.get_by_role("alert")).to_contain_text(f"Đã giao {staff_name} xử lý.")
    head.context.close()

    # 5. The staff member finds it in Nhiệm vụ, opens it (read receipt), reports progress and completes it.
    handler = as_person(browser, live_server.url, "cv1.vp")
    handler.get_by_role("link", name="Nhiệm vụ").first.click()
    handler.get_by_role("link", name=re.compile("tổng kiểm tra tài khoản")).click()
    handler.wait_for_url(record_url)
    expect(handler.get_by_test_id("timeline")).to_contain_text(f"{staff_name}: Đã xem")
    open_action(handler, "Cập nhật tiến độ")
    handler.get_by_label("Nội dung tiến độ").fill("Đã rà soát 20/20 đơn vị, dự thảo báo cáo.")
    handler.get_by_role("button", name="Gửi", exact=True).click()
    expect(handler.get_by_role("alert")).to_contain_text("Đã cập nhật tiến độ.")
    expect(handler.get_by_text("Đã rà soát 20/20 đơn vị, dự thảo báo cáo.")).to_be_visible()
    open_action(handler, "Hoàn thành xử lý")
    handler.get_by_label("Kết quả xử lý").fill("Đã báo cáo Chủ tịch kết quả rà soát.")
    handler.get_by_role("button", name="Hoàn thành", exact=True).click()
    expect(handler.get_by_role("alert")).to_contain_text("Đã hoàn thành xử lý văn bản.")
    expect(handler.get_by_test_id("record-status")).to_have_text("Đã xong")
    handler.context.close()

    # 6. The clerk sees it done in the register.
    clerk.get_by_role("link", name="Văn bản đến").first.click()
    row = clerk.get_by_role("row", name=re.compile("tổng kiểm tra tài khoản"))
    expect(row).to_contain_text("1234/UBND-VX")
    expect(row).to_contain_text("Đã xong")

    record.refresh_from_db()
    assert record.status == IncomingStatus.DONE
    assert [a.role for a in record.assignments.all()] == [AssignmentRole.LEAD, AssignmentRole.COOPERATE]
    assert record.document.files.get().name == "cv-1234-ubnd-tinh.pdf"


def _overflow(page) -> list[str]:
    """What sticks out sideways: the page itself, or a table that has to be scrolled to read."""
    return page.evaluate(
        """() => {
            const out = [];
            const page = document.documentElement.scrollWidth;
            if (page > window.innerWidth) out.push('page ' + page);
            document.querySelectorAll('.table-responsive, .card').forEach(el => {
                if (el.scrollWidth > el.clientWidth + 1) {
                    out.push(el.className + ' ' + el.scrollWidth + '>' + el.clientWidth);
                }
            });
            return out;
        }"""
    )


@pytest.mark.parametrize(
    ("username", "paths"),
    [
        ("vanthu.ubnd", ["/documents/incoming/", "/documents/incoming/@282/", "/documents/incoming/new/"]),
        ("vanthu.canhhien", ["/documents/incoming/arrivals/", "/documents/incoming/arrivals/@77/", "/"]),
        ("cv1.noivu", ["/documents/tasks/", "/documents/incoming/?box=qua_han", "/"]),
    ],
)
def test_the_incoming_pages_fit_a_phone_without_sideways_scrolling(browser, live_server, seeded, username, paths):
    from tests.documents import conftest as builders
    from tests.helpers import unit, user

    # The longest things these pages show: a notice with a long summary directed to units of long names (Phòng Nội
    # vụ leads), and an electronic delivery of it to the commune.
    clerk, chairman = user("vanthu.ubnd"), user("chutich")
    summary = (
        "Thông báo kết luận về công tác triển khai hệ thống Văn phòng điện tử liên thông toàn tỉnh và phần mềm "
        "“Theo dõi, đôn đốc, kiểm tra việc thực hiện nhiệm vụ do UBND tỉnh, Chủ tịch UBND tỉnh giao”"
    )
    record = builders.directed(
        builders.submitted(clerk, chairman, number_symbol="282/TB-UBND", summary=summary),
        chairman,
        builders.lead(unit("noi-vu"), due_date=timezone.localdate() + datetime.timedelta(days=3)),
        builders.coop(unit("nn-ptnt")),
        builders.inform(unit("ld-tb-xh")),
    )
    delivery = builders.make_delivery(unit("xa-canh-hien"), number_symbol="77/TB-UBND", summary=summary)
    ids = {"@282": str(record.pk), "@77": str(delivery.pk)}
    page = new_page(browser, live_server.url, width=360, height=740)
    sign_in(page, username)
    for path in paths:
        for key, value in ids.items():
            path = path.replace(key, value)
        page.goto(live_server.url + path)
        if path.endswith("/new/"):
            page.get_by_label("Ngày tháng văn bản").fill("31/12/2099")
            page.get_by_role("button", name="Vào sổ").click()
            expect(page.get_by_text("Ngày tháng văn bản không thể ở tương lai.")).to_be_visible()
        assert _overflow(page) == [], path
    page.context.close()
