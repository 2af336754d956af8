"""Thông báo: the list, marking read (htmx, or a plain form without JavaScript), and preferences."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Channel, NotificationKind
from idesk import notifications
from idesk.models import Notification

PAGE_SIZE = 30


def _back(request: HttpRequest, default: str = "notifications") -> HttpResponse:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return redirect(target)
    return redirect(default)


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    only_unread = request.GET.get("unread") == "1"
    qs = Notification.objects.filter(recipient=request.user)
    if only_unread:
        qs = qs.filter(read_at__isnull=True)
    page = Paginator(qs.order_by("-created_at", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "idesk/notifications.html",
        {"page": page, "only_unread": only_unread, "unread": notifications.unread_count(request.user)},
    )


@login_required
@require_GET
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Follow a notification's link (from the list or an e-mail): it counts as read."""
    notification = notifications.mark_read(request.user, pk)
    if notification is None:
        raise Http404
    url = notification.url
    if url and url_has_allowed_host_and_scheme(url, {request.get_host()}, request.is_secure()):
        return redirect(url)
    return redirect("notifications")


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    notification = notifications.mark_read(request.user, pk)
    if notification is None:
        raise Http404
    if request.htmx:
        response = render(request, "idesk/_notification_row.html", {"n": notification})
        response["HX-Trigger"] = "notifications-changed"  # the bell refreshes its count
        return response
    return _back(request)


@login_required
@require_POST
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    n = notifications.mark_all_read(request.user)
    if n:
        messages.success(request, _("Đã đánh dấu %(n)d thông báo là đã đọc.") % {"n": n})
    return _back(request)


@login_required
@require_GET
def notification_bell(request: HttpRequest) -> HttpResponse:
    """The bell alone, for htmx to refresh after marking read."""
    return render(request, "components/bell.html")


class PreferencesForm(forms.Form):
    def __init__(self, *args, kinds: list[str], initial_choices: dict[str, str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for kind in kinds:
            self.fields[kind] = forms.ChoiceField(
                label=NotificationKind(kind).label,
                choices=Channel.choices,
                initial=initial_choices.get(kind),
                widget=forms.RadioSelect,
            )


@login_required
@require_http_methods(["GET", "POST"])
def notification_preferences(request: HttpRequest) -> HttpResponse:
    kinds = [str(k) for k in NotificationKind.relevant_to(request.user)]
    current = notifications.preferences_of(request.user)
    form = PreferencesForm(request.POST or None, kinds=kinds, initial_choices=current)
    if request.method == "POST" and form.is_valid():
        notifications.save_preferences(request.user, {**current, **form.cleaned_data})
        messages.success(request, _("Đã lưu cách nhận thông báo."))
        return redirect("notification_preferences")
    return render(request, "idesk/notification_preferences.html", {"form": form})
