"""The outgoing pages (Văn bản đi) through the test client: the draft form, the whole flow from draft to the
recipients' clerks, who may see and do what, the lists and their query counts.

The cast, from the demo district: cv1.vp (staff of Văn phòng HĐND và UBND) drafts for UBND huyện, truong.vp
(its head) reviews, chutich signs, vanthu.ubnd (the district clerk) issues; the communes' clerks receive.
"""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from documents.core import registers as core_registers
from documents.incoming import services
from documents.models import (
    CopyKind,
    Delivery,
    DeliveryStatus,
    DocType,
    Document,
    DraftStatus,
    OutgoingDraft,
    Register,
    RegisterKind,
    StoredFile,
)
from documents.outgoing import services as outgoing
from documents.outgoing.services import DraftData
from tests.helpers import client_as, unit, user
from units.models import Unit, UnitKind

PAPER_PROMPT = "Gửi bản giấy: đơn vị nhận chưa tham gia hệ thống văn phòng điện tử (Công văn số 3261/UBND"
INVITATION_ELECTRONIC = "Chỉ gửi điện tử: giấy mời gửi đơn vị đã dùng hệ thống"
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
LEADER_COMMENT_PAPER = "Gửi bản giấy: văn bản có ý kiến của lãnh đạo UBND huyện (Công văn số 3261/UBND"


def as_(username: str):
    return client_as(user(username))


# --- Builders: the steps as the people take them ------------------------------------------------------------


def form_data(**overrides) -> dict:
    """What cv1.vp types for a giấy mời of UBND huyện to two communes, signed by the Chủ tịch."""
    data = {
        "doc_type": DocType.GIAY_MOI,
        "summary": "Mời dự Hội nghị triển khai hệ thống Văn phòng điện tử iDesk",
        "kinh_gui": "",
        "body": "UBND huyện tổ chức Hội nghị triển khai.\n1. Thời gian: 08 giờ 00.\nĐề nghị tham dự đầy đủ./.",
        "recipient_units": [unit("xa-canh-hien").pk, unit("xa-canh-vinh").pk],
        "external_recipients": "",
        "archive_note": "VT, VP",
        "symbol_suffix": "",
        "urgency": "0",
        "secrecy": "0",
        "meeting_kind": "",
        "signer": user("chutich").pk,
        "signing_capacity": "",
        "reply_to": "",
    }
    data.update(overrides)
    return data


def drafted(summary: str = "Mời dự Hội nghị triển khai iDesk", author: str = "cv1.vp", **overrides) -> OutgoingDraft:
    fields = {
        "doc_type": DocType.GIAY_MOI,
        "summary": summary,
        "body": "Đề nghị các đơn vị tham dự./.",
        "signer": user("chutich"),
        "issuer_unit": unit("ubnd"),
        "recipient_units": [unit("xa-canh-hien"), unit("xa-canh-vinh")],
        "archive_note": "VT, VP",
    }
    fields.update(overrides)
    return outgoing.create_draft(author=user(author), data=DraftData(**fields))


def in_review(summary: str = "Mời dự Hội nghị (chờ duyệt)", **overrides) -> OutgoingDraft:
    draft = drafted(summary, **overrides)
    return outgoing.submit_draft(author=draft.author, draft=draft)


def to_sign(summary: str = "Mời dự Hội nghị (chờ ký)", **overrides) -> OutgoingDraft:
    draft = in_review(summary, **overrides)
    return outgoing.review_draft(head=user("truong.vp"), draft=draft, approve=True)


def signed(summary: str = "Mời dự Hội nghị (đã ký)", leader_comment: str = "", **overrides) -> OutgoingDraft:
    draft = to_sign(summary, **overrides)
    return outgoing.sign_draft(leader=user("chutich"), draft=draft, approve=True, leader_comment=leader_comment)


def issued(summary: str = "Mời dự Hội nghị (đã phát hành)", **overrides) -> Document:
    return outgoing.issue(clerk=user("vanthu.ubnd"), draft=signed(summary, **overrides))


def act(client, draft: OutgoingDraft, action: str, **data):
    return client.post(reverse("documents:draft_action", args=[draft.pk, action]), data)


def delivery_to(document: Document, code: str) -> Delivery:
    return document.deliveries.get(recipient_unit__code=code)


def last_outgoing_number(code: str = "ubnd") -> int:
    register = Register.objects.filter(
        unit=unit(code), kind=RegisterKind.OUTGOING, confidential=False, year=timezone.localdate().year
    ).first()
    return register.last_number if register else 0


def html(response) -> str:
    return response.content.decode()


def labels(response) -> list[str]:
    """The names fields are shown with: labels, and legends of radio and checkbox groups."""
    found = re.findall(r"<(label|legend)[^>]*>(.*?)</\1>", html(response), re.S)
    return [re.sub(r"<[^>]+>|\*", "", text).strip() for _tag, text in found]


def error_next_to(response, field: str, message: str) -> bool:
    """The message sits in the field's own block: after its label, before the next field's."""
    page = html(response)
    start = page.find(f'for="id_{field}"')
    if start == -1:  # a picker of checkboxes: its fieldset's box, named by its legend
        start = page.find(f'id="id_{field}"')
    assert start != -1, f"no label for {field}"
    end = page.find('<div class="mb-3">', start)
    block = page[start : end if end != -1 else None]
    return "invalid-feedback" in block and message in block


def pdf_bytes(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


# --- The draft form -----------------------------------------------------------------------------------------


def test_the_draft_form_uses_the_register_words(db):
    response = as_("cv1.vp").get(reverse("documents:draft_new"))

    assert response.status_code == 200
    shown = labels(response)
    for label in ("Loại văn bản", "Trích yếu", "Kính gửi", "Nơi nhận (đơn vị)", "Lưu", "Độ khẩn", "Độ mật", "Người ký"):
        assert label in shown
    assert "Giấy mời (GM)" in html(response)
    assert "Trần Kim Vũ — Chủ tịch UBND huyện" in html(response)


def test_posting_the_draft_form_creates_the_draft_and_opens_it(db):
    response = as_("cv1.vp").post(reverse("documents:draft_new"), form_data())

    draft = OutgoingDraft.objects.get(summary="Mời dự Hội nghị triển khai hệ thống Văn phòng điện tử iDesk")
    assert response.status_code == 302
    assert response["Location"] == draft.get_absolute_url()
    assert draft.author.username == "cv1.vp"
    assert draft.unit.code == "vp"
    assert draft.issuer_unit.code == "ubnd"
    assert draft.signer.username == "chutich"
    assert draft.status == DraftStatus.DRAFT
    assert sorted(u.code for u in draft.recipient_units.all()) == ["xa-canh-hien", "xa-canh-vinh"]
    page = as_("cv1.vp").get(response["Location"])
    assert ">Trình duyệt</button>" in html(page)


def test_a_công_văn_typed_with_v_v_is_stored_once_without_it(db):
    as_("cv1.vp").post(reverse("documents:draft_new"), form_data(doc_type=DocType.CONG_VAN, summary="V/v họp giao ban"))

    assert OutgoingDraft.objects.filter(summary="họp giao ban").exists()


def _not_a_leader() -> dict:
    return {"signer": user("cv2.vp").pk}


def _leader_of_another_unit() -> dict:
    return {"signer": user("truong.noivu").pk}


def _no_recipients() -> dict:
    return {"recipient_units": [], "external_recipients": ""}


def _no_summary() -> dict:
    return {"summary": "   "}


def _inactive_recipient() -> dict:
    Unit.objects.filter(code="xa-canh-vinh").update(active=False)
    return {}


def _bad_file() -> dict:
    return {
        "uploads": SimpleUploadedFile("giay-moi.pdf", b"MZ\x90\x00 not a pdf at all", content_type="application/pdf")
    }


@pytest.mark.parametrize(
    ("make_bad", "field", "message"),
    [
        (_no_recipients, "recipient_units", "Hãy chọn ít nhất một nơi nhận."),
        (_no_summary, "summary", "Trường này là bắt buộc."),
        (_not_a_leader, "signer", "Hãy chọn một lựa chọn hợp lệ."),
        (_leader_of_another_unit, "signer", "Hãy chọn một lựa chọn hợp lệ."),
        (_inactive_recipient, "recipient_units", "Đơn vị không còn hoạt động: UBND xã Canh Vinh."),
        (_bad_file, "uploads", "Tệp “giay-moi.pdf” không phải tệp hợp lệ."),
    ],
    ids=["no-recipients", "no-summary", "signer-not-leader", "signer-of-another-unit", "inactive-unit", "bad-file"],
)
def test_bad_input_is_refused_next_to_its_field_and_nothing_is_saved(db, make_bad, field, message):
    drafts, blobs = OutgoingDraft.objects.count(), StoredFile.objects.count()
    data = form_data()
    data.update(make_bad())

    response = as_("cv1.vp").post(reverse("documents:draft_new"), data)

    assert response.status_code == 400
    assert error_next_to(response, field, message), response.context["form"].errors
    assert "Vui lòng sửa các lỗi dưới đây." in html(response)
    assert OutgoingDraft.objects.count() == drafts
    assert StoredFile.objects.count() == blobs


def test_the_refused_form_keeps_what_was_typed(db):
    response = as_("cv1.vp").post(reverse("documents:draft_new"), form_data(signer=""))

    assert response.status_code == 400
    assert "Mời dự Hội nghị triển khai hệ thống Văn phòng điện tử iDesk" in html(response)
    assert re.search(rf'name="recipient_units" value="{unit("xa-canh-hien").pk}" id="[^"]+" checked>', html(response))


def test_a_refused_form_with_a_good_file_asks_to_choose_it_again(db):
    data = form_data(summary="")
    data["uploads"] = SimpleUploadedFile("giay-moi.pdf", PDF, content_type="application/pdf")

    response = as_("cv1.vp").post(reverse("documents:draft_new"), data)

    assert response.status_code == 400
    assert "vui lòng chọn lại tệp" in html(response)
    assert "vui lòng chọn lại tệp" not in html(
        as_("cv1.vp").post(reverse("documents:draft_new"), form_data(summary=""))
    )


def test_the_author_edits_a_draft_and_nobody_else_may(db):
    draft = drafted()
    url = reverse("documents:draft_edit", args=[draft.pk])

    assert as_("cv1.vp").get(url).status_code == 200
    response = as_("cv1.vp").post(url, form_data(summary="Mời dự Hội nghị sơ kết"))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.summary == "Mời dự Hội nghị sơ kết"
    assert as_("cv2.vp").get(url).status_code == 404
    submitted = in_review()
    assert as_("cv1.vp").get(reverse("documents:draft_edit", args=[submitted.pk])).status_code == 403
    out = issued()
    response = as_("cv1.vp").post(
        reverse("documents:draft_edit", args=[out.draft.pk]), form_data(summary="Sửa sau khi phát hành")
    )
    assert response.status_code == 403
    out.refresh_from_db()
    assert out.summary != "Sửa sau khi phát hành"
    assert OutgoingDraft.objects.get(pk=out.draft.pk).summary == out.summary


# --- The whole flow through the pages ----------------------------------------------------------------------------


def test_a_draft_goes_from_staff_to_head_to_leader_to_clerk_and_out(db):
    before = last_outgoing_number()
    staff, head, leader, clerk = as_("cv1.vp"), as_("truong.vp"), as_("chutich"), as_("vanthu.ubnd")
    staff.post(
        reverse("documents:draft_new"), form_data(recipient_units=[unit("xa-canh-hien").pk, unit("xa-canh-vinh").pk])
    )
    draft = OutgoingDraft.objects.latest("id")

    response = act(staff, draft, "submit")
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == DraftStatus.IN_REVIEW
    assert "Duyệt dự thảo" in html(head.get(draft.get_absolute_url()))

    response = act(head, draft, "review", decision="approve", comment="Đồng ý, trình Chủ tịch.")
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == DraftStatus.TO_SIGN
    page = html(leader.get(draft.get_absolute_url()))
    assert "Ký duyệt" in page
    assert "Đồng ý, trình Chủ tịch." in page

    response = act(leader, draft, "sign", decision="approve", comment="", leader_comment="Các xã bố trí lãnh đạo dự.")
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == DraftStatus.SIGNED
    assert draft.leader_comment == "Các xã bố trí lãnh đạo dự."
    assert "Cấp số và phát hành" in html(clerk.get(draft.get_absolute_url()))

    response = act(clerk, draft, "issue")
    draft.refresh_from_db()
    document = draft.document
    assert response.status_code == 302
    assert response["Location"] == reverse("documents:issued_detail", args=[document.pk])
    assert document.number == before + 1
    assert document.number_symbol == f"{before + 1:02d}/GM-UBND"

    page = html(clerk.get(response["Location"]))
    assert document.number_symbol in page
    rows = re.findall(r'<tr data-unit="([^"]+)">(.*?)</tr>', page, re.S)
    assert sorted(code for code, _ in rows) == ["xa-canh-hien", "xa-canh-vinh"]
    reasons = paper_reasons(page)
    for code, row in rows:
        # The leader's comment keeps the paper copy, even for an invitation (founding letter, R3).
        assert LEADER_COMMENT_PAPER in reasons[code]
        assert "Đã gửi" in row


def paper_reasons(page: str) -> dict[str, str]:
    """Each recipient's paper reason: the heading row of the group (tbody) its row is in."""
    reasons = {}
    for group in re.findall(r"<tbody>(.*?)</tbody>", page, re.S):
        heading = re.search(r'data-testid="paper-reason">(.*?)</th>', group, re.S)
        for code in re.findall(r'<tr data-unit="([^"]+)">', group):
            reasons[code] = heading.group(1) if heading else ""
    return reasons


def test_the_issued_page_explains_each_paper_decision(db):
    Unit.objects.filter(code="xa-canh-thuan").update(eoffice_since=None)
    document = issued(recipient_units=[unit("xa-canh-hien"), unit("xa-canh-thuan")])

    page = html(as_("vanthu.ubnd").get(reverse("documents:issued_detail", args=[document.pk])))

    rows = dict(re.findall(r'<tr data-unit="([^"]+)">(.*?)</tr>', page, re.S))
    reasons = paper_reasons(page)
    assert INVITATION_ELECTRONIC in reasons["xa-canh-hien"]
    assert PAPER_PROMPT in reasons["xa-canh-thuan"]
    assert "Bản giấy chờ gửi" in rows["xa-canh-thuan"]


def test_the_sender_sees_who_opened_a_delivery_and_why_one_was_returned(db):
    document = issued()
    vinh, hien = delivery_to(document, "xa-canh-vinh"), delivery_to(document, "xa-canh-hien")
    as_("vanthu.canhvinh").get(reverse("documents:delivery_detail", args=[vinh.pk]))
    response = as_("vanthu.canhhien").post(
        reverse("documents:delivery_detail", args=[hien.pk]), {"do": "return", "reason": "Gửi nhầm đơn vị."}
    )
    assert response.status_code == 302

    page = html(as_("vanthu.ubnd").get(reverse("documents:issued_detail", args=[document.pk])))

    rows = dict(re.findall(r'<tr data-unit="([^"]+)">(.*?)</tr>', page, re.S))
    assert f"Đã xem · {user('vanthu.canhvinh').full_name}" in rows["xa-canh-vinh"]
    assert "Bị trả lại" in rows["xa-canh-hien"]
    assert "Gửi nhầm đơn vị." in rows["xa-canh-hien"]


def test_the_head_returns_a_draft_only_with_a_comment_and_the_history_stays(db):
    draft = in_review()
    head = as_("truong.vp")

    response = act(head, draft, "review", decision="return", comment="  ")
    assert response.status_code == 400
    assert "Hãy ghi ý kiến khi trả lại dự thảo." in html(response)
    draft.refresh_from_db()
    assert draft.status == DraftStatus.IN_REVIEW

    response = act(head, draft, "review", decision="return", comment="Sửa lại thời gian họp.")
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == DraftStatus.RETURNED
    page = html(as_("cv1.vp").get(draft.get_absolute_url()))
    assert "Sửa lại thời gian họp." in page
    assert "Trưởng đơn vị trả lại" in page
    assert ">Trình duyệt</button>" in page  # the author may send it up again


def test_the_leader_returns_a_draft_only_with_a_comment(db):
    draft = to_sign()

    response = act(as_("chutich"), draft, "sign", decision="return", comment="")

    assert response.status_code == 400
    assert "Hãy ghi ý kiến khi trả lại dự thảo." in html(response)
    draft.refresh_from_db()
    assert draft.status == DraftStatus.TO_SIGN


def test_a_second_issue_is_refused_with_a_clear_message_and_no_second_number(db):
    draft = signed()
    clerk = as_("vanthu.ubnd")
    assert act(clerk, draft, "issue").status_code == 302
    number = last_outgoing_number()
    documents = Document.objects.count()

    response = act(clerk, draft, "issue")

    assert response.status_code == 400
    draft.refresh_from_db()
    assert f"Dự thảo này đã được cấp số và phát hành ({draft.document.number_symbol})." in html(response)
    assert last_outgoing_number() == number
    assert Document.objects.count() == documents


@pytest.mark.parametrize(
    ("make", "username", "action", "data", "status"),
    [
        (in_review, "cv1.vp", "submit", {}, "Chờ trưởng đơn vị duyệt"),
        (to_sign, "truong.vp", "review", {"decision": "approve"}, "Chờ ký duyệt"),
        (to_sign, "pho.vp", "review", {"decision": "approve"}, "Chờ ký duyệt"),  # the head approved first
        (signed, "chutich", "sign", {"decision": "approve"}, "Đã ký duyệt, chờ phát hành"),
    ],
    ids=["submit-twice", "approve-twice", "deputy-after-head", "sign-twice"],
)
def test_a_step_already_taken_is_refused_with_the_drafts_state_not_a_bare_403(db, make, username, action, data, status):
    draft = make()
    before = (draft.status, draft.comments.count(), draft.versions.count())

    response = act(as_(username), draft, action, **data)

    assert response.status_code == 400
    assert f"Dự thảo đang ở bước “{status}”; thao tác này không còn thực hiện được." in html(response)
    draft.refresh_from_db()
    assert (draft.status, draft.comments.count(), draft.versions.count()) == before


# --- Who may do what ----------------------------------------------------------------------------------------


def test_staff_cannot_review_their_own_draft(db):
    draft = in_review()

    assert act(as_("cv1.vp"), draft, "review", decision="approve").status_code == 403
    assert act(as_("cv2.vp"), draft, "review", decision="approve").status_code == 404
    draft.refresh_from_db()
    assert draft.status == DraftStatus.IN_REVIEW


def test_only_the_chosen_leader_signs(db):
    draft = to_sign()

    assert act(as_("truong.vp"), draft, "sign", decision="approve").status_code == 403  # the reviewer sees it
    assert act(as_("pct.kinhte"), draft, "sign", decision="approve").status_code == 404  # another leader does not
    draft.refresh_from_db()
    assert draft.status == DraftStatus.TO_SIGN


def test_only_the_issuing_units_clerk_issues(db):
    draft = signed()
    before = last_outgoing_number()

    assert act(as_("vanthu.vp"), draft, "issue").status_code == 404  # clerk of the drafting unit, not the issuer
    assert act(as_("vanthu.canhhien"), draft, "issue").status_code == 404
    assert act(as_("chutich"), draft, "issue").status_code == 403  # the signer sees it, may not number it
    draft.refresh_from_db()
    assert draft.status == DraftStatus.SIGNED
    assert last_outgoing_number() == before


def test_a_commune_clerk_cannot_see_a_draft(db):
    draft = signed()

    assert as_("vanthu.canhhien").get(draft.get_absolute_url()).status_code == 404
    assert as_("vanthu.canhhien").get(reverse("documents:draft_preview", args=[draft.pk])).status_code == 404
    assert as_("cv2.vp").get(draft.get_absolute_url()).status_code == 404


def test_each_role_sees_only_its_own_buttons(db):
    draft = in_review()

    assert "Duyệt dự thảo" not in html(as_("cv1.vp").get(draft.get_absolute_url()))
    assert ">Trình duyệt</button>" not in html(as_("cv1.vp").get(draft.get_absolute_url()))
    assert "Duyệt dự thảo" in html(as_("truong.vp").get(draft.get_absolute_url()))
    assert "Cấp số và phát hành" not in html(as_("truong.vp").get(draft.get_absolute_url()))


def test_the_decisions_are_radio_buttons_each_with_its_label(db):
    draft = in_review()

    page = html(as_("truong.vp").get(draft.get_absolute_url()))

    for value, label in (("approve", "Duyệt, trình ký"), ("return", "Trả lại để sửa")):
        radio = re.search(rf'<input type="radio" name="decision" value="{value}" id="([^"]+)" class="([^"]+)"', page)
        assert radio, value
        assert radio.group(2).split() == ["form-check-input"]
        assert f'<label class="form-check-label" for="{radio.group(1)}">{label}</label>' in page


# --- PDFs --------------------------------------------------------------------------------------------------


def test_the_preview_is_a_pdf_for_those_in_the_flow_only(db):
    draft = to_sign()
    url = reverse("documents:draft_preview", args=[draft.pk])

    for username in ("cv1.vp", "truong.vp", "chutich"):
        response = as_(username).get(url)
        assert response.status_code == 200, username
        assert response["Content-Type"] == "application/pdf"
        assert pdf_bytes(response).startswith(b"%PDF")
    assert as_("cv1.canhhien").get(url).status_code == 404
    assert as_("vanthu.ubnd").get(url).status_code == 404  # not signed yet: not the clerk's business


def _pdf_text(content: bytes) -> str:
    import subprocess
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(content)
        f.flush()
        text = subprocess.run(["pdftotext", f.name, "-"], check=True, capture_output=True, text=True).stdout
    return " ".join(text.split())


def test_the_preview_is_what_goes_out_but_for_the_number(db, unsigned):
    draft = signed("Mời dự Hội nghị sơ kết sáu tháng")
    preview = _pdf_text(pdf_bytes(as_("chutich").get(reverse("documents:draft_preview", args=[draft.pk]))))

    document = outgoing.issue(clerk=user("vanthu.ubnd"), draft=draft)
    official = _pdf_text(pdf_bytes(as_("vanthu.ubnd").get(reverse("documents:issued_pdf", args=[document.pk]))))

    assert "Số: …/GM-UBND" in preview
    assert f"Số: {document.number_symbol}" in official
    assert preview.replace("…/GM-UBND", document.number_symbol) == official


def test_the_official_pdf_downloads_for_the_sender_and_the_recipient_not_for_an_outsider(db):
    document = issued()
    url = reverse("documents:issued_pdf", args=[document.pk])

    for username in ("vanthu.ubnd", "cv1.vp", "chutich", "vanthu.canhhien"):
        response = as_(username).get(url)
        assert response.status_code == 200, username
        assert response["Content-Type"] == "application/pdf"
        assert pdf_bytes(response).startswith(b"%PDF")
    assert as_("cv1.canhhien").get(url).status_code == 404
    assert as_("vanthu.canhhiep").get(url).status_code == 404  # a commune it was not sent to
    assert as_("cv2.vp").get(reverse("documents:issued_detail", args=[document.pk])).status_code == 404


def test_the_issued_page_links_the_official_pdf(db):
    document = issued()

    page = html(as_("vanthu.ubnd").get(reverse("documents:issued_detail", args=[document.pk])))

    assert reverse("documents:issued_pdf", args=[document.pk]) in page


# --- The lists ----------------------------------------------------------------------------------------------

ROLE_TABS = {
    "cv1.vp": ["du_thao", "da_ban_hanh"],
    "truong.vp": ["du_thao", "da_ban_hanh", "cho_duyet", "cho_ky", "da_phat_hanh"],
    "chutich": ["du_thao", "da_ban_hanh", "cho_duyet", "cho_ky", "da_phat_hanh"],
    "vanthu.ubnd": ["du_thao", "da_ban_hanh", "cho_phat_hanh", "da_phat_hanh"],
}


def _tab(username: str, tab: str):
    return as_(username).get(reverse("documents:outgoing_list"), {"tab": tab})


def _summaries(response) -> set[str]:
    return {row.summary for row in response.context["page"].object_list}


def _tab_counts(username: str) -> dict[str, int]:
    """The tabs' counts as the badges' request after the list gives them (idesk.views.nav_counts)."""
    response = as_(username).get(reverse("nav_counts"), {"tabs": "outgoing"})
    return {t.key: t.count for t in response.context["nav"].tab_counts}


def test_each_role_sees_its_tabs_with_the_right_rows_and_counts(db):
    before = {name: _tab_counts(name) for name in ROLE_TABS}
    mine = drafted("Dự thảo còn đang soạn")
    review = in_review("Dự thảo chờ trưởng phòng duyệt")
    sign = to_sign("Dự thảo chờ Chủ tịch ký")
    ready = signed("Dự thảo chờ văn thư phát hành")
    out = issued("Giấy mời đã phát hành")
    expected = {
        ("cv1.vp", "du_thao"): {mine.summary, review.summary, sign.summary, ready.summary},
        # Đã phát hành: what they drafted (the Văn phòng's head: what his unit drafted), in UBND huyện's register.
        ("cv1.vp", "da_ban_hanh"): {out.summary},
        ("truong.vp", "da_ban_hanh"): {out.summary},
        ("chutich", "da_ban_hanh"): set(),
        ("vanthu.ubnd", "da_ban_hanh"): set(),  # it issued the document, drafted in the Văn phòng
        ("truong.vp", "cho_duyet"): {review.summary},
        ("truong.vp", "cho_ky"): set(),  # the Chánh Văn phòng signs nothing here
        ("truong.vp", "da_phat_hanh"): set(),  # Văn phòng's register, not UBND's
        ("chutich", "cho_ky"): {sign.summary},
        ("chutich", "cho_duyet"): set(),  # drafted by Văn phòng: its head reviews
        ("chutich", "da_phat_hanh"): {out.summary},
        ("vanthu.ubnd", "cho_phat_hanh"): {ready.summary},
        ("vanthu.ubnd", "da_phat_hanh"): {out.summary},
        ("vanthu.ubnd", "du_thao"): set(),
    }
    mine_all = {mine.summary, review.summary, sign.summary, ready.summary, out.summary}

    for (username, tab), summaries in expected.items():
        response = _tab(username, tab)
        assert response.status_code == 200
        assert list(response.context["tabs"]) == ROLE_TABS[username]
        assert response.context["tab"] == tab
        assert _summaries(response) & mine_all == summaries, (username, tab)
        if tab in ("da_phat_hanh", "da_ban_hanh") and summaries:
            assert f'href="{reverse("documents:issued_detail", args=[out.pk])}"' in html(response)
        counts = _tab_counts(username)
        assert set(counts) - {"paper"} == set(ROLE_TABS[username])
        assert counts[tab] - before[username][tab] == len(summaries), (username, tab)
        assert counts[tab] == response.context["page"].paginator.count
        # The page shows its own tab's count at once; the others' badges wait for the badges' request.
        badges = dict(
            re.findall(
                r'href="\?tab=(\w+)"[^>]*>[^<]*<span id="tab-count-\w+" class="badge[^"]*">(\d*)</span>', html(response)
            )
        )
        assert badges == {t: (str(counts[t]) if t == tab else "") for t in ROLE_TABS[username]}


def test_a_staff_member_cannot_open_another_roles_tab(db):
    ready = signed("Dự thảo chờ văn thư phát hành")

    response = _tab("cv2.vp", "cho_phat_hanh")

    assert response.context["tab"] == "du_thao"
    assert ready.summary not in html(response)


def test_the_default_tab_is_what_waits_for_the_role(db):
    assert _tab("vanthu.ubnd", "").context["tab"] == "cho_phat_hanh"
    assert _tab("chutich", "").context["tab"] == "cho_ky"
    assert _tab("truong.vp", "").context["tab"] == "cho_duyet"
    assert _tab("cv1.vp", "").context["tab"] == "du_thao"


def test_the_register_tab_finds_by_number_symbol_without_diacritics(db):
    out = issued("Giấy mời dự Hội nghị tổng kết")
    issued("Giấy mời dự lễ ra quân")

    response = as_("vanthu.ubnd").get(reverse("documents:outgoing_list"), {"tab": "da_phat_hanh", "q": "tong ket"})

    assert _summaries(response) == {out.summary}
    # A year out of range is ignored; what was typed in the search box still counts.
    response = as_("vanthu.ubnd").get(
        reverse("documents:outgoing_list"), {"tab": "da_phat_hanh", "q": "tong ket", "year": "99"}
    )
    assert _summaries(response) == {out.summary}


def test_the_drafts_tab_finds_a_summary_typed_without_diacritics(db):
    wanted = drafted("Mời dự Hội nghị tổng kết năm")
    drafted("Mời dự lễ ra quân")

    for q in ("tổng kết", "tong ket", "TỔNG KẾT"):
        response = as_("cv1.vp").get(reverse("documents:outgoing_list"), {"tab": "du_thao", "q": q})
        assert _summaries(response) & {wanted.summary, "Mời dự lễ ra quân"} == {wanted.summary}, q


# --- Paper copies ----------------------------------------------------------------------------------------------


def test_paper_copies_to_send_are_listed_and_marked_sent(db):
    Unit.objects.filter(code="xa-canh-thuan").update(eoffice_since=None)
    document = issued(recipient_units=[unit("xa-canh-hien"), unit("xa-canh-thuan")])
    paper = delivery_to(document, "xa-canh-thuan")
    clerk = as_("vanthu.ubnd")

    response = clerk.get(reverse("documents:paper_list"))
    assert response.status_code == 200
    assert [d.pk for d in response.context["page"].object_list if d.document_id == document.pk] == [paper.pk]
    page = html(response)
    assert document.number_symbol in page
    assert "UBND xã Canh Thuận" in page
    assert PAPER_PROMPT in page
    assert reverse("documents:paper_sent", args=[paper.pk]) in page
    # The list's button carries the count's place; the badges' request after the page fills it.
    assert re.search(
        r'Bản giấy cần gửi <span id="tab-count-paper" class="badge[^"]*"></span>',
        html(_tab("vanthu.ubnd", "da_phat_hanh")),
    )
    badges = html(clerk.get(reverse("nav_counts"), {"tabs": "outgoing"}))
    waiting = _tab_counts("vanthu.ubnd")["paper"]
    assert waiting >= 1
    assert f'<span id="tab-count-paper" class="badge text-bg-warning" hx-swap-oob="true">{waiting}</span>' in badges

    assert (
        as_("vanthu.canhthuan").post(reverse("documents:paper_sent", args=[paper.pk])).status_code == 404
    )  # hidden from another unit, not just refused
    assert as_("cv1.vp").get(reverse("documents:paper_list")).status_code == 403

    response = clerk.post(reverse("documents:paper_sent", args=[paper.pk]))
    assert response.status_code == 302
    paper.refresh_from_db()
    assert paper.paper_sent_at is not None
    response = clerk.get(reverse("documents:paper_list"))
    assert paper.pk not in [d.pk for d in response.context["page"].object_list]
    detail = html(clerk.get(reverse("documents:issued_detail", args=[document.pk])))
    assert "Đã gửi bản giấy" in dict(re.findall(r'<tr data-unit="([^"]+)">(.*?)</tr>', detail, re.S))["xa-canh-thuan"]


# --- Recall, cancelled numbers ----------------------------------------------------------------------------------


def test_a_recall_needs_a_reason_and_the_recipient_clerk_acknowledges_it(db):
    Unit.objects.filter(code="xa-canh-thuan").update(eoffice_since=None)
    document = issued("Mời dự Hội nghị sẽ thu hồi", recipient_units=[unit("xa-canh-hien"), unit("xa-canh-thuan")])
    paper = delivery_to(document, "xa-canh-thuan")
    assert paper in as_("vanthu.ubnd").get(reverse("documents:paper_list")).context["page"].object_list
    commune = user("vanthu.canhhien")
    record = services.register_delivery(clerk=commune, delivery=delivery_to(document, "xa-canh-hien"))
    inbox = client_as(commune)
    assert record.pk in [
        r.pk for r in inbox.get(reverse("documents:incoming_list"), {"box": "tat_ca"}).context["page"].object_list
    ]
    url = reverse("documents:issued_action", args=[document.pk, "recall"])

    assert as_("cv1.vp").post(url, {"reason": "Sai ngày họp."}).status_code == 403  # the drafter sees, may not recall
    # The drafting unit's head sees it (his unit drafted it), but recalling is the issuing body's leaders'.
    assert as_("truong.vp").post(url, {"reason": "Sai ngày họp."}).status_code == 403
    assert as_("truong.noivu").post(url, {"reason": "Sai ngày họp."}).status_code == 404
    response = as_("chutich").post(url, {"reason": " "})
    assert response.status_code == 400
    assert error_next_to(response, "reason", "Trường này là bắt buộc.")
    document.refresh_from_db()
    assert document.recalled_at is None

    response = as_("chutich").post(url, {"reason": "Sai ngày họp, sẽ mời lại."})
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.recalled_at is not None
    assert "Văn bản đã bị thu hồi" in html(as_("chutich").get(reverse("documents:issued_detail", args=[document.pk])))
    assert (
        paper not in as_("vanthu.ubnd").get(reverse("documents:paper_list")).context["page"].object_list
    )  # no printing

    response = inbox.get(reverse("documents:incoming_list"))
    page = html(response)
    notice = re.search(r'<div class="alert alert-danger" role="alert">(.*?)</div>', page, re.S)
    assert notice, "no recall notice"
    assert document.number_symbol in notice.group(1)
    assert "Sai ngày họp, sẽ mời lại." in notice.group(1)
    assert "Xác nhận thu hồi" in notice.group(1)
    box = inbox.get(reverse("documents:incoming_list"), {"box": "tat_ca"})
    assert record.pk not in [r.pk for r in box.context["page"].object_list]

    ack = reverse("documents:recall_acknowledge", args=[delivery_to(document, "xa-canh-hien").pk])
    assert as_("vanthu.canhvinh").post(ack).status_code == 404  # another commune: hidden
    assert inbox.post(ack).status_code == 302
    assert delivery_to(document, "xa-canh-hien").recall_acknowledged_at is not None
    assert "Xác nhận thu hồi" not in html(inbox.get(reverse("documents:incoming_list")))
    assert "đơn vị đã xác nhận" in html(as_("vanthu.ubnd").get(reverse("documents:issued_detail", args=[document.pk])))


def test_a_cancelled_number_stays_in_the_register_list(db):
    document = issued("Giấy mời cấp nhầm số")
    url = reverse("documents:issued_action", args=[document.pk, "cancel"])

    response = as_("vanthu.ubnd").post(url, {"reason": ""})
    assert response.status_code == 400
    document.refresh_from_db()
    assert document.cancelled_at is None
    assert as_("chutich").post(url, {"reason": "Cấp nhầm."}).status_code == 403

    response = as_("vanthu.ubnd").post(url, {"reason": "Cấp nhầm số, văn bản chưa gửi đi."})
    assert response.status_code == 302
    response = _tab("vanthu.ubnd", "da_phat_hanh")
    row = re.search(
        rf'<tr class="text-muted">(?:(?!</tr>).)*{re.escape(document.number_symbol)}(?:(?!</tr>).)*</tr>',
        html(response),
        re.S,
    )
    assert row, "the cancelled number left the register list"
    assert "Đã hủy số" in row.group(0)
    detail = html(as_("vanthu.ubnd").get(reverse("documents:issued_detail", args=[document.pk])))
    assert "Cấp nhầm số, văn bản chưa gửi đi." in detail
    assert delivery_to(document, "xa-canh-hien").status == DeliveryStatus.RECALLED


# --- Certified copies -------------------------------------------------------------------------------------------


def test_a_clerk_makes_a_sao_y_from_the_issued_page(db):
    document = issued("triển khai hệ thống Văn phòng điện tử", doc_type=DocType.CONG_VAN)
    clerk = as_("vanthu.ubnd")
    page = html(clerk.get(reverse("documents:issued_detail", args=[document.pk])))
    url = reverse("documents:copy_new", args=[document.pk])
    assert url in page
    assert "Sao y / sao lục / trích sao" in page

    form = clerk.get(url)
    assert form.status_code == 200
    assert {"Hình thức sao", "Người ký bản sao", "Nơi nhận"} <= set(labels(form))

    response = clerk.post(
        url, {"kind": CopyKind.TRICH_SAO, "signer": user("chutich").pk, "recipient_units": [unit("xa-canh-hoa").pk]}
    )
    assert response.status_code == 400
    assert error_next_to(response, "excerpt", "Trích sao cần nội dung phần trích.")

    response = clerk.post(
        url, {"kind": CopyKind.SAO_Y, "signer": user("chutich").pk, "recipient_units": [unit("xa-canh-hoa").pk]}
    )
    copy = Document.objects.get(copy_of=document)
    assert response.status_code == 302
    assert response["Location"] == reverse("documents:issued_detail", args=[copy.pk])
    assert re.fullmatch(r"\d{2,}/SY-UBND", copy.number_symbol)
    page = html(clerk.get(response["Location"]))
    assert copy.number_symbol in page
    assert "Chỉ gửi điện tử: bản sao y" in page
    assert as_("cv1.vp").get(url).status_code == 403
    assert as_("vanthu.canhthuan").get(url).status_code in (403, 404)


def test_a_copy_is_not_sent_to_the_copying_unit_itself(db):
    document = issued("triển khai hệ thống Văn phòng điện tử", doc_type=DocType.CONG_VAN)
    url = reverse("documents:copy_new", args=[document.pk])
    data = {"kind": CopyKind.SAO_Y, "signer": user("chutich").pk, "recipient_units": [unit("ubnd").pk]}

    form = as_("vanthu.ubnd").get(url)
    response = as_("vanthu.ubnd").post(url, data)

    assert f'<option value="{unit("ubnd").pk}"' not in html(form)
    assert response.status_code == 400
    assert not Document.objects.filter(copy_of=document).exists()


# --- Query counts stay constant --------------------------------------------------------------------------------


def _queries(client, url: str, params: dict | None = None) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _extra_units(n: int, prefix: str) -> list[Unit]:
    made = []
    for i in range(n):
        made.append(
            Unit.objects.create(
                code=f"{prefix}-{i}",
                name=f"UBND xã Thử Nghiệm {i}",
                short_name="UBND",
                kind=UnitKind.COMMUNE,
                eoffice_since=None if i % 3 == 0 else timezone.localdate().replace(year=2016),
            )
        )
    return made


@pytest.mark.parametrize("tab", ["du_thao", "da_phat_hanh"])
def test_the_outgoing_list_runs_the_same_queries_for_3_and_30_rows(db, settings, tab):
    settings.IDESK_PAGE_SIZE = 50  # all 30 rows on the page, whatever the environment says
    clerk_view = tab == "da_phat_hanh"
    username = "vanthu.ubnd" if clerk_view else "cv1.vp"
    client = as_(username)
    url = reverse("documents:outgoing_list")

    def add(n: int) -> None:
        for i in range(n):
            if clerk_view:
                _issue_plain(f"Công văn số {i} trong sổ")
            else:
                drafted(f"Dự thảo số {i}", urgency=i % 2)

    add(3)
    client.get(url, {"tab": tab})  # warm: the process's content-type cache (a test run alone starts without it)
    small = _queries(client, url, {"tab": tab})
    add(27)
    response = client.get(url, {"tab": tab})
    assert len(response.context["page"].object_list) >= 30
    assert _queries(client, url, {"tab": tab}) == small


def _issue_plain(summary: str) -> Document:
    """A number in UBND's register without the whole flow (the list reads the register, not the flow)."""
    from django.db import transaction

    clerk = user("vanthu.ubnd")
    with transaction.atomic():
        register, number = core_registers.take_number(
            unit("ubnd"), timezone.localdate().year, RegisterKind.OUTGOING, False
        )
        return Document.objects.create(
            issuer_unit=unit("ubnd"),
            issuer_name="UBND huyện Vân Canh",
            doc_type=DocType.CONG_VAN,
            number=number,
            number_symbol=f"{number:02d}/UBND",
            issued_date=timezone.localdate(),
            summary=summary,
            signer_name="Trần Kim Vũ",
            register=register,
            year=timezone.localdate().year,
            issued_at=timezone.now(),
            issued_by=clerk,
            created_by=clerk,
        )


def test_the_issued_page_runs_the_same_queries_for_3_and_30_deliveries(db):
    counts = {}
    for size in (3, 30):
        extra = _extra_units(size - 2, prefix=f"thu{size}")
        document = issued(
            f"Giấy mời gửi {size} nơi", recipient_units=[unit("xa-canh-hien"), unit("xa-canh-vinh"), *extra]
        )
        services.register_delivery(clerk=user("vanthu.canhhien"), delivery=delivery_to(document, "xa-canh-hien"))
        services.open_delivery(clerk=user("vanthu.canhvinh"), delivery=delivery_to(document, "xa-canh-vinh"))
        assert document.deliveries.count() == size
        counts[size] = _queries(as_("vanthu.ubnd"), reverse("documents:issued_detail", args=[document.pk]))

    assert counts[3] == counts[30], counts


def test_the_actions_heading_shows_only_over_actions(db):
    draft = signed("Dự thảo đã ký, chờ phát hành")
    url = reverse("documents:draft_detail", args=[draft.pk])
    assert 'id="draft-actions"' not in as_("chutich").get(url).content.decode()  # signed: nothing left to him
    assert 'id="draft-actions"' in as_("vanthu.ubnd").get(url).content.decode()  # the clerk issues it


def test_the_drafters_issued_tab_runs_the_same_queries_for_3_and_30_rows(db, settings):
    settings.IDESK_PAGE_SIZE = 50
    client = as_("cv1.vp")
    url = reverse("documents:outgoing_list")

    def add(n: int) -> None:
        for i in range(n):
            document = _issue_plain(f"Công văn Văn phòng soạn số {i}")
            OutgoingDraft.objects.create(
                unit=unit("vp"), issuer_unit=unit("ubnd"), author=user("cv1.vp"), doc_type=DocType.CONG_VAN,
                summary=document.summary, signer=user("chutich"), status=DraftStatus.ISSUED, document=document,
            )  # fmt: skip

    add(3)
    client.get(url, {"tab": "da_ban_hanh"})  # warm: the process's content-type cache (as above)
    small = _queries(client, url, {"tab": "da_ban_hanh"})
    add(27)
    response = client.get(url, {"tab": "da_ban_hanh"})
    assert len(response.context["page"].object_list) >= 30
    assert _queries(client, url, {"tab": "da_ban_hanh"}) == small
