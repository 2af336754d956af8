"""The policy for meetings (`visible_to` / `can` / `require`): a meeting is seen by its organiser, its chair,
the district leaders, the organising unit and its invitees (an invited person, or anyone in an invited unit, and
a named deputy). A restricted meeting (họp mật, quốc phòng, an ninh) only by those it concerns: its organiser and
chair, the organising unit's clerk and leaders (who act for the organiser), invited people and deputies, and of an
invited unit those who answer for it (clerk and leaders) — not every staff member, and not every district leader.
Materials follow the meeting; confidential materials only by an explicit grant, which the organiser side gives
(a holder, the chair, the organising unit's head) to people who see the meeting.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import Role, User
from documents.meetings.models import Meeting, MeetingInvitee, MeetingMaterial

ORGANISER_ROLES = {Role.LEADER, Role.HEAD, Role.DEPUTY_HEAD, Role.CLERK, Role.STAFF}

# --- Policy -----------------------------------------------------------------------------------------------


# Who acts for a unit in a meeting: answers its invitation, organises on its behalf.
OFFICER_ROLES = {Role.CLERK, Role.HEAD, Role.DEPUTY_HEAD, Role.LEADER}


def visible_to(user: User, qs: QuerySet[Meeting] | None = None) -> QuerySet[Meeting]:
    qs = Meeting.objects.all() if qs is None else qs
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    personal = MeetingInvitee.objects.filter(Q(user_id=user.pk) | Q(deputy_id=user.pk)).values("meeting_id")
    concerns = Q(organiser_id=user.pk) | Q(chair_id=user.pk) | Q(pk__in=personal)
    if user.role in OFFICER_ROLES and user.unit_id is not None:
        as_unit = MeetingInvitee.objects.filter(unit_id=user.unit_id, user__isnull=True).values("meeting_id")
        concerns |= Q(organiser_unit_id=user.unit_id) | Q(pk__in=as_unit)
    if user.role == Role.LEADER:
        return qs.filter(Q(restricted=False) | concerns)
    if user.unit_id is not None:
        # Anyone of the organising or an invited unit sees an ordinary meeting.
        unit_invited = MeetingInvitee.objects.filter(unit_id=user.unit_id, user__isnull=True).values("meeting_id")
        concerns |= Q(restricted=False) & (Q(organiser_unit_id=user.unit_id) | Q(pk__in=unit_invited))
    return qs.filter(concerns)


def audience(meeting: Meeting) -> QuerySet[User]:
    """The active people who see the meeting: `visible_to` from the meeting's side (the matrix holds them equal)."""
    seen = _concerned(meeting) if meeting.restricted else _concerned(meeting) | Q(role=Role.LEADER)
    return User.objects.filter(seen, is_active=True)


def grantees(meeting: Meeting) -> QuerySet[User]:
    """Who a confidential material may be granted to: the people the meeting concerns, among those who see it
    (a grant never opens a hidden meeting, so it is not offered)."""
    return User.objects.filter(_concerned(meeting), is_active=True).exclude(role=Role.ADMIN)


def _concerned(meeting: Meeting) -> Q:
    """The people the meeting concerns: organiser, chair, invited people and deputies, and the organising and
    invited units (of a restricted meeting, only those who act for the unit)."""
    invitees = list(meeting.invitees.all())
    persons = {meeting.organiser_id, meeting.chair_id}
    persons |= {i.user_id for i in invitees if i.user_id} | {i.deputy_id for i in invitees if i.deputy_id}
    units = {meeting.organiser_unit_id} | {i.unit_id for i in invitees if i.unit_id and not i.user_id}
    unit_q = Q(unit_id__in=units)
    if meeting.restricted:
        unit_q &= Q(role__in=OFFICER_ROLES)
    return Q(pk__in=persons) | unit_q


def is_organiser(user: User, meeting: Meeting) -> bool:
    """The organiser, the chair, or someone of the organising unit acting for them (the office)."""
    return user.pk in (meeting.organiser_id, meeting.chair_id) or (
        user.unit_id == meeting.organiser_unit_id and user.role in OFFICER_ROLES
    )


def my_invitations(user: User, meeting: Meeting) -> list[MeetingInvitee]:
    """The invitations this user answers: to them personally, or to their unit when they lead it or are its clerk."""
    out = []
    for inv in meeting.invitees.all():
        if inv.user_id == user.pk or inv.deputy_id == user.pk:
            out.append(inv)
        elif inv.user_id is None and inv.unit_id == user.unit_id and user.role in OFFICER_ROLES:
            out.append(inv)
    return out


def can(user: User, action: str, meeting: Meeting) -> bool:
    if not visible_to(user).filter(pk=meeting.pk).exists():
        return False
    if action == "view":
        return True
    if action in ("edit", "cancel", "materials", "invite"):
        return is_organiser(user, meeting) and not meeting.cancelled and not meeting.ended
    if action == "attendance":
        return is_organiser(user, meeting) and not meeting.cancelled and meeting.start <= timezone.now()
    if action == "judge":
        return is_organiser(user, meeting) and not meeting.cancelled
    if action == "answer":
        return bool(my_invitations(user, meeting)) and not meeting.cancelled and not meeting.ended
    return False


def require(user: User, action: str, meeting: Meeting) -> None:
    if not visible_to(user).filter(pk=meeting.pk).exists():
        raise Http404
    if not can(user, action, meeting):
        raise PermissionDenied


def can_read_material(user: User, material: MeetingMaterial) -> bool:
    if not visible_to(user).filter(pk=material.meeting_id).exists():
        return False
    if not material.confidential:
        return True
    return holds_material(user, material)


def holds_material(user: User, material: MeetingMaterial) -> bool:
    return user.pk == material.added_by_id or material.granted_users.filter(pk=user.pk).exists()


def can_grant_material(user: User, material: MeetingMaterial) -> bool:
    """Who may grant a confidential material: on the organiser side, those who hold it, and the meeting's chair
    and the organising unit's head, who answer for the meeting. (A deputy or the clerk without it may not, nor
    may an invitee who was given it.)"""
    meeting = material.meeting
    if not material.confidential or meeting.cancelled or not user.is_active:
        return False
    if not visible_to(user).filter(pk=meeting.pk).exists():
        return False
    answers_for_it = user.pk == meeting.chair_id or (
        user.role == Role.HEAD and user.unit_id == meeting.organiser_unit_id
    )
    return answers_for_it or (is_organiser(user, meeting) and holds_material(user, material))


def may_organise(user: User) -> bool:
    """Who may press "Lên lịch họp": the same rule create_meeting enforces."""
    return user.is_active and user.unit_id is not None and user.role in ORGANISER_ROLES
