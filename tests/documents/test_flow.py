"""The incoming flow: register → submit (trình) → direct (bút phê) and assign → delegate → open → note → complete.

Every step is one service: a transaction, a permission check and an audit event; a refused step changes nothing.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from documents.core import audit, roles
from documents.core.services import ServiceError
from documents.incoming import services
from documents.models import (
    Assignment,
    AssignmentRole,
    AssignmentStatus,
    AuditEvent,
    Direction,
    DocumentUserObjectPermission,
    IncomingStatus,
    ProgressNote,
)
from tests.documents.conftest import (
    coop,
    directed,
    inform,
    lead,
    pdf_upload,
    register,
    submitted,
    unit,
    upload,
    user,
    verbs,
)

TODAY = timezone.localdate


def days(n: int) -> datetime.date:
    return TODAY() + datetime.timedelta(days=n)


def _snapshot(record):
    record.refresh_from_db()
    return (
        record.status,
        record.submitted_to_id,
        Direction.objects.filter(record=record).count(),
        Assignment.objects.filter(record=record).count(),
        ProgressNote.objects.filter(record=record).count(),
        AuditEvent.objects.count(),
        DocumentUserObjectPermission.objects.count(),
    )


# --- Registering ---------------------------------------------------------------------------------------------


def test_the_clerk_registers_a_paper_arrival_into_the_register(dept_clerk):
    record = register(dept_clerk, number_symbol="215/KH-SNV", due_date=days(10), note="Bản giấy")

    assert record.status == IncomingStatus.REGISTERED
    assert record.unit == dept_clerk.unit
    assert record.registered_by == dept_clerk
    assert record.due_date == days(10)
    assert record.document.issuer_name == "UBND tỉnh Bình Định"
    assert record.document.number_symbol == "215/KH-SNV"
    event = AuditEvent.objects.get(object_type="incomingrecord", object_id=record.pk)
    assert (event.actor, event.verb) == (dept_clerk, "registered")
    assert event.data["arrival_number"] == record.arrival_number


@pytest.mark.parametrize("username", ["cv1.noivu", "truong.noivu", "chutich"])
def test_only_a_clerk_registers(db, username):
    with pytest.raises(PermissionDenied):
        register(user(username))


def test_a_document_dated_after_its_arrival_is_refused(dept_clerk):
    with pytest.raises(ServiceError) as caught:
        register(dept_clerk, issued_date=days(1))

    assert "issued_date" in caught.value.error_dict
    assert "Ngày tháng văn bản không thể sau ngày đến" in str(caught.value)


def test_a_due_date_before_the_arrival_is_refused_at_registration(dept_clerk):
    with pytest.raises(ServiceError) as caught:
        register(dept_clerk, due_date=days(-1))

    assert "Hạn xử lý không thể trước ngày đến" in caught.value.error_dict["due_date"][0].message


# --- Submitting (trình) ----------------------------------------------------------------------------------------


def test_the_clerk_submits_to_a_leader_of_the_unit(district_clerk, chairman):
    record = register(district_clerk)

    record = services.submit(clerk=district_clerk, record=record, leader=chairman, note="Kính trình Chủ tịch")

    record.refresh_from_db()
    assert record.status == IncomingStatus.SUBMITTED
    assert record.submitted_to == chairman
    assert record.submitted_at is not None
    event = AuditEvent.objects.filter(object_id=record.pk, object_type="incomingrecord").last()
    assert (event.verb, event.data["to_id"], event.data["note"]) == ("submitted", chairman.pk, "Kính trình Chủ tịch")


def test_a_department_clerk_may_submit_to_the_deputy_head(dept_clerk, dept_deputy):
    record = submitted(dept_clerk, dept_deputy)

    assert record.submitted_to == dept_deputy


@pytest.mark.parametrize(
    "leader_username",
    [
        "cv1.ubnd",  # a staff member of the unit
        "vanthu.ubnd",  # the clerk herself
        "truong.noivu",  # the head of another unit
        "truong.canhhien",  # a commune head
    ],
)
def test_submitting_to_someone_who_does_not_lead_the_unit_is_refused(district_clerk, leader_username):
    record = register(district_clerk)
    before = _snapshot(record)

    with pytest.raises(ServiceError) as caught:
        services.submit(clerk=district_clerk, record=record, leader=user(leader_username))

    assert "Chỉ trình được lãnh đạo của đơn vị." in caught.value.messages
    assert _snapshot(record) == before


def test_submitting_to_an_inactive_leader_is_refused(district_clerk, other_leader):
    User.objects.filter(pk=other_leader.pk).update(is_active=False)
    other_leader.refresh_from_db()
    record = register(district_clerk)

    with pytest.raises(ServiceError):
        services.submit(clerk=district_clerk, record=record, leader=other_leader)


def test_only_the_units_clerk_submits(district_clerk, chairman, other_leader, commune_clerk, dept_staff):
    record = register(district_clerk)

    with pytest.raises(PermissionDenied):  # sees the register but is not its clerk
        services.submit(clerk=other_leader, record=record, leader=chairman)
    with pytest.raises(Http404):  # another unit's record is hidden from them
        services.submit(clerk=commune_clerk, record=record, leader=chairman)
    with pytest.raises(Http404):
        services.submit(clerk=dept_staff, record=record, leader=chairman)


# --- Directing (bút phê) and assigning ---------------------------------------------------------------------------


def test_the_leader_directs_with_one_lead_and_deadlines_default_to_the_records_due_date(
    district_clerk, chairman, dept_staff
):
    record = submitted(district_clerk, chairman, due_date=days(10))
    noivu, tuphap = unit("noi-vu"), unit("tu-phap")

    directed(
        record,
        chairman,
        lead(noivu),
        coop(tuphap),
        coop(user("truong.tckh"), due_date=days(5)),
        inform(dept_staff),
        text="Giao Phòng Nội vụ chủ trì, Phòng Tư pháp phối hợp.",
    )

    record.refresh_from_db()
    assert record.status == IncomingStatus.IN_PROGRESS
    direction = record.directions.get()
    assert (direction.author, direction.text) == (chairman, "Giao Phòng Nội vụ chủ trì, Phòng Tư pháp phối hợp.")
    rows = {
        (a.role, a.assignee_unit_id, a.assignee_user_id): (a.due_date, a.status, a.assigned_by_id)
        for a in record.assignments.all()
    }
    assert rows == {
        (AssignmentRole.LEAD, noivu.pk, None): (days(10), AssignmentStatus.PENDING, chairman.pk),
        (AssignmentRole.COOPERATE, tuphap.pk, None): (days(10), AssignmentStatus.PENDING, chairman.pk),
        (AssignmentRole.COOPERATE, None, user("truong.tckh").pk): (days(5), AssignmentStatus.PENDING, chairman.pk),
        (AssignmentRole.INFORM, None, dept_staff.pk): (days(10), AssignmentStatus.PENDING, chairman.pk),
    }


def test_without_a_due_date_on_the_record_assignments_have_none(district_clerk, chairman, dept_staff):
    record = submitted(district_clerk, chairman)

    directed(record, chairman, lead(dept_staff))

    assert record.assignments.get().due_date is None


@pytest.mark.parametrize(
    "specs",
    [
        pytest.param(lambda: [coop(unit("noi-vu"))], id="no lead"),
        pytest.param(lambda: [lead(unit("noi-vu")), lead(unit("tu-phap"))], id="two leads"),
        pytest.param(lambda: [], id="nobody"),
        pytest.param(lambda: [lead(unit("noi-vu")), coop(unit("noi-vu"))], id="the same unit twice"),
        pytest.param(lambda: [lead(unit("noi-vu")), coop(unit("so-noi-vu"))], id="an external body"),
        pytest.param(lambda: [lead(unit("noi-vu")), coop(unit("tu-phap"), due_date=days(-1))], id="past deadline"),
    ],
)
def test_an_invalid_direction_is_refused_and_creates_nothing(district_clerk, chairman, specs):
    record = submitted(district_clerk, chairman, due_date=days(10))
    before = _snapshot(record)

    with pytest.raises(ServiceError):
        directed(record, chairman, *specs())

    assert _snapshot(record) == before
    assert record.status == IncomingStatus.SUBMITTED


def test_a_deadline_before_the_arrival_date_is_refused_next_to_its_field(district_clerk, chairman, dept_staff):
    record = submitted(district_clerk, chairman)

    with pytest.raises(ServiceError) as caught:
        directed(record, chairman, lead(dept_staff, due_date=days(-1)))

    assert "Hạn xử lý không thể trước ngày đến" in caught.value.error_dict["due_date"][0].message


def test_an_assignment_to_an_inactive_person_is_refused(district_clerk, chairman, dept_staff):
    User.objects.filter(pk=dept_staff.pk).update(is_active=False)
    dept_staff.refresh_from_db()
    record = submitted(district_clerk, chairman)

    with pytest.raises(ServiceError):
        directed(record, chairman, lead(dept_staff))
    assert not Assignment.objects.filter(record=record).exists()


def test_an_empty_direction_text_is_refused(district_clerk, chairman, dept_staff):
    record = submitted(district_clerk, chairman)

    with pytest.raises(ServiceError) as caught:
        directed(record, chairman, lead(dept_staff), text="   ")

    assert "text" in caught.value.error_dict
    assert not Direction.objects.filter(record=record).exists()


def test_only_the_leader_it_was_submitted_to_directs(district_clerk, chairman, other_leader, dept_head, dept_staff):
    record = submitted(district_clerk, chairman)

    with pytest.raises(PermissionDenied):
        directed(record, other_leader, lead(dept_staff))
    with pytest.raises(Http404):
        directed(record, dept_head, lead(dept_staff))
    assert not Direction.objects.filter(record=record).exists()


# --- Forwarding to another leader ----------------------------------------------------------------------------


def test_a_leader_forwards_the_record_to_another_leader_who_then_directs(
    district_clerk, chairman, other_leader, dept_staff
):
    record = submitted(district_clerk, chairman)

    services.forward(leader=chairman, record=record, to_leader=other_leader, note="Đề nghị PCT phụ trách xử lý")

    record.refresh_from_db()
    assert record.submitted_to == other_leader
    assert record.status == IncomingStatus.SUBMITTED
    with pytest.raises(PermissionDenied):
        directed(record, chairman, lead(dept_staff))
    directed(record, other_leader, lead(dept_staff))
    assert verbs(record) == ["registered", "submitted", "forwarded", "directed", "assigned"]


@pytest.mark.parametrize("to_username", ["chutich", "truong.noivu", "cv1.ubnd"])
def test_forwarding_to_oneself_or_to_someone_who_does_not_lead_the_unit_is_refused(
    district_clerk, chairman, to_username
):
    record = submitted(district_clerk, chairman)
    before = _snapshot(record)

    with pytest.raises(ServiceError):
        services.forward(leader=chairman, record=record, to_leader=user(to_username))

    assert _snapshot(record) == before


# --- Delegating (giao) inside an assigned unit ---------------------------------------------------------------


def _without_clerks(*codes: str) -> None:
    User.objects.filter(roles.clerks(), unit__in=[unit(c) for c in codes]).update(is_active=False)


@pytest.fixture
def unit_assigned(district_clerk, chairman):
    """A district record directed to Phòng Nội vụ (chủ trì) and Phòng Tư pháp (phối hợp), not yet delegated.
    Their clerks are away (inactive), so the assignments stay on the district record and their heads delegate
    there: with a clerk, it would go through the unit's own record (test_directed_units_handling.py)."""
    _without_clerks("noi-vu", "tu-phap")
    record = submitted(district_clerk, chairman, due_date=days(10))
    return directed(record, chairman, lead(unit("noi-vu")), coop(unit("tu-phap")))


def test_the_head_of_the_assigned_unit_delegates_to_one_of_its_people(unit_assigned, dept_head, dept_staff):
    assignment = unit_assigned.assignments.get(role=AssignmentRole.LEAD)
    assert not services.policy.can(dept_staff, "complete", unit_assigned)

    services.delegate(head=dept_head, assignment=assignment, to_user=dept_staff)

    assignment.refresh_from_db()
    assert (assignment.assignee_unit, assignment.assignee_user) == (unit("noi-vu"), dept_staff)
    assert verbs(unit_assigned)[-1] == "delegated"
    assert services.policy.can(dept_staff, "complete", unit_assigned)
    assert not services.policy.can(dept_head, "complete", unit_assigned)


def test_the_deputy_head_may_delegate_too(unit_assigned, dept_deputy, dept_staff2):
    services.delegate(
        head=dept_deputy, assignment=unit_assigned.assignments.get(role=AssignmentRole.LEAD), to_user=dept_staff2
    )

    assert unit_assigned.assignments.get(role=AssignmentRole.LEAD).assignee_user == dept_staff2


def test_delegating_to_someone_outside_the_unit_is_refused(unit_assigned, dept_head, outsider):
    assignment = unit_assigned.assignments.get(role=AssignmentRole.LEAD)

    with pytest.raises(ServiceError) as caught:
        services.delegate(head=dept_head, assignment=assignment, to_user=outsider)

    assert "to_user" in caught.value.error_dict
    assignment.refresh_from_db()
    assert assignment.assignee_user is None
    assert "delegated" not in verbs(unit_assigned)


def test_only_the_head_of_the_assigned_unit_delegates_its_assignment(unit_assigned, tuphap_head, dept_staff):
    lead_assignment = unit_assigned.assignments.get(role=AssignmentRole.LEAD)

    with pytest.raises(PermissionDenied):  # Tư pháp's head sees the record (phối hợp) but Nội vụ holds the lead
        services.delegate(head=tuphap_head, assignment=lead_assignment, to_user=user("cv1.tuphap"))
    with pytest.raises(Http404):  # Nội vụ's staff member is not (yet) involved
        services.delegate(head=dept_staff, assignment=lead_assignment, to_user=dept_staff)


def test_a_delegated_assignment_cannot_be_delegated_again(unit_assigned, dept_head, dept_staff, dept_staff2):
    assignment = unit_assigned.assignments.get(role=AssignmentRole.LEAD)
    services.delegate(head=dept_head, assignment=assignment, to_user=dept_staff)

    with pytest.raises(PermissionDenied):
        services.delegate(head=dept_head, assignment=assignment, to_user=dept_staff2)


def test_delegating_after_the_record_is_done_is_refused(unit_assigned, dept_head, dept_staff, tuphap_head):
    services.complete(user=dept_head, record=unit_assigned, result="Đã tham mưu văn bản trả lời.")
    coop_assignment = unit_assigned.assignments.get(role=AssignmentRole.COOPERATE)

    with pytest.raises(PermissionDenied):
        services.delegate(head=tuphap_head, assignment=coop_assignment, to_user=user("cv1.tuphap"))

    coop_assignment.refresh_from_db()
    assert coop_assignment.assignee_user is None


# --- Opening (read receipts) -------------------------------------------------------------------------------------


def test_opening_records_one_read_receipt_per_user_and_the_first_opening_of_their_assignments(
    district_clerk, chairman, dept_staff, dept_head
):
    record = directed(
        submitted(district_clerk, chairman), chairman, lead(dept_staff), coop(unit("noi-vu")), inform(user("cv2.ubnd"))
    )

    services.open_record(user=dept_staff, record=record)
    first_open = record.assignments.get(role=AssignmentRole.LEAD).first_opened_at
    services.open_record(user=dept_staff, record=record)

    opened = AuditEvent.objects.filter(object_type="incomingrecord", object_id=record.pk, verb="opened")
    assert list(opened.values_list("actor__username", flat=True)) == ["cv1.noivu"]
    assert first_open is not None
    assert record.assignments.get(role=AssignmentRole.LEAD).first_opened_at == first_open
    assert record.assignments.get(role=AssignmentRole.COOPERATE).first_opened_at is None
    assert record.assignments.get(role=AssignmentRole.INFORM).first_opened_at is None

    services.open_record(user=dept_head, record=record)  # heads open for their undelegated unit assignment
    services.open_record(user=chairman, record=record)

    assert record.assignments.get(role=AssignmentRole.COOPERATE).first_opened_at is not None
    assert sorted(opened.values_list("actor__username", flat=True)) == ["chutich", "cv1.noivu", "truong.noivu"]


def test_opening_a_record_one_may_not_see_is_refused_and_leaves_no_receipt(district_clerk, chairman, outsider):
    record = submitted(district_clerk, chairman)

    with pytest.raises(Http404):
        services.open_record(user=outsider, record=record)

    assert not AuditEvent.objects.filter(object_id=record.pk, verb="opened").exists()


# --- Progress notes and completion ------------------------------------------------------------------------------


@pytest.fixture
def in_progress(district_clerk, chairman, dept_staff):
    """A district record: cv1.noivu chủ trì, truong.tuphap phối hợp, cv2.ubnd để biết."""
    record = submitted(district_clerk, chairman, due_date=days(10))
    return directed(record, chairman, lead(dept_staff), coop(user("truong.tuphap")), inform(user("cv2.ubnd")))


def test_a_note_moves_the_handlers_assignment_to_in_progress_and_keeps_its_files(in_progress, tuphap_head):
    note = services.add_note(
        user=tuphap_head,
        record=in_progress,
        text="Đã rà soát, góp ý dự thảo.",
        uploads=[pdf_upload("gop-y.pdf", marker="gop-y")],
    )

    assert note.author == tuphap_head
    assert note.assignment == in_progress.assignments.get(role=AssignmentRole.COOPERATE)
    assert [f.name for f in note.files.all()] == ["gop-y.pdf"]
    statuses = dict(in_progress.assignments.values_list("role", "status"))
    assert statuses == {
        AssignmentRole.LEAD: AssignmentStatus.PENDING,
        AssignmentRole.COOPERATE: AssignmentStatus.IN_PROGRESS,
        AssignmentRole.INFORM: AssignmentStatus.PENDING,
    }
    event = AuditEvent.objects.filter(object_id=in_progress.pk, object_type="incomingrecord").last()
    assert (event.verb, event.data["files"]) == ("noted", ["gop-y.pdf"])


def test_a_note_with_a_bad_file_leaves_nothing_behind(in_progress, dept_staff):
    before = _snapshot(in_progress)

    with pytest.raises(ValidationError):
        services.add_note(
            user=dept_staff, record=in_progress, text="Kèm báo cáo", uploads=[upload("bao-cao.pdf", b"\x89PNG\r\n")]
        )

    assert _snapshot(in_progress) == before
    assert in_progress.assignments.get(role=AssignmentRole.LEAD).status == AssignmentStatus.PENDING


def test_an_empty_note_is_refused(in_progress, dept_staff):
    with pytest.raises(ServiceError):
        services.add_note(user=dept_staff, record=in_progress, text="  ")


def test_someone_only_informed_cannot_add_a_note(in_progress):
    with pytest.raises(PermissionDenied):
        services.add_note(user=user("cv2.ubnd"), record=in_progress, text="Đã biết.")


def test_only_the_lead_completes_and_the_record_is_then_done(in_progress, dept_staff, tuphap_head):
    with pytest.raises(PermissionDenied):
        services.complete(user=tuphap_head, record=in_progress, result="Xong phần phối hợp.")
    with pytest.raises(ServiceError):
        services.complete(user=dept_staff, record=in_progress, result=" ")

    services.complete(user=dept_staff, record=in_progress, result="Đã tham mưu Công văn trả lời số 12/UBND-NV.")

    in_progress.refresh_from_db()
    assert in_progress.status == IncomingStatus.DONE
    assert in_progress.completed_at is not None
    lead_assignment = in_progress.assignments.get(role=AssignmentRole.LEAD)
    assert lead_assignment.status == AssignmentStatus.DONE
    assert lead_assignment.result == "Đã tham mưu Công văn trả lời số 12/UBND-NV."
    assert lead_assignment.completed_at == in_progress.completed_at
    assert verbs(in_progress)[-1] == "completed"


# --- Illegal transitions -----------------------------------------------------------------------------------------


def _registered(clerk, leader, staff):
    return register(clerk)


def _submitted(clerk, leader, staff):
    return submitted(clerk, leader)


def _directed(clerk, leader, staff):
    return directed(submitted(clerk, leader), leader, lead(staff))


def _done(clerk, leader, staff):
    record = _directed(clerk, leader, staff)
    return services.complete(user=staff, record=record, result="Xong.")


ACTIONS = {
    "submit": lambda r, clerk, leader, staff: services.submit(clerk=clerk, record=r, leader=leader),
    "direct": lambda r, clerk, leader, staff: directed(r, leader, lead(staff)),
    "forward": lambda r, clerk, leader, staff: services.forward(leader=leader, record=r, to_leader=user("pct.kinhte")),
    "note": lambda r, clerk, leader, staff: services.add_note(user=staff, record=r, text="Tiến độ"),
    "complete": lambda r, clerk, leader, staff: services.complete(user=staff, record=r, result="Xong."),
}


@pytest.mark.parametrize(
    "state, action",
    [
        (_registered, "direct"),
        (_registered, "forward"),
        (_registered, "note"),
        (_registered, "complete"),
        (_submitted, "note"),
        (_submitted, "complete"),
        (_directed, "submit"),
        (_directed, "direct"),
        (_directed, "forward"),
        (_done, "submit"),
        (_done, "direct"),
        (_done, "note"),
        (_done, "complete"),
    ],
    ids=lambda v: v.__name__.strip("_") if callable(v) else v,
)
def test_illegal_transitions_are_refused_and_change_nothing(district_clerk, chairman, dept_staff, state, action):
    record = state(district_clerk, chairman, dept_staff)
    before = _snapshot(record)

    with pytest.raises((PermissionDenied, Http404, ServiceError)):
        ACTIONS[action](record, district_clerk, chairman, dept_staff)

    assert _snapshot(record) == before


# --- The timeline ----------------------------------------------------------------------------------------------


def test_the_timeline_tells_every_step_in_order(district_clerk, chairman, other_leader, dept_head, dept_staff):
    _without_clerks("noi-vu")  # the old path: the unit's head delegates on the district record
    record = register(district_clerk, due_date=days(7))
    services.submit(clerk=district_clerk, record=record, leader=chairman)
    services.forward(leader=chairman, record=record, to_leader=other_leader)
    directed(record, other_leader, lead(unit("noi-vu")), inform(user("cv2.ubnd")), text="Phòng Nội vụ tham mưu.")
    services.delegate(head=dept_head, assignment=record.assignments.get(role=AssignmentRole.LEAD), to_user=dept_staff)
    services.open_record(user=dept_staff, record=record)
    services.add_note(user=dept_staff, record=record, text="Đang dự thảo.")
    services.complete(user=dept_staff, record=record, result="Đã trình ký văn bản trả lời.")

    timeline = audit.timeline(record)

    assert [(e.verb, e.actor.username) for e in timeline] == [
        ("registered", "vanthu.ubnd"),
        ("submitted", "vanthu.ubnd"),
        ("forwarded", "chutich"),
        ("directed", "pct.kinhte"),
        ("assigned", "pct.kinhte"),
        ("assigned", "pct.kinhte"),
        ("delegated", "truong.noivu"),
        ("opened", "cv1.noivu"),
        ("noted", "cv1.noivu"),
        ("completed", "cv1.noivu"),
    ]
    assert [str(e.label) for e in timeline][:3] == ["Vào sổ văn bản đến", "Trình", "Chuyển lãnh đạo khác"]
    assert timeline[4].data["role"] == AssignmentRole.LEAD and timeline[4].data["due_date"] == days(7).isoformat()
    assert timeline == sorted(timeline, key=lambda e: (e.at, e.id))


def test_audit_events_cannot_be_edited_or_deleted(district_clerk):
    record = register(district_clerk)
    event = AuditEvent.objects.get(object_id=record.pk, object_type="incomingrecord")

    event.verb = "completed"
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        event.delete()


# --- Notifications follow the commit ---------------------------------------------------------------------------


def test_directing_notifies_each_assignee_after_the_commit(
    district_clerk, chairman, dept_staff, enqueued, django_capture_on_commit_callbacks
):
    record = submitted(district_clerk, chairman)

    with django_capture_on_commit_callbacks(execute=True):
        directed(record, chairman, lead(dept_staff), coop(unit("tu-phap")))

    ids = set(record.assignments.values_list("pk", flat=True))
    assert sorted(enqueued.events()) == ["assigned", "assigned", "delivered"]  # Phòng Tư pháp's clerk too
    assert {i["assignment_id"] for e, i in enqueued if e == "assigned"} == ids


def test_a_refused_direction_notifies_nobody(
    district_clerk, chairman, dept_staff, enqueued, django_capture_on_commit_callbacks
):
    record = submitted(district_clerk, chairman)

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(ServiceError):
        directed(record, chairman, lead(dept_staff), lead(unit("tu-phap")))

    assert callbacks == [] and enqueued == []
