"""Who is told what about meetings: invited, changed, cancelled, a deputy named, and the reminders."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import NotificationKind, Role, User
from documents.models import (
    Secrecy,
)
from idesk.notifications.store import Message, deliver
from idesk.notifications.words import leads_of_units, link_to


def _meeting(meeting_id: int):
    from documents.models import Meeting

    return Meeting.objects.select_related("invitation", "chair").filter(pk=meeting_id).first()


def _meeting_people(meeting) -> list[int]:
    """Who is told about a meeting: invited people and their deputies; for an invited unit, its head(s) and its
    clerk (who answers for it). Two queries."""
    from documents.models import MeetingInvitee

    people: list[int] = []
    unit_ids: set[int] = set()
    for user_id, unit_id, deputy_id in MeetingInvitee.objects.filter(meeting=meeting).values_list(
        "user_id", "unit_id", "deputy_id"
    ):
        if user_id:
            people.append(user_id)
        elif unit_id:
            unit_ids.add(unit_id)
        if deputy_id:
            people.append(deputy_id)
    if unit_ids:
        leads = leads_of_units(unit_ids)
        clerks = User.objects.filter(unit_id__in=unit_ids, role=Role.CLERK, is_active=True).values_list("id", flat=True)
        people += [uid for ids in leads.values() for uid in ids] + list(clerks)
    return [uid for uid in dict.fromkeys(people) if uid != meeting.organiser_id]


def _meeting_confidential(meeting) -> bool:
    # A meeting on defence, security or public order, or one whose giấy mời is confidential: never named by e-mail.
    return meeting.restricted or bool(meeting.invitation_id and meeting.invitation.secrecy > Secrecy.NONE)


def _meeting_messages(meeting, recipients: list[int], verb: str, key: str, body: str = "") -> list[Message]:
    secret = _meeting_confidential(meeting)
    when = date_format(timezone.localtime(meeting.start), "H:i d/m/Y")
    subject = _("cuộc họp mật") if secret else meeting.title
    title = _("%(verb)s: %(subject)s, %(when)s") % {"verb": verb, "subject": subject, "when": when}
    if not secret and not body:
        body = _("Địa điểm: %(place)s. Chủ trì: %(chair)s.") % {"place": meeting.place, "chair": meeting.chair}
    url = link_to([("documents:meeting_detail", [meeting.pk]), ("meetings", [])])
    return [Message(uid, NotificationKind.MEETING, title, key, body, url, secret) for uid in recipients]


def on_meeting_invited(meeting_id: int, **_ids) -> list[Message]:
    meeting = _meeting(meeting_id)
    if meeting is None:
        return []
    return _meeting_messages(meeting, _meeting_people(meeting), _("Giấy mời họp"), f"meeting_invited:{meeting.pk}")


def on_meeting_changed(meeting_id: int, event_id: int | None = None, **_ids) -> list[Message]:
    meeting = _meeting(meeting_id)
    if meeting is None:
        return []
    return _meeting_messages(
        meeting,
        _meeting_people(meeting),
        _("Thay đổi lịch họp"),
        f"meeting_changed:{meeting.pk}:{event_id or 0}",
        ""
        if _meeting_confidential(meeting)
        else _("Thời gian hoặc địa điểm mới: %(place)s.") % {"place": meeting.place},
    )


def on_meeting_cancelled(meeting_id: int, event_id: int | None = None, **_ids) -> list[Message]:
    meeting = _meeting(meeting_id)
    if meeting is None:
        return []
    return _meeting_messages(
        meeting,
        _meeting_people(meeting),
        _("Hủy cuộc họp"),
        f"meeting_cancelled:{meeting.pk}:{event_id or 0}",
        _("Cuộc họp đã bị hủy."),
    )


def on_meeting_deputy(meeting_id: int, user_id: int | None = None, **_ids) -> list[Message]:
    meeting = _meeting(meeting_id)
    if meeting is None or not user_id:
        return []
    return _meeting_messages(meeting, [user_id], _("Được cử dự họp thay"), f"meeting_deputy:{meeting.pk}:{user_id}")


def meeting_reminders(now: datetime.datetime | None = None) -> int:
    """Remind every invitee before a meeting: the day before and one hour before (IDESK_MEETING_REMINDERS,
    minutes). Idempotent: one reminder per meeting, lead time and start time (a rescheduled meeting is reminded
    again at its new time)."""

    from documents.models import Meeting, MeetingStatus

    now = now or timezone.now()
    made = 0
    for minutes in sorted(settings.IDESK_MEETING_REMINDERS, reverse=True):
        upcoming = Meeting.objects.filter(
            status=MeetingStatus.SCHEDULED, start__gt=now, start__lte=now + datetime.timedelta(minutes=minutes)
        ).select_related("invitation", "chair")
        label = _("Nhắc lịch họp ngày mai") if minutes >= 12 * 60 else _("Sắp đến giờ họp")
        for meeting in upcoming:
            key = f"meeting_reminder:{meeting.pk}:{minutes}:{meeting.start.isoformat()}"
            made += len(deliver(_meeting_messages(meeting, _meeting_people(meeting), label, key)))
    return made
