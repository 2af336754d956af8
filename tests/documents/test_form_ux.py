"""Forms as a person fills them (issue 18): the server's Vietnamese messages rather than the browser's English
ones, file inputs worded in Vietnamese, one duplicate warning, a signing button naming the chosen decision."""

from __future__ import annotations

import datetime
import re

from django.utils import timezone

from documents.models import DraftStatus
from documents.outgoing import services as outgoing
from tests.documents import outgoing_builders as ob
from tests.documents.test_incoming_views import NEW_URL, form_data, html, register
from tests.helpers import client_as
from tests.helpers import user as who

FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S)
FIELD = re.compile(r"<(textarea|select)\b|<input\b(?![^>]*type=\"hidden\")", re.S)


def forms_without_novalidate(page: str) -> list[str]:
    """The opening tags of POST forms with a field a person fills that would let the browser validate."""
    return [
        attrs
        for attrs, body in FORM.findall(page)
        if 'method="post"' in attrs and "novalidate" not in attrs and FIELD.search(body)
    ]


def test_every_form_page_leaves_validation_to_the_server(district_clerk, chairman):
    draft = ob.drafted("cv1.vp", summary="V/v kiểm tra biểu mẫu")
    outgoing.submit_draft(author=who("cv1.vp"), draft=draft)
    draft.refresh_from_db()
    if draft.status == DraftStatus.IN_REVIEW:
        outgoing.review_draft(head=who("truong.vp"), draft=draft, approve=True)
    record = register(district_clerk, summary="V/v kiểm tra biểu mẫu chỉ đạo")
    pages = {
        district_clerk: [NEW_URL, "/documents/incoming/", record.get_absolute_url(), "/documents/meetings/new/"],
        who("cv1.vp"): ["/documents/outgoing/new/"],
        draft.signer: [draft.get_absolute_url()],
    }
    for person, urls in pages.items():
        client = client_as(person)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            assert forms_without_novalidate(html(response)) == [], url


def test_file_inputs_are_worded_in_vietnamese(district_clerk):
    page = html(client_as(district_clerk).get(NEW_URL))

    picker = re.search(r'<div class="idesk-file" data-file-picker>.*?</div></div>', page, re.S).group(0)
    assert 'type="file"' in picker and 'name="uploads"' in picker
    assert re.search(r'<label class="btn[^"]*" for="id_uploads">.*Chọn tệp…</label>', picker)
    assert "Chưa chọn tệp" in picker


def test_a_duplicate_is_warned_once(district_clerk):
    register(district_clerk, number_symbol="77/KH-SNV", issued_date=timezone.localdate() - datetime.timedelta(days=2))
    data = form_data(number_symbol="77/KH-SNV")  # issued two days ago too

    response = client_as(district_clerk).post(NEW_URL, data)

    page = html(response)
    assert response.status_code == 400
    assert page.count('class="alert') == 1, "one warning: the duplicate box, no error summary beside it"
    assert page.count("có thể đã được vào sổ") + page.count("Có thể trùng") == 1
    assert re.search(r'<input type="checkbox" name="confirm_duplicate"[^>]*aria-describedby="duplicate-warning"', page)


def test_the_signing_button_names_the_chosen_decision(db):
    draft = ob.drafted("cv1.vp")
    outgoing.submit_draft(author=who("cv1.vp"), draft=draft)
    draft.refresh_from_db()
    if draft.status == DraftStatus.IN_REVIEW:
        draft = outgoing.review_draft(head=who("truong.vp"), draft=draft, approve=True)
    leader = client_as(draft.signer)

    page = html(leader.get(draft.get_absolute_url()))
    button = re.search(r'<button[^>]*data-label-approve="Ký duyệt"[^>]*>([^<]*)</button>', page)
    assert button and button.group(1) == "Ký duyệt"
    assert 'data-label-return="Trả lại để sửa"' in button.group(0)
    assert re.search(r'<input type="radio" name="decision" value="approve"[^>]*checked', page)

    refused = leader.post(f"/documents/outgoing/drafts/{draft.pk}/sign/", {"decision": "return", "comment": ""})
    page = html(refused)
    button = re.search(r'<button[^>]*data-label-approve="Ký duyệt"[^>]*>([^<]*)</button>', page)
    assert button and button.group(1) == "Trả lại để sửa"


def test_a_cong_van_is_listed_with_its_v_v_wherever_it_appears(district_clerk):
    document = ob.issued(summary="triển khai chữ ký số cho các xã")  # drafts keep it without the prefix
    commune_clerk = ob.clerk_of(ob.communes()[0])
    typed = register(district_clerk, summary="v/v rà soát tài khoản người dùng")  # a clerk typed it lower-case

    assert document.type_and_summary == "V/v triển khai chữ ký số cho các xã"
    assert typed.document.type_and_summary == "V/v rà soát tài khoản người dùng"
    waiting = html(client_as(commune_clerk).get("/documents/incoming/arrivals/"))
    assert "V/v triển khai chữ ký số cho các xã" in waiting
    issued_page = html(client_as(district_clerk).get(f"/documents/outgoing/{document.pk}/"))
    assert "V/v triển khai chữ ký số cho các xã" in issued_page and "V/v V/v" not in issued_page
    record_page = html(client_as(district_clerk).get(typed.get_absolute_url()))
    assert "V/v rà soát tài khoản người dùng" in record_page


def test_units_and_people_are_ticked_in_pickers_not_ctrl_click_lists(district_clerk, chairman):
    from tests.documents.test_incoming_views import submitted

    record = submitted(district_clerk, chairman)
    page = html(client_as(chairman).get(record.get_absolute_url()))

    assert "<select multiple" not in page and "Ctrl" not in page
    for name in ("cooperate", "inform"):
        picker = re.search(rf'<div class="idesk-picker" data-picker id="id_{name}">.*?</div></div>', page, re.S)
        assert picker, name
        picker = picker.group(0)
        assert "data-picker-filter" in picker
        assert ">Các phòng, ban, ngành<" in picker and ">UBND các xã, thị trấn<" in picker
        assert picker.count('data-picker-group="') >= 3  # one "Chọn cả" per group
        assert f'value="p:{chairman.pk}"' not in picker, "a leader is not offered himself"
        assert re.search(rf'<input type="checkbox" class="form-check-input" name="{name}" value="u:\d+"', picker)
    assert re.search(r"<legend[^>]*>Phối hợp</legend>", page)

    draft_page = html(client_as(who("cv1.vp")).get("/documents/outgoing/new/"))
    assert re.search(r'<div class="idesk-picker" data-picker id="id_recipient_units">', draft_page)
    assert "<select multiple" not in draft_page
    meeting_page = html(client_as(district_clerk).get("/documents/meetings/new/"))
    assert re.search(r'<div class="idesk-picker" data-picker id="id_invited_users">', meeting_page)
    assert re.search(r'<div class="idesk-picker" data-picker id="id_invited_units">', meeting_page)
    assert "<select multiple" not in meeting_page
