"""Form helpers of static/js/idesk-forms.js in Chromium (issue 18): with the browser in English the file input
still reads Vietnamese, every dd/mm/yyyy field has a calendar button writing dd/mm/yyyy back, and the signing
button follows the chosen decision."""

from __future__ import annotations

import pytest

from documents.models import DraftStatus
from documents.outgoing import services as outgoing
from tests.documents import outgoing_builders as ob
from tests.e2e.conftest import new_page, screenshot, sign_in
from tests.helpers import user as who

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def english_page(browser, live_server, seeded):
    page = new_page(browser, live_server.url, locale="en-US")
    yield page
    page.context.close()


def test_the_registering_form_reads_vietnamese_in_an_english_browser(english_page, tmp_path):
    page = english_page
    sign_in(page, "vanthu.ubnd")
    page.goto(page.base_url + "/documents/incoming/new/")

    face = page.locator("[data-file-picker] .idesk-file-face")
    assert face.is_visible() and "Chọn tệp…" in face.inner_text() and "Chưa chọn tệp" in face.inner_text()
    file = tmp_path / "cong-van.pdf"
    file.write_bytes(b"%PDF-1.4\n%%EOF\n")
    page.locator("input[name=uploads]").set_input_files(str(file))
    assert "cong-van.pdf" in face.inner_text()
    page.locator("input[name=uploads]").focus()  # the hidden native input keeps the keyboard
    assert page.evaluate("document.activeElement.name") == "uploads"

    date_button = page.locator(".idesk-date:has(#id_issued_date)").get_by_role("button", name="Chọn ngày trên lịch")
    assert date_button.is_visible()
    assert page.get_by_label("Ngày tháng văn bản").count() == 1  # the button's name does not repeat the label
    page.evaluate(
        "() => { const n = document.querySelector('#id_issued_date').parentNode.querySelector('.idesk-date-native');"
        " n.value = '2026-03-09'; n.dispatchEvent(new Event('change', {bubbles: true})); }"
    )
    assert page.locator("#id_issued_date").input_value() == "09/03/2026"
    page.locator("#id_due_date").fill("5/4/2026")  # typing still works
    assert page.locator("#id_due_date").input_value() == "5/4/2026"
    screenshot(page, "incoming-form-1280")
    page.set_viewport_size({"width": 360, "height": 800})
    screenshot(page, "incoming-form-360")

    page.get_by_role("button", name="Vào sổ").click()  # nothing filled: the server answers, in Vietnamese
    assert page.locator(".alert-danger").get_by_text("Vui lòng sửa các lỗi dưới đây.").is_visible()


def test_the_signing_button_follows_the_decision(page):
    draft = ob.drafted("cv1.vp")
    outgoing.submit_draft(author=who("cv1.vp"), draft=draft)
    draft.refresh_from_db()
    if draft.status == DraftStatus.IN_REVIEW:
        draft = outgoing.review_draft(head=who("truong.vp"), draft=draft, approve=True)
    sign_in(page, draft.signer.username)
    page.goto(page.base_url + draft.get_absolute_url())

    form = page.locator(f"form[action$='/{draft.pk}/sign/']")
    assert form.locator("button[type=submit]").inner_text() == "Ký duyệt"
    form.get_by_label("Trả lại để sửa").check()
    assert form.locator("button[type=submit]").inner_text() == "Trả lại để sửa"
    screenshot(page, "sign-return-1280")
    form.get_by_label("Ký duyệt").check()
    assert form.locator("button[type=submit]").inner_text() == "Ký duyệt"


def test_a_picker_filters_by_touch_and_ticks_a_whole_group(page):
    sign_in(page, "vanthu.ubnd")
    page.goto(page.base_url + "/documents/meetings/new/")
    picker = page.locator("#id_invited_units")

    picker.get_by_role("searchbox", name="Lọc danh sách").fill("canh hien")  # no accents needed
    visible = picker.locator("[data-picker-item]:visible")
    assert visible.count() == 1 and "Canh Hiển" in visible.inner_text()
    visible.locator("label").click()
    assert picker.get_by_label("UBND xã Canh Hiển", exact=True).is_checked()
    picker.get_by_role("searchbox", name="Lọc danh sách").fill("")
    communes = picker.locator("[data-picker-group]", has_text="Xã, thị trấn")
    communes.click()
    ticked = picker.locator("[data-picker-item] input:checked").count()
    assert ticked > 1 and f"Đã chọn {ticked}" in picker.locator("[data-picker-count]").inner_text()
    screenshot(page, "meeting-picker-1280")
    page.set_viewport_size({"width": 360, "height": 800})
    screenshot(page, "meeting-picker-360")
    page.context.clear_cookies()
    sign_in(page, "cv1.vp")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(page.base_url + "/documents/outgoing/new/")
    units = page.locator("#id_recipient_units")
    units.get_by_role("searchbox", name="Lọc danh sách").fill("tu phap")
    assert units.locator("[data-picker-item]:visible").count() >= 1
    assert units.locator("[data-heading]:visible").count() >= 1
    screenshot(page, "draft-form-1280")
    page.set_viewport_size({"width": 360, "height": 800})
    screenshot(page, "draft-form-360")


def test_the_leader_ticks_the_communes_to_cooperate_and_is_not_offered_himself(page):
    from documents.incoming import services as incoming
    from tests.documents.conftest import register

    clerk, chairman = who("vanthu.ubnd"), who("chutich")
    record = register(clerk, confirm_duplicate=True, summary="V/v kiểm tra bộ chọn đơn vị")
    incoming.submit(clerk=clerk, record=record, leader=chairman)
    sign_in(page, "chutich")
    page.goto(page.base_url + record.get_absolute_url())

    cooperate = page.locator("#id_cooperate")
    cooperate.get_by_role("button", name="Chọn cả: UBND các xã, thị trấn").click()
    ticked = cooperate.locator("[data-picker-item] input:checked")
    assert ticked.count() >= 5
    assert all(
        "xã" in t or "Thị trấn" in t
        for t in cooperate.locator("[data-picker-item]:has(input:checked)").all_inner_texts()
    )
    assert chairman.full_name not in cooperate.inner_text()
    screenshot(page, "direction-1280")
    page.set_viewport_size({"width": 360, "height": 800})
    screenshot(page, "direction-360")
