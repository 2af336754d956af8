"""Views of Văn bản đi: parse, call a service in outgoing.services, render."""

from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import User
from documents.core import audit, files
from documents.core.forms import apply_service_error
from documents.core.models import Delivery, Document
from documents.core.views import page_size
from documents.outgoing import copies, paper, policy, selectors, services, symbols, updates
from documents.outgoing import pdf as official_pdf
from documents.outgoing.forms import (
    CopyForm,
    DraftForm,
    OutgoingFilterForm,
    ReasonForm,
    ReviewForm,
    SignForm,
    UpdateForm,
)
from documents.outgoing.models import DraftFile, DraftStatus, OutgoingDraft

# --- Lists ------------------------------------------------------------------------------------------------


@login_required
@require_GET
def outgoing_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    tabs = selectors.visible_tabs(user)
    tab = request.GET.get("tab") if request.GET.get("tab") in tabs else selectors.default_tab(user)
    form = OutgoingFilterForm(request.GET or None)
    form.is_valid()  # a bad year is dropped; the search text still counts
    q = form.cleaned_data.get("q", "") if form.is_bound else ""
    year = form.cleaned_data.get("year") if form.is_bound else None
    if tab in selectors.ISSUED_TABS:
        rows = selectors.issued_tab(user, tab, q=q, year=year)
    else:
        rows = selectors.drafts(user, tab, q=q)
    page = Paginator(rows, page_size()).get_page(request.GET.get("page"))
    if tab in selectors.ISSUED_TABS:
        page.object_list = selectors.issued_rows(page.object_list)
    return render(
        request,
        "documents/outgoing/list.html",
        {
            "tab": tab,
            "lists_issued": tab in selectors.ISSUED_TABS,
            "tabs": {t: selectors.TABS[t] for t in tabs},
            # The other tabs' counts (and the paper copies') come with the navigation's badges after the page
            # (idesk.views.nav_counts); the page counts only its own list.
            "counted_tab": None if q or year else tab,
            "tab_group": "outgoing",
            "page": page,
            "form": form,
            "q": q,
            "is_clerk": policy.issued.can_for_unit(user, policy.PAPER),
        },
    )


# --- Drafts ---------------------------------------------------------------------------------------------------


def _files_lost(request: HttpRequest) -> bool:
    """A refused POST that carried files: the browser will not send them again, so say so."""
    return request.method == "POST" and bool(request.FILES)


@login_required
@require_http_methods(["GET", "POST"])
def draft_new(request: HttpRequest) -> HttpResponse:
    if request.user.unit_id is None:
        raise PermissionDenied
    initial = {}
    reply_pk = request.GET.get("tra_loi")
    if reply_pk and reply_pk.isdigit():
        initial["reply_to"] = int(reply_pk)
    form = DraftForm(request.POST or None, request.FILES or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            draft = services.create_draft(author=request.user, data=form.to_data())
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("Đã lưu dự thảo. Kiểm tra lại rồi bấm “Trình duyệt”."))
            return redirect(draft)
    return render(
        request,
        "documents/outgoing/draft_form.html",
        {"form": form, "draft": None, "files_lost": _files_lost(request)},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def draft_edit(request: HttpRequest, pk: int) -> HttpResponse:
    draft = selectors.draft_detail(request.user, pk)
    if not policy.can(request.user, "edit", draft):
        raise PermissionDenied
    form = DraftForm(
        request.POST or None, request.FILES or None, user=request.user, initial=DraftForm.initial_from(draft)
    )
    if request.method == "POST" and form.is_valid():
        try:
            draft = services.update_draft(author=request.user, draft=draft, data=form.to_data())
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("Đã lưu dự thảo."))
            return redirect(draft)
    return render(
        request,
        "documents/outgoing/draft_form.html",
        {"form": form, "draft": draft, "files_lost": _files_lost(request)},
        status=400 if request.method == "POST" else 200,
    )


def _draft_context(request: HttpRequest, draft, bound: dict | None = None) -> dict:
    user, bound = request.user, bound or {}
    recipients = selectors.resolve_recipients(draft)
    return {
        "draft": draft,
        "recipients": recipients,
        "paper_preview": _paper_preview(draft, recipients),
        "timeline": audit.timeline(draft),
        "can_edit": policy.can(user, "edit", draft),
        "can_submit": policy.can(user, "submit", draft),
        "review_form": bound.get("review") or (ReviewForm() if policy.can(user, "review", draft) else None),
        "sign_form": bound.get("sign") or (SignForm() if policy.can(user, "sign", draft) else None),
        "can_issue": policy.can(user, "issue", draft),
        "error": bound.get("error"),
    }


def _paper_preview(draft: OutgoingDraft, recipients: list) -> list[paper.PaperLine]:
    """Before the number is taken: what issuing today would decide for each recipient (the same call)."""
    if draft.status == DraftStatus.ISSUED or not recipients:
        return []
    today = timezone.localdate()
    return paper.grouped(paper.decide_all(services.document_of(draft, today), recipients, today))


@login_required
@require_GET
def draft_detail(request: HttpRequest, pk: int) -> HttpResponse:
    draft = selectors.draft_detail(request.user, pk)
    return render(request, "documents/outgoing/draft_detail.html", _draft_context(request, draft))


# The stage each action starts from, and who takes it (whatever the stage).
_ACTION_STAGES = {
    "submit": (DraftStatus.DRAFT, DraftStatus.RETURNED),
    "review": (DraftStatus.IN_REVIEW,),
    "sign": (DraftStatus.TO_SIGN,),
    "issue": (DraftStatus.SIGNED,),
}


def _step_already_taken(user: User, action: str, draft: OutgoingDraft) -> bool:
    """The user is the one who takes this step, but the draft has moved past it (a double click, or the
    deputy approved while the head had the page open): say where it is rather than a bare 403."""
    takes_it = {
        "submit": draft.author_id == user.pk,
        "review": policy.drafts.can_for_unit(user, policy.REVIEW, draft.unit_id),
        "sign": draft.signer_id == user.pk,
        "issue": policy.drafts.can_for_unit(user, policy.ISSUE, draft.issuer_unit_id),
    }.get(action, False)
    return takes_it and draft.status not in _ACTION_STAGES[action]


@login_required
@require_POST
def draft_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    user = request.user
    draft = selectors.draft_detail(user, pk)
    form = None
    try:
        if action == "submit":
            services.submit_draft(author=user, draft=draft)
            message = _("Đã trình duyệt dự thảo.")
        elif action == "review":
            form = ReviewForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("Vui lòng sửa các lỗi dưới đây."))
            approve = form.cleaned_data["decision"] == "approve"
            services.review_draft(head=user, draft=draft, approve=approve, comment=form.cleaned_data["comment"])
            message = _("Đã duyệt, chuyển lãnh đạo ký.") if approve else _("Đã trả lại dự thảo cho người soạn.")
        elif action == "sign":
            form = SignForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("Vui lòng sửa các lỗi dưới đây."))
            d = form.cleaned_data
            approve = d["decision"] == "approve"
            services.sign_draft(
                leader=user,
                draft=draft,
                approve=approve,
                comment=d["comment"],
                leader_comment=d.get("leader_comment", ""),
            )
            message = _("Đã ký duyệt; văn thư sẽ cấp số và phát hành.") if approve else _("Đã trả lại dự thảo.")
        elif action == "issue":
            document = services.issue(clerk=user, draft=draft)
            messages.success(
                request,
                _("Đã cấp số %(s)s và phát hành tới %(n)d nơi nhận.")
                % {"s": document.number_symbol, "n": document.deliveries.count()},
            )
            return redirect("documents:issued_detail", pk=document.pk)
        else:
            raise Http404
    except PermissionDenied:
        draft = selectors.draft_detail(user, pk)
        if not _step_already_taken(user, action, draft):
            raise
        error = _("Dự thảo đang ở bước “%(s)s”; thao tác này không còn thực hiện được.") % {
            "s": draft.get_status_display()
        }
        return render(
            request,
            "documents/outgoing/draft_detail.html",
            _draft_context(request, draft, {"error": error}),
            status=400,
        )
    except ValidationError as exc:
        if form is not None and not form.errors:
            apply_service_error(form, exc)
        draft = selectors.draft_detail(user, pk)
        bound = {"error": " ".join(exc.messages)} if form is None else {action: form}
        return render(
            request, "documents/outgoing/draft_detail.html", _draft_context(request, draft, bound), status=400
        )
    messages.success(request, message)
    return redirect(draft)


@login_required
@require_GET
@xframe_options_sameorigin
def draft_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The draft as it will look once numbered (the number left blank): what the signer signs."""
    draft = selectors.draft_detail(request.user, pk)
    if draft.document_id:
        return redirect("documents:issued_pdf", pk=draft.document_id)
    today = timezone.localdate()
    # The very document issue() creates, with "…" where the number goes: "…/GM-UBND", not "…/UBND".
    preview = services.document_of(draft, today)
    preview.number_symbol = symbols.unnumbered_symbol(draft, today.year)
    pdf = official_pdf.face_pdf(preview)
    return FileResponse(io.BytesIO(pdf), content_type="application/pdf", filename="du-thao.pdf")


@login_required
@require_GET
def draft_file(request: HttpRequest, pk: int) -> HttpResponse:
    attached = get_object_or_404(DraftFile.objects.select_related("blob", "draft"), pk=pk)
    if not policy.drafts.visible_to(request.user).filter(pk=attached.draft_id).exists():
        raise Http404
    return files.download(request, attached.blob, attached.name)


# --- Issued documents ----------------------------------------------------------------------------------------


def _by_paper_reason(deliveries: list) -> list[tuple[str, list]]:
    """The deliveries under their paper rule's reason, each reason once (most recipients share one), in the order
    the reasons first appear."""
    groups: dict[str, list] = {}
    for d in deliveries:
        groups.setdefault(d.paper_reason, []).append(d)
    return list(groups.items())


def _issued_context(request: HttpRequest, document: Document, bound: dict | None = None) -> dict:
    user, bound = request.user, bound or {}
    from documents.outgoing import signatures  # (imported where used, as issued_pdf does)

    deliveries = list(document.deliveries.all())
    return {
        "copy_label": selectors.copy_label(document.copy_kind),
        "doc": document,
        "deliveries": deliveries,
        "delivery_groups": _by_paper_reason(deliveries),
        "timeline": audit.timeline(document),
        "can_recall": policy.can(user, "recall", document),
        "can_cancel": policy.can(user, "cancel", document),
        "can_copy": policy.can(user, "copy", document),
        "can_update": policy.can(user, policy.UPDATE, document),
        "update_form": bound.get("cap-nhat") or UpdateForm(),
        "recall_form": bound.get("recall") or ReasonForm(),
        "cancel_form": bound.get("cancel") or ReasonForm(),
        "draft": getattr(document, "draft", None) if hasattr(document, "draft") else None,
        # No official PDF until the agency signs: no button that leads to "chưa ký số cơ quan" (409).
        "awaiting_agency": signatures.awaiting_agency(document),
    }


@login_required
@require_GET
def issued_detail(request: HttpRequest, pk: int) -> HttpResponse:
    document = selectors.issued_detail(request.user, pk)
    return render(request, "documents/outgoing/issued_detail.html", _issued_context(request, document))


@login_required
@require_POST
def issued_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    user = request.user
    document = selectors.issued_detail(user, pk)
    if action == "ky-lai":
        return _sign_again(request, document)
    if action == "cap-nhat":
        return _send_update(request, document)
    if action not in ("recall", "cancel"):
        raise Http404
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            if action == "recall":
                services.recall(leader=user, document=document, reason=form.cleaned_data["reason"])
                messages.success(request, _("Đã thu hồi văn bản; các đơn vị nhận đã được báo."))
            else:
                services.cancel_number(clerk=user, document=document, reason=form.cleaned_data["reason"])
                messages.success(
                    request, _("Đã hủy số %(s)s; số này vẫn ghi trong sổ kèm lý do.") % {"s": document.number_symbol}
                )
            return redirect("documents:issued_detail", pk=pk)
        except ValidationError as exc:
            apply_service_error(form, exc)
    document = selectors.issued_detail(user, pk)
    context = _issued_context(request, document, {action: form})
    context["open_action"] = action
    return render(request, "documents/outgoing/issued_detail.html", context, status=400)


def _send_update(request: HttpRequest, document: Document) -> HttpResponse:
    """Cập nhật văn bản đã phát hành: files beside the signed face, with the reason every recipient reads."""
    form = UpdateForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            updates.send_update(
                clerk=request.user,
                document=document,
                reason=form.cleaned_data["reason"],
                uploads=form.cleaned_data["files"],
            )
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(
                request, _("Đã gửi cập nhật văn bản %(s)s tới các nơi nhận.") % {"s": document.number_symbol}
            )
            return redirect("documents:issued_detail", pk=document.pk)
    document = selectors.issued_detail(request.user, document.pk)
    context = _issued_context(request, document, {"cap-nhat": form})
    context["open_action"] = "cap-nhat"
    return render(request, "documents/outgoing/issued_detail.html", context, status=400)


def _sign_again(request: HttpRequest, document: Document) -> HttpResponse:
    """Ký lại: the agency's signature that failed after the number committed (issue 16)."""
    from documents.outgoing import signatures
    from documents.signing.errors import SigningError

    try:
        name = selectors.official_name(document)
        signatures.sign_again(clerk=request.user, document=document, name=name)
    except SigningError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã ký số cơ quan cho văn bản %(s)s.") % {"s": document.number_symbol})
    return redirect("documents:issued_detail", pk=document.pk)


@login_required
@require_GET
@xframe_options_sameorigin
def issued_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    document = get_object_or_404(Document, pk=pk)
    policy.documents.require(request.user, policy.VIEW_FILE, document)
    attached = selectors.official_file(document)  # attached at issue; a GET attaches nothing
    if attached is None:
        from documents.outgoing import signatures

        if signatures.awaiting_agency(document):  # never the leader-only face nor a fresh rendering as the original
            return render(request, signatures.AWAITING_PAGE, {"doc": document}, status=409)
        pdf = selectors.unattached_official_pdf(document)
        return FileResponse(io.BytesIO(pdf), content_type="application/pdf", filename="van-ban.pdf")
    return official_pdf.serve(request, attached)


@login_required
@require_http_methods(["GET", "POST"])
def copy_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Sao y / sao lục / trích sao of a document the clerk's unit has (received or issued)."""
    user = request.user
    policy.issued.require_for_unit(user, policy.COPY)
    source = get_object_or_404(Document, pk=pk)
    policy.documents.require(user, policy.VIEW_FILE, source)
    form = CopyForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        from units.models import Unit

        try:
            copy = copies.make_copy(
                clerk=user,
                source=source,
                kind=d["kind"],
                signer=get_object_or_404(User, pk=d["signer"]),
                recipient_units=list(Unit.objects.filter(pk__in=d["recipient_units"])),
                excerpt=d.get("excerpt", ""),
                signing_capacity=d.get("signing_capacity", ""),
            )
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("Đã cấp số bản sao %(s)s và gửi đi.") % {"s": copy.number_symbol})
            return redirect("documents:issued_detail", pk=copy.pk)
    return render(
        request,
        "documents/outgoing/copy_form.html",
        {"form": form, "source": source},
        status=400 if request.method == "POST" else 200,
    )


# --- Paper copies and recalls ------------------------------------------------------------------------------


@login_required
@require_GET
def paper_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    policy.issued.require_for_unit(user, policy.PAPER)
    page = Paginator(selectors.paper_to_send(user), page_size()).get_page(request.GET.get("page"))
    year = timezone.localdate().year
    saved = selectors.paper_pages_saved(user.unit, year)
    return render(
        request,
        "documents/outgoing/paper_list.html",
        {"page": page, "saved": saved, "year": year, "saved_total": sum(p for _m, p in saved)},
    )


@login_required
@require_POST
def paper_sent(request: HttpRequest, pk: int) -> HttpResponse:
    # Only the sending unit's clerk may know this delivery exists: anyone else gets a 404.
    delivery = get_object_or_404(Delivery, pk=pk, sender_unit_id=request.user.unit_id or 0)
    services.mark_paper_sent(clerk=request.user, delivery=delivery)
    messages.success(request, _("Đã ghi nhận gửi bản giấy tới %(u)s.") % {"u": delivery.recipient_unit.name})
    return redirect("documents:paper_list")


@login_required
@require_POST
def recall_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    delivery = get_object_or_404(Delivery, pk=pk, recipient_unit_id=request.user.unit_id or 0)
    services.acknowledge_recall(clerk=request.user, delivery=delivery)
    messages.success(request, _("Đã xác nhận thu hồi văn bản %(s)s.") % {"s": delivery.document.number_symbol})
    return redirect("documents:incoming_list")
