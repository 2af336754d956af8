"""The policy for meetings and their materials, in the shape of documents/core/policy.py (`visible_to(user,
Meeting | MeetingMaterial or a queryset of one)`, `can(user, action, obj)`, `require(user, action, obj)`).

A meeting is seen by its organiser, its chair, the district leaders, the organising unit and its invitees (an
invited person, or anyone in an invited unit, and a named deputy). A restricted meeting (họp mật, quốc phòng, an
ninh) only by those it concerns: its organiser and chair, the organising unit's clerk and leaders (who act for the
organiser), invited people and deputies, and of an invited unit those who answer for it (clerk and leaders) — not
every staff member, and not every district leader.
Materials follow the meeting; confidential materials only by an explicit grant, which the organiser side gives (a
holder, the chair, the organising unit's head) to people who see the meeting.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import Role, User
from documents.core import grants, roles
from documents.core import policy as core_policy
from documents.core.roles import OFFICER_ROLES
from documents.meetings.models import Meeting, MeetingInvitee, MeetingMaterial


def _meetings_visible(user: User, qs: QuerySet[Meeting]) -> QuerySet[Meeting]:
    personal = MeetingInvitee.objects.filter(Q(user_id=user.pk) | Q(deputy_id=user.pk)).values("meeting_id")
    concerns = Q(organiser_id=user.pk) | Q(chair_id=user.pk) | Q(pk__in=personal)
    if roles.acts_for_unit(user):
        as_unit = MeetingInvitee.objects.filter(unit_id=user.unit_id, user__isnull=True).values("meeting_id")
        concerns |= Q(organiser_unit_id=user.unit_id) | Q(pk__in=as_unit)
    if roles.is_clerk(user) and user.unit_id is not None:
        # The giấy mời goes out in the chair's body's name: its clerk numbers and issues it (ISSUE_INVITATION).
        # (The unit's people as a subquery, not a join of every meeting to its chair.)
        concerns |= Q(chair_id__in=User.objects.filter(unit_id=user.unit_id).values("pk"))
    if roles.is_district_leader(user):
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
    issuing_clerk = Q(unit_id=meeting.chair.unit_id, role=Role.CLERK) if meeting.chair.unit_id else Q(pk__in=[])
    return Q(pk__in=persons) | unit_q | issuing_clerk


def is_organiser(user: User, meeting: Meeting) -> bool:
    """The organiser, the chair, or someone of the organising unit acting for them (the office)."""
    return user.pk in (meeting.organiser_id, meeting.chair_id) or (
        user.unit_id == meeting.organiser_unit_id and roles.acts_for_unit(user)
    )


def answered_by(user: User) -> Q:
    """The invitations this user answers, as a condition on MeetingInvitee (the query side of my_invitations)."""
    mine = Q(user_id=user.pk) | Q(deputy_id=user.pk)
    if roles.acts_for_unit(user):
        mine |= Q(unit_id=user.unit_id, user__isnull=True)
    return mine


def my_invitations(user: User, meeting: Meeting) -> list[MeetingInvitee]:
    """The invitations this user answers: to them personally, or to their unit when they lead it or are its clerk."""
    out = []
    for inv in meeting.invitees.all():
        if inv.user_id == user.pk or inv.deputy_id == user.pk:
            out.append(inv)
        elif inv.user_id is None and inv.unit_id == user.unit_id and roles.acts_for_unit(user):
            out.append(inv)
    return out


# --- Actions ---------------------------------------------------------------------------------------------------

VIEW = core_policy.VIEW
# Meetings
EDIT, CANCEL, MATERIALS, INVITE = "edit", "cancel", "materials", "invite"
ATTENDANCE, JUDGE, ANSWER, ISSUE_INVITATION = "attendance", "judge", "answer", "issue_invitation"
# Materials
READ, GRANT, HOLD = "read", "grant", "hold"
# By unit (documents/core/policy.py): Lên lịch họp, a meeting of one's own unit (no meeting yet); the organising
# unit's clerk posts the paper copies of its meetings' materials (Bản giấy cần gửi).
ORGANISE, PAPER_MATERIALS = "organise", "paper_materials"


def _may_organise(user: User, unit_id: int | None) -> bool:
    return roles.may_organise(user) and unit_id is not None and user.unit_id == unit_id


def _open(meeting: Meeting) -> bool:
    return not meeting.cancelled and not meeting.ended


def _organises_open(user: User, meeting: Meeting) -> bool:
    return is_organiser(user, meeting) and _open(meeting)


class MeetingPolicy(core_policy.Policy):
    model = Meeting
    unit_rules = {ORGANISE: _may_organise, PAPER_MATERIALS: roles.is_clerk_of}
    rules = {
        EDIT: _organises_open,
        CANCEL: _organises_open,
        MATERIALS: _organises_open,
        INVITE: _organises_open,
        # The giấy mời goes out in the chair's body's name and takes a number in its register: that body's clerk
        # issues it, whichever unit organises the meeting (the Văn phòng, say, for the Chủ tịch's meetings).
        ISSUE_INVITATION: lambda user, m: _open(m) and roles.is_clerk_of(user, m.chair.unit_id),
        ATTENDANCE: lambda user, m: is_organiser(user, m) and not m.cancelled and m.start <= timezone.now(),
        JUDGE: lambda user, m: is_organiser(user, m) and not m.cancelled,
        ANSWER: lambda user, m: bool(my_invitations(user, m)) and _open(m),
    }

    def _visible(self, user: User, qs: QuerySet) -> QuerySet:
        return _meetings_visible(user, qs)

    def state(self, meeting: Meeting) -> tuple:
        return (meeting.restricted, meeting.organiser_id, meeting.chair_id, meeting.organiser_unit_id)


def holds_material(user: User, material: MeetingMaterial) -> bool:
    """Added it, or holds a grant on it (guardian's table; one query for a whole page through `materials.prime`)."""
    if user.pk == material.added_by_id:
        return True
    return grants.has(user, material)


def _may_grant(user: User, material: MeetingMaterial) -> bool:
    """On the organiser side, those who hold it, and the meeting's chair and the organising unit's head, who answer
    for the meeting. (A deputy or the clerk without it may not, nor may an invitee who was given it.)"""
    meeting = material.meeting
    if not material.confidential or meeting.cancelled:
        return False
    answers_for_it = user.pk == meeting.chair_id or roles.is_head_of(user, meeting.organiser_unit_id)
    return answers_for_it or (is_organiser(user, meeting) and holds_material(user, material))


class MaterialPolicy(core_policy.Policy):
    """A material is seen (listed, by name or as "Tài liệu mật") by whoever sees its meeting; READ opens its file:
    everyone who sees it for an ordinary one, its holders for a confidential one."""

    model = MeetingMaterial
    rules = {
        READ: lambda user, m: not m.confidential or holds_material(user, m),
        HOLD: holds_material,
        GRANT: _may_grant,
    }

    def _visible(self, user: User, qs: QuerySet) -> QuerySet:
        return qs.filter(meeting__in=_meetings_visible(user, Meeting.objects.all()))

    def state(self, material: MeetingMaterial) -> tuple:
        return (material.meeting_id, material.confidential)

    def prime(self, user: User, objs) -> None:
        """A meeting page's materials: seen with their meeting (no query when the page has read the meeting
        through visible_to), and whose grants the user holds in one query."""
        objs = list(objs)
        shown = {m.meeting_id: m.meeting for m in objs if "meeting" in m._state.fields_cache}
        if len(shown) == 1 and len({m.meeting_id for m in objs}) == 1 and meetings.sees(user, *shown.values()):
            for m in objs:
                self.mark_seen(user, m)
        else:
            super().prime(user, objs)
        grants.prime(user, [m for m in objs if m.confidential])


meetings = MeetingPolicy()
materials = MaterialPolicy()
part = core_policy.Part(meetings, materials)
visible_to = part.visible_to
can = part.can
require = part.require


def may_organise(user: User) -> bool:
    """Who may press "Lên lịch họp" (a meeting of their own unit): the same rule create_meeting enforces."""
    return meetings.can_for_unit(user, ORGANISE)
