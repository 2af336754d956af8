"""Leadership comments reach units through their clerk (issue 15), in headless Chromium: the Chủ tịch directs the
province's document to two departments; each department's văn thư finds it in Chờ vào sổ with his comment and
registers it under the department's own số đến; each department handles it (the head assigns a staff member,
who completes it); the district's record then shows both parts done. Screens at 1280 and 360 px go to
$IDESK_SCREENSHOTS when it is set."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from documents.incoming import services
from documents.incoming.services import IncomingData
from documents.models import AssignmentStatus, IncomingRecord, IncomingStatus
from tests.e2e.conftest import as_person, screenshot, sign_in
from tests.e2e.test_accessibility import axe_context, axe_source, check  # noqa: F401  (fixtures)
from tests.e2e.test_incoming_journey import open_action
from tests.helpers import user

pytestmark = pytest.mark.e2e

SUMMARY = "V/v triển khai chuyển đổi số trong cải cách hành chính năm 2027"
COMMENT = "Giao Phòng Nội vụ chủ trì, Phòng Tư pháp phối hợp tham mưu kế hoạch; báo cáo trước hạn."
DEPARTMENTS = [("noi-vu", "noivu", "Phòng Nội vụ"), ("tu-phap", "tuphap", "Phòng Tư pháp")]


def _shoot(page, name: str) -> None:
    """The screen at desktop width and on a phone, nothing wider than the phone."""
    for width, height in ((1280, 900), (360, 740)):
        page.set_viewport_size({"width": width, "height": height})
        assert page.evaluate("document.documentElement.scrollWidth") <= width, (name, width)
        screenshot(page, f"directed-{name}-{width}")
    page.set_viewport_size({"width": 1280, "height": 900})


def _full_name(username: str) -> str:
    return user(username).full_name


def _district_record(today: datetime.date) -> IncomingRecord:
    """The province's document registered by the district clerk and submitted to the Chủ tịch."""
    clerk = user("vanthu.ubnd")
    record = services.register_incoming(
        clerk=clerk,
        data=IncomingData(
            issuer_name="UBND tỉnh Bình Định",
            summary=SUMMARY,
            number_symbol="4321/UBND-KSTT",
            issued_date=today - datetime.timedelta(days=2),
            signer_name="Nguyễn Tự Công Hoàng",
            due_date=today + datetime.timedelta(days=10),
        ),
    )
    return services.submit(clerk=clerk, record=record, leader=user("chutich"))


def test_the_chairman_directs_to_two_departments_each_registers_and_handles_it(browser, live_server, seeded):
    today = timezone.localdate()
    record = _district_record(today)
    district_path = record.get_absolute_url()

    # 1. The Chủ tịch writes his bút phê: Phòng Nội vụ chủ trì, Phòng Tư pháp phối hợp.
    chairman = as_person(browser, live_server.url, "chutich", district_path)
    open_action(chairman, "Cho ý kiến chỉ đạo và phân công")
    chairman.get_by_label("Ý kiến chỉ đạo (bút phê)").fill(COMMENT)
    chairman.get_by_role("combobox", name="Chủ trì", exact=True).select_option(label="Phòng Nội vụ")
    chairman.locator("#id_cooperate").get_by_label("Phòng Tư pháp", exact=True).check()
    chairman.get_by_role("button", name="Phân công", exact=True).click()
    expect(chairman.get_by_role("alert")).to_contain_text("Đã ghi ý kiến chỉ đạo và phân công xử lý.")
    expect(chairman.get_by_test_id("unit-progress")).to_have_count(2)
    expect(chairman.get_by_test_id("unit-progress").first).to_contain_text("Chờ văn thư đơn vị vào sổ")
    chairman.context.close()

    numbers = {}
    for code, slug, name in DEPARTMENTS:
        # 2. The department's clerk finds it in Chờ vào sổ with the comment and registers it in its own book.
        unit_clerk = as_person(browser, live_server.url, f"vanthu.{slug}", "/documents/incoming/arrivals/")
        row = unit_clerk.get_by_role("row", name=re.compile("chuyển đổi số trong cải cách hành chính"))
        expect(row.get_by_test_id("delivery-direction")).to_contain_text("Giao Phòng Nội vụ chủ trì")
        if code == "noi-vu":
            _shoot(unit_clerk, "queue")
        row.get_by_role("link").first.click()
        expect(unit_clerk.get_by_test_id("directed-from")).to_contain_text(COMMENT)
        expect(unit_clerk.get_by_test_id("directed-from")).to_contain_text("ý kiến của lãnh đạo UBND huyện")
        if code == "noi-vu":
            _shoot(unit_clerk, "arrival")
        unit_clerk.get_by_role("button", name="Vào sổ", exact=True).click()
        unit_clerk.wait_for_url(re.compile(r"/documents/incoming/\d+/$"))
        expect(unit_clerk.get_by_role("alert")).to_contain_text("Đã vào sổ văn bản đến số")
        own = IncomingRecord.objects.get(unit__code=code, document=record.document)
        numbers[code] = own.arrival_number
        expect(unit_clerk.get_by_test_id("arrival-number")).to_have_text(str(own.arrival_number))
        expect(unit_clerk.get_by_test_id("directed-from")).to_contain_text(COMMENT)
        open_action(unit_clerk, "Trình lãnh đạo")
        head_name = _full_name(f"truong.{slug}")
        unit_clerk.get_by_label("Trình lãnh đạo").select_option(label=f"{head_name} — Trưởng phòng")
        unit_clerk.get_by_role("button", name="Trình", exact=True).click()
        expect(unit_clerk.get_by_role("alert")).to_contain_text(f"Đã trình {head_name}.")
        own_path = own.get_absolute_url()
        unit_clerk.context.close()

        # 3. The head assigns a staff member of the department ...
        head = as_person(browser, live_server.url, f"truong.{slug}", own_path)
        open_action(head, "Cho ý kiến chỉ đạo và phân công")
        head.get_by_label("Ý kiến chỉ đạo (bút phê)").fill(f"Giao đồng chí tham mưu phần việc của {name}.")
        staff_name = _full_name(f"cv1.{slug}")
        head.get_by_role("combobox", name="Chủ trì", exact=True).select_option(label=f"{staff_name} — Chuyên viên")
        head.get_by_role("button", name="Phân công", exact=True).click()
        expect(head.get_by_role("alert")).to_contain_text("Đã ghi ý kiến chỉ đạo và phân công xử lý.")
        if code == "noi-vu":
            _shoot(head, "unit-record")
        head.context.close()

        # 4. ... who completes it.
        staff = as_person(browser, live_server.url, f"cv1.{slug}", own_path)
        open_action(staff, "Hoàn thành xử lý")
        staff.get_by_label("Kết quả xử lý").fill(f"{name} đã hoàn thành phần việc được giao.")
        staff.get_by_role("button", name="Hoàn thành", exact=True).click()
        expect(staff.get_by_test_id("record-status")).to_have_text("Đã xong")
        staff.context.close()

    assert numbers["noi-vu"] >= 1 and numbers["tu-phap"] >= 1  # each in its own book

    # 5. The district sees both departments done, and its record done.
    chairman = as_person(browser, live_server.url, "chutich", district_path)
    expect(chairman.get_by_test_id("record-status")).to_have_text("Đã xong")
    progress = chairman.get_by_test_id("unit-progress")
    expect(progress.nth(0)).to_have_text(re.compile(rf"Số đến {numbers['noi-vu']} của đơn vị — Đã xong"))
    expect(progress.nth(1)).to_have_text(re.compile(rf"Số đến {numbers['tu-phap']} của đơn vị — Đã xong"))
    expect(chairman.get_by_text("Phòng Tư pháp đã hoàn thành phần việc được giao.")).to_be_visible()
    _shoot(chairman, "district")
    chairman.context.close()

    record.refresh_from_db()
    assert record.status == IncomingStatus.DONE
    assert {a.status for a in record.assignments.all()} == {AssignmentStatus.DONE}


def test_the_directed_documents_pages_have_no_serious_accessibility_violation(axe_context, axe_source):  # noqa: F811
    from documents.incoming.directions import AssignmentSpec
    from documents.models import AssignmentRole, Delivery
    from units.models import Unit

    record = _district_record(timezone.localdate())
    services.direct(
        leader=user("chutich"),
        record=record,
        text=COMMENT,
        assignments=[
            AssignmentSpec(role=AssignmentRole.LEAD, unit=Unit.objects.get(code="noi-vu")),
            AssignmentSpec(role=AssignmentRole.COOPERATE, unit=Unit.objects.get(code="tu-phap")),
        ],
    )
    delivery = Delivery.objects.get(document=record.document, recipient_unit__code="noi-vu")
    sign_in(axe_context, "vanthu.noivu")
    found = check(
        axe_context,
        axe_source,
        {
            "Chờ vào sổ": "/documents/incoming/arrivals/",
            "Văn bản chờ vào sổ": f"/documents/incoming/arrivals/{delivery.pk}/",
        },
    )
    own = services.register_delivery(clerk=user("vanthu.noivu"), delivery=delivery)
    found += check(axe_context, axe_source, {"Văn bản đến của phòng": own.get_absolute_url()})
    axe_context.context.clear_cookies()
    sign_in(axe_context, "chutich")
    found += check(axe_context, axe_source, {"Văn bản đến của huyện": record.get_absolute_url()})
    assert found == "", found
