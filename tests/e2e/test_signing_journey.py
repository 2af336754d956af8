"""Digital signatures in headless Chromium (issue 16), with IDESK_SIGNATURES_REQUIRED on as in production.

cv1.vp drafts a công văn to Canh Hiển, truong.vp approves, chutich signs it (Ký duyệt: the leader's PAdES signature),
vanthu.ubnd issues it (Cấp số và phát hành: number, date and the agency's signature); the issued page shows its
verification code; the clerk of Canh Hiển opens the arrival and sees both signatures verified before and after
registering it; the public /xac-thuc/ page recognises the official PDF as issued by iDesk.
"""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import as_person, login, open_tab
from tests.e2e.test_outgoing_journey import approve_and_sign

pytestmark = pytest.mark.e2e

SUMMARY = "V/v thử nghiệm ký số văn bản điện tử trên iDesk"


def checks_of(page) -> list[str]:
    checks = page.get_by_test_id("signature-checks")
    checks.wait_for()
    return [row.inner_text() for row in checks.get_by_test_id("signature").all()]


def test_draft_sign_issue_and_the_recipient_sees_both_signatures_verified(page, browser, settings):
    from documents.models import Document
    from documents.signing.models import IssuedSignedFile
    from units.models import Unit

    settings.IDESK_SIGNATURES_REQUIRED = True

    login(page, "cv1.vp")
    page.goto(page.base_url + "/documents/outgoing/new/")
    page.get_by_label("Loại văn bản").select_option(label="Công văn")
    page.get_by_label("Trích yếu").fill(SUMMARY)
    page.get_by_label("Nội dung").fill("UBND huyện thử nghiệm ký số văn bản điện tử.\nĐề nghị UBND xã phối hợp./.")
    page.locator("#id_recipient_units").get_by_label("UBND xã Canh Hiển", exact=True).check()
    page.get_by_label("Người ký").select_option(label="Trần Kim Vũ — Chủ tịch UBND huyện")
    page.get_by_role("button", name="Lưu dự thảo").click()
    page.get_by_text("Đã lưu dự thảo").wait_for()
    page.get_by_role("button", name="Trình duyệt").click()
    page.get_by_text("Đã trình duyệt dự thảo.").wait_for()

    approve_and_sign(page, browser, SUMMARY)

    clerk = as_person(browser, page.base_url, "vanthu.ubnd", "/documents/outgoing/")
    clerk.get_by_role("link", name=SUMMARY).click()
    clerk.get_by_role("button", name="Cấp số và phát hành").click()
    clerk.get_by_text("và phát hành tới 1 nơi nhận").wait_for()
    number_symbol = clerk.get_by_test_id("number-symbol").inner_text()
    assert re.fullmatch(r"\d+/UBND-VP", number_symbol)
    document = Document.objects.get(number_symbol=number_symbol)
    signed = IssuedSignedFile.objects.get(document=document)
    assert signed.code in clerk.get_by_test_id("verification-code").inner_text()
    assert clerk.get_by_test_id("awaiting-agency").count() == 0
    clerk.context.close()

    # The recipient's clerk opens the arrival: both signatures verified, named, nothing flagged.
    commune = as_person(browser, page.base_url, "vanthu.canhhien")
    commune.get_by_role("link", name="Văn bản đến").first.click()
    open_tab(commune, "^Chờ vào sổ")
    commune.get_by_role("link", name=re.compile(re.escape(SUMMARY.removeprefix("V/v ")))).click()
    rows = checks_of(commune)
    assert len(rows) == 2, rows
    assert all(row.startswith("hợp lệ") for row in rows), rows
    assert "Trần Kim Vũ" in rows[0] and Unit.objects.get(code="ubnd").name in rows[1], rows
    assert commune.get_by_test_id("signature-problem").count() == 0
    commune.get_by_role("button", name="Vào sổ").click()
    commune.get_by_text("Đã vào sổ văn bản đến số").wait_for()
    assert len(checks_of(commune)) == 2  # the record keeps the verification made when it arrived
    commune.context.close()
