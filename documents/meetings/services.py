"""Meetings: create, change, cancel, materials, the giấy mời through the outgoing flow, answers, attendance.
Every change is one function here: a transaction, a permission check (meetings/policy.py), an audit event, and
notifications through the queue after commit.
"""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from documents.core import audit, files, grants, notify, roles
from documents.core.models import DocType, Document
from documents.core.services import ServiceError
from documents.meetings import policy
from documents.meetings.models import (
    Attendance,
    CalendarFeed,
    Meeting,
    MeetingInvitee,
    MeetingMaterial,
    MeetingStatus,
    Response,
)
from documents.outgoing import services as outgoing_services
from documents.outgoing.models import DraftStatus, MeetingKind, OutgoingDraft
from units.models import Unit

# --- Creating and changing --------------------------------------------------------------------------------


@dataclass
class MeetingData:
    title: str
    chair: User
    start: datetime.datetime
    end: datetime.datetime
    place: str
    agenda: str = ""
    restricted: bool = False
    invited_units: Sequence[Unit] = ()
    invited_users: Sequence[User] = ()
    uploads: list = field(default_factory=list)
    confidential_uploads: list = field(default_factory=list)


def _check(data: MeetingData, *, new: bool) -> None:
    errors = {}
    if not data.title.strip():
        errors["title"] = _("Hãy nhập nội dung cuộc họp.")
    if not data.place.strip():
        errors["place"] = _("Hãy nhập địa điểm.")
    if data.end <= data.start:
        errors["end"] = _("Giờ kết thúc phải sau giờ bắt đầu.")
    if new and data.start < timezone.now():
        errors["start"] = _("Không thể tạo cuộc họp trong quá khứ.")
    if not roles.is_leader(data.chair):
        errors["chair"] = _("Người chủ trì phải là lãnh đạo.")
    if new and not data.invited_units and not data.invited_users:
        errors["invited_units"] = _("Hãy chọn thành phần mời.")
    inactive = [u.name for u in data.invited_units if not u.active]
    if inactive:
        errors["invited_units"] = _("Đơn vị không còn hoạt động: %(u)s.") % {"u": ", ".join(inactive)}
    if errors:
        raise ServiceError(errors)


def create_meeting(*, organiser: User, data: MeetingData) -> Meeting:
    """Lên lịch họp: a leader, or the office on the leader's behalf."""
    policy.meetings.require_for_unit(organiser, policy.ORGANISE)
    _check(data, new=True)
    with transaction.atomic():
        meeting = Meeting.objects.create(
            title=data.title.strip(), organiser=organiser, organiser_unit=organiser.unit, chair=data.chair,
            start=data.start, end=data.end, place=data.place.strip(), agenda=data.agenda, restricted=data.restricted,
        )  # fmt: skip
        for unit in data.invited_units:
            MeetingInvitee.objects.create(meeting=meeting, unit=unit)
        for person in data.invited_users:
            MeetingInvitee.objects.create(meeting=meeting, user=person, unit=None)
        _add_materials(meeting, organiser, data.uploads, confidential=False)
        _add_materials(meeting, organiser, data.confidential_uploads, confidential=True)
        audit.record(organiser, "meeting_created", meeting, start=_iso(meeting.start), place=meeting.place)
    return meeting


def _iso(value: datetime.datetime) -> str:
    return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")


def _add_materials(meeting: Meeting, by: User, uploads, *, confidential: bool) -> list[MeetingMaterial]:
    made = []
    for upload in uploads:
        files.validate_upload(upload)
        made.append(
            MeetingMaterial.objects.create(
                meeting=meeting,
                blob=files.store(upload),
                name=upload.name[:255],
                confidential=confidential,
                added_by=by,
            )
        )
    return made


def add_materials(*, user: User, meeting: Meeting, uploads, confidential: bool = False) -> list[MeetingMaterial]:
    with transaction.atomic():
        policy.require(user, "materials", meeting)
        made = _add_materials(meeting, user, uploads, confidential=confidential)
        audit.record(user, "materials_added", meeting, names=[m.name for m in made], confidential=confidential)
    return made


def grant_material(*, user: User, material: MeetingMaterial, people: Sequence[User]) -> None:
    """Cấp quyền xem a confidential material (the policy's GRANT) to people who see the meeting."""
    with transaction.atomic():
        policy.require(user, policy.GRANT, material)
        allowed = set(
            policy.grantees(material.meeting).filter(pk__in=[p.pk for p in people]).values_list("pk", flat=True)
        )
        outside = [p.full_name for p in people if p.pk not in allowed]
        if outside:
            raise ServiceError(
                {"users": _("Chỉ cấp quyền cho người dự hoặc tổ chức cuộc họp: %(p)s.") % {"p": ", ".join(outside)}}
            )
        grants.grant(user, people, material, verb="material_granted", on=material.meeting, material=material.name)


def open_material(*, user: User, material: MeetingMaterial) -> None:
    """Read receipt for a material, once per user."""
    if not policy.can(user, policy.READ, material):
        raise Http404
    meeting = material.meeting
    exists = audit.AuditEvent.objects.filter(
        object_type="meeting", object_id=meeting.pk, verb="material_opened", actor=user, data__material_id=material.pk
    ).exists()
    if not exists:
        audit.record(user, "material_opened", meeting, material=material.name, material_id=material.pk)


def reschedule(
    *, user: User, meeting: Meeting, start: datetime.datetime, end: datetime.datetime, place: str
) -> Meeting:
    """Change of time or place: kept in the meeting's history; every invitee is told."""
    if end <= start:
        raise ServiceError({"end": _("Giờ kết thúc phải sau giờ bắt đầu.")})
    if start < timezone.now():
        raise ServiceError({"start": _("Không thể dời cuộc họp về quá khứ.")})
    if not place.strip():
        raise ServiceError({"place": _("Hãy nhập địa điểm.")})
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        policy.require(user, "edit", meeting)
        before = {"start": _iso(meeting.start), "end": _iso(meeting.end), "place": meeting.place}
        meeting.start, meeting.end, meeting.place = start, end, place.strip()
        meeting.save(update_fields=["start", "end", "place"])
        after = {"start": _iso(start), "end": _iso(end), "place": meeting.place}
        if before == after:
            return meeting
        event = audit.record(user, "meeting_changed", meeting, before=before, after=after)
    notify.later("meeting_changed", meeting_id=meeting.pk, event_id=event.pk)
    return meeting


def cancel(*, user: User, meeting: Meeting, reason: str) -> Meeting:
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError({"reason": _("Hãy nêu lý do hủy cuộc họp.")})
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        policy.require(user, "cancel", meeting)
        meeting.status = MeetingStatus.CANCELLED
        meeting.save(update_fields=["status"])
        event = audit.record(user, "meeting_cancelled", meeting, reason=reason)
    notify.later("meeting_cancelled", meeting_id=meeting.pk, event_id=event.pk)
    return meeting


# --- The giấy mời, through the outgoing flow -------------------------------------------------------------------


def invitation_body(meeting: Meeting) -> str:
    start, end = timezone.localtime(meeting.start), timezone.localtime(meeting.end)
    # In the name of the body that issues it (the chair's), which may not be the unit organising the meeting.
    issuer = meeting.chair.unit or meeting.organiser_unit
    lines = [
        f"{issuer.name} trân trọng kính mời đại diện lãnh đạo các cơ quan, đơn vị dự họp:",
        f"1. Nội dung: {meeting.title}.",
        f"2. Chủ trì: đồng chí {meeting.chair.full_name}, {meeting.chair.position}.",
        f"3. Thời gian: {start:%H} giờ {start:%M} ngày {start:%d/%m/%Y} (đến {end:%H} giờ {end:%M}).",
        f"4. Địa điểm: {meeting.place}.",
    ]
    # The agenda keeps its own lines (its items), each tidied of stray spaces.
    agenda = [" ".join(line.split()) for line in meeting.agenda.splitlines() if line.strip()]
    if len(agenda) == 1:
        lines.append(f"5. Chương trình: {agenda[0]}")
    elif agenda:
        lines += ["5. Chương trình:", *agenda]
    lines.append(
        "Tài liệu họp được đăng trên hệ thống Văn phòng điện tử iDesk; "
        "đề nghị các đơn vị xác nhận tham dự trên hệ thống."
    )
    return "\n".join(lines)


def issue_invitation(*, user: User, meeting: Meeting) -> Document:
    """Phát hành giấy mời: a GM-type document of the organising unit, signed for the chair, numbered and
    dispatched by the unit's clerk through the outgoing flow (electronic-only to units on the system).

    One transaction with the meeting row locked: a refused issue leaves no signed draft behind, and two
    clicks cannot number two giấy mời."""
    with transaction.atomic():
        meeting = (
            Meeting.objects.select_for_update(of=("self",))
            .select_related("chair__unit", "organiser_unit")
            .get(pk=meeting.pk)
        )
        policy.require(user, policy.VIEW, meeting)
        if meeting.invitation_id:
            raise ServiceError(_("Giấy mời của cuộc họp này đã được phát hành."))
        issuer = meeting.chair.unit
        if not policy.can(user, policy.ISSUE_INVITATION, meeting):
            if not policy.can(user, policy.INVITE, meeting):
                raise PermissionDenied  # neither its issuing clerk nor one of its organisers
            # An organiser asking: the giấy mời goes out in the chair's body's name, numbered in its register.
            if meeting.cancelled or meeting.ended:
                raise ServiceError(_("Cuộc họp đã hủy hoặc đã kết thúc: không phát hành giấy mời."))
            raise ServiceError(
                _("Giấy mời do %(u)s ban hành (đơn vị của người chủ trì); văn thư %(u)s cấp số và phát hành.")
                % {"u": issuer.name if issuer else meeting.chair.full_name}
            )
        units = sorted(
            {
                inv.unit or inv.user.unit
                for inv in meeting.invitees.select_related("unit", "user__unit")
                if inv.unit or inv.user.unit
            },
            key=lambda u: (u.sort_order, u.name),
        )
        draft = OutgoingDraft.objects.create(
            unit=meeting.organiser_unit, issuer_unit=issuer, author=user, doc_type=DocType.GIAY_MOI,
            summary=meeting.title
            if meeting.title.lower().startswith("họp")
            else f"Họp {meeting.title[0].lower()}{meeting.title[1:]}",
            body=invitation_body(meeting), archive_note="VT", signer=meeting.chair,
            meeting_kind=MeetingKind.SECURITY if meeting.restricted else MeetingKind.ORDINARY,
            status=DraftStatus.SIGNED,
        )  # fmt: skip
        draft.recipient_units.set([u for u in units if u.pk != issuer.pk])
        audit.record(
            user,
            "draft_signed",
            draft,
            comment=_("Giấy mời theo lịch họp do %(c)s chủ trì") % {"c": meeting.chair.full_name},
        )
        document = outgoing_services.issue(clerk=user, draft=draft, attach_pdf=False)
        Meeting.objects.filter(pk=meeting.pk).update(invitation=document)
        audit.record(user, "invitation_issued", meeting, number_symbol=document.number_symbol, document_id=document.pk)
    # Rendered once the register and meeting rows are unlocked: other clerks numbering do not wait for it.
    outgoing_services.attach_official_pdf(document)
    notify.later("meeting_invited", meeting_id=meeting.pk)
    return document


# --- Answers, judging reasons, attendance ---------------------------------------------------------------


def answer(
    *,
    user: User,
    meeting: Meeting,
    invitee: MeetingInvitee,
    response: str,
    deputy: User | None = None,
    reason: str = "",
) -> MeetingInvitee:
    """Tham dự / cử người dự thay / vắng có lý do, before the meeting ends."""
    if response not in (Response.ATTEND, Response.DEPUTY, Response.DECLINE):
        raise ServiceError({"response": _("Hãy chọn câu trả lời.")})
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if meeting.ended:
            raise ServiceError(_("Cuộc họp đã kết thúc, không thể trả lời."))
        policy.require(user, "answer", meeting)
        invitee = MeetingInvitee.objects.select_for_update().get(pk=invitee.pk, meeting=meeting)
        if invitee.pk not in {i.pk for i in policy.my_invitations(user, meeting)}:
            raise PermissionDenied
        target_unit = invitee.counted_unit_id
        if response == Response.DEPUTY:
            if deputy is None:
                raise ServiceError({"deputy": _("Hãy chọn người dự thay.")})
            if deputy.unit_id != target_unit and not policy.is_organiser(user, meeting):
                raise ServiceError(
                    {
                        "deputy": _(
                            "Người dự thay phải thuộc đơn vị được mời; cử người đơn vị khác cần ban tổ chức đồng ý."
                        )
                    }
                )
        if response == Response.DECLINE and not reason.strip():
            raise ServiceError({"reason": _("Hãy nêu lý do vắng.")})
        invitee.response = response
        invitee.deputy = deputy if response == Response.DEPUTY else None
        invitee.decline_reason = reason.strip() if response == Response.DECLINE else ""
        invitee.reason_accepted = None
        invitee.responded_at = timezone.now()
        invitee.responded_by = user
        invitee.save(
            update_fields=["response", "deputy", "decline_reason", "reason_accepted", "responded_at", "responded_by"]
        )
        audit.record(
            user, "meeting_answered", meeting, invitee=invitee.label, response=response,
            deputy=deputy.full_name if invitee.deputy else "", reason=invitee.decline_reason,
        )  # fmt: skip
    if invitee.deputy_id:
        notify.later("meeting_deputy", meeting_id=meeting.pk, user_id=invitee.deputy_id)
    return invitee


def judge_reason(*, user: User, invitee: MeetingInvitee, accepted: bool) -> MeetingInvitee:
    """The organiser accepts or rejects a decline reason (valid or not)."""
    with transaction.atomic():
        invitee = MeetingInvitee.objects.select_for_update().select_related("meeting").get(pk=invitee.pk)
        policy.require(user, "judge", invitee.meeting)
        if invitee.response != Response.DECLINE:
            raise ServiceError(_("Thành phần này không báo vắng."))
        invitee.reason_accepted = accepted
        fields = ["reason_accepted"]
        if invitee.attendance in (Attendance.EXCUSED, Attendance.UNEXCUSED):
            invitee.attendance = Attendance.EXCUSED if accepted else Attendance.UNEXCUSED
            fields.append("attendance")
        invitee.save(update_fields=fields)
        audit.record(user, "reason_judged", invitee.meeting, invitee=invitee.label, accepted=accepted)
    return invitee


def record_attendance(*, user: User, meeting: Meeting, marks: dict[int, str]) -> Meeting:
    """Điểm danh after the meeting starts: present / absent with an accepted reason / absent without one."""
    valid = {Attendance.PRESENT, Attendance.EXCUSED, Attendance.UNEXCUSED}
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        policy.require(user, "attendance", meeting)
        invitees = {i.pk: i for i in meeting.invitees.select_for_update()}
        now = timezone.now()
        for pk, mark in marks.items():
            invitee = invitees.get(pk)
            if invitee is None or mark not in valid:
                raise ServiceError(_("Dữ liệu điểm danh không hợp lệ."))
            if mark == Attendance.EXCUSED and invitee.reason_accepted is False:
                raise ServiceError(_("%(i)s: lý do vắng đã bị đánh giá không chính đáng.") % {"i": invitee.label})
            invitee.attendance, invitee.attendance_at = mark, now
            invitee.save(update_fields=["attendance", "attendance_at"])
        audit.record(user, "attendance_recorded", meeting, marks={invitees[k].label: v for k, v in marks.items()})
    return meeting


# --- Calendar feeds --------------------------------------------------------------------------------------


def feed_for(user: User) -> CalendarFeed:
    feed = CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).first()
    return feed or CalendarFeed.objects.create(user=user, token=secrets.token_urlsafe(32))


def revoke_feed(*, user: User) -> CalendarFeed:
    """Thu hồi the old URL and make a new one (calendars subscribed to the old one stop updating)."""
    with transaction.atomic():
        CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
        return CalendarFeed.objects.create(user=user, token=secrets.token_urlsafe(32))
