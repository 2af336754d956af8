"""Reads of Lịch họp and Lịch công tác (constant query counts: the invitees come in one prefetch), and what the
pages say of a meeting: answers, status, timeline lines, the paper rule for its materials, the week's schedule."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import F, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from documents.core.models import Document
from documents.meetings import policy
from documents.meetings.models import Attendance, CalendarFeed, Meeting, MeetingInvitee, MeetingStatus, Response
from documents.outgoing import paper
from documents.outgoing.models import MeetingKind
from units.models import Unit

WEEKDAYS = ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật"]
NOON = datetime.time(12, 0)

# --- Reads (constant query counts: the invitees come in one prefetch) ---------------------------------------


def with_people(qs: QuerySet[Meeting]) -> QuerySet[Meeting]:
    invitees = MeetingInvitee.objects.select_related("unit", "user", "user__unit", "deputy", "deputy__unit")
    return qs.select_related("chair", "chair__unit", "organiser", "organiser_unit", "invitation").prefetch_related(
        Prefetch("invitees", queryset=invitees)
    )


def upcoming(user: User) -> QuerySet[Meeting]:
    """The scheduled meetings I see that are not over yet, the soonest first.

    Ordered by an expression, not by the column: through the start index PostgreSQL would walk every past meeting
    before the first upcoming one; so it reads the upcoming ones by their end (index meeting_end) and sorts them."""
    return (
        policy.visible_to(user)
        .filter(end__gte=timezone.now(), status=MeetingStatus.SCHEDULED)
        .order_by(F("start") + datetime.timedelta(0), "id")
    )


def awaiting_my_answer(user: User) -> QuerySet[Meeting]:
    """Meetings not yet over whose invitation I answer (policy.my_invitations) and nobody has answered yet."""
    pending = MeetingInvitee.objects.filter(policy.answered_by(user), response=Response.PENDING).values("meeting_id")
    return policy.visible_to(user).filter(pk__in=pending, end__gt=timezone.now(), status=MeetingStatus.SCHEDULED)


RESPONSE_LABELS = {
    Response.PENDING: _("Chưa trả lời"),
    Response.ATTEND: _("Tham dự"),
    Response.DEPUTY: _("Cử người dự thay"),
    Response.DECLINE: _("Báo vắng"),  # "vắng, có lý do" until the organiser judges the reason
}


def dressed(meeting: Meeting) -> Meeting:
    """Display helpers on a meeting whose invitees are prefetched: its weekday, each invitee's answer label."""
    meeting.weekday = WEEKDAYS[timezone.localtime(meeting.start).weekday()]
    for inv in meeting.invitees.all():
        inv.answer_label = RESPONSE_LABELS.get(inv.response, inv.response)
    return meeting


def meeting_or_404(user: User, pk: int) -> Meeting:
    meeting = policy.meetings.get_visible_or_404(user, pk, with_people(Meeting.objects.all()))
    return dressed(meeting)


def my_answer(user: User, meeting: Meeting) -> dict:
    """What the list says about me and this meeting: organiser, chair, invited (with my answer)."""
    mine = policy.my_invitations(user, meeting)
    if meeting.chair_id == user.pk:
        role = _("Chủ trì")
    elif policy.is_organiser(user, meeting):
        role = _("Đơn vị tổ chức")
    elif mine:
        role = _("Được mời")
    else:
        role = ""
    answer = mine[0] if mine else None
    text, css = "", "text-muted"
    if answer and not meeting.cancelled:
        if answer.response != Response.PENDING:
            text, css = RESPONSE_LABELS[answer.response], ""
            if answer.deputy_id:
                text = f"{text}: {answer.deputy.full_name}"
        elif meeting.ended:
            text = _("Không trả lời")
        else:
            text, css = _("Chưa trả lời"), "text-warning-emphasis fw-semibold"
    return {"role": role, "invitation": answer, "text": text, "css": css}


def status_label(meeting: Meeting, now: datetime.datetime) -> tuple[str, str]:
    """(label, Bootstrap colour) of the meeting now."""
    if meeting.cancelled:
        return _("Đã hủy"), "danger"
    if meeting.end <= now:
        return _("Đã kết thúc"), "secondary"
    if meeting.start <= now:
        return _("Đang họp"), "success"
    return _("Sắp diễn ra"), "primary"


def session_of(moment: datetime.datetime) -> str:
    return "sang" if timezone.localtime(moment).time() < NOON else "chieu"


def material_paper_decisions(meeting: Meeting, today: datetime.date) -> list[paper.PaperLine]:
    """Founding letter R3 for this meeting's materials, per invited unit, grouped by decision; its confidential
    materials stay on paper for everyone (the state-secret rule, the letter's "họp mật" exception)."""
    kind = MeetingKind.SECURITY if meeting.restricted else MeetingKind.ORDINARY
    units: dict[int, Unit] = {}
    for inv in meeting.invitees.all():
        unit = inv.unit or (inv.user.unit if inv.user_id else None)
        if unit is not None and unit.pk != meeting.organiser_unit_id:
            units.setdefault(unit.pk, unit)
    ordered = sorted(units.values(), key=lambda u: (u.sort_order, u.name))
    materials = list(meeting.materials.all())
    lines = []
    if not materials or any(not m.confidential for m in materials):
        probe = Document(meeting_kind=kind)  # never saved: the rule reads only these fields
        lines += paper.grouped(paper.decide_all(probe, ordered, today))
    if any(m.confidential for m in materials):
        secret = paper.classified_decision(None, what=_("tài liệu họp mật"))
        lines += paper.grouped((unit, secret) for unit in ordered)
    return lines


def paper_materials_to_send(user: User, now: datetime.datetime | None = None) -> list[tuple[Meeting, list]]:
    """For Bản giấy cần gửi: the organising unit's coming meetings whose materials go on paper to some invited
    units (a security meeting's, a confidential material, a unit off the system), until the meeting ends."""
    if not policy.meetings.can_for_unit(user, policy.PAPER_MATERIALS):
        return []
    now = now or timezone.now()
    meetings = (
        with_people(Meeting.objects.filter(organiser_unit_id=user.unit_id, end__gte=now))
        .exclude(status=MeetingStatus.CANCELLED)
        .filter(materials__isnull=False)
        .distinct()
        .prefetch_related("materials")
        .order_by("start", "id")
    )
    today = timezone.localdate(now)
    found = []
    for meeting in meetings:
        lines = [line for line in material_paper_decisions(meeting, today) if line.paper_required]
        if lines:
            found.append((meeting, lines))
    return found


ANSWER_WORDS = {
    Response.ATTEND: _("tham dự"),
    Response.DEPUTY: _("cử người dự thay"),
    Response.DECLINE: _("báo vắng"),
}


def describe(event, readable: set[int | str] | None = None) -> str:
    """One line under a timeline entry, from the event's data. A confidential material's name is shown only to
    those who may read it (`readable` holds the ids and names of the materials the viewer may open)."""
    readable = readable or set()
    secret = _("Tài liệu mật")
    d = event.data or {}
    verb = event.verb
    if verb == "meeting_created":
        return _("Họp lúc %(s)s tại %(p)s") % {"s": d.get("start", ""), "p": d.get("place", "")}
    if verb == "meeting_changed":
        before, after = d.get("before", {}), d.get("after", {})
        parts = []
        if before.get("start") != after.get("start") or before.get("end") != after.get("end"):
            parts.append(_("Thời gian: %(a)s → %(b)s") % {"a": before.get("start"), "b": after.get("start")})
        if before.get("place") != after.get("place"):
            parts.append(_("Địa điểm: %(a)s → %(b)s") % {"a": before.get("place"), "b": after.get("place")})
        return "; ".join(parts)
    if verb == "meeting_cancelled":
        return _("Lý do: %(r)s") % {"r": d.get("reason", "")}
    if verb == "materials_added":
        names = d.get("names", [])
        if d.get("confidential"):
            names = [n if n in readable else secret for n in names]
        return ", ".join(names)
    if verb == "material_granted":
        name = d.get("material", "") if d.get("material") in readable else secret
        return _("%(m)s cho %(p)s") % {"m": name, "p": ", ".join(d.get("to", []))}
    if verb == "material_opened":
        return d.get("material", "") if d.get("material_id") in readable else secret
    if verb == "invitation_issued":
        return _("Số %(s)s") % {"s": d.get("number_symbol", "")}
    if verb == "meeting_answered":
        text = f"{d.get('invitee', '')}: {ANSWER_WORDS.get(d.get('response'), d.get('response', ''))}"
        if d.get("deputy"):
            text += f" — {d['deputy']}"
        if d.get("reason"):
            text += f" — {d['reason']}"
        return text
    if verb == "reason_judged":
        verdict = _("lý do chính đáng") if d.get("accepted") else _("lý do không chính đáng")
        return f"{d.get('invitee', '')}: {verdict}"
    if verb == "attendance_recorded":
        labels = dict(Attendance.choices)
        return "; ".join(
            f"{who}: {str(labels.get(mark, mark)).lower()}" for who, mark in (d.get("marks") or {}).items()
        )
    return ""


# --- Lịch công tác tuần --------------------------------------------------------------------------------------


def _iso_week(day: datetime.date) -> str:
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


@dataclass
class Day:
    date: datetime.date
    name: str
    morning: list = field(default_factory=list)
    afternoon: list = field(default_factory=list)

    @property
    def sessions(self) -> list[tuple[str, list]]:
        return [(_("Sáng"), self.morning), (_("Chiều"), self.afternoon)]

    @property
    def empty(self) -> bool:
        return not self.morning and not self.afternoon


@dataclass
class Week:
    monday: datetime.date
    unit: Unit | None
    days: list[Day]

    @property
    def sunday(self) -> datetime.date:
        return self.monday + datetime.timedelta(days=6)

    @property
    def iso(self) -> str:
        return _iso_week(self.monday)

    @property
    def previous(self) -> str:
        return _iso_week(self.monday - datetime.timedelta(weeks=1))

    @property
    def next(self) -> str:
        return _iso_week(self.monday + datetime.timedelta(weeks=1))

    @property
    def count(self) -> int:
        return sum(len(d.morning) + len(d.afternoon) for d in self.days)


def week_schedule(user: User, monday: datetime.date, unit: Unit | None = None) -> Week:
    """The district's meetings of one week that the user may see (one query and one prefetch)."""
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(monday, datetime.time.min, tzinfo=tz)
    end = start + datetime.timedelta(days=7)
    qs = policy.visible_to(user).filter(start__gte=start, start__lt=end)
    if unit is not None:
        invited = MeetingInvitee.objects.filter(Q(unit=unit) | Q(user__unit=unit)).values("meeting_id")
        qs = qs.filter(Q(organiser_unit=unit) | Q(chair__unit=unit) | Q(pk__in=invited))
    days = [Day(monday + datetime.timedelta(days=i), WEEKDAYS[i]) for i in range(7)]
    for meeting in with_people(qs).order_by("start", "id"):
        day = days[(timezone.localtime(meeting.start).date() - monday).days]
        (day.morning if session_of(meeting.start) == "sang" else day.afternoon).append(meeting)
    return Week(monday=monday, unit=unit, days=days)


@dataclass
class PrintRow:
    """One table row of the printed schedule; day and session cells only on the first row they span."""

    day: Day | None
    day_span: int
    session: str | None
    session_span: int
    meeting: Meeting | None


def print_rows(week: Week) -> list[PrintRow]:
    """Monday to Friday always (morning and afternoon), the weekend only when something is on."""
    rows: list[PrintRow] = []
    for index, day in enumerate(week.days):
        if index >= 5 and day.empty:
            continue
        sessions = [(label, entries or [None]) for label, entries in day.sessions]
        first_of_day = True
        span = sum(len(entries) for _label, entries in sessions)
        for label, entries in sessions:
            for position, meeting in enumerate(entries):
                rows.append(
                    PrintRow(
                        day=day if first_of_day else None,
                        day_span=span,
                        session=label if position == 0 else None,
                        session_span=len(entries),
                        meeting=meeting,
                    )  # fmt: skip
                )
                first_of_day = False
    return rows


def current_feed(user: User) -> CalendarFeed | None:
    """The person's calendar feed, if they made one: a page read creates none (services.feed_for, on a POST)."""
    return CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).first()


def overlapping(
    chair: User, start: datetime.datetime, end: datetime.datetime, exclude: int | None = None
) -> list[Meeting]:
    """Other meetings of the same chair at the same time (a warning, not a refusal)."""
    qs = Meeting.objects.filter(chair=chair, status=MeetingStatus.SCHEDULED, start__lt=end, end__gt=start)
    if exclude:
        qs = qs.exclude(pk=exclude)
    return list(qs)
