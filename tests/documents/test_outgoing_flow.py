"""The outgoing flow: staff drafts → the unit head reviews → the signer signs → the clerk numbers and issues.

Every step is one service: a transaction, a permission check, an audit event; a refused step saves nothing.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from documents.core import grants
from documents.core.services import ServiceError
from documents.models import (
    AuditEvent,
    Delivery,
    DocType,
    Document,
    DocumentFile,
    DraftComment,
    DraftStatus,
    DraftVersion,
    OutgoingDraft,
    RecipientGroup,
    RegisterKind,
    Secrecy,
    StoredFile,
)
from documents.outgoing import policy
from documents.outgoing import services as outgoing
from tests.documents.conftest import directed, lead, pdf_upload, register, submitted, unit, user
from tests.documents.outgoing_builders import (
    communes,
    departments,
    draft_data,
    drafted,
    issued,
    last_number,
    register_of,
    signed,
)
from units.models import Unit


@pytest.fixture
def district(db) -> Unit:
    return unit("ubnd")


def draft_verbs(draft: OutgoingDraft) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type="outgoingdraft", object_id=draft.pk)
        .order_by("at", "id")
        .values_list("verb", flat=True)
    )


def nothing_issued(district: Unit, before: tuple[int, int, int]) -> bool:
    return (last_number(district), Document.objects.count(), Delivery.objects.count()) == before


def counts(district: Unit) -> tuple[int, int, int]:
    return last_number(district), Document.objects.count(), Delivery.objects.count()


# --- Drafting and review --------------------------------------------------------------------------------------


def test_a_staff_draft_goes_to_the_unit_head_then_to_the_signer(db):
    draft = drafted("cv1.vp")
    assert draft.status == DraftStatus.DRAFT
    assert (draft.unit, draft.issuer_unit, draft.author) == (unit("vp"), unit("ubnd"), user("cv1.vp"))

    draft = outgoing.submit_draft(author=user("cv1.vp"), draft=draft)
    assert draft.status == DraftStatus.IN_REVIEW
    assert draft in policy.drafts.visible_to(user("truong.vp"))
    assert draft not in policy.drafts.visible_to(user("chutich"))  # not before the signer yet

    draft = outgoing.review_draft(head=user("truong.vp"), draft=draft, approve=True, comment="Đồng ý trình ký.")
    assert draft.status == DraftStatus.TO_SIGN
    assert draft in policy.drafts.visible_to(user("chutich"))
    assert list(draft.comments.values_list("kind", "author__username", "text")) == [
        (DraftComment.Kind.APPROVED, "truong.vp", "Đồng ý trình ký.")
    ]

    draft = outgoing.sign_draft(leader=user("chutich"), draft=draft, approve=True)
    assert draft.status == DraftStatus.SIGNED
    assert draft in policy.drafts.visible_to(user("vanthu.ubnd"))
    assert draft_verbs(draft) == ["drafted", "draft_submitted", "draft_approved", "draft_signed"]


def test_a_returned_draft_keeps_its_comments_and_a_version_per_submission(db):
    staff, head = user("cv1.vp"), user("truong.vp")
    draft = drafted(staff, summary="V/v triển khai iDesk")
    draft = outgoing.submit_draft(author=staff, draft=draft)
    draft = outgoing.review_draft(head=head, draft=draft, approve=False, comment="Ghi rõ thời hạn thực hiện.")
    assert draft.status == DraftStatus.RETURNED

    draft = outgoing.update_draft(
        author=staff, draft=draft, data=draft_data(summary="V/v triển khai iDesk trước ngày 31/12")
    )
    draft = outgoing.submit_draft(author=staff, draft=draft)

    assert draft.status == DraftStatus.IN_REVIEW
    versions = list(DraftVersion.objects.filter(draft=draft).values_list("number", "summary", "created_by__username"))
    assert versions == [
        (1, "V/v triển khai iDesk", "cv1.vp"),
        (2, "V/v triển khai iDesk trước ngày 31/12", "cv1.vp"),
    ]
    assert list(draft.comments.values_list("kind", "text")) == [
        (DraftComment.Kind.RETURNED_BY_REVIEWER, "Ghi rõ thời hạn thực hiện.")
    ]
    assert draft_verbs(draft) == ["drafted", "draft_submitted", "draft_returned", "edited", "draft_submitted"]


def test_returning_needs_a_comment(db):
    draft = outgoing.submit_draft(author=user("cv1.vp"), draft=drafted())
    with pytest.raises(ServiceError) as caught:
        outgoing.review_draft(head=user("truong.vp"), draft=draft, approve=False, comment="  ")
    assert "comment" in caught.value.message_dict
    draft.refresh_from_db()
    assert draft.status == DraftStatus.IN_REVIEW
    assert not draft.comments.exists()


def test_the_signer_returns_with_a_comment_and_the_draft_goes_round_again(db):
    staff, head, chairman = user("cv1.vp"), user("truong.vp"), user("chutich")
    draft = outgoing.submit_draft(author=staff, draft=drafted(staff))
    draft = outgoing.review_draft(head=head, draft=draft, approve=True)
    draft = outgoing.sign_draft(leader=chairman, draft=draft, approve=False, comment="Bổ sung nơi nhận.")
    assert draft.status == DraftStatus.RETURNED
    assert draft not in policy.drafts.visible_to(chairman)
    with pytest.raises(ServiceError):
        outgoing.sign_draft(leader=chairman, draft=draft, approve=False)  # nothing to return; and no comment

    draft = outgoing.submit_draft(author=staff, draft=draft)
    assert draft.status == DraftStatus.IN_REVIEW  # back through the head
    draft = outgoing.review_draft(head=head, draft=draft, approve=True)
    draft = outgoing.sign_draft(
        leader=chairman, draft=draft, approve=True, comment="Ký.", leader_comment="Các xã báo cáo kết quả trước 20/12."
    )
    assert draft.status == DraftStatus.SIGNED
    assert draft.leader_comment == "Các xã báo cáo kết quả trước 20/12."
    assert list(draft.comments.values_list("kind", flat=True)) == [
        DraftComment.Kind.APPROVED,
        DraftComment.Kind.RETURNED_BY_SIGNER,
        DraftComment.Kind.APPROVED,
        DraftComment.Kind.SIGNED,
    ]
    assert draft.versions.count() == 2

    document = outgoing.issue(clerk=user("vanthu.ubnd"), draft=draft)
    assert document.leader_comment == "Các xã báo cáo kết quả trước 20/12."


def test_a_head_who_drafts_goes_straight_to_signing(db):
    head = user("truong.vp")
    draft = outgoing.submit_draft(author=head, draft=drafted(head))
    assert draft.status == DraftStatus.TO_SIGN
    assert draft.versions.count() == 1
    assert draft in policy.drafts.visible_to(user("chutich"))


def test_a_department_drafts_and_signs_for_itself(db):
    """Phòng Nội vụ's own công văn: its head signs, its clerk issues in its own register (NV)."""
    head = user("truong.noivu")
    draft = drafted(
        "cv1.noivu", issuer_unit=None, signer=head, recipient_units=[unit("xa-canh-hien")], recipient_groups=[]
    )
    assert draft.issuer_unit == unit("noi-vu")
    draft = outgoing.submit_draft(author=user("cv1.noivu"), draft=draft)
    draft = outgoing.review_draft(head=head, draft=draft, approve=True)
    draft = outgoing.sign_draft(leader=head, draft=draft, approve=True)
    base = last_number(unit("noi-vu"))

    document = outgoing.issue(clerk=user("vanthu.noivu"), draft=draft)

    assert document.number == base + 1
    assert document.number_symbol == f"{base + 1:02d}/NV"
    assert document.register == register_of(unit("noi-vu"))
    assert document.signer_title == "TRƯỞNG PHÒNG"


# --- Issue ------------------------------------------------------------------------------------------------


def test_the_clerk_issues_with_the_next_number_of_the_issuing_units_register(district):
    draft = signed(symbol_suffix="VP", uploads=[pdf_upload("du-thao.pdf", marker="flow-1")])
    base = last_number(district)

    document = outgoing.issue(clerk=user("vanthu.ubnd"), draft=draft)

    today = timezone.localdate()
    assert document.number == base + 1
    assert document.number_symbol == f"{base + 1:02d}/UBND-VP"
    assert document.register == register_of(district)
    assert (document.register.kind, document.register.confidential, document.year) == (
        RegisterKind.OUTGOING, False, today.year,
    )  # fmt: skip
    assert document.register.last_number == base + 1
    assert document.issued_date == today
    assert (document.issuer_unit, document.issuer_name) == (district, "UBND huyện Vân Canh")
    assert document.summary == "V/v triển khai hệ thống Văn phòng điện tử iDesk"
    assert (document.signer_name, document.signer_title) == ("Trần Kim Vũ", "CHỦ TỊCH")
    assert (document.issued_by, document.created_by) == (user("vanthu.ubnd"), user("cv1.vp"))
    assert document.archive_note == "VT, VP"
    draft.refresh_from_db()
    assert (draft.status, draft.document) == (DraftStatus.ISSUED, document)
    assert AuditEvent.objects.filter(object_type="document", object_id=document.pk, verb="issued").exists()
    assert draft_verbs(draft)[-1] == "issued"


def test_the_next_issue_takes_the_next_number(district):
    first = issued()
    second = issued(summary="V/v báo cáo tình hình sử dụng iDesk")
    assert second.number == first.number + 1
    assert second.number_symbol == f"{first.number + 1:02d}/UBND-VP"  # drafted by Văn phòng


def test_a_named_type_and_a_normative_legal_document_get_their_symbols(district):
    plan = issued(doc_type=DocType.KE_HOACH, summary="Triển khai phần mềm Văn phòng điện tử")
    decision = issued(doc_type=DocType.QUYET_DINH, summary="Ban hành Quy chế sử dụng iDesk", is_legal=True)
    year = timezone.localdate().year
    assert plan.number_symbol == f"{plan.number:02d}/KH-UBND"
    assert decision.number_symbol == f"{decision.number:02d}/{year}/QĐ-UBND"


def test_issue_attaches_the_drafts_files_by_reference_and_the_official_pdf(district):
    draft = signed(uploads=[pdf_upload("phu-luc-1.pdf", marker="flow-a"), pdf_upload("phu-luc-2.pdf", marker="flow-b")])
    draft_blobs = list(draft.files.values_list("name", "blob_id"))
    blobs_before = StoredFile.objects.count()

    document = outgoing.issue(clerk=user("vanthu.ubnd"), draft=draft)

    files = list(DocumentFile.objects.filter(document=document).values_list("name", "blob_id", "blob__content_type"))
    assert [(name, blob) for name, blob, _ in files[:2]] == draft_blobs  # the same blobs, not copies
    official = files[2:]
    assert len(official) == 1
    name, _blob, content_type = official[0]
    assert (name, content_type) == (f"{document.number:02d}-UBND-VP.pdf", "application/pdf")
    assert StoredFile.objects.count() == blobs_before + 1  # only the rendered PDF is new
    document.refresh_from_db()
    assert document.pages >= 1


def test_one_delivery_per_recipient_unit_groups_expanded_issuer_excluded_no_duplicates(district):
    vp, canh_hien = unit("vp"), unit("xa-canh-hien")
    draft = signed(
        recipient_groups=[RecipientGroup.DEPARTMENTS, RecipientGroup.COMMUNES],
        recipient_units=[canh_hien, vp, district, unit("so-noi-vu")],
    )

    document = outgoing.issue(clerk=user("vanthu.ubnd"), draft=draft)

    recipients = list(document.deliveries.values_list("recipient_unit_id", flat=True))
    expected = {u.pk for u in departments() + communes()} | {unit("so-noi-vu").pk}
    assert sorted(recipients) == sorted(expected)  # each once, and never UBND huyện itself
    assert len(recipients) == 12 + 1 + 7 + 1
    assert set(document.deliveries.values_list("sender_unit_id", "sent_by_id")) == {
        (district.pk, user("vanthu.ubnd").pk)
    }


def test_an_inactive_unit_is_left_out_of_a_group(district):
    draft = signed(recipient_groups=[RecipientGroup.COMMUNES])
    Unit.objects.filter(code="xa-canh-vinh").update(active=False)

    document = outgoing.issue(clerk=user("vanthu.ubnd"), draft=draft)

    assert unit("xa-canh-vinh").pk not in set(document.deliveries.values_list("recipient_unit_id", flat=True))
    assert document.deliveries.count() == 6


def test_a_cong_van_to_groups_says_kinh_gui_and_nhu_tren(district):
    draft = signed(
        recipient_groups=[RecipientGroup.DEPARTMENTS, RecipientGroup.COMMUNES],
        external_recipients="- Lãnh đạo UBND huyện;\n- LĐVP;",
        archive_note="VT, CV",
    )
    document = outgoing.issue(clerk=user("vanthu.ubnd"), draft=draft)
    assert document.kinh_gui == "- Các phòng, ban, ngành;\n- UBND các xã, thị trấn."
    assert document.recipients_text == "- Như trên;\n- Lãnh đạo UBND huyện;\n- LĐVP;"


# --- Bad input: a clear message, nothing half-saved --------------------------------------------------------------


def test_a_draft_without_recipients_cannot_be_submitted(db):
    draft = drafted(recipient_groups=[], recipient_units=[])
    with pytest.raises(ServiceError) as caught:
        outgoing.submit_draft(author=user("cv1.vp"), draft=draft)
    assert "recipient_units" in caught.value.message_dict
    draft.refresh_from_db()
    assert draft.status == DraftStatus.DRAFT
    assert not draft.versions.exists()


def test_a_draft_whose_recipients_were_all_removed_cannot_be_issued(district):
    draft = signed(recipient_groups=[], recipient_units=[unit("xa-canh-hien")])
    draft.recipient_units.clear()
    before = counts(district)
    with pytest.raises(ServiceError, match="nơi nhận"):
        outgoing.issue(clerk=user("vanthu.ubnd"), draft=draft)
    assert nothing_issued(district, before)
    draft.refresh_from_db()
    assert draft.status == DraftStatus.SIGNED


@pytest.mark.parametrize(
    ("signer", "issuer"),
    [
        ("cv2.vp", "ubnd"),  # a staff member
        ("vanthu.ubnd", "ubnd"),  # the clerk of the issuing unit
        ("truong.noivu", "ubnd"),  # a head, but of another unit
        ("pct.kinhte", "noi-vu"),  # a district leader, but the issuer is Phòng Nội vụ
    ],
)
def test_the_signer_must_be_a_leader_of_the_issuing_unit(db, signer, issuer):
    before = OutgoingDraft.objects.count()
    with pytest.raises(ServiceError) as caught:
        drafted(signer=user(signer), issuer_unit=unit(issuer))
    assert "signer" in caught.value.message_dict
    assert OutgoingDraft.objects.count() == before


def test_an_inactive_leader_cannot_be_chosen_to_sign(db):
    leader = user("pct.kinhte")
    leader.is_active = False
    leader.save(update_fields=["is_active"])
    with pytest.raises(ServiceError) as caught:
        drafted(signer=leader)
    assert "signer" in caught.value.message_dict


def test_an_inactive_recipient_unit_is_refused_when_drafting(db):
    Unit.objects.filter(code="xa-canh-vinh").update(active=False)
    with pytest.raises(ServiceError) as caught:
        drafted(recipient_units=[unit("xa-canh-vinh")])
    assert "UBND xã Canh Vinh" in caught.value.message_dict["recipient_units"][0]


def test_a_recipient_unit_closed_after_signing_stops_the_issue_with_nothing_saved(district):
    draft = signed(recipient_groups=[], recipient_units=[unit("xa-canh-hien"), unit("xa-canh-vinh")])
    Unit.objects.filter(code="xa-canh-vinh").update(active=False)
    before = counts(district)

    with pytest.raises(ServiceError, match="UBND xã Canh Vinh"):
        outgoing.issue(clerk=user("vanthu.ubnd"), draft=draft)

    assert nothing_issued(district, before)
    draft.refresh_from_db()
    assert (draft.status, draft.document) == (DraftStatus.SIGNED, None)


def test_a_draft_cannot_be_issued_twice(district):
    draft = signed()
    document = outgoing.issue(clerk=user("vanthu.ubnd"), draft=draft)
    before = counts(district)

    with pytest.raises(ServiceError, match=document.number_symbol):
        outgoing.issue(clerk=user("vanthu.ubnd"), draft=draft)

    assert nothing_issued(district, before)


def test_an_issued_draft_cannot_be_edited(district):
    draft = signed()
    document = outgoing.issue(clerk=user("vanthu.ubnd"), draft=draft)

    with pytest.raises(ServiceError, match="phát hành"):
        outgoing.update_draft(author=user("cv1.vp"), draft=draft, data=draft_data(summary="V/v sửa sau khi phát hành"))

    draft.refresh_from_db()
    document.refresh_from_db()
    assert draft.summary == document.summary == "V/v triển khai hệ thống Văn phòng điện tử iDesk"
    assert "edited" not in draft_verbs(draft)


@pytest.mark.parametrize("stage", ["review", "to_sign", "signed"])
def test_a_draft_under_review_or_signing_cannot_be_edited_by_its_author(db, stage):
    draft = drafted()
    draft = outgoing.submit_draft(author=user("cv1.vp"), draft=draft)
    if stage != "review":
        draft = outgoing.review_draft(head=user("truong.vp"), draft=draft, approve=True)
    if stage == "signed":
        draft = outgoing.sign_draft(leader=user("chutich"), draft=draft, approve=True)
    with pytest.raises((ServiceError, PermissionDenied)):
        outgoing.update_draft(author=user("cv1.vp"), draft=draft, data=draft_data(summary="V/v khác"))
    draft.refresh_from_db()
    assert draft.summary == "V/v triển khai hệ thống Văn phòng điện tử iDesk"


# --- Wrong actors ------------------------------------------------------------------------------------------------


def _at(stage: str) -> OutgoingDraft:
    draft = drafted("cv1.vp")
    if stage == "draft":
        return draft
    draft = outgoing.submit_draft(author=user("cv1.vp"), draft=draft)
    if stage == "review":
        return draft
    draft = outgoing.review_draft(head=user("truong.vp"), draft=draft, approve=True)
    if stage == "to_sign":
        return draft
    return outgoing.sign_draft(leader=user("chutich"), draft=draft, approve=True)


def _do(step: str, username: str, draft: OutgoingDraft):
    who = user(username)
    if step == "edit":
        return outgoing.update_draft(author=who, draft=draft, data=draft_data(summary="V/v sửa"))
    if step == "submit":
        return outgoing.submit_draft(author=who, draft=draft)
    if step == "review":
        return outgoing.review_draft(head=who, draft=draft, approve=True)
    if step == "sign":
        return outgoing.sign_draft(leader=who, draft=draft, approve=True)
    return outgoing.issue(clerk=who, draft=draft)


@pytest.mark.parametrize(
    ("step", "stage", "username", "error"),
    [
        ("edit", "draft", "cv2.vp", Http404),  # a colleague does not see my draft
        ("edit", "draft", "truong.vp", Http404),  # nor does the head before it is sent up
        ("submit", "draft", "cv2.vp", Http404),
        ("review", "review", "cv1.vp", PermissionDenied),  # the author sees it but may not approve it
        ("review", "review", "truong.noivu", Http404),  # the head of another unit
        ("review", "review", "chutich", Http404),  # the signer, before it reaches them
        ("review", "to_sign", "truong.vp", PermissionDenied),  # already reviewed
        ("sign", "to_sign", "pct.kinhte", Http404),  # a leader who was not chosen
        ("sign", "to_sign", "truong.vp", PermissionDenied),  # the head sees it but does not sign
        ("sign", "to_sign", "cv1.vp", PermissionDenied),
        ("sign", "review", "chutich", Http404),  # not yet before the signer
        ("issue", "signed", "vanthu.vp", Http404),  # the drafting unit's clerk, not the issuing unit's
        ("issue", "signed", "vanthu.canhhien", Http404),
        ("issue", "signed", "chutich", PermissionDenied),  # the signer does not number it
        ("issue", "to_sign", "vanthu.ubnd", Http404),  # not signed yet
    ],
)
def test_each_step_refuses_the_wrong_actor(district, step, stage, username, error):
    draft = _at(stage)
    before = (draft.status, counts(district), AuditEvent.objects.count(), DraftComment.objects.count())

    with pytest.raises(error):
        _do(step, username, draft)

    draft.refresh_from_db()
    assert (draft.status, counts(district), AuditEvent.objects.count(), DraftComment.objects.count()) == before


# --- Confidential drafts ------------------------------------------------------------------------------------------


def test_a_confidential_document_has_its_own_register_and_goes_on_paper_only(district):
    """Luật Bảo vệ bí mật nhà nước 2018: the content travels on paper; recipients' clerks get no file (no grant)."""
    ordinary_before = last_number(district)
    secret_before = last_number(district, confidential=True)
    draft = signed(secrecy=Secrecy.MAT, recipient_groups=[], recipient_units=[unit("xa-canh-hien"), unit("noi-vu")])

    document = outgoing.issue(clerk=user("vanthu.ubnd"), draft=draft)

    assert document.register == register_of(district, confidential=True)
    assert document.number == secret_before + 1
    assert last_number(district) == ordinary_before  # the ordinary series did not move
    for who in ["vanthu.ubnd", "cv1.vp", "chutich"]:
        assert grants.has(user(who), document), who
    for who in ["vanthu.canhhien", "vanthu.noivu", "cv1.canhhien", "truong.canhhien", "vanthu.canhhiep", "pct.kinhte"]:
        assert not grants.has(user(who), document), who
    assert document in policy.issued.visible_to(user("vanthu.ubnd"))
    assert document not in policy.issued.visible_to(user("pct.kinhte"))  # a leader of the unit, but not granted


def test_confidential_numbers_do_not_interrupt_the_ordinary_series(district):
    first = issued()
    secret = issued(secrecy=Secrecy.MAT)
    second = issued()
    assert second.number == first.number + 1
    assert secret.register != first.register == second.register


def test_a_confidential_draft_is_seen_only_by_those_taking_part(db):
    draft = signed(secrecy=Secrecy.MAT)
    for who in ["cv1.vp", "truong.vp", "chutich", "vanthu.ubnd"]:
        assert draft in policy.drafts.visible_to(user(who)), who
    for who in ["cv2.vp", "pct.kinhte", "vanthu.vp", "vanthu.canhhien"]:
        assert draft not in policy.drafts.visible_to(user(who)), who


# --- Replies and replacements --------------------------------------------------------------------------------------


def test_a_reply_to_an_incoming_record_is_linked_both_ways(db):
    record = directed(
        submitted(user("vanthu.noivu"), user("truong.noivu")), user("truong.noivu"), lead(user("cv1.noivu"))
    )
    draft = drafted(
        "cv1.noivu", issuer_unit=None, signer=user("truong.noivu"), reply_to=record,
        recipient_groups=[], recipient_units=[unit("so-noi-vu")],
    )  # fmt: skip

    assert draft.reply_to == record
    assert list(record.replies.all()) == [draft]


def test_one_cannot_reply_to_a_record_one_cannot_see(db):
    record = register(user("vanthu.noivu"))
    before = OutgoingDraft.objects.count()
    with pytest.raises(ServiceError) as caught:
        drafted("cv1.vp", reply_to=record)
    assert "reply_to" in caught.value.message_dict
    assert OutgoingDraft.objects.count() == before


def test_a_corrected_document_replaces_an_issued_one_linked_both_ways(district):
    wrong = issued(summary="V/v triển khai iDesk (có sai sót)")
    corrected = issued(summary="V/v triển khai iDesk", replaces=wrong)

    assert corrected.replaces == wrong
    assert list(wrong.replaced_by.all()) == [corrected]
    assert corrected.draft.replaces == wrong


def test_only_a_document_issued_by_the_same_body_can_be_replaced(db):
    """An incoming letter of UBND tỉnh, or another unit's document, is not ours to replace."""
    province = register(user("vanthu.ubnd")).document
    commune_letter = issued(
        author="cv1.canhhien", head="truong.canhhien", issuer_unit=None, signer=user("truong.canhhien"),
        recipient_groups=[], recipient_units=[unit("ubnd")], clerk="vanthu.canhhien",
    )  # fmt: skip
    for other in [province, commune_letter]:
        with pytest.raises(ServiceError) as caught:
            drafted(replaces=other)
        assert "replaces" in caught.value.message_dict


def test_the_author_is_told_the_number_and_finds_the_issued_document(db, enqueued, django_capture_on_commit_callbacks):
    """Issued by UBND huyện from a department's draft: its author is notified with the number and a link to the
    issued document, which she and the head who reviewed it may open (the drafts list no longer shows it)."""
    from idesk import tasks
    from idesk.models import Notification
    from tests.helpers import client_as

    draft = signed(author="cv1.noivu", head="truong.noivu", summary="V/v rà soát biên chế năm 2027")
    with django_capture_on_commit_callbacks(execute=True):
        document = outgoing.issue(clerk=user("vanthu.ubnd"), draft=draft)
    assert ("draft_issued", {"draft_id": draft.pk}) in enqueued
    tasks.handle_event("draft_issued", {"draft_id": draft.pk})
    (note,) = Notification.objects.filter(recipient=user("cv1.noivu"), dedup_key=f"draft_issued:{draft.pk}")
    assert note.title == f"Đã phát hành {document.number_symbol}: V/v rà soát biên chế năm 2027"
    for who in ("cv1.noivu", "truong.noivu"):
        assert client_as(user(who)).get(note.url).status_code == 200, who
    assert client_as(user("cv1.tuphap")).get(note.url).status_code == 404
    assert not Notification.objects.filter(recipient=user("vanthu.ubnd"), dedup_key__startswith="draft_issued")
