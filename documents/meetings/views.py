"""Views of Lịch họp and Lịch công tác: parse, call meetings.services, render.

Hidden meetings are 404 (the policy's `visible_to`), refused actions 403, bad input 400 with the message next
to its field. The iCalendar feed needs no login: its secret token is the credential.
"""

from __future__ import annotations

import io
from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import User
from documents.core import audit, files, roles
from documents.core.forms import apply_service_error
from documents.meetings import calendar_feed, policy, selectors, services
from documents.meetings.forms import (
    FIELD_OF,
    AnswerForm,
    AttendanceForm,
    CancelForm,
    GrantForm,
    MaterialsForm,
    MeetingForm,
    RescheduleForm,
    WeekForm,
)
from documents.meetings.models import CalendarFeed, Meeting, MeetingInvitee, MeetingMaterial, Response
from documents.outgoing import pdf as official_pdf
from documents.outgoing import policy as outgoing_policy
from documents.outgoing import selectors as outgoing_selectors
from idesk.lib import reports
from units.models import Unit

PAST_PAGE_SIZE = 20

# --- Lịch họp (list) -----------------------------------------------------------------------------------------


@login_required
@require_GET
def meeting_list(request: HttpRequest) -> HttpResponse:
    user, now = request.user, timezone.now()
    visible = selectors.with_people(policy.visible_to(user))
    awaiting = request.GET.get("cho_tra_loi") == "1"  # the navigation's "Chờ trả lời": only what I must answer
    if awaiting:
        upcoming = list(selectors.with_people(selectors.awaiting_my_answer(user)).order_by("start", "id"))
    else:
        # Not cancelled first, each group by start time.
        upcoming = sorted(visible.filter(end__gt=now).order_by("start", "id"), key=lambda m: m.cancelled)
    past = Paginator(visible.filter(end__lte=now).order_by("-start", "-id"), PAST_PAGE_SIZE).get_page(
        request.GET.get("trang")
    )
    rows = [(selectors.dressed(m), selectors.my_answer(user, m), selectors.status_label(m, now)) for m in upcoming]
    past_rows = [(selectors.dressed(m), selectors.my_answer(user, m), selectors.status_label(m, now)) for m in past]
    feed = selectors.current_feed(user)  # made by the button, not by this GET
    feed_url = request.build_absolute_uri(reverse("documents:meeting_feed", args=[feed.token])) if feed else ""
    return render(
        request,
        "documents/meetings/list.html",
        {
            "rows": rows,
            "awaiting": awaiting,
            "past_rows": [] if awaiting else past_rows,
            "past": past,
            "may_organise": policy.may_organise(user),
            "feed_url": feed_url,
            "webcal_url": "webcal://" + feed_url.split("://", 1)[1] if feed else "",
        },
    )


@login_required
@require_POST
def feed_revoke(request: HttpRequest) -> HttpResponse:
    services.revoke_feed(user=request.user)
    messages.success(request, _("Đã tạo địa chỉ lịch mới; địa chỉ cũ không còn dùng được."))
    return redirect(reverse("meetings") + "#lich-ical")


# --- Lên lịch họp ----------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def meeting_new(request: HttpRequest) -> HttpResponse:
    if not policy.may_organise(request.user):
        raise PermissionDenied
    form = MeetingForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.create_meeting(organiser=request.user, data=form.to_data())
        except ValidationError as exc:
            apply_service_error(form, exc, FIELD_OF)
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
    qs = User.objects.filter(roles.readers(), unit_id=unit_id, is_active=True)
    if invitation.user_id:
        qs = qs.exclude(pk=invitation.user_id)
    return list(qs.order_by("sort_order", "full_name"))


def _grant_people(meeting: Meeting) -> list[User]:
    """Who a confidential material may be granted to (the policy's `grantees`), in directory order."""
    return list(policy.grantees(meeting).select_related("unit").order_by("unit__sort_order", "sort_order", "full_name"))


def _grant_choices(user: User, materials: list[MeetingMaterial]) -> list[tuple[int, str]]:
    """The materials this user may grant; named only to those who may read it (the chair or the head grants
    what they have not read as "Tài liệu mật" with when and by whom it was added)."""
    choices = []
    for m in materials:
        if not policy.can(user, policy.GRANT, m):
            continue
        label = m.name
        if not policy.can(user, policy.HOLD, m):
            label = _("Tài liệu mật do %(who)s thêm ngày %(d)s") % {
                "who": m.added_by.full_name,
                "d": timezone.localtime(m.added_at).strftime("%d/%m/%Y %H:%M"),
            }
        choices.append((m.pk, label))
    return choices


def _detail_context(request: HttpRequest, meeting: Meeting, bound: dict | None = None) -> dict:
    user, bound, now = request.user, bound or {}, timezone.now()
    today = timezone.localdate(now)
    can = {
        a: policy.can(user, a, meeting)
        for a in ("edit", "cancel", "invite", "materials", "judge", "attendance", "answer", policy.ISSUE_INVITATION)
    }
    invitees = list(meeting.invitees.all())
    timeline = audit.timeline(meeting)
    opened: dict[int, set[int]] = defaultdict(set)
    for event in timeline:
        if event.verb == "material_opened" and event.actor_id:
            opened[event.data.get("material_id")].add(event.actor_id)
    materials = list(meeting.materials.select_related("blob", "added_by"))
    for m in materials:
        m.meeting = meeting  # the meeting this page read through the policy (not fetched again per material)
    policy.materials.prime(user, materials)
    material_rows = [(m, policy.can(user, policy.READ, m), len(opened.get(m.pk, ()))) for m in materials]
    readable: set[int | str] = set()
    for m, may_read, _readers in material_rows:
        if may_read:
            readable |= {m.pk, m.name}
    for event in timeline:
        event.detail = selectors.describe(event, readable)
    grantable = _grant_choices(user, [m for m in materials if m.confidential])

    overlaps = []
    if not meeting.cancelled:
        overlaps = selectors.overlapping(meeting.chair, meeting.start, meeting.end, exclude=meeting.pk)
    seen_ids = set(policy.visible_to(user).filter(pk__in=[m.pk for m in overlaps]).values_list("pk", flat=True))

    answers = []
    if can["answer"]:
        for inv in policy.my_invitations(user, meeting):
            form = bound.get(f"answer-{inv.pk}") or AnswerForm(invitation=inv, deputies=_deputy_choices(inv))
            answers.append((inv, form))
    shown = {f"answer-{inv.pk}" for inv, _form in answers}
    errors = [bound["error"]] if bound.get("error") else []
    for key, form in bound.items():
        if key.startswith("answer-") and key not in shown:  # the meeting ended meanwhile: say why on top
            errors += [str(e) for e in form.non_field_errors()]
    invitation = meeting.invitation
    label, colour = selectors.status_label(meeting, now)
    return {
        "meeting": meeting,
        "status_label": label,
        "status_colour": colour,
        "invitees": invitees,
        "answered": sum(1 for i in invitees if i.response != Response.PENDING),
        "timeline": timeline,
        "material_rows": material_rows,
        "paper_lines": selectors.material_paper_decisions(meeting, today),
        "overlaps": [(m, m.pk in seen_ids) for m in overlaps],
        "can": can,
        "answers": answers,
        "invitation": invitation,
        "invitation_link": bool(invitation) and outgoing_policy.can(user, "view", invitation),
        "can_issue": can[policy.ISSUE_INVITATION] and not invitation,
        "issue_note": can["invite"] and not can[policy.ISSUE_INVITATION] and not invitation,
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
    meeting = selectors.meeting_or_404(request.user, pk)
    return render(request, "documents/meetings/detail.html", _detail_context(request, meeting))


ACTIONS = ("invite", "answer", "judge", "attendance", "reschedule", "cancel", "materials", "grant")


@login_required
@require_POST
def meeting_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404
    user = request.user
    meeting = selectors.meeting_or_404(user, pk)
    handler = HANDLERS[action]
    try:
        message = handler(request, meeting)
    except _Invalid as invalid:
        meeting = selectors.meeting_or_404(user, pk)
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
            apply_service_error(form, exc, FIELD_OF)
    raise _Invalid(**{key: form})


def _simple(call):
    try:
        return call()
    except ValidationError as exc:
        raise _Invalid(error=" ".join(exc.messages)) from exc


def _do_invite(request, meeting: Meeting) -> str:
    document = _simple(lambda: services.issue_invitation(user=request.user, meeting=meeting))
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
    if invitation not in policy.my_invitations(request.user, meeting):
        raise PermissionDenied
    form = AnswerForm(request.POST, invitation=invitation, deputies=_deputy_choices(invitation))
    key = f"answer-{invitation.pk}"

    def call(d):
        services.answer(
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
    _simple(lambda: services.judge_reason(user=request.user, invitee=invitee, accepted=accepted))
    if accepted:
        return _("%(i)s: lý do vắng được chấp nhận.") % {"i": invitee.label}
    return _("%(i)s: lý do vắng không chính đáng.") % {"i": invitee.label}


def _do_attendance(request, meeting: Meeting) -> str:
    policy.require(request.user, "attendance", meeting)
    form = AttendanceForm(request.POST, invitees=list(meeting.invitees.all()))

    def call(d):
        marks = form.marks()
        if not marks:
            raise ValidationError(_("Chưa chọn điểm danh cho thành phần nào."))
        services.record_attendance(user=request.user, meeting=meeting, marks=marks)
        return _("Đã ghi điểm danh %(n)d thành phần.") % {"n": len(marks)}

    return _run(form, call, "attendance")


def _do_reschedule(request, meeting: Meeting) -> str:
    policy.require(request.user, "edit", meeting)
    form = RescheduleForm(request.POST)

    def call(d):
        services.reschedule(user=request.user, meeting=meeting, start=d["start"], end=d["end"], place=d["place"])
        return _("Đã cập nhật thời gian, địa điểm; các thành phần mời sẽ được thông báo.")

    return _run(form, call, "reschedule")


def _do_cancel(request, meeting: Meeting) -> str:
    policy.require(request.user, "cancel", meeting)
    form = CancelForm(request.POST)

    def call(d):
        services.cancel(user=request.user, meeting=meeting, reason=d["reason"])
        return _("Đã hủy cuộc họp; các thành phần mời sẽ được thông báo.")

    return _run(form, call, "cancel")


def _do_materials(request, meeting: Meeting) -> str:
    policy.require(request.user, "materials", meeting)
    form = MaterialsForm(request.POST, request.FILES)

    def call(d):
        made = services.add_materials(
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
        services.grant_material(user=request.user, material=material, people=people)
        return _("Đã cấp quyền xem “%(m)s” cho %(n)d người.") % {"m": dict(choices)[material.pk], "n": len(people)}

    return _run(form, call, "grant")


# --- Files: materials and the giấy mời -----------------------------------------------------------------------


# One entry per action (ACTIONS): the form it reads and the service it calls are in its function.
HANDLERS = {
    "invite": _do_invite,
    "answer": _do_answer,
    "judge": _do_judge,
    "attendance": _do_attendance,
    "reschedule": _do_reschedule,
    "cancel": _do_cancel,
    "materials": _do_materials,
    "grant": _do_grant,
}


@login_required
@require_GET
@xframe_options_sameorigin
def material_download(request: HttpRequest, pk: int) -> HttpResponse:
    """A material, to those the policy lets read it; the first read is the read receipt."""
    material = get_object_or_404(MeetingMaterial.objects.select_related("blob", "meeting"), pk=pk)
    policy.require(request.user, policy.READ, material)
    services.open_material(user=request.user, material=material)
    return files.download(request, material.blob, material.name, inline=request.GET.get("xem") == "1")


@login_required
@require_GET
@xframe_options_sameorigin
def invitation_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The official PDF of the giấy mời, for everyone who may see the meeting (it is addressed to them)."""
    meeting = selectors.meeting_or_404(request.user, pk)
    if meeting.invitation is None:
        raise Http404
    attached = outgoing_selectors.official_file(meeting.invitation)  # attached at issue; a GET attaches nothing
    if attached is None:
        from documents.outgoing import signatures

        if signatures.awaiting_agency(meeting.invitation):  # never an unsigned rendering as the original
            return render(request, signatures.AWAITING_PAGE, {"doc": meeting.invitation}, status=409)
        pdf = outgoing_selectors.unattached_official_pdf(meeting.invitation)
        return FileResponse(io.BytesIO(pdf), content_type="application/pdf", filename="giay-moi.pdf")
    return official_pdf.serve(request, attached)


# --- Lịch công tác tuần --------------------------------------------------------------------------------------


def _week_from(request: HttpRequest) -> tuple[WeekForm, selectors.Week]:
    form = WeekForm(request.GET or None)
    return form, selectors.week_schedule(request.user, form.monday(), form.unit())


@login_required
@require_GET
def meeting_week(request: HttpRequest) -> HttpResponse:
    form, week = _week_from(request)
    return render(
        request,
        "documents/meetings/week.html",
        {
            "form": form,
            "week": week,
            "today": timezone.localdate(),
            "may_organise": policy.may_organise(request.user),
        },
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
            "rows": selectors.print_rows(week),
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
