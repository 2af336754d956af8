"""Views of Lịch họp and Lịch công tác: parse, call documents.meetings, render.

Hidden meetings are 404 (the policy's `visible_to`), refused actions 403, bad input 400 with the message next
to its field. The iCalendar feed needs no login: its secret token is the credential.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Role, User
from documents import audit, calendar_feed, files, meetings, official_pdf, outgoing, paper
from documents import permissions as policy
from documents.meeting_forms import (
    AnswerForm,
    AttendanceForm,
    CancelForm,
    GrantForm,
    MaterialsForm,
    MeetingForm,
    RescheduleForm,
    WeekForm,
    apply_service_error,
)
from documents.models import (
    Attendance,
    CalendarFeed,
    Document,
    Meeting,
    MeetingInvitee,
    MeetingKind,
    MeetingMaterial,
    PaperRule,
    Response,
)
from units import reports
from units.models import Unit

PAST_PAGE_SIZE = 20
WEEKDAYS = ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật"]
NOON = datetime.time(12, 0)

# --- Reads (constant query counts: the invitees come in one prefetch) ---------------------------------------


def _with_people(qs: QuerySet[Meeting]) -> QuerySet[Meeting]:
    invitees = MeetingInvitee.objects.select_related("unit", "user", "user__unit", "deputy", "deputy__unit")
    return qs.select_related("chair", "chair__unit", "organiser", "organiser_unit", "invitation").prefetch_related(
        Prefetch("invitees", queryset=invitees)
    )


def may_organise(user: User) -> bool:
    """Who may press "Lên lịch họp": the same rule create_meeting enforces."""
    return user.is_active and user.unit_id is not None and user.role in meetings.ORGANISER_ROLES


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
    meeting = _with_people(meetings.visible_to(user)).filter(pk=pk).first()
    if meeting is None:
        raise Http404
    return dressed(meeting)


def my_answer(user: User, meeting: Meeting) -> dict:
    """What the list says about me and this meeting: organiser, chair, invited (with my answer)."""
    mine = meetings.my_invitations(user, meeting)
    if meeting.chair_id == user.pk:
        role = _("Chủ trì")
    elif meetings.is_organiser(user, meeting):
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


def participants(meeting: Meeting) -> str:
    """Thành phần: the invited units and people, as the weekly schedule prints them."""
    return "; ".join(inv.label for inv in meeting.invitees.all())


# --- Lịch họp (list) -----------------------------------------------------------------------------------------


@login_required
@require_GET
def meeting_list(request: HttpRequest) -> HttpResponse:
    user, now = request.user, timezone.now()
    visible = _with_people(meetings.visible_to(user))
    # Not cancelled first, each group by start time.
    upcoming = sorted(visible.filter(end__gt=now).order_by("start", "id"), key=lambda m: m.cancelled)
    past = Paginator(visible.filter(end__lte=now).order_by("-start", "-id"), PAST_PAGE_SIZE).get_page(
        request.GET.get("trang")
    )
    rows = [(dressed(m), my_answer(user, m), status_label(m, now)) for m in upcoming]
    past_rows = [(dressed(m), my_answer(user, m), status_label(m, now)) for m in past]
    feed = meetings.feed_for(user)
    feed_url = request.build_absolute_uri(reverse("documents:meeting_feed", args=[feed.token]))
    return render(
        request,
        "documents/meetings/list.html",
        {
            "rows": rows,
            "past_rows": past_rows,
            "past": past,
            "may_organise": may_organise(user),
            "feed_url": feed_url,
            "webcal_url": "webcal://" + feed_url.split("://", 1)[1],
        },
    )


@login_required
@require_POST
def feed_revoke(request: HttpRequest) -> HttpResponse:
    meetings.revoke_feed(user=request.user)
    messages.success(request, _("Đã tạo địa chỉ lịch mới; địa chỉ cũ không còn dùng được."))
    return redirect(reverse("meetings") + "#lich-ical")


# --- Lên lịch họp ----------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def meeting_new(request: HttpRequest) -> HttpResponse:
    if not may_organise(request.user):
        raise PermissionDenied
    form = MeetingForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = meetings.create_meeting(organiser=request.user, data=form.to_data())
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("Đã lên lịch họp. Văn thư đơn vị tổ chức phát hành giấy mời trên trang này."))
            return redirect(meeting)
    files_lost = request.method == "POST" and bool(request.FILES)
    return render(
        request,
        "documents/meetings/form.html",
        {"form": form, "files_lost": files_lost},
        status=400 if request.method == "POST" else 200,
    )


# --- Detail ------------------------------------------------------------------------------------------------------


def _deputy_choices(invitation: MeetingInvitee) -> list[User]:
    unit_id = invitation.counted_unit_id
    qs = User.objects.filter(unit_id=unit_id, is_active=True).exclude(role=Role.ADMIN)
    if invitation.user_id:
        qs = qs.exclude(pk=invitation.user_id)
    return list(qs.order_by("sort_order", "full_name"))


def _grant_people(meeting: Meeting) -> list[User]:
    """Who a confidential material may be granted to (the policy's `grantees`), in directory order."""
    return list(
        meetings.grantees(meeting).select_related("unit").order_by("unit__sort_order", "sort_order", "full_name")
    )


def _grant_choices(user: User, materials: list[MeetingMaterial]) -> list[tuple[int, str]]:
    """The materials this user may grant; named only to those who may read it (the chair or the head grants
    what they have not read as "Tài liệu mật" with when and by whom it was added)."""
    choices = []
    for m in materials:
        if not meetings.can_grant_material(user, m):
            continue
        label = m.name
        if not meetings.holds_material(user, m):
            label = _("Tài liệu mật do %(who)s thêm ngày %(d)s") % {
                "who": m.added_by.full_name,
                "d": timezone.localtime(m.added_at).strftime("%d/%m/%Y %H:%M"),
            }
        choices.append((m.pk, label))
    return choices


@dataclass
class PaperLine:
    paper_required: bool
    reason: str
    units: list[str] = field(default_factory=list)


def material_paper_decisions(meeting: Meeting, today: datetime.date) -> list[PaperLine]:
    """Founding letter R3 for this meeting's materials, per invited unit, grouped by decision."""
    kind = MeetingKind.SECURITY if meeting.restricted else MeetingKind.ORDINARY
    probe = Document(meeting_kind=kind)  # never saved: the rule reads only these fields
    rule = PaperRule.current()
    units: dict[int, Unit] = {}
    for inv in meeting.invitees.all():
        unit = inv.unit or (inv.user.unit if inv.user_id else None)
        if unit is not None and unit.pk != meeting.organiser_unit_id:
            units.setdefault(unit.pk, unit)
    lines: dict[tuple[bool, str], PaperLine] = {}
    for unit in sorted(units.values(), key=lambda u: (u.sort_order, u.name)):
        decision = paper.decide(probe, unit, today, rule)
        line = lines.setdefault(
            (decision.paper_required, decision.reason), PaperLine(decision.paper_required, decision.reason)
        )
        line.units.append(unit.name)
    return list(lines.values())


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


def _detail_context(request: HttpRequest, meeting: Meeting, bound: dict | None = None) -> dict:
    user, bound, now = request.user, bound or {}, timezone.now()
    today = timezone.localdate(now)
    can = {
        a: meetings.can(user, a, meeting)
        for a in ("edit", "cancel", "invite", "materials", "judge", "attendance", "answer")
    }
    invitees = list(meeting.invitees.all())
    timeline = audit.timeline(meeting)
    opened: dict[int, set[int]] = defaultdict(set)
    for event in timeline:
        if event.verb == "material_opened" and event.actor_id:
            opened[event.data.get("material_id")].add(event.actor_id)
    materials = list(meeting.materials.select_related("blob", "added_by"))
    material_rows = [(m, meetings.can_read_material(user, m), len(opened.get(m.pk, ()))) for m in materials]
    readable: set[int | str] = set()
    for m, may_read, _readers in material_rows:
        if may_read:
            readable |= {m.pk, m.name}
    for event in timeline:
        event.detail = describe(event, readable)
    grantable = _grant_choices(user, [m for m in materials if m.confidential])

    overlaps = (
        [] if meeting.cancelled else meetings.overlapping(meeting.chair, meeting.start, meeting.end, exclude=meeting.pk)
    )
    seen_ids = set(meetings.visible_to(user).filter(pk__in=[m.pk for m in overlaps]).values_list("pk", flat=True))

    answers = []
    if can["answer"]:
        for inv in meetings.my_invitations(user, meeting):
            form = bound.get(f"answer-{inv.pk}") or AnswerForm(invitation=inv, deputies=_deputy_choices(inv))
            answers.append((inv, form))
    shown = {f"answer-{inv.pk}" for inv, _form in answers}
    errors = [bound["error"]] if bound.get("error") else []
    for key, form in bound.items():
        if key.startswith("answer-") and key not in shown:  # the meeting ended meanwhile: say why on top
            errors += [str(e) for e in form.non_field_errors()]
    invitation = meeting.invitation
    is_issuing_clerk = policy.is_clerk_of(user, meeting.organiser_unit_id)
    label, colour = status_label(meeting, now)
    return {
        "meeting": meeting,
        "status_label": label,
        "status_colour": colour,
        "invitees": invitees,
        "answered": sum(1 for i in invitees if i.response != Response.PENDING),
        "timeline": timeline,
        "material_rows": material_rows,
        "paper_lines": material_paper_decisions(meeting, today),
        "overlaps": [(m, m.pk in seen_ids) for m in overlaps],
        "can": can,
        "answers": answers,
        "invitation": invitation,
        "invitation_link": bool(invitation) and policy.can_issued(user, "view", invitation),
        "can_issue": can["invite"] and is_issuing_clerk and not invitation,
        "issue_note": can["invite"] and not is_issuing_clerk and not invitation,
        "attendance_form": bound.get("attendance")
        or (AttendanceForm(invitees=invitees) if can["attendance"] else None),
        "reschedule_form": bound.get("reschedule")
        or (RescheduleForm(initial=RescheduleForm.initial_from(meeting)) if can["edit"] else None),
        "cancel_form": bound.get("cancel") or (CancelForm() if can["cancel"] else None),
        "materials_form": bound.get("materials") or (MaterialsForm() if can["materials"] else None),
        "grant_form": bound.get("grant")
        or (GrantForm(materials=grantable, people=_grant_people(meeting)) if grantable else None),
        "error": " ".join(errors),
        "open_action": bound.get("open_action", ""),
    }


@login_required
@require_GET
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_or_404(request.user, pk)
    return render(request, "documents/meetings/detail.html", _detail_context(request, meeting))


ACTIONS = ("invite", "answer", "judge", "attendance", "reschedule", "cancel", "materials", "grant")


@login_required
@require_POST
def meeting_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404
    user = request.user
    meeting = meeting_or_404(user, pk)
    handler = globals()[f"_do_{action}"]
    try:
        message = handler(request, meeting)
    except _Invalid as invalid:
        meeting = meeting_or_404(user, pk)
        bound = {**invalid.bound, "open_action": invalid.bound.get("open_action", action)}
        return render(request, "documents/meetings/detail.html", _detail_context(request, meeting, bound), status=400)
    messages.success(request, message)
    return redirect(meeting)


class _Invalid(Exception):
    """A form or a service refused the input: re-render the page with it, status 400."""

    def __init__(self, **bound):
        self.bound = bound


def _run(form, call, key: str):
    """Validate `form`, then call the service; a refusal is put next to its field."""
    if form.is_valid():
        try:
            return call(form.cleaned_data)
        except ValidationError as exc:
            apply_service_error(form, exc)
    raise _Invalid(**{key: form})


def _simple(call):
    try:
        return call()
    except ValidationError as exc:
        raise _Invalid(error=" ".join(exc.messages)) from exc


def _do_invite(request, meeting: Meeting) -> str:
    document = _simple(lambda: meetings.issue_invitation(user=request.user, meeting=meeting))
    return _("Đã cấp số %(s)s và phát hành giấy mời tới %(n)d đơn vị.") % {
        "s": document.number_symbol,
        "n": document.deliveries.count(),
    }


def _do_answer(request, meeting: Meeting) -> str:
    raw = request.POST.get("invitee", "")
    invitation = None
    for key, value in request.POST.items():
        if key.endswith("-invitee"):
            raw = value
    if raw.isdigit():
        invitation = next((i for i in meeting.invitees.all() if i.pk == int(raw)), None)
    if invitation is None:
        raise Http404
    if invitation not in meetings.my_invitations(request.user, meeting):
        raise PermissionDenied
    form = AnswerForm(request.POST, invitation=invitation, deputies=_deputy_choices(invitation))
    key = f"answer-{invitation.pk}"

    def call(d):
        meetings.answer(
            user=request.user, meeting=meeting, invitee=invitation, response=d["response"],
            deputy=d.get("deputy"), reason=d.get("reason") or "",
        )  # fmt: skip
        return {
            Response.ATTEND: _("Đã xác nhận tham dự."),
            Response.DEPUTY: _("Đã cử người dự thay; người dự thay sẽ nhận được thông báo."),
            Response.DECLINE: _("Đã báo vắng; ban tổ chức sẽ xem xét lý do."),
        }[d["response"]]

    try:
        return _run(form, call, key)
    except _Invalid as invalid:
        invalid.bound["open_action"] = key
        raise


def _do_judge(request, meeting: Meeting) -> str:
    raw, verdict = request.POST.get("invitee", ""), request.POST.get("chinh_dang", "")
    if not raw.isdigit():
        raise Http404
    invitee = next((i for i in meeting.invitees.all() if i.pk == int(raw)), None)
    if invitee is None:
        raise Http404
    if verdict not in ("1", "0"):
        raise _Invalid(error=_("Hãy chọn lý do chính đáng hoặc không chính đáng."))
    accepted = verdict == "1"
    _simple(lambda: meetings.judge_reason(user=request.user, invitee=invitee, accepted=accepted))
    if accepted:
        return _("%(i)s: lý do vắng được chấp nhận.") % {"i": invitee.label}
    return _("%(i)s: lý do vắng không chính đáng.") % {"i": invitee.label}


def _do_attendance(request, meeting: Meeting) -> str:
    meetings.require(request.user, "attendance", meeting)
    form = AttendanceForm(request.POST, invitees=list(meeting.invitees.all()))

    def call(d):
        marks = form.marks()
        if not marks:
            raise ValidationError(_("Chưa chọn điểm danh cho thành phần nào."))
        meetings.record_attendance(user=request.user, meeting=meeting, marks=marks)
        return _("Đã ghi điểm danh %(n)d thành phần.") % {"n": len(marks)}

    return _run(form, call, "attendance")


def _do_reschedule(request, meeting: Meeting) -> str:
    meetings.require(request.user, "edit", meeting)
    form = RescheduleForm(request.POST)

    def call(d):
        meetings.reschedule(user=request.user, meeting=meeting, start=d["start"], end=d["end"], place=d["place"])
        return _("Đã cập nhật thời gian, địa điểm; các thành phần mời sẽ được thông báo.")

    return _run(form, call, "reschedule")


def _do_cancel(request, meeting: Meeting) -> str:
    meetings.require(request.user, "cancel", meeting)
    form = CancelForm(request.POST)

    def call(d):
        meetings.cancel(user=request.user, meeting=meeting, reason=d["reason"])
        return _("Đã hủy cuộc họp; các thành phần mời sẽ được thông báo.")

    return _run(form, call, "cancel")


def _do_materials(request, meeting: Meeting) -> str:
    meetings.require(request.user, "materials", meeting)
    form = MaterialsForm(request.POST, request.FILES)

    def call(d):
        made = meetings.add_materials(
            user=request.user, meeting=meeting, uploads=d["uploads"], confidential=d["confidential"]
        )
        return _("Đã thêm %(n)d tài liệu.") % {"n": len(made)}

    return _run(form, call, "materials")


def _do_grant(request, meeting: Meeting) -> str:
    materials = list(meeting.materials.filter(confidential=True).select_related("added_by", "meeting"))
    choices = _grant_choices(request.user, materials)
    if not choices:
        raise PermissionDenied
    form = GrantForm(request.POST, materials=choices, people=_grant_people(meeting))

    def call(d):
        material = next(m for m in materials if m.pk == d["material"])
        people = list(User.objects.filter(pk__in=d["users"]))
        meetings.grant_material(user=request.user, material=material, people=people)
        return _("Đã cấp quyền xem “%(m)s” cho %(n)d người.") % {"m": dict(choices)[material.pk], "n": len(people)}

    return _run(form, call, "grant")


# --- Files: materials and the giấy mời -----------------------------------------------------------------------


@login_required
@require_GET
@xframe_options_sameorigin
def material_download(request: HttpRequest, pk: int) -> HttpResponse:
    """A material, to those the policy lets read it; the first read is the read receipt."""
    material = get_object_or_404(MeetingMaterial.objects.select_related("blob", "meeting"), pk=pk)
    if not meetings.visible_to(request.user).filter(pk=material.meeting_id).exists():
        raise Http404
    if not meetings.can_read_material(request.user, material):
        raise PermissionDenied
    meetings.open_material(user=request.user, material=material)
    return files.download(request, material.blob, material.name, inline=request.GET.get("xem") == "1")


@login_required
@require_GET
@xframe_options_sameorigin
def invitation_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The official PDF of the giấy mời, for everyone who may see the meeting (it is addressed to them)."""
    meeting = meeting_or_404(request.user, pk)
    if meeting.invitation is None:
        raise Http404
    attached = outgoing.attach_official_pdf(meeting.invitation)
    return official_pdf.serve(request, attached)


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
    qs = meetings.visible_to(user).filter(start__gte=start, start__lt=end)
    if unit is not None:
        invited = MeetingInvitee.objects.filter(Q(unit=unit) | Q(user__unit=unit)).values("meeting_id")
        qs = qs.filter(Q(organiser_unit=unit) | Q(chair__unit=unit) | Q(pk__in=invited))
    days = [Day(monday + datetime.timedelta(days=i), WEEKDAYS[i]) for i in range(7)]
    for meeting in _with_people(qs).order_by("start", "id"):
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


def _week_from(request: HttpRequest) -> tuple[WeekForm, Week]:
    form = WeekForm(request.GET or None)
    return form, week_schedule(request.user, form.monday(), form.unit())


@login_required
@require_GET
def meeting_week(request: HttpRequest) -> HttpResponse:
    form, week = _week_from(request)
    return render(
        request,
        "documents/meetings/week.html",
        {"form": form, "week": week, "today": timezone.localdate(), "may_organise": may_organise(request.user)},
    )


@login_required
@require_GET
def meeting_week_pdf(request: HttpRequest) -> HttpResponse:
    """LỊCH CÔNG TÁC TUẦN in the usual landscape format."""
    _form, week = _week_from(request)
    district = Unit.objects.filter(parent__isnull=True, kind="district").first()
    content = reports.pdf_bytes(
        "documents/meetings/weekly_schedule_pdf.html",
        {
            "week": week,
            "rows": print_rows(week),
            "district": district,
            "issuer": week.unit or (request.user.unit if request.user.unit_id else district),
            "printed_at": timezone.localtime(),
        },
    )
    name = f"lich-cong-tac-{week.iso}{'-' + week.unit.code if week.unit else ''}.pdf"
    return reports.attachment(content, "application/pdf", name, inline=True)


# --- iCalendar feed (no login: the token) --------------------------------------------------------------------


@require_GET
def meeting_feed(request: HttpRequest, token: str) -> HttpResponse:
    feed = (
        CalendarFeed.objects.select_related("user", "user__unit")
        .filter(token=token, revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if feed is None:
        raise Http404
    body = calendar_feed.feed_ics(feed.user, base_url=request.build_absolute_uri("/").rstrip("/"))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="idesk-lich-hop.ics"'
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex"
    return response
