"""The meetings pages: Lịch họp, the form, the detail with its actions, materials, the week view and its PDF.

Hidden meetings are 404, refused actions 403, bad input 400 with a Vietnamese message next to its field; no
input, however tampered, gives a 500.
"""

from __future__ import annotations

import datetime
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from documents.meetings import services as meetings
from documents.models import Attendance, AuditEvent, Meeting, MeetingInvitee, Response
from tests.conftest import client_as
from tests.documents.conftest import pdf_bytes, unit, user
from tests.documents.meeting_builders import (
    invitee_of,
    local,
    move_to_past,
    next_monday,
    scheduled,
    with_material,
)


def action(meeting: Meeting, name: str) -> str:
    return reverse("documents:meeting_action", args=[meeting.pk, name])


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def form_post(**overrides) -> dict:
    day = next_monday()
    data = {
        "title": "Họp giao ban tháng 12",
        "chair": str(user("chutich").pk),
        "start_date": day.strftime("%d/%m/%Y"),
        "start_time": "08:00",
        "end_date": "",
        "end_time": "10:30",
        "place": "Phòng họp UBND huyện",
        "agenda": "Giao ban công tác tháng.",
        "invited_units": [str(unit("xa-canh-hien").pk), str(unit("xa-canh-vinh").pk)],
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


# --- Lịch họp -------------------------------------------------------------------------------------------------


def test_the_list_shows_my_upcoming_meetings_with_my_answer_and_past_ones_below(db):
    upcoming = scheduled()
    answered = scheduled(title="Họp Ban chỉ đạo xây dựng nông thôn mới")
    meetings.answer(
        user=user("vanthu.canhhien"),
        meeting=answered,
        invitee=invitee_of(answered, "xa-canh-hien"),
        response=Response.ATTEND,
    )
    cancelled = scheduled(title="Họp bị hủy")
    meetings.cancel(user=user("vanthu.ubnd"), meeting=cancelled, reason="Lùi lịch")
    past = move_to_past(scheduled(title="Họp tuần trước"))
    hidden = scheduled(
        title="Họp riêng Phòng Nội vụ",
        organiser="vanthu.noivu",
        chair=user("truong.noivu"),
        invited_units=[unit("tu-phap")],
    )

    html = page(client_as(user("vanthu.canhhien")), "/meetings/")
    assert "Chưa trả lời" in html and "Tham dự" in html
    assert html.index(upcoming.title) < html.index("Họp bị hủy")  # cancelled after the others
    assert html.index("Họp bị hủy") < html.index("Đã qua") < html.index(past.title)
    assert hidden.title not in html
    assert "Lên lịch họp" not in page(client_as(user("admin")), "/meetings/")
    assert "Lên lịch họp" in page(client_as(user("vanthu.ubnd")), "/meetings/")


def test_an_empty_list_says_why(db):
    html = page(client_as(user("cv1.tuphap")), "/meetings/")
    assert "Không có cuộc họp nào sắp tới" in html
    assert "Lịch công tác tuần" in html


def test_the_list_gives_my_private_calendar_address_and_a_new_one_on_demand(db):
    clerk = user("vanthu.canhhien")
    client = client_as(clerk)
    token = meetings.feed_for(clerk).token
    assert token in page(client, "/meetings/")
    response = client.post(reverse("documents:meeting_feed_revoke"))
    assert response.status_code == 302
    new = meetings.feed_for(clerk).token
    assert new != token
    html = page(client, "/meetings/")
    assert new in html and token not in html
    assert client_as(clerk).get(reverse("documents:meeting_feed_revoke")).status_code == 405


# --- Lên lịch họp --------------------------------------------------------------------------------------------


def test_the_office_schedules_a_meeting_from_the_form(db):
    client = client_as(user("vanthu.ubnd"))
    assert "Đơn vị được mời" in page(client, reverse("documents:meeting_new"))
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("bao-cao.pdf", pdf_bytes("form"), content_type="application/pdf")
    secret = SimpleUploadedFile("mat.pdf", pdf_bytes("secret"), content_type="application/pdf")
    response = client.post(
        reverse("documents:meeting_new"),
        form_post(
            invited_users=[str(user("truong.noivu").pk)], uploads=upload, confidential_uploads=secret, restricted="on"
        ),
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get(title="Họp giao ban tháng 12")
    assert response["Location"] == meeting.get_absolute_url()
    start = timezone.localtime(meeting.start)
    assert (start.date(), start.hour, start.minute) == (next_monday(), 8, 0)
    assert timezone.localtime(meeting.end).strftime("%H:%M") == "10:30"
    assert meeting.restricted
    assert sorted(i.label for i in meeting.invitees.all())[0].startswith("UBND xã Canh")
    assert MeetingInvitee.objects.filter(meeting=meeting, user=user("truong.noivu")).exists()
    assert [(m.name, m.confidential) for m in meeting.materials.all()] == [("bao-cao.pdf", False), ("mat.pdf", True)]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"end_time": "07:30"}, "end_time", "Giờ kết thúc phải sau giờ bắt đầu."),
        ({"start_date": "01/01/2020"}, "start_date", "Không thể tạo cuộc họp trong quá khứ."),
        ({"invited_units": None}, "invited_units", "Hãy chọn thành phần mời"),
        ({"start_date": "31/02/2027"}, "start_date", "Nhập một ngày hợp lệ"),
        ({"start_time": "25:00"}, "start_time", "Nhập một thời gian hợp lệ"),
        ({"start_date": "30/11/2062", "end_date": "30/11/2062"}, "start_date", "Ngày họp quá xa"),
        ({"start_date": "31/12/9999", "end_date": "31/12/9999"}, "start_date", "chỉ nhận từ 01/01/1945 đến 31/12/2100"),
        ({"chair": "999999"}, "chair", "lựa chọn hợp lệ"),
        ({"chair": "abc"}, "chair", "lựa chọn hợp lệ"),
        ({"invited_units": ["999999"]}, "invited_units", "lựa chọn hợp lệ"),
        ({"invited_units": ["abc"]}, "invited_units", "lựa chọn hợp lệ"),
        ({"title": ""}, "title", "bắt buộc"),
    ],
)
def test_bad_input_is_shown_next_to_its_field_and_nothing_is_saved(db, overrides, field, message):
    before = Meeting.objects.count()
    response = client_as(user("vanthu.ubnd")).post(reverse("documents:meeting_new"), form_post(**overrides))
    assert response.status_code == 400
    form = response.context["form"]
    assert any(message.lower() in str(e).lower() for e in form.errors[field]), form.errors
    assert message.lower() in response.content.decode().lower()
    assert Meeting.objects.count() == before


def test_a_chair_outside_the_list_is_refused(db):
    response = client_as(user("vanthu.ubnd")).post(
        reverse("documents:meeting_new"), form_post(chair=str(user("truong.canhhien").pk))
    )
    assert response.status_code == 400
    assert "chair" in response.context["form"].errors


def test_the_admin_account_does_not_organise(db):
    assert client_as(user("admin")).get(reverse("documents:meeting_new")).status_code == 403
    assert client_as(user("admin")).post(reverse("documents:meeting_new"), form_post()).status_code == 403


# --- Detail and who sees it -----------------------------------------------------------------------------------


def test_the_detail_is_hidden_from_those_not_concerned(db):
    meeting = scheduled()
    url = meeting.get_absolute_url()
    for username in ("vanthu.canhhien", "cv1.canhhien", "chutich", "pct.kinhte", "vanthu.ubnd"):
        assert client_as(user(username)).get(url).status_code == 200, username
    for username in ("truong.noivu", "cv1.noivu", "vanthu.canhhiep"):
        assert client_as(user(username)).get(url).status_code == 404, username
    assert client_as(user("vanthu.ubnd")).get(reverse("documents:meeting_detail", args=[999_999])).status_code == 404
    assert client_as(user("vanthu.ubnd")).get("/documents/meetings/abc/").status_code == 404


def test_the_detail_shows_time_place_chair_and_history_in_vietnamese(db):
    meeting = scheduled()
    day = timezone.localtime(meeting.start).date()
    meetings.reschedule(
        user=user("vanthu.ubnd"), meeting=meeting, start=local(day, 14), end=local(day, 16), place="Phòng họp số 2"
    )
    html = page(client_as(user("vanthu.canhhien")), meeting.get_absolute_url())
    assert "14:00 – 16:00" in html and day.strftime("%d/%m/%Y") in html
    assert "Phòng họp số 2" in html and "Trần Kim Vũ" in html
    assert "Lên lịch họp" in html and "Thay đổi thời gian, địa điểm họp" in html
    assert "Địa điểm: Hội trường UBND huyện → Phòng họp số 2" in html
    assert "meeting_changed" not in html


def test_an_overlap_of_the_chair_is_warned_on_the_detail(db):
    first = scheduled()
    day = timezone.localtime(first.start).date()
    second = scheduled(
        title="Tiếp công dân định kỳ", start=local(day, 10), end=local(day, 12), invited_units=[unit("noi-vu")]
    )
    html = page(client_as(user("vanthu.ubnd")), first.get_absolute_url())
    assert "Trùng lịch" in html and second.title in html
    # A commune clerk learns there is another meeting, not what it is.
    html = page(client_as(user("vanthu.canhhien")), first.get_absolute_url())
    assert "Trùng lịch" in html and second.title not in html and "một cuộc họp khác" in html


def test_only_the_chairs_bodys_clerk_sees_the_issue_button_and_issues(db):
    meeting = scheduled()
    assert "Phát hành giấy mời" in page(client_as(user("vanthu.ubnd")), meeting.get_absolute_url())
    for username in ("chutich", "vanthu.canhhien"):
        assert "Phát hành giấy mời</button>" not in page(client_as(user(username)), meeting.get_absolute_url())
    assert client_as(user("vanthu.canhhien")).post(action(meeting, "invite")).status_code == 403
    refused = client_as(user("chutich")).post(action(meeting, "invite"))
    assert refused.status_code == 400 and "văn thư UBND huyện Vân Canh cấp số" in refused.content.decode()

    response = client_as(user("vanthu.ubnd")).post(action(meeting, "invite"))
    assert response.status_code == 302
    meeting.refresh_from_db()
    html = page(client_as(user("vanthu.ubnd")), meeting.get_absolute_url())
    assert meeting.invitation.number_symbol in html
    assert reverse("documents:issued_detail", args=[meeting.invitation_id]) in html
    assert "Phát hành giấy mời</button>" not in html
    # The commune sees the number and reads the official PDF, without a link to the issuer's register.
    client = client_as(user("vanthu.canhhien"))
    html = page(client, meeting.get_absolute_url())
    assert meeting.invitation.number_symbol in html
    assert reverse("documents:issued_detail", args=[meeting.invitation_id]) not in html
    pdf = client.get(reverse("documents:meeting_invitation_pdf", args=[meeting.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert (
        client_as(user("cv1.noivu")).get(reverse("documents:meeting_invitation_pdf", args=[meeting.pk])).status_code
        == 404
    )
    again = client_as(user("vanthu.ubnd")).post(action(meeting, "invite"))
    assert again.status_code == 400 and "đã được phát hành" in again.content.decode()


def test_a_meeting_without_giay_moi_has_no_pdf(db):
    meeting = scheduled()
    assert (
        client_as(user("vanthu.ubnd")).get(reverse("documents:meeting_invitation_pdf", args=[meeting.pk])).status_code
        == 404
    )


def test_the_paper_decision_for_materials_is_explained(db):
    html = page(client_as(user("vanthu.ubnd")), scheduled().get_absolute_url())
    assert "Chỉ gửi điện tử: tài liệu phục vụ hội họp" in html
    html = page(client_as(user("vanthu.ubnd")), scheduled(restricted=True).get_absolute_url())
    assert "Gửi bản giấy: tài liệu họp về quốc phòng, an ninh" in html


# --- Materials -------------------------------------------------------------------------------------------------


def test_a_material_download_is_permission_checked_and_leaves_a_read_receipt(db):
    meeting = scheduled()
    material = with_material(meeting, "bao-cao-tong-ket.pdf")
    url = reverse("documents:meeting_material", args=[material.pk])
    client = client_as(user("vanthu.canhhien"))
    for _ in range(2):
        response = client.get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert "attachment" in response["Content-Disposition"]
    assert "inline" in client.get(url + "?xem=1")["Content-Disposition"]
    assert (
        AuditEvent.objects.filter(verb="material_opened", object_id=meeting.pk, actor=user("vanthu.canhhien")).count()
        == 1
    )
    assert client_as(user("cv1.noivu")).get(url).status_code == 404
    assert client_as(user("cv1.noivu")).get(reverse("documents:meeting_material", args=[999_999])).status_code == 404
    html = page(client_as(user("vanthu.ubnd")), meeting.get_absolute_url())
    assert "1 người đã xem" in html and "Đã xem tài liệu họp" in html


def test_a_material_whose_file_is_lost_from_the_store_gets_a_page_not_a_server_error(db, caplog):
    meeting = scheduled()
    material = with_material(meeting, "tai-lieu-bi-mat-tep.pdf")
    Path(material.blob.content.path).unlink()

    response = client_as(user("vanthu.canhhien")).get(reverse("documents:meeting_material", args=[material.pk]))

    assert response.status_code == 404
    html = response.content.decode()
    assert "Không mở được tệp" in html and "tai-lieu-bi-mat-tep.pdf" in html and 'id="sidebar"' in html
    assert "missing from the file store" in caplog.text


def test_a_confidential_material_shows_as_tai_lieu_mat_until_granted(db):
    meeting = scheduled()
    secret = with_material(meeting, "phuong-an-bao-ve-muc-tieu.pdf", confidential=True)
    url = reverse("documents:meeting_material", args=[secret.pk])
    clerk = client_as(user("vanthu.canhhien"))
    html = page(clerk, meeting.get_absolute_url())
    assert "Tài liệu mật" in html and "phuong-an-bao-ve-muc-tieu" not in html and url not in html
    assert clerk.get(url).status_code == 403

    organiser = client_as(user("vanthu.ubnd"))
    assert "phuong-an-bao-ve-muc-tieu.pdf" in page(organiser, meeting.get_absolute_url())
    response = organiser.post(
        action(meeting, "grant"), {"material": str(secret.pk), "users": [str(user("vanthu.canhhien").pk)]}
    )
    assert response.status_code == 302
    assert clerk.get(url).status_code == 200
    assert "phuong-an-bao-ve-muc-tieu.pdf" in page(clerk, meeting.get_absolute_url())
    assert client_as(user("cv1.canhhien")).get(url).status_code == 403
    # Tampered grants: someone outside the meeting, an unknown material, by an invitee.
    stranger = organiser.post(
        action(meeting, "grant"), {"material": str(secret.pk), "users": [str(user("cv1.noivu").pk)]}
    )
    assert stranger.status_code == 400
    unknown = organiser.post(
        action(meeting, "grant"), {"material": "999999", "users": [str(user("vanthu.canhhien").pk)]}
    )
    assert unknown.status_code == 400
    assert (
        clerk.post(
            action(meeting, "grant"), {"material": str(secret.pk), "users": [str(user("cv1.canhhien").pk)]}
        ).status_code
        == 403
    )


def test_the_organiser_adds_materials_and_a_bad_file_is_refused(db):
    from django.core.files.uploadedfile import SimpleUploadedFile

    meeting = scheduled()
    organiser = client_as(user("vanthu.ubnd"))
    good = SimpleUploadedFile("du-thao.pdf", pdf_bytes("added"), content_type="application/pdf")
    assert organiser.post(action(meeting, "materials"), {"uploads": good}).status_code == 302
    assert meeting.materials.get().name == "du-thao.pdf"
    bad = SimpleUploadedFile("virus.pdf", b"MZ\x90\x00not a pdf", content_type="application/pdf")
    response = organiser.post(action(meeting, "materials"), {"uploads": bad})
    assert response.status_code == 400
    assert meeting.materials.count() == 1
    assert organiser.post(action(meeting, "materials"), {}).status_code == 400
    assert client_as(user("vanthu.canhhien")).post(action(meeting, "materials"), {"uploads": good}).status_code == 403


# --- Answers, reasons, attendance through the page ---------------------------------------------------------------


def answer_post(invitation: MeetingInvitee, **fields) -> dict:
    prefix = f"tl{invitation.pk}"
    data = {f"{prefix}-invitee": str(invitation.pk)}
    data.update({f"{prefix}-{k}": v for k, v in fields.items()})
    return data


def test_a_commune_clerk_sends_a_deputy_from_the_page(db):
    meeting = scheduled()
    hien = invitee_of(meeting, "xa-canh-hien")
    client = client_as(user("vanthu.canhhien"))
    html = page(client, meeting.get_absolute_url())
    assert "Trả lời giấy mời" in html and "Cử người dự thay" in html
    assert user("pho.canhhien").full_name in html  # the deputy list is the commune's people
    response = client.post(
        action(meeting, "answer"), answer_post(hien, response="deputy", deputy=str(user("pho.canhhien").pk))
    )
    assert response.status_code == 302
    hien.refresh_from_db()
    assert (hien.response, hien.deputy) == (Response.DEPUTY, user("pho.canhhien"))
    assert user("pho.canhhien").full_name in page(client_as(user("vanthu.ubnd")), meeting.get_absolute_url())


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"response": "deputy", "deputy": "DEPUTY_OTHER_UNIT"}, "Người dự thay phải thuộc đơn vị được mời"),
        ({"response": "deputy", "deputy": ""}, "Hãy chọn người dự thay"),
        ({"response": "deputy", "deputy": "abc"}, "Người dự thay không hợp lệ"),
        ({"response": "deputy", "deputy": "999999"}, "Người dự thay không hợp lệ"),
        ({"response": "decline", "reason": " "}, "Hãy nêu lý do vắng"),
        ({"response": "maybe"}, "lựa chọn hợp lệ"),
        ({}, "bắt buộc"),
    ],
)
def test_a_bad_answer_is_refused_with_a_message_and_nothing_changes(db, fields, message):
    meeting = scheduled()
    hien = invitee_of(meeting, "xa-canh-hien")
    if fields.get("deputy") == "DEPUTY_OTHER_UNIT":
        fields["deputy"] = str(user("cv1.noivu").pk)
    response = client_as(user("vanthu.canhhien")).post(action(meeting, "answer"), answer_post(hien, **fields))
    assert response.status_code == 400
    assert message.lower() in response.content.decode().lower()
    hien.refresh_from_db()
    assert hien.response == Response.PENDING


def test_tampered_answers_are_404_or_403_never_500(db):
    meeting = scheduled()
    hien, vinh = invitee_of(meeting, "xa-canh-hien"), invitee_of(meeting, "xa-canh-vinh")
    other = invitee_of(scheduled(title="Cuộc họp khác"), "xa-canh-hien")
    client = client_as(user("vanthu.canhhien"))
    assert client.post(action(meeting, "answer"), answer_post(vinh, response="attend")).status_code == 403
    assert client.post(action(meeting, "answer"), answer_post(other, response="attend")).status_code == 404
    assert client.post(action(meeting, "answer"), {"tl1-invitee": "x", "tl1-response": "attend"}).status_code == 404
    assert client.post(action(meeting, "answer"), {}).status_code == 404
    assert client.post(action(meeting, "khong-co")).status_code == 404
    assert client.get(action(meeting, "answer")).status_code == 405
    assert (
        client_as(user("cv1.canhhien"))
        .post(action(meeting, "answer"), answer_post(hien, response="attend"))
        .status_code
        == 403
    )
    assert (
        client_as(user("cv1.noivu")).post(action(meeting, "answer"), answer_post(hien, response="attend")).status_code
        == 404
    )


def test_a_reply_after_the_meeting_ended_is_a_message_not_an_error(db):
    meeting = scheduled()
    hien = invitee_of(meeting, "xa-canh-hien")
    client = client_as(user("vanthu.canhhien"))
    with time_machine.travel(meeting.end + datetime.timedelta(hours=1)):
        client = client_as(user("vanthu.canhhien"))  # a fresh session, in the future
        html = page(client, meeting.get_absolute_url())
        assert "Trả lời giấy mời" not in html and "Đã kết thúc" in html
        response = client.post(action(meeting, "answer"), answer_post(hien, response="attend"))
    assert response.status_code == 400
    assert "Cuộc họp đã kết thúc, không thể trả lời." in response.content.decode()


def test_the_organiser_judges_a_reason_from_the_page(db):
    meeting = scheduled()
    vinh = invitee_of(meeting, "xa-canh-vinh")
    meetings.answer(
        user=user("vanthu.canhvinh"), meeting=meeting, invitee=vinh, response=Response.DECLINE, reason="Bận tiếp dân"
    )
    organiser = client_as(user("vanthu.ubnd"))
    html = page(organiser, meeting.get_absolute_url())
    assert "Bận tiếp dân" in html and "Không chính đáng" in html
    assert organiser.post(action(meeting, "judge"), {"invitee": str(vinh.pk), "chinh_dang": "0"}).status_code == 302
    vinh.refresh_from_db()
    assert vinh.reason_accepted is False
    assert "Lý do không chính đáng" in page(client_as(user("vanthu.canhvinh")), meeting.get_absolute_url())
    assert organiser.post(action(meeting, "judge"), {"invitee": str(vinh.pk), "chinh_dang": "x"}).status_code == 400
    assert organiser.post(action(meeting, "judge"), {"invitee": "abc", "chinh_dang": "1"}).status_code == 404
    assert organiser.post(action(meeting, "judge"), {"invitee": "999999", "chinh_dang": "1"}).status_code == 404
    hien = invitee_of(meeting, "xa-canh-hien")
    assert organiser.post(action(meeting, "judge"), {"invitee": str(hien.pk), "chinh_dang": "1"}).status_code == 400
    assert (
        client_as(user("vanthu.canhvinh"))
        .post(action(meeting, "judge"), {"invitee": str(vinh.pk), "chinh_dang": "1"})
        .status_code
        == 403
    )


def test_attendance_from_the_page_after_the_start(db):
    meeting = scheduled()
    hien, vinh = invitee_of(meeting, "xa-canh-hien"), invitee_of(meeting, "xa-canh-vinh")
    organiser = client_as(user("vanthu.ubnd"))
    assert "Ghi điểm danh" not in page(organiser, meeting.get_absolute_url())
    assert organiser.post(action(meeting, "attendance"), {f"dd-{hien.pk}": "present"}).status_code == 403
    meeting = move_to_past(meeting)
    assert "Ghi điểm danh" in page(organiser, meeting.get_absolute_url())
    response = organiser.post(action(meeting, "attendance"), {f"dd-{hien.pk}": "present", f"dd-{vinh.pk}": "unexcused"})
    assert response.status_code == 302
    hien.refresh_from_db()
    vinh.refresh_from_db()
    assert (hien.attendance, vinh.attendance) == (Attendance.PRESENT, Attendance.UNEXCUSED)
    html = page(client_as(user("vanthu.canhvinh")), meeting.get_absolute_url())
    assert "Vắng không có lý do chính đáng" in html and "Ghi điểm danh" not in html
    assert organiser.post(action(meeting, "attendance"), {f"dd-{hien.pk}": "late"}).status_code == 400
    assert organiser.post(action(meeting, "attendance"), {}).status_code == 400
    unknown = organiser.post(action(meeting, "attendance"), {"dd-999999": "present"})  # not a row of this meeting
    assert unknown.status_code == 400 and "Chưa chọn điểm danh" in unknown.content.decode()
    assert (
        client_as(user("vanthu.canhhien")).post(action(meeting, "attendance"), {f"dd-{hien.pk}": "present"}).status_code
        == 403
    )


def test_reschedule_and_cancel_from_the_page(db):
    meeting = scheduled()
    organiser = client_as(user("vanthu.ubnd"))
    day = (timezone.localtime(meeting.start) + datetime.timedelta(days=2)).date()
    bad = organiser.post(
        action(meeting, "reschedule"),
        {"start_date": day.strftime("%d/%m/%Y"), "start_time": "15:00", "end_time": "14:00", "place": "Hội trường"},
    )
    assert bad.status_code == 400 and "Giờ kết thúc phải sau giờ bắt đầu." in bad.content.decode()
    past = organiser.post(
        action(meeting, "reschedule"),
        {"start_date": "01/01/2020", "start_time": "08:00", "end_time": "09:00", "place": "Hội trường"},
    )
    assert past.status_code == 400 and "Không thể dời cuộc họp về quá khứ." in past.content.decode()
    ok = organiser.post(
        action(meeting, "reschedule"),
        {"start_date": day.strftime("%d/%m/%Y"), "start_time": "14:00", "end_time": "16:00", "place": "Hội trường B"},
    )
    assert ok.status_code == 302
    meeting.refresh_from_db()
    assert (timezone.localtime(meeting.start).date(), meeting.place) == (day, "Hội trường B")
    assert client_as(user("vanthu.canhhien")).post(action(meeting, "cancel"), {"reason": "x"}).status_code == 403
    assert organiser.post(action(meeting, "cancel"), {"reason": ""}).status_code == 400
    assert organiser.post(action(meeting, "cancel"), {"reason": "Chủ tịch họp tỉnh"}).status_code == 302
    html = page(client_as(user("vanthu.canhhien")), meeting.get_absolute_url())
    assert "Cuộc họp đã bị hủy." in html and "Chủ tịch họp tỉnh" in html and "Trả lời giấy mời" not in html


# --- Lịch công tác tuần ----------------------------------------------------------------------------------------


def week_param(day: datetime.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def test_the_week_view_shows_the_meetings_i_may_see_by_day_and_session(db):
    monday = next_monday()
    morning = scheduled()
    afternoon = scheduled(
        title="Họp Hội đồng thi đua khen thưởng",
        start=local(monday + datetime.timedelta(days=2), 14),
        end=local(monday + datetime.timedelta(days=2), 16),
    )
    hidden = scheduled(
        title="Họp riêng Phòng Nội vụ",
        organiser="vanthu.noivu",
        chair=user("truong.noivu"),
        invited_units=[unit("tu-phap")],
    )
    client = client_as(user("vanthu.canhhien"))
    html = page(client, f"{reverse('documents:meeting_week')}?tuan={week_param(monday)}")
    assert morning.title in html and afternoon.title in html and hidden.title not in html
    assert f"Từ ngày {monday:%d/%m/%Y} đến ngày {monday + datetime.timedelta(days=6):%d/%m/%Y}" in html
    assert "Thứ Hai" in html and "Chủ nhật" in html and "Sáng" in html and "Chiều" in html
    assert f"tuan={week_param(monday - datetime.timedelta(days=7))}" in html
    assert f"tuan={week_param(monday + datetime.timedelta(days=7))}" in html
    week = client.get(f"{reverse('documents:meeting_week')}?tuan={week_param(monday)}").context["week"]
    assert week.days[0].morning == [morning] and week.days[2].afternoon == [afternoon]
    # The chairman sees all of them.
    assert hidden.title in page(
        client_as(user("chutich")), f"{reverse('documents:meeting_week')}?tuan={week_param(monday)}"
    )


def test_the_week_view_filters_by_unit(db):
    monday = next_monday()
    both = scheduled()
    vinh_only = scheduled(title="Họp riêng xã Canh Vinh", invited_units=[unit("xa-canh-vinh")])
    client = client_as(user("chutich"))
    html = page(client, f"{reverse('documents:meeting_week')}?tuan={week_param(monday)}&don_vi=xa-canh-hien")
    assert both.title in html and vinh_only.title not in html
    html = page(client, f"{reverse('documents:meeting_week')}?tuan={week_param(monday)}&don_vi=xa-canh-vinh")
    assert both.title in html and vinh_only.title in html


@pytest.mark.parametrize(
    "query",
    [
        "tuan=2026-W99",
        "tuan=abc",
        "tuan=-W",
        "don_vi=khong-co",
        "tuan=0000-W01",
        "tuan=9999-W52",
        "tuan=0001-W01",
        "tuan=2026-W53",
        "tuan=2026-W48&don_vi=%00",
    ],
)
def test_a_malformed_week_query_shows_a_week_not_an_error(db, query):
    assert client_as(user("chutich")).get(f"{reverse('documents:meeting_week')}?{query}").status_code == 200
    assert client_as(user("chutich")).get(f"{reverse('documents:meeting_week_pdf')}?{query}").status_code == 200


def pdf_text(content: bytes) -> str:
    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils (pdftotext) is not installed")
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(content)
        f.flush()
        return subprocess.run(["pdftotext", "-layout", f.name, "-"], capture_output=True, text=True, check=True).stdout


def test_the_weekly_schedule_prints_as_the_usual_landscape_table(db):
    monday = next_monday()
    meeting = scheduled(invited_units=[unit("xa-canh-hien")], place="Hội trường UBND huyện")
    scheduled(
        title="Họp an ninh",
        restricted=True,
        start=local(monday + datetime.timedelta(days=1), 14),
        end=local(monday + datetime.timedelta(days=1), 15),
    )
    response = client_as(user("vanthu.ubnd")).get(f"{reverse('documents:meeting_week_pdf')}?tuan={week_param(monday)}")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    import io

    from pypdf import PdfReader

    first = PdfReader(io.BytesIO(response.content)).pages[0]
    assert first.mediabox.width > first.mediabox.height  # landscape
    text = pdf_text(response.content)
    flat = " ".join(text.split())
    assert "LỊCH CÔNG TÁC TUẦN" in text
    assert f"Từ ngày {monday:%d/%m/%Y} đến ngày {monday + datetime.timedelta(days=6):%d/%m/%Y}" in flat
    for header in ("Thứ/ngày", "Buổi", "Nội dung", "Chủ trì", "Thành phần", "Địa điểm"):
        assert header in text
    assert "Thứ Hai" in text and "Thứ Sáu" in text and "Sáng" in text and "Chiều" in text
    assert "08 giờ 00" in flat and "Trần Kim Vũ" in flat and "UBND xã Canh Hiển" in flat and "Hội trường" in flat
    assert meeting.title[:30] in flat and "Họp an ninh" in flat
    assert "UBND HUYỆN VÂN CANH" in text and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text


def test_the_printed_week_holds_only_what_the_user_may_see(db):
    monday = next_monday()
    scheduled(
        title="Họp riêng Phòng Nội vụ",
        organiser="vanthu.noivu",
        chair=user("truong.noivu"),
        invited_units=[unit("tu-phap")],
    )
    text = pdf_text(
        client_as(user("vanthu.canhhien"))
        .get(f"{reverse('documents:meeting_week_pdf')}?tuan={week_param(monday)}")
        .content
    )
    assert "Phòng Nội vụ" not in text
    assert "Không có cuộc họp nào trong tuần." in " ".join(text.split())


# --- Query counts ---------------------------------------------------------------------------------------------


def many(n: int) -> None:
    monday = next_monday()
    for i in range(n):
        day = monday + datetime.timedelta(days=i % 5)
        m = scheduled(
            title=f"Họp số {i}",
            start=local(day, 7 + i % 9),
            end=local(day, 8 + i % 9),
            invited_users=[user("truong.noivu")],
        )
        if i % 3 == 0:
            meetings.answer(
                user=user("vanthu.canhhien"), meeting=m, invitee=invitee_of(m, "xa-canh-hien"), response=Response.ATTEND
            )
        if i % 4 == 0:
            move_to_past(m, days=1 + i)


def queries(client, url: str) -> int:
    client.get(url)  # warm: session, feed token
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", ["/meetings/", "WEEK"])
def test_the_list_and_the_week_cost_the_same_for_3_and_20_meetings(db, url):
    url = f"{reverse('documents:meeting_week')}?tuan={week_param(next_monday())}" if url == "WEEK" else url
    client = client_as(user("vanthu.canhhien"))
    many(3)
    small = queries(client, url)
    many(17)
    assert queries(client, url) == small
