"""The outgoing journey of issue 5 in headless Chromium, one browser context per person.

cv1.vp drafts a giấy mời to three communes (Canh Thuận not on the system), truong.vp approves, chutich signs,
vanthu.ubnd issues; the clerk of Canh Hiển registers it from "Chờ vào sổ"; the sender then sees, per commune,
"Đã vào sổ", "Đã gửi" (not registered yet) and "Bản giấy".
"""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import as_person, login, open_tab

pytestmark = pytest.mark.e2e

SUMMARY = "Mời dự Hội nghị triển khai hệ thống Văn phòng điện tử iDesk"


def approve_and_sign(page, browser, summary: str) -> None:
    """The head of Văn phòng approves the draft from "Chờ duyệt", then the Chủ tịch signs it from "Chờ ký duyệt"."""
    head = as_person(browser, page.base_url, "truong.vp", "/documents/outgoing/")
    head.get_by_role("link", name=summary).click()
    head.get_by_label("Duyệt, trình ký").check()
    head.get_by_role("button", name="Gửi ý kiến duyệt").click()
    head.get_by_text("Đã duyệt, chuyển lãnh đạo ký.").wait_for()
    head.context.close()

    leader = as_person(browser, page.base_url, "chutich", "/documents/outgoing/")
    leader.get_by_role("link", name=summary).click()
    leader.get_by_role("radio", name="Ký duyệt").check()
    leader.get_by_role("button", name="Ký duyệt").click()
    leader.get_by_text("Đã ký duyệt; văn thư sẽ cấp số và phát hành.").wait_for()
    leader.context.close()


def test_a_giay_moi_goes_from_draft_to_the_communes_registers(page, browser):
    from documents.models import Delivery, DeliveryStatus, Document, IncomingRecord
    from units.models import Unit

    Unit.objects.filter(code="xa-canh-thuan").update(eoffice_since=None)  # still on paper

    # Staff drafts the invitation and sends it up.
    login(page, "cv1.vp")
    page.get_by_role("link", name="Văn bản đi").first.click()
    page.get_by_role("link", name="Soạn văn bản").click()
    page.get_by_label("Loại văn bản").select_option(label="Giấy mời (GM)")
    page.get_by_label("Trích yếu").fill(SUMMARY)
    page.get_by_label("Nội dung").fill(
        "UBND huyện tổ chức Hội nghị triển khai hệ thống Văn phòng điện tử iDesk.\n"
        "1. Thời gian: 08 giờ 00, thứ Hai tuần sau.\n2. Địa điểm: Hội trường UBND huyện.\n"
        "Đề nghị Chủ tịch UBND các xã tham dự đúng giờ./."
    )
    for name in ("UBND xã Canh Hiển", "UBND xã Canh Vinh", "UBND xã Canh Thuận (bản giấy)"):  # a picker of checkboxes
        page.locator("#id_recipient_units").get_by_label(name, exact=True).check()
    page.get_by_label("Người ký").select_option(label="Trần Kim Vũ — Chủ tịch UBND huyện")
    page.get_by_role("button", name="Lưu dự thảo").click()
    page.get_by_text("Đã lưu dự thảo").wait_for()
    draft_url = page.url
    assert re.search(r"/documents/outgoing/drafts/\d+/$", draft_url)
    page.get_by_role("button", name="Trình duyệt").click()
    page.get_by_text("Đã trình duyệt dự thảo.").wait_for()
    assert page.get_by_test_id("draft-status").inner_text() == "Chờ trưởng đơn vị duyệt"

    # The head of Văn phòng approves it, then the Chủ tịch signs it.
    approve_and_sign(page, browser, SUMMARY)

    # The district clerk numbers and dispatches it.
    clerk = as_person(browser, page.base_url, "vanthu.ubnd", "/documents/outgoing/")
    clerk.get_by_role("link", name=SUMMARY).click()
    clerk.get_by_role("button", name="Cấp số và phát hành").click()
    clerk.get_by_text("và phát hành tới 3 nơi nhận").wait_for()
    number_symbol = clerk.get_by_test_id("number-symbol").inner_text()
    assert re.fullmatch(r"\d{2,}/GM-UBND", number_symbol)
    issued_url = clerk.url

    # The clerk of Canh Hiển registers it from "Chờ vào sổ" and gets their own số đến.
    commune = as_person(browser, page.base_url, "vanthu.canhhien")
    commune.get_by_role("link", name="Văn bản đến").first.click()
    open_tab(commune, "^Chờ vào sổ")
    commune.get_by_role("link", name=re.compile(re.escape(SUMMARY))).click()
    commune.get_by_role("button", name="Vào sổ").click()
    commune.get_by_text("Đã vào sổ văn bản đến số").wait_for()
    record = IncomingRecord.objects.get(unit__code="xa-canh-hien", document__number_symbol=number_symbol)
    commune.goto(page.base_url + "/documents/incoming/?box=tat_ca")
    row = commune.get_by_role("row").filter(has_text=number_symbol)
    assert row.count() == 1
    assert row.get_by_role("cell").first.inner_text().strip() == str(record.arrival_number)  # their own số đến
    commune.context.close()

    # The sender sees each commune's state.
    clerk.goto(issued_url)
    deliveries = clerk.get_by_test_id("deliveries")

    def state(name: str) -> str:
        return (
            deliveries.get_by_role("row").filter(has_text=name).get_by_test_id("delivery-status").inner_text().strip()
        )

    assert state("UBND xã Canh Hiển") == f"Đã vào sổ — số đến {record.arrival_number}"
    assert state("UBND xã Canh Vinh").startswith("Đã gửi ")  # sent, not registered yet
    assert state("UBND xã Canh Thuận") == "Bản giấy chờ gửi"
    # The paper reason heads the group of rows it applies to (one tbody per reason).
    thuan = deliveries.locator("tbody").filter(has_text="UBND xã Canh Thuận").get_by_test_id("paper-reason")
    reason = "Gửi bản giấy: đơn vị nhận chưa tham gia hệ thống văn phòng điện tử (Công văn số 3261/UBND"
    assert reason in thuan.inner_text()
    clerk.context.close()

    document = Document.objects.get(number_symbol=number_symbol)
    states = dict(Delivery.objects.filter(document=document).values_list("recipient_unit__code", "status"))
    assert states == {
        "xa-canh-hien": DeliveryStatus.REGISTERED,
        "xa-canh-vinh": DeliveryStatus.SENT,
        "xa-canh-thuan": DeliveryStatus.SENT,
    }
    assert not Delivery.objects.get(document=document, recipient_unit__code="xa-canh-thuan").electronic
