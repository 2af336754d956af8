"""Meetings: scheduling, answers, reason judging, attendance, the giấy mời, materials, changes and cancellation.

Founding letter R2 (absence from meetings without a valid reason) and R3 (invitations and meeting materials go
electronically to units on the system, except defence/security/classified meetings' materials).
"""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from documents.core.services import ServiceError
from documents.meetings import policy as meetings_policy
from documents.meetings import selectors as meeting_selectors
from documents.meetings import services as meetings
from documents.meetings.selectors import material_paper_decisions
from documents.models import (
    Attendance,
    AuditEvent,
    CalendarFeed,
    Delivery,
    DocType,
    Meeting,
    MeetingInvitee,
    MeetingStatus,
    OutgoingDraft,
    Response,
)
from tests.documents.conftest import unit, user
from tests.documents.meeting_builders import (
    invitee_of,
    local,
    meeting_data,
    move_to_past,
    next_monday,
    scheduled,
    with_material,
)


@pytest.fixture
def notified(monkeypatch) -> list[tuple[str, dict]]:
    """What the services hand to documents.core.notify.later (the queue's own idempotency is not tested here)."""
    calls: list[tuple[str, dict]] = []
    monkeypatch.setattr("documents.core.notify.later", lambda event, **ids: calls.append((event, ids)))
    return calls


def meeting_verbs(meeting: Meeting) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type="meeting", object_id=meeting.pk)
        .order_by("at", "id")
        .values_list("verb", flat=True)
    )


# --- Scheduling ----------------------------------------------------------------------------------------------


def test_the_office_schedules_a_meeting_for_the_chairman(db):
    meeting = scheduled()
    assert (meeting.organiser, meeting.organiser_unit, meeting.chair) == (
        user("vanthu.ubnd"),
        unit("ubnd"),
        user("chutich"),
    )
    assert meeting.status == MeetingStatus.SCHEDULED
    assert {i.unit.code for i in meeting.invitees.all()} == {"xa-canh-hien", "xa-canh-vinh"}
    assert all(i.response == Response.PENDING for i in meeting.invitees.all())
    assert meeting_verbs(meeting) == ["meeting_created"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"end_hours": -1}, "end"),
        ({"end_hours": 0}, "end"),
        ({"past": True}, "start"),
        ({"invited_units": []}, "invited_units"),
        ({"title": "   "}, "title"),
        ({"place": ""}, "place"),
        ({"chair": "cv1.noivu"}, "chair"),
    ],
)
def test_bad_input_is_refused_next_to_its_field_and_nothing_is_saved(db, overrides, field):
    day = next_monday()
    data = {}
    if "end_hours" in overrides:
        data["end"] = local(day, 8) + datetime.timedelta(hours=overrides.pop("end_hours"))
    if overrides.pop("past", False):
        data["start"] = timezone.now() - datetime.timedelta(hours=2)
        data["end"] = timezone.now() - datetime.timedelta(hours=1)
    if "chair" in overrides:
        data["chair"] = user(overrides.pop("chair"))
    data.update(overrides)
    before = (Meeting.objects.count(), MeetingInvitee.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ServiceError) as refused:
        scheduled(**data)
    assert field in refused.value.message_dict
    assert all(re.search(r"[ạảãáàâầấậăắằặêếềệôốồộơớờợưứừựđ]", m) for m in refused.value.messages)  # Vietnamese
    assert (Meeting.objects.count(), MeetingInvitee.objects.count(), AuditEvent.objects.count()) == before


def test_who_may_organise(db):
    for username in ("vanthu.ubnd", "chutich", "truong.noivu", "cv1.noivu"):
        assert meetings.create_meeting(organiser=user(username), data=meeting_data())
    with pytest.raises(PermissionDenied):
        meetings.create_meeting(organiser=user("admin"), data=meeting_data())


def test_a_meeting_of_the_same_chair_at_the_same_time_is_an_overlap_not_a_refusal(db):
    first = scheduled()
    day = timezone.localtime(first.start).date()
    second = scheduled(title="Họp Ban chỉ đạo phòng chống thiên tai", start=local(day, 10), end=local(day, 12))
    other_chair = scheduled(chair=user("pct.kinhte"), start=local(day, 9), end=local(day, 10))
    later = scheduled(start=local(day, 14), end=local(day, 16))
    assert meeting_selectors.overlapping(first.chair, first.start, first.end, exclude=first.pk) == [second]
    assert meeting_selectors.overlapping(first.chair, later.start, later.end, exclude=later.pk) == []
    assert other_chair not in meeting_selectors.overlapping(first.chair, first.start, first.end)
    meetings.cancel(user=user("vanthu.ubnd"), meeting=second, reason="Lùi lịch")
    assert meeting_selectors.overlapping(first.chair, first.start, first.end, exclude=first.pk) == []


# --- Who sees what ---------------------------------------------------------------------------------------------

MATRIX = [
    # username, sees the meeting, reads an ordinary material, may answer, organises
    ("vanthu.ubnd", True, True, False, True),  # the office, organiser
    ("chutich", True, True, False, True),  # the chair
    ("pct.kinhte", True, True, False, True),  # another district leader: sees all; in the organising unit
    ("vanthu.canhhien", True, True, True, False),  # clerk of an invited unit answers for it
    ("truong.canhhien", True, True, True, False),  # head of an invited unit too
    ("cv1.canhhien", True, True, False, False),  # staff of an invited unit: sees and reads, does not answer
    ("truong.noivu", False, False, False, False),  # not invited
    ("cv1.noivu", False, False, False, False),
    ("vanthu.canhhiep", False, False, False, False),  # another commune
]


@pytest.mark.parametrize(("username", "sees", "reads", "answers", "organises"), MATRIX)
def test_the_permission_matrix_for_a_meeting_and_its_materials(db, username, sees, reads, answers, organises):
    meeting = scheduled()
    material = with_material(meeting)
    person = user(username)
    assert (meeting in meetings_policy.visible_to(person)) is sees
    assert meetings_policy.can(person, "view", meeting) is sees
    assert meetings_policy.can(person, meetings_policy.READ, material) is reads
    assert meetings_policy.can(person, "answer", meeting) is answers
    assert meetings_policy.can(person, "edit", meeting) is organises
    assert meetings_policy.can(person, "cancel", meeting) is organises
    if not sees:
        with pytest.raises(Http404):
            meetings_policy.require(person, "view", meeting)
        with pytest.raises(Http404):
            meetings.open_material(user=person, material=material)
    elif not organises:
        with pytest.raises(PermissionDenied):
            meetings_policy.require(person, "edit", meeting)


def test_an_invited_person_and_a_named_deputy_see_the_meeting(db):
    meeting = scheduled(invited_units=[unit("xa-canh-hien")], invited_users=[user("truong.noivu")])
    assert meeting in meetings_policy.visible_to(user("truong.noivu"))
    assert meeting not in meetings_policy.visible_to(user("cv1.noivu"))
    deputy = user("cv1.noivu")
    invitation = MeetingInvitee.objects.get(meeting=meeting, user__username="truong.noivu")
    meetings.answer(
        user=user("truong.noivu"), meeting=meeting, invitee=invitation, response=Response.DEPUTY, deputy=deputy
    )
    assert meeting in meetings_policy.visible_to(deputy)


def test_a_confidential_material_is_read_only_by_explicit_grant(db):
    meeting = scheduled()
    secret = with_material(meeting, "phuong-an-bao-ve.pdf", confidential=True)
    assert meetings_policy.can(user("vanthu.ubnd"), meetings_policy.READ, secret)  # who added it
    for username in ("chutich", "pct.kinhte", "vanthu.canhhien", "cv1.canhhien"):
        assert not meetings_policy.can(user(username), meetings_policy.READ, secret), username
    with pytest.raises(Http404):
        meetings.open_material(user=user("vanthu.canhhien"), material=secret)

    with pytest.raises(ServiceError):  # a grant would not open a hidden meeting: it is refused, all of it
        meetings.grant_material(
            user=user("vanthu.ubnd"), material=secret, people=[user("vanthu.canhhien"), user("truong.noivu")]
        )
    assert not meetings_policy.can(user("vanthu.canhhien"), meetings_policy.READ, secret)

    meetings.grant_material(user=user("vanthu.ubnd"), material=secret, people=[user("vanthu.canhhien")])
    assert meetings_policy.can(user("vanthu.canhhien"), meetings_policy.READ, secret)
    assert not meetings_policy.can(user("truong.noivu"), meetings_policy.READ, secret)
    assert not meetings_policy.can(user("cv1.canhhien"), meetings_policy.READ, secret)
    with pytest.raises(PermissionDenied):
        meetings.grant_material(user=user("vanthu.canhhien"), material=secret, people=[user("cv1.canhhien")])


def test_opening_a_material_is_a_read_receipt_once_per_person(db):
    meeting = scheduled()
    material = with_material(meeting)
    for _ in range(3):
        meetings.open_material(user=user("vanthu.canhhien"), material=material)
    meetings.open_material(user=user("cv1.canhhien"), material=material)
    opened = AuditEvent.objects.filter(object_type="meeting", object_id=meeting.pk, verb="material_opened")
    assert sorted(opened.values_list("actor__username", flat=True)) == ["cv1.canhhien", "vanthu.canhhien"]
    assert opened.first().data["material_id"] == material.pk


# --- Answers ---------------------------------------------------------------------------------------------------


def test_a_commune_clerk_answers_attend_then_sends_a_deputy_of_the_commune(db, notified):
    meeting = scheduled()
    hien = invitee_of(meeting, "xa-canh-hien")
    clerk = user("vanthu.canhhien")
    answered = meetings.answer(user=clerk, meeting=meeting, invitee=hien, response=Response.ATTEND)
    assert (answered.response, answered.responded_by, answered.deputy) == (Response.ATTEND, clerk, None)
    assert notified == []

    deputy = user("pho.canhhien")
    answered = meetings.answer(user=clerk, meeting=meeting, invitee=hien, response=Response.DEPUTY, deputy=deputy)
    assert (answered.response, answered.deputy) == (Response.DEPUTY, deputy)
    assert notified == [("meeting_deputy", {"meeting_id": meeting.pk, "user_id": deputy.pk})]
    assert meeting_verbs(meeting) == ["meeting_created", "meeting_answered", "meeting_answered"]


def test_a_deputy_from_another_unit_needs_the_organiser(db):
    meeting = scheduled(invited_units=[unit("xa-canh-hien"), unit("ubnd")])
    hien = invitee_of(meeting, "xa-canh-hien")
    with pytest.raises(ServiceError) as refused:
        meetings.answer(
            user=user("vanthu.canhhien"),
            meeting=meeting,
            invitee=hien,
            response=Response.DEPUTY,
            deputy=user("cv1.noivu"),
        )
    assert "đơn vị được mời" in refused.value.message_dict["deputy"][0]
    hien.refresh_from_db()
    assert (hien.response, hien.deputy) == (Response.PENDING, None)

    # The office, itself invited (UBND huyện), is the organiser: it may name someone of another unit.
    office = invitee_of(meeting, "ubnd")
    answered = meetings.answer(
        user=user("vanthu.ubnd"), meeting=meeting, invitee=office, response=Response.DEPUTY, deputy=user("truong.noivu")
    )
    assert answered.deputy == user("truong.noivu")


def test_a_deputy_must_be_named_and_a_decline_needs_a_reason(db):
    meeting = scheduled()
    hien = invitee_of(meeting, "xa-canh-hien")
    clerk = user("vanthu.canhhien")
    with pytest.raises(ServiceError) as no_deputy:
        meetings.answer(user=clerk, meeting=meeting, invitee=hien, response=Response.DEPUTY)
    assert "deputy" in no_deputy.value.message_dict
    with pytest.raises(ServiceError) as no_reason:
        meetings.answer(user=clerk, meeting=meeting, invitee=hien, response=Response.DECLINE, reason="  ")
    assert "reason" in no_reason.value.message_dict
    with pytest.raises(ServiceError):
        meetings.answer(user=clerk, meeting=meeting, invitee=hien, response=Response.PENDING)
    hien.refresh_from_db()
    assert hien.response == Response.PENDING


def test_only_the_units_clerk_or_head_answers_for_it_and_only_for_its_own_invitation(db):
    meeting = scheduled()
    hien, vinh = invitee_of(meeting, "xa-canh-hien"), invitee_of(meeting, "xa-canh-vinh")
    with pytest.raises(PermissionDenied):
        meetings.answer(user=user("cv1.canhhien"), meeting=meeting, invitee=hien, response=Response.ATTEND)
    with pytest.raises(PermissionDenied):
        meetings.answer(user=user("vanthu.canhhien"), meeting=meeting, invitee=vinh, response=Response.ATTEND)
    with pytest.raises(Http404):
        meetings.answer(user=user("vanthu.canhhiep"), meeting=meeting, invitee=hien, response=Response.ATTEND)
    assert meetings.answer(user=user("truong.canhhien"), meeting=meeting, invitee=hien, response=Response.ATTEND)


def test_a_reply_after_the_meeting_ended_is_refused(db):
    meeting = scheduled()
    hien = invitee_of(meeting, "xa-canh-hien")
    with time_machine.travel(meeting.end + datetime.timedelta(minutes=1)):
        with pytest.raises(ServiceError) as refused:
            meetings.answer(user=user("vanthu.canhhien"), meeting=meeting, invitee=hien, response=Response.ATTEND)
        assert "đã kết thúc" in refused.value.messages[0]
        assert not meetings_policy.can(user("vanthu.canhhien"), "answer", meeting)
    with time_machine.travel(meeting.start + datetime.timedelta(minutes=10)):  # late, but the meeting is on
        assert meetings.answer(user=user("vanthu.canhhien"), meeting=meeting, invitee=hien, response=Response.ATTEND)


def test_a_new_answer_clears_the_previous_judgement(db):
    meeting = scheduled()
    vinh = invitee_of(meeting, "xa-canh-vinh")
    clerk = user("vanthu.canhvinh")
    meetings.answer(user=clerk, meeting=meeting, invitee=vinh, response=Response.DECLINE, reason="Trùng lịch tiếp dân")
    meetings.judge_reason(user=user("vanthu.ubnd"), invitee=vinh, accepted=False)
    answered = meetings.answer(
        user=clerk, meeting=meeting, invitee=vinh, response=Response.DECLINE, reason="Chủ tịch xã đi viện"
    )
    assert (answered.reason_accepted, answered.decline_reason) == (None, "Chủ tịch xã đi viện")


# --- Reasons and attendance -----------------------------------------------------------------------------------


def declined(meeting: Meeting, code: str = "xa-canh-vinh", reason: str = "Trùng lịch họp Đảng ủy xã") -> MeetingInvitee:
    slug = code.removeprefix("xa-").replace("-", "")
    return meetings.answer(
        user=user(f"vanthu.{slug}"),
        meeting=meeting,
        invitee=invitee_of(meeting, code),
        response=Response.DECLINE,
        reason=reason,
    )


def test_the_organiser_judges_a_decline_reason(db):
    meeting = scheduled()
    vinh = declined(meeting)
    assert meetings.judge_reason(user=user("vanthu.ubnd"), invitee=vinh, accepted=True).reason_accepted is True
    assert meetings.judge_reason(user=user("chutich"), invitee=vinh, accepted=False).reason_accepted is False
    assert meeting_verbs(meeting)[-2:] == ["reason_judged", "reason_judged"]
    with pytest.raises(PermissionDenied):
        meetings.judge_reason(user=user("vanthu.canhvinh"), invitee=vinh, accepted=True)
    with pytest.raises(ServiceError):  # nothing to judge: Canh Hiển did not decline
        meetings.judge_reason(user=user("vanthu.ubnd"), invitee=invitee_of(meeting, "xa-canh-hien"), accepted=True)


def test_attendance_is_recorded_only_once_the_meeting_has_started(db):
    meeting = scheduled()
    hien, vinh = invitee_of(meeting, "xa-canh-hien"), invitee_of(meeting, "xa-canh-vinh")
    organiser = user("vanthu.ubnd")
    with pytest.raises(PermissionDenied):
        meetings.record_attendance(user=organiser, meeting=meeting, marks={hien.pk: Attendance.PRESENT})
    with time_machine.travel(meeting.start + datetime.timedelta(minutes=5)):
        meetings.record_attendance(
            user=organiser, meeting=meeting, marks={hien.pk: Attendance.PRESENT, vinh.pk: Attendance.UNEXCUSED}
        )
        with pytest.raises(PermissionDenied):
            meetings.record_attendance(
                user=user("vanthu.canhhien"), meeting=meeting, marks={hien.pk: Attendance.PRESENT}
            )
    hien.refresh_from_db()
    vinh.refresh_from_db()
    assert (hien.attendance, vinh.attendance) == (Attendance.PRESENT, Attendance.UNEXCUSED)
    assert meeting_verbs(meeting)[-1] == "attendance_recorded"


def test_a_rejected_reason_cannot_be_marked_excused_and_nothing_of_the_call_is_kept(db):
    meeting = scheduled()
    vinh = declined(meeting)
    hien = invitee_of(meeting, "xa-canh-hien")
    meetings.judge_reason(user=user("vanthu.ubnd"), invitee=vinh, accepted=False)
    meeting = move_to_past(meeting)
    with pytest.raises(ServiceError) as refused:
        meetings.record_attendance(
            user=user("vanthu.ubnd"), meeting=meeting, marks={hien.pk: Attendance.PRESENT, vinh.pk: Attendance.EXCUSED}
        )
    assert "không chính đáng" in refused.value.messages[0]
    assert set(MeetingInvitee.objects.filter(meeting=meeting).values_list("attendance", flat=True)) == {""}


@pytest.mark.parametrize("marks", [{"unknown": Attendance.PRESENT}, {"hien": "late"}, {"hien": ""}])
def test_tampered_attendance_is_refused(db, marks):
    meeting = move_to_past(scheduled())
    hien = invitee_of(meeting, "xa-canh-hien")
    resolved = {(hien.pk if k == "hien" else 999_999): v for k, v in marks.items()}
    with pytest.raises(ServiceError):
        meetings.record_attendance(user=user("vanthu.ubnd"), meeting=meeting, marks=resolved)


@pytest.mark.parametrize(("accepted", "after"), [(True, Attendance.EXCUSED), (False, Attendance.UNEXCUSED)])
def test_judging_a_reason_after_attendance_moves_the_absence(db, accepted, after):
    meeting = scheduled()
    vinh = declined(meeting)
    meeting = move_to_past(meeting)
    first = Attendance.UNEXCUSED if accepted else Attendance.EXCUSED
    meetings.record_attendance(user=user("vanthu.ubnd"), meeting=meeting, marks={vinh.pk: first})
    judged = meetings.judge_reason(user=user("vanthu.ubnd"), invitee=vinh, accepted=accepted)
    assert judged.attendance == after


def test_a_judgement_leaves_a_present_mark_alone(db):
    meeting = scheduled()
    vinh = declined(meeting)
    meeting = move_to_past(meeting)
    meetings.record_attendance(user=user("vanthu.ubnd"), meeting=meeting, marks={vinh.pk: Attendance.PRESENT})
    assert (
        meetings.judge_reason(user=user("vanthu.ubnd"), invitee=vinh, accepted=False).attendance == Attendance.PRESENT
    )


def test_an_invited_persons_absence_counts_against_their_unit(db):
    meeting = scheduled(invited_units=[], invited_users=[user("truong.noivu")])
    person = MeetingInvitee.objects.get(meeting=meeting)
    assert person.counted_unit_id == unit("noi-vu").pk
    assert invitee_of(scheduled(), "xa-canh-vinh").counted_unit_id == unit("xa-canh-vinh").pk


# --- The giấy mời and the paper rule (R3) ---------------------------------------------------------------------


def test_the_office_clerk_issues_the_giay_moi_electronic_only_to_units_on_the_system(db, notified):
    meeting = scheduled()
    document = meetings.issue_invitation(user=user("vanthu.ubnd"), meeting=meeting)
    meeting.refresh_from_db()
    assert meeting.invitation == document
    assert document.doc_type == DocType.GIAY_MOI
    assert re.fullmatch(r"\d{2,}/GM-UBND", document.number_symbol), document.number_symbol
    assert document.signer_name == "Trần Kim Vũ"
    assert meeting.title.lower() in document.summary.lower()
    assert "Hội trường UBND huyện" in document.body
    deliveries = {d.recipient_unit.code: d for d in Delivery.objects.filter(document=document)}
    assert set(deliveries) == {"xa-canh-hien", "xa-canh-vinh"}
    for delivery in deliveries.values():
        assert delivery.electronic and not delivery.paper_required
        assert "giấy mời" in delivery.paper_reason
    assert document.files.filter(name__endswith=".pdf").exists()  # the official PDF
    assert meeting_verbs(meeting)[-1] == "invitation_issued"
    assert ("meeting_invited", {"meeting_id": meeting.pk}) in notified


def test_a_restricted_meetings_giay_moi_is_still_electronic_only(db):
    meeting = scheduled(restricted=True, title="Họp Ban Chỉ đạo an ninh trật tự huyện")
    document = meetings.issue_invitation(user=user("vanthu.ubnd"), meeting=meeting)
    assert not Delivery.objects.filter(document=document, paper_required=True).exists()
    assert document.meeting_kind == "security"


def test_materials_go_electronically_for_ordinary_meetings_and_on_paper_for_restricted_ones(db):
    ordinary = scheduled()
    [line] = material_paper_decisions(ordinary, timezone.localdate())
    assert (line.paper_required, line.units) == (False, ["UBND xã Canh Hiển", "UBND xã Canh Vinh"])
    assert "tài liệu phục vụ hội họp" in line.reason

    restricted = scheduled(restricted=True)
    [line] = material_paper_decisions(restricted, timezone.localdate())
    assert line.paper_required
    assert "quốc phòng, an ninh" in line.reason


def test_a_unit_not_yet_on_the_system_gets_paper(db):
    meeting = scheduled()
    vinh = unit("xa-canh-vinh")
    vinh.eoffice_since = None
    vinh.save(update_fields=["eoffice_since"])
    lines = {line.paper_required: line for line in material_paper_decisions(meeting, timezone.localdate())}
    assert lines[True].units == ["UBND xã Canh Vinh"]
    assert lines[False].units == ["UBND xã Canh Hiển"]


def test_only_the_chairs_bodys_clerk_issues_the_giay_moi_once(db):
    meeting = scheduled()
    with pytest.raises(ServiceError):
        meetings.issue_invitation(user=user("chutich"), meeting=meeting)
    with pytest.raises(Http404):
        meetings.issue_invitation(user=user("vanthu.noivu"), meeting=meeting)
    with pytest.raises(PermissionDenied):
        meetings.issue_invitation(user=user("vanthu.canhhien"), meeting=meeting)
    meetings.issue_invitation(user=user("vanthu.ubnd"), meeting=meeting)
    with pytest.raises(ServiceError):
        meetings.issue_invitation(user=user("vanthu.ubnd"), meeting=meeting)
    assert OutgoingDraft.objects.filter(doc_type=DocType.GIAY_MOI).count() == 1


def test_a_giay_moi_that_cannot_be_issued_leaves_no_draft_behind(db):
    """GIVEN a meeting whose only invitee belongs to the issuing body itself (nobody to send to)
    WHEN the clerk presses "Phát hành giấy mời"
    THEN the refusal leaves no signed draft, number or delivery behind."""
    meeting = scheduled(invited_units=[], invited_users=[user("pct.kinhte")])
    before = (OutgoingDraft.objects.count(), Delivery.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ServiceError):
        meetings.issue_invitation(user=user("vanthu.ubnd"), meeting=meeting)
    assert (OutgoingDraft.objects.count(), Delivery.objects.count(), AuditEvent.objects.count()) == before
    meeting.refresh_from_db()
    assert meeting.invitation is None


def test_the_chairs_body_issues_a_meeting_the_office_organises_for_the_chu_tich(db):
    """The Văn phòng schedules the Chủ tịch's meeting: the giấy mời is UBND huyện's, so UBND's clerk sees the
    meeting and issues it (numbered in UBND's register); the office's clerk is told who does."""
    meeting = scheduled(organiser="truong.vp")
    assert meeting.chair == user("chutich") and meeting.organiser_unit == unit("vp")
    with pytest.raises(ServiceError) as refused:
        meetings.issue_invitation(user=user("vanthu.vp"), meeting=meeting)
    assert "văn thư UBND huyện Vân Canh cấp số" in refused.value.messages[0]
    assert meetings_policy.can(user("vanthu.ubnd"), meetings_policy.ISSUE_INVITATION, meeting)
    assert meeting in meetings_policy.visible_to(user("vanthu.ubnd"))
    document = meetings.issue_invitation(user=user("vanthu.ubnd"), meeting=meeting)
    assert document.issuer_unit == unit("ubnd") and "/GM-UBND" in document.number_symbol


def test_the_giay_moi_speaks_for_the_chairs_body_and_keeps_the_agendas_lines(db):
    meeting = scheduled(organiser="truong.vp", agenda="1. Báo cáo   sơ kết.\n\n2. Thảo luận.")
    lines = meetings.invitation_body(meeting).splitlines()
    assert lines[0].startswith("UBND huyện Vân Canh trân trọng kính mời")  # not the Văn phòng organising it
    assert lines[lines.index("5. Chương trình:") + 1 : lines.index("5. Chương trình:") + 3] == [
        "1. Báo cáo sơ kết.",
        "2. Thảo luận.",
    ]
    one = scheduled(agenda="Nghe báo cáo.")
    assert "5. Chương trình: Nghe báo cáo." in meetings.invitation_body(one).splitlines()


def test_a_department_meeting_chaired_by_a_district_leader_is_refused_clearly(db):
    """The giấy mời goes out in the chair's body's name; a department clerk cannot number it in UBND's register."""
    meeting = scheduled(organiser="vanthu.noivu")
    before = (OutgoingDraft.objects.count(), Delivery.objects.count())
    with pytest.raises(ServiceError) as refused:
        meetings.issue_invitation(user=user("vanthu.noivu"), meeting=meeting)
    assert "UBND huyện Vân Canh" in refused.value.messages[0]
    assert (OutgoingDraft.objects.count(), Delivery.objects.count()) == before


# --- Changes and cancellation ------------------------------------------------------------------------------


def test_a_change_of_time_or_place_is_kept_and_every_invitee_is_told(db, notified):
    meeting = scheduled()
    day = timezone.localtime(meeting.start).date() + datetime.timedelta(days=1)
    moved = meetings.reschedule(
        user=user("vanthu.ubnd"), meeting=meeting, start=local(day, 14), end=local(day, 16), place="Phòng họp số 2"
    )
    assert (timezone.localtime(moved.start).hour, moved.place) == (14, "Phòng họp số 2")
    event = AuditEvent.objects.get(object_type="meeting", object_id=meeting.pk, verb="meeting_changed")
    assert event.data["before"]["place"] == "Hội trường UBND huyện"
    assert event.data["after"]["start"] == f"{day:%d/%m/%Y} 14:00"
    assert notified == [("meeting_changed", {"meeting_id": meeting.pk, "event_id": event.pk})]

    notified.clear()
    meetings.reschedule(
        user=user("vanthu.ubnd"), meeting=moved, start=moved.start, end=moved.end, place="Phòng họp số 2"
    )
    assert notified == []  # nothing changed, nobody told


def test_a_change_is_refused_for_bad_times_and_for_others(db, notified):
    meeting = scheduled()
    with pytest.raises(ServiceError):
        meetings.reschedule(user=user("vanthu.ubnd"), meeting=meeting, start=meeting.end, end=meeting.start, place="X")
    with pytest.raises(ServiceError):
        meetings.reschedule(user=user("vanthu.ubnd"), meeting=meeting, start=meeting.start, end=meeting.end, place=" ")
    with pytest.raises(PermissionDenied):
        meetings.reschedule(
            user=user("vanthu.canhhien"), meeting=meeting, start=meeting.start, end=meeting.end, place="X"
        )
    assert notified == []


def test_cancelling_needs_a_reason_tells_everyone_and_closes_answers(db, notified):
    meeting = scheduled()
    with pytest.raises(ServiceError):
        meetings.cancel(user=user("vanthu.ubnd"), meeting=meeting, reason=" ")
    assert notified == []
    cancelled = meetings.cancel(user=user("vanthu.ubnd"), meeting=meeting, reason="Chủ tịch đi công tác tỉnh")
    assert cancelled.status == MeetingStatus.CANCELLED
    event = AuditEvent.objects.get(object_type="meeting", object_id=meeting.pk, verb="meeting_cancelled")
    assert notified == [("meeting_cancelled", {"meeting_id": meeting.pk, "event_id": event.pk})]
    for action in ("answer", "edit", "cancel", "invite", "materials"):
        assert not meetings_policy.can(user("vanthu.ubnd"), action, cancelled) or action == "answer"
        assert not meetings_policy.can(user("vanthu.canhhien"), action, cancelled)
    with pytest.raises(PermissionDenied):
        meetings.answer(
            user=user("vanthu.canhhien"),
            meeting=cancelled,
            invitee=invitee_of(cancelled, "xa-canh-hien"),
            response=Response.ATTEND,
        )
    with pytest.raises(PermissionDenied):
        meetings.cancel(user=user("vanthu.ubnd"), meeting=cancelled, reason="Lần nữa")


# --- Calendar feed tokens -----------------------------------------------------------------------------------


def test_a_feed_token_is_stable_until_revoked(db):
    person = user("vanthu.canhhien")
    feed = meetings.feed_for(person)
    assert meetings.feed_for(person) == feed
    new = meetings.revoke_feed(user=person)
    assert new.token != feed.token
    feed.refresh_from_db()
    assert feed.revoked_at is not None
    assert meetings.feed_for(person) == new
    assert CalendarFeed.objects.filter(user=person, revoked_at__isnull=True).count() == 1
