"""The meetings journey of issue 7 in headless Chromium, one browser context per person.

The office (vanthu.ubnd) schedules a meeting chaired by the Chủ tịch, inviting xã Canh Hiển and xã Canh Vinh,
with a PDF material, and issues the giấy mời; Canh Hiển's clerk opens the meeting and the material and sends a
deputy of the commune; Canh Vinh's clerk declines with a reason the office rejects; once the meeting is over
the office records attendance, Canh Vinh absent without a valid reason — which the compliance report counts.
"""

from __future__ import annotations

import datetime
import re

import pytest

from tests.e2e.conftest import as_person, login
from tests.helpers import user

pytestmark = pytest.mark.e2e

TITLE = "Họp đánh giá việc sử dụng Văn phòng điện tử iDesk quý IV"
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n% e2e\n%%EOF\n"
)


def open_meeting(page) -> None:
    page.goto(page.base_url + "/meetings/")
    page.get_by_role("link", name=TITLE).click()
    page.get_by_role("heading", name=TITLE).wait_for()


def test_a_meeting_from_invitation_to_an_unexcused_absence(page, browser, live_server, tmp_path):
    from django.utils import timezone

    from documents.models import Attendance, AuditEvent, Delivery, Meeting, MeetingInvitee, Response
    from units.models import Unit

    day = timezone.localdate() + datetime.timedelta(days=2)
    material = tmp_path / "bao-cao-tinh-hinh-su-dung-idesk.pdf"
    material.write_bytes(PDF)

    # The office schedules the meeting for the Chủ tịch.
    login(page, "vanthu.ubnd")
    page.get_by_role("link", name="Lịch họp").first.click()
    page.wait_for_url("**/meetings/")
    page.get_by_role("link", name="Lên lịch họp").click()
    page.get_by_label("Nội dung cuộc họp").fill(TITLE)
    page.get_by_label("Chủ trì").select_option(label="Trần Kim Vũ — Chủ tịch UBND huyện")
    page.get_by_label("Địa điểm").fill("Hội trường UBND huyện")
    page.get_by_label("Ngày họp").fill(day.strftime("%d/%m/%Y"))
    page.get_by_label("Giờ bắt đầu").fill("08:00")
    page.get_by_label("Giờ kết thúc").fill("10:30")
    page.get_by_label("Chương trình").fill("1. Báo cáo tình hình sử dụng iDesk.\n2. Thảo luận, kết luận.")
    page.get_by_label("UBND xã Canh Hiển").check()
    page.get_by_label("UBND xã Canh Vinh").check()
    page.get_by_label("Tài liệu họp", exact=True).set_input_files(str(material))
    page.get_by_role("button", name="Lên lịch họp").click()
    page.get_by_text("Đã lên lịch họp.").wait_for()
    assert re.search(r"/documents/meetings/\d+/$", page.url)
    meeting = Meeting.objects.get(title=TITLE)
    assert page.get_by_test_id("meeting-time").inner_text().startswith("08:00 – 10:30")

    # ... and issues the giấy mời: a GM number, electronic-only to both communes.
    page.get_by_role("button", name="Phát hành giấy mời").click()
    page.get_by_text("và phát hành giấy mời tới 2 đơn vị").wait_for()
    meeting.refresh_from_db()
    number = meeting.invitation.number_symbol
    assert re.fullmatch(r"\d+/GM-UBND", number)
    assert number in page.get_by_test_id("invitation").inner_text()
    deliveries = Delivery.objects.filter(document=meeting.invitation)
    assert {d.recipient_unit.code for d in deliveries} == {"xa-canh-hien", "xa-canh-vinh"}
    assert not deliveries.filter(paper_required=True).exists()

    # Canh Hiển's clerk finds it in Lịch họp, reads the material and sends the Phó Chủ tịch xã.
    hien = as_person(browser, page.base_url, "vanthu.canhhien", "/meetings/")
    assert "Chưa trả lời" in hien.get_by_test_id("upcoming").inner_text()
    open_meeting(hien)
    with hien.expect_download() as download:
        hien.get_by_role("link", name=material.name).click()
    assert download.value.suggested_filename == material.name
    assert AuditEvent.objects.filter(
        verb="material_opened", actor__username="vanthu.canhhien", object_id=meeting.pk
    ).exists()
    deputy = user("pho.canhhien")
    hien.get_by_label("Cử người dự thay").check()
    hien.get_by_label("Người dự thay", exact=True).select_option(label=f"{deputy.full_name} — {deputy.position}")
    hien.get_by_role("button", name="Gửi trả lời").click()
    hien.get_by_text("Đã cử người dự thay").wait_for()
    hien.context.close()

    # Canh Vinh's clerk declines with a reason.
    vinh = as_person(browser, page.base_url, "vanthu.canhvinh")
    open_meeting(vinh)
    vinh.get_by_label("Báo vắng (nêu lý do)").check()
    vinh.get_by_label("Lý do vắng", exact=True).fill("Lãnh đạo xã bận tiếp dân định kỳ")
    vinh.get_by_role("button", name="Gửi trả lời").click()
    vinh.get_by_text("Đã báo vắng").wait_for()
    vinh.context.close()

    # The office sees the answers as they came and rejects Canh Vinh's reason.
    page.reload()
    hien_row = page.locator("tr[data-unit='xa-canh-hien']")
    vinh_row = page.locator("tr[data-unit='xa-canh-vinh']")
    assert "Cử người dự thay" in hien_row.inner_text() and deputy.full_name in hien_row.inner_text()
    assert "Lãnh đạo xã bận tiếp dân định kỳ" in vinh_row.inner_text()
    vinh_row.get_by_role("button", name="Không chính đáng").click()
    page.get_by_text("lý do vắng không chính đáng").first.wait_for()
    assert (
        "Lý do không chính đáng" in page.locator("tr[data-unit='xa-canh-vinh']").get_by_test_id("verdict").inner_text()
    )

    # The meeting took place (a test may move it into the past; no page can). The page's badges may still be being
    # read: on SQLite that read holds the test database's tables, and this write would find them locked.
    live_server.in_flight.wait_idle()
    start = timezone.now() - datetime.timedelta(hours=3)
    Meeting.objects.filter(pk=meeting.pk).update(start=start, end=start + datetime.timedelta(hours=2))
    page.reload()
    page.get_by_label("UBND xã Canh Hiển").select_option(label="Có mặt")
    page.get_by_label("UBND xã Canh Vinh").select_option(label="Vắng không có lý do chính đáng")
    page.get_by_role("button", name="Ghi điểm danh").click()
    page.get_by_text("Đã ghi điểm danh 2 thành phần.").wait_for()
    assert (
        "Vắng không có lý do chính đáng"
        in page.locator("tr[data-unit='xa-canh-vinh']").get_by_test_id("attendance").inner_text()
    )

    canh_vinh = Unit.objects.get(code="xa-canh-vinh")
    row = MeetingInvitee.objects.get(meeting=meeting, unit=canh_vinh)
    assert (row.response, row.reason_accepted, row.attendance) == (Response.DECLINE, False, Attendance.UNEXCUSED)
    assert row.counted_unit_id == canh_vinh.pk

    # R2: the absence reaches the compliance report of that day, against xã Canh Vinh only.
    from idesk import compliance

    meeting_day = timezone.localtime(start).date()
    canh_hien = Unit.objects.get(code="xa-canh-hien")
    counted = compliance.unexcused_absences(meeting_day, [canh_vinh.pk, canh_hien.pk])
    assert list(counted.get(canh_vinh.pk, [])) == [row.pk]
    assert not counted.get(canh_hien.pk)
    if compliance.compute_day(meeting_day):  # a working day: the dashboard's stored rows for it
        units = {u["code"]: u for u in compliance.report(meeting_day)["units"]}
        assert units["xa-canh-vinh"]["unexcused_absences"] == 1
        assert units["xa-canh-hien"]["unexcused_absences"] == 0
