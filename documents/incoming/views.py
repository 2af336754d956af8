"""Views parse input, call a service or a selector, and render. No rules live here."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import User
from documents.core import audit, files
from documents.core import selectors as core_selectors
from documents.core.forms import apply_service_error
from documents.core.models import AssignmentRole, Delivery
from documents.core.views import page_size
from documents.incoming import directions, forms, policy, selectors, services
from documents.incoming.models import Assignment, AssignmentStatus
from documents.signing import intake
from idesk.lib import reports

# --- Lists ---------------------------------------------------------------------------------------------------


def _incoming_page(request: HttpRequest, forced_box: str | None = None) -> dict:
    form = forms.FilterForm(request.GET or None)
    filters = form.to_filters(selectors.default_box(request.user))
    if forced_box:
        filters.box = forced_box
    rows = selectors.incoming_list(request.user, filters)
    page = Paginator(rows, page_size()).get_page(request.GET.get("page"))
    today = timezone.localdate()
    page.object_list = selectors.incoming_rows(page.object_list, today)
    return {
        "form": form,
        "filters": filters,
        "page": page,
        "boxes": selectors.BOXES,
        "today": today,
        "is_clerk": policy.records.can_for_unit(request.user, policy.REGISTER),
        "recalls": list(core_selectors.recalls_to_acknowledge(request.user)[:20]),
    }


def _tabs(user: User, counted: str | None) -> dict:
    """The inbox tabs this user has. Their counts come with the navigation's badges after the page (tab_group,
    idesk.views.nav_counts); the page counts only its own list, whose count is `counted`'s when the list is that
    tab unfiltered."""
    return {
        "tabs": {key: selectors.BOXES[key] for key in selectors.box_keys(user)},
        "counted_tab": counted,
        "tab_group": "incoming",
    }


def _results_only(request: HttpRequest) -> bool:
    """The filter form asks through htmx for the results alone (it swaps them into #list-results)."""
    return bool(request.htmx) and not request.htmx.boosted


@login_required
@require_GET
def incoming_list(request: HttpRequest) -> HttpResponse:
    context = _incoming_page(request)
    filters = context["filters"]
    context.update(_tabs(request.user, None if filters.narrowed else filters.box))
    template = "documents/incoming/_table.html" if _results_only(request) else "documents/incoming/list.html"
    return render(request, template, context)


@login_required
@require_GET
def search(request: HttpRequest) -> HttpResponse:
    """Search from the top bar: every document the user may see."""
    context = _incoming_page(request, forced_box="tat_ca")
    context["searching"] = True
    template = "documents/incoming/_table.html" if _results_only(request) else "documents/incoming/search.html"
    return render(request, template, context)


@login_required
@require_GET
def tasks(request: HttpRequest) -> HttpResponse:
    rows = selectors.my_tasks(request.user)
    page = Paginator(rows, page_size()).get_page(request.GET.get("page"))
    return render(request, "documents/incoming/tasks.html", {"page": page, "today": timezone.localdate()})


# --- Registering -------------------------------------------------------------------------------------------


def _require_clerk(user: User) -> None:
    # The clerk's pages (Vào sổ, Chờ vào sổ): registering into one's own unit.
    policy.records.require_for_unit(user, policy.REGISTER)


@login_required
@require_http_methods(["GET", "POST"])
def incoming_new(request: HttpRequest) -> HttpResponse:
    _require_clerk(request.user)
    notice = _paper_notice(request)
    form = forms.IncomingForm(
        request.POST or None, request.FILES or None, initial=_notice_initial(notice) if notice else None
    )
    duplicates = []
    if request.method == "POST" and form.is_valid():
        try:
            record = services.register_incoming(
                clerk=request.user, data=form.to_data(), confirm_duplicate=form.cleaned_data["confirm_duplicate"],
                notice=notice,
            )  # fmt: skip
        except services.DuplicateDocument as exc:
            duplicates = exc.existing
            form.add_error("confirm_duplicate", exc.messages)
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(
                request,
                _("Đã vào sổ văn bản đến số %(n)s (%(reg)s).")
                % {
                    "n": record.arrival_number,
                    "reg": _("sổ văn bản mật") if record.confidential else _("sổ văn bản đến"),
                },
            )
            return redirect(record)
    files_lost = request.method == "POST" and bool(request.FILES) and not form.is_valid()
    return render(
        request,
        "documents/incoming/form.html",
        {"form": form, "duplicates": duplicates, "files_lost": files_lost, "notice": notice},
        status=400 if request.method == "POST" else 200,
    )


def _paper_notice(request: HttpRequest) -> Delivery | None:
    """The classified document's notice this paper copy answers (?notice=), only among the clerk's own."""
    pk = request.POST.get("notice") or request.GET.get("notice")
    if not pk:
        return None
    if not str(pk).isdigit():
        raise Http404
    notice = selectors.paper_notices(request.user).select_related("document", "document__issuer_unit").filter(pk=pk)
    return get_object_or_404(notice)


def _notice_initial(notice: Delivery) -> dict:
    """Only what the notice carries: issuer, number and symbol, date, secrecy (never the summary)."""
    doc = notice.document
    return {
        "issuer_unit": doc.issuer_unit_id,
        "issuer_name": "" if doc.issuer_unit_id else doc.issuer_name,
        "number_symbol": doc.number_symbol,
        "issued_date": doc.issued_date,
        "secrecy": doc.secrecy,
    }


# --- Detail and actions -------------------------------------------------------------------------------------

ACTIONS = ("submit", "direct", "forward", "delegate", "note", "complete", "grant", "remind")


def _action_forms(request: HttpRequest, record, bound: dict | None = None) -> dict:
    """The forms of the actions the policy allows this user now (bound for the one just posted)."""
    user = request.user
    bound = bound or {}
    out = {}
    if policy.can(user, "submit", record):
        out["submit"] = bound.get("submit") or forms.SubmitForm(unit_id=record.unit_id)
    if policy.can(user, "direct", record):
        out["direct"] = bound.get("direct") or forms.DirectForm(record=record, leader=user)
        out["forward"] = bound.get("forward") or forms.ForwardForm(unit_id=record.unit_id, me=user)
    if policy.can(user, "delegate", record):
        assignments = [
            a
            for a in record.assignments.all()
            if a.assignee_unit_id == user.unit_id and a.assignee_user_id is None and a.status != AssignmentStatus.DONE
        ]
        out["delegate"] = bound.get("delegate") or forms.DelegateForm(assignments=assignments, unit_id=user.unit_id)
    if policy.can(user, "note", record):
        out["note"] = bound.get("note") or forms.NoteForm()
    if policy.can(user, "complete", record):
        out["complete"] = bound.get("complete") or forms.CompleteForm()
    if policy.can(user, "grant", record):
        out["grant"] = bound.get("grant") or forms.GrantForm(unit_id=record.unit_id)
    return out


def _detail_context(request: HttpRequest, record, bound: dict | None = None) -> dict:
    today = timezone.localdate()
    assignments = list(record.assignments.all())
    if any(a.delivery_id for a in assignments):
        # Units the district directed it to: how each is getting on in its own book.
        progress = directions.unit_progress(record)
        for a in assignments:
            a.unit_progress = progress.get(a.pk)
    # Sent to the user's unit through its clerk: the unit handles it on its own record, not here.
    handled_in_unit = []
    for a in policy.carried_to_unit(request.user, record):
        progress = getattr(a, "unit_progress", None)
        unit_record = progress.unit_record if progress else None
        if unit_record is not None and not policy.can(request.user, policy.VIEW, unit_record):
            unit_record = None
        handled_in_unit.append({"assignment": a, "unit_record": unit_record, "progress": progress})
    can_remind = policy.can(request.user, policy.REMIND, record)
    delivery = getattr(record, "delivery", None) if hasattr(record, "delivery") else None
    return {
        "record": record,
        "doc": record.document,
        "timeline": audit.timeline(record),
        "directions": list(record.directions.all()),
        "assignments": assignments,
        "leads": [a for a in assignments if a.role == AssignmentRole.LEAD],
        "notes": list(record.notes.all()),
        "actions": _action_forms(request, record, bound),
        "can_remind": can_remind,
        "handled_in_unit": handled_in_unit,
        "can_export": policy.can(request.user, "export", record),
        "today": today,
        "delivery": delivery,
        "directed": directions.directed_from([delivery.pk]).get(delivery.pk) if delivery else None,
        # The verification made when it arrived (a GET verifies nothing anew: it writes nothing).
        "checks": intake.checks_of(record.document.files.select_related("blob"), verify=False),
    }


@login_required
@require_GET
def incoming_detail(request: HttpRequest, pk: int) -> HttpResponse:
    record = selectors.record_detail(request.user, pk)
    services.open_record(user=request.user, record=record)
    return render(request, "documents/incoming/detail.html", _detail_context(request, record))


@login_required
@require_POST
def incoming_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404
    record = selectors.record_detail(request.user, pk)
    user = request.user
    if action == "remind":
        assignment_id = request.POST.get("assignment", "")
        if not assignment_id.isdigit():
            raise Http404
        assignment = get_object_or_404(Assignment, pk=int(assignment_id), record=record)
        try:
            services.remind(leader=user, record=record, assignment=assignment)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Đã gửi nhắc việc (đôn đốc) tới %(a)s.") % {"a": assignment.assignee_label})
        return redirect(record)
    if not policy.can(user, action, record):
        raise PermissionDenied
    form = _bound_form(action, request, record)
    if form.is_valid():
        try:
            message = _run_action(action, form, user, record)
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, message)
            return redirect(record)
    record = selectors.record_detail(user, pk)
    context = _detail_context(request, record, bound={action: form})
    context["open_action"] = action
    return render(request, "documents/incoming/detail.html", context, status=400)


def _bound_form(action: str, request: HttpRequest, record):
    data, files = request.POST, request.FILES
    if action == "submit":
        return forms.SubmitForm(data, unit_id=record.unit_id)
    if action == "direct":
        return forms.DirectForm(data, record=record, leader=request.user)
    if action == "forward":
        return forms.ForwardForm(data, unit_id=record.unit_id, me=request.user)
    if action == "delegate":
        return forms.DelegateForm(
            data,
            assignments=[a for a in record.assignments.all() if a.assignee_unit_id == request.user.unit_id],
            unit_id=request.user.unit_id,
        )
    if action == "note":
        return forms.NoteForm(data, files)
    if action == "complete":
        return forms.CompleteForm(data)
    return forms.GrantForm(data, unit_id=record.unit_id)


def _run_action(action: str, form, user: User, record) -> str:
    d = form.cleaned_data
    if action == "submit":
        leader = form.leader_user()
        services.submit(clerk=user, record=record, leader=leader, note=d.get("note", ""))
        return _("Đã trình %(n)s.") % {"n": leader.full_name}
    if action == "direct":
        services.direct(leader=user, record=record, text=d["text"], assignments=form.specs())
        return _("Đã ghi ý kiến chỉ đạo và phân công xử lý.")
    if action == "forward":
        leader = form.leader_user()
        services.forward(leader=user, record=record, to_leader=leader, note=d.get("note", ""))
        return _("Đã chuyển văn bản cho %(n)s.") % {"n": leader.full_name}
    if action == "delegate":
        assignment = get_object_or_404(Assignment, pk=d["assignment"], record=record)
        to_user = get_object_or_404(User, pk=d["to_user"])
        services.delegate(head=user, assignment=assignment, to_user=to_user)
        return _("Đã giao %(n)s xử lý.") % {"n": to_user.full_name}
    if action == "note":
        services.add_note(user=user, record=record, text=d["text"], uploads=d.get("uploads") or [])
        return _("Đã cập nhật tiến độ.")
    if action == "complete":
        services.complete(user=user, record=record, result=d["result"])
        return _("Đã hoàn thành xử lý văn bản.")
    users = list(User.objects.filter(pk__in=[int(u) for u in d["users"]]))
    services.grant_access(granter=user, record=record, users=users)
    return _("Đã cấp quyền xem văn bản mật.")


# --- Electronic arrivals (Chờ vào sổ) ----------------------------------------------------------------------


@login_required
@require_GET
def deliveries(request: HttpRequest) -> HttpResponse:
    _require_clerk(request.user)
    page = Paginator(selectors.pending_deliveries(request.user), page_size()).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    carried = directions.directed_from([d.pk for d in page.object_list])  # a leader's comment travels with it
    for d in page.object_list:
        d.directed = carried.get(d.pk)
    notices = selectors.paper_notices(request.user).select_related("document__issuer_unit", "sender_unit")
    return render(
        request,
        "documents/incoming/deliveries.html",
        {
            "page": page,
            "notices": notices.order_by("-sent_at")[:200],
            **_tabs(request.user, "pending"),
            "is_clerk": True,
        },
    )


def _pending_delivery_or_404(user: User, pk: int) -> Delivery:
    delivery = selectors.pending_deliveries(user).prefetch_related("document__files__blob").filter(pk=pk).first()
    if delivery is None:
        raise Http404
    return delivery


@login_required
@require_http_methods(["GET", "POST"])
def delivery_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_clerk(request.user)
    delivery = _pending_delivery_or_404(request.user, pk)
    services.open_delivery(clerk=request.user, delivery=delivery)
    directed = directions.directed_from([delivery.pk]).get(delivery.pk)
    # Its PDFs verified on arrival (issue 16): a failed signature offers "Trả lại" with the reason filled in. A
    # direction forwards the district's own record, whose file is often a paper scan: there, no signature at all is
    # shown as such, not as a fault (anything else delivered is an issued document its agency signed, NĐ30 Art. 8).
    unsigned_ok = directed is not None
    checks = intake.checks_of(delivery.document.files.all())
    problem = intake.first_problem(checks, unsigned_ok=unsigned_ok)
    receive_form = forms.ReceiveForm(
        request.POST or None if request.POST.get("do") == "register" else None,
        initial={"due_date": directed.assignment.due_date} if directed else None,
    )
    return_form = forms.ReturnForm(
        request.POST or None if request.POST.get("do") == "return" else None, initial={"reason": problem}
    )
    duplicates = []
    if request.method == "POST":
        if request.POST.get("do") == "register" and receive_form.is_valid():
            d = receive_form.cleaned_data
            try:
                record = services.register_delivery(
                    clerk=request.user, delivery=delivery, due_date=d.get("due_date"), note=d.get("note", ""),
                    confirm_duplicate=d.get("confirm_duplicate", False),
                )  # fmt: skip
            except services.DuplicateDocument as exc:
                duplicates = exc.existing
                receive_form.add_error("confirm_duplicate", exc.messages)
            except ValidationError as exc:
                apply_service_error(receive_form, exc)
            else:
                messages.success(
                    request, _("Đã vào sổ văn bản đến số %(n)s; đơn vị gửi đã được báo.") % {"n": record.arrival_number}
                )
                return redirect(record)
        elif request.POST.get("do") == "return" and return_form.is_valid():
            try:
                services.return_delivery(
                    clerk=request.user, delivery=delivery, reason=return_form.cleaned_data["reason"]
                )
            except ValidationError as exc:
                apply_service_error(return_form, exc)
            else:
                messages.success(request, _("Đã trả lại văn bản cho đơn vị gửi."))
                return redirect("documents:deliveries")
    return render(
        request,
        "documents/incoming/delivery_detail.html",
        {
            "delivery": delivery,
            "doc": delivery.document,
            "receive_form": receive_form,
            "return_form": return_form,
            "duplicates": duplicates,
            "checks": checks,
            "signature_problem": problem,
            "unsigned_ok": unsigned_ok,
            "directed": directed,
        },
        status=400 if request.method == "POST" else 200,
    )


# --- Files and exports -------------------------------------------------------------------------------------


@login_required
@require_GET
def note_file(request: HttpRequest, pk: int) -> HttpResponse:
    """A handler's working file: readable by whoever may see the record it was noted on."""
    from documents.incoming.models import NoteFile

    attached = NoteFile.objects.select_related("blob", "note").filter(pk=pk).first()
    if attached is None or not policy.visible_to(request.user).filter(pk=attached.note.record_id).exists():
        raise Http404
    return files.download(request, attached.blob, attached.name)


@login_required
@require_GET
def processing_slip(request: HttpRequest, pk: int) -> HttpResponse:
    from documents.incoming import pdf

    record = selectors.record_detail(request.user, pk)
    content = pdf.processing_slip_pdf(record=record)
    return reports.attachment(
        content, "application/pdf", f"phieu-giai-quyet-so-den-{record.arrival_number}-{record.year}.pdf", inline=True
    )
