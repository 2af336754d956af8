from __future__ import annotations

import datetime
import math

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts import selectors
from accounts.forms import LoginForm
from idesk.lib import reports


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "registration/password_change.html"
    success_url = reverse_lazy("accounts:password_change_done")


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "registration/password_change_done.html"


def lockout(request: HttpRequest, response=None, credentials=None) -> HttpResponse:
    """django-axes calls this while a username is locked for this address: how long, and what to do."""
    message = _(
        "Tài khoản tạm thời bị khóa từ địa chỉ này do đăng nhập sai %(n)d lần liên tiếp. Vui lòng thử lại sau "
        "%(m)d phút; đăng nhập trong thời gian này, kể cả đúng mật khẩu, đều bị từ chối. Nếu quên mật khẩu, "
        "hãy liên hệ quản trị hệ thống để được cấp lại."
    ) % {"n": settings.AXES_FAILURE_LIMIT, "m": lock_minutes_left(request, credentials)}
    form = LoginForm(request, data=None)
    return render(request, "registration/login.html", {"form": form, "lockout_message": message}, status=429)


def lock_minutes_left(request: HttpRequest, credentials) -> int:
    """Whole minutes until the lock lifts: from the last counted failure (attempts during a lock are not counted)."""
    from axes.helpers import get_client_username
    from axes.models import AccessAttempt

    cool_off = datetime.timedelta(hours=settings.AXES_COOLOFF_TIME)
    last = (
        AccessAttempt.objects.filter(
            username=get_client_username(request, credentials), ip_address=getattr(request, "axes_ip_address", None)
        )
        .order_by("-attempt_time")
        .values_list("attempt_time", flat=True)
        .first()
    )
    if last is None:
        return math.ceil(cool_off.total_seconds() / 60)
    left = (last + cool_off - timezone.now()).total_seconds()
    return max(1, math.ceil(left / 60))


def _directory_context(request: HttpRequest) -> dict:
    query = request.GET.get("q", "").strip()[:100]
    entries = selectors.directory(query)
    return {"q": query, "entries": entries, "people_count": sum(len(e.people) for e in entries)}


@login_required
@require_GET
def directory(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    found = selectors.directory_page(query, request.GET.get("page"))
    context = {
        "q": query,
        "entries": found.entries,
        "page": found.page,
        "unit_count": found.units,
        "people_count": found.people,
    }
    if not context["q"]:
        context["externals"] = selectors.external_units()
    template = "accounts/_directory_results.html" if request.htmx else "accounts/directory.html"
    return render(request, template, context)


DIRECTORY_HEADERS = [
    "Cơ quan, đơn vị",
    "Họ và tên",
    "Chức vụ",
    "Vai trò",
    "Tên đăng nhập",
    "Điện thoại",
    "Thư điện tử",
]


def _directory_rows(entries):
    for entry in entries:
        for person in entry.people:
            yield [
                entry.unit.name,
                person.full_name,
                person.position,
                person.get_role_display(),
                person.username,
                person.phone,
                person.email,
            ]


@login_required
@require_GET
def directory_xlsx(request: HttpRequest) -> HttpResponse:
    context = _directory_context(request)
    content = reports.xlsx_bytes(
        "Danh bạ",
        [_(h) for h in DIRECTORY_HEADERS],
        _directory_rows(context["entries"]),
        heading=_("Danh bạ %(site)s") % {"site": settings.IDESK_SITE_NAME},
        widths=[38, 26, 30, 16, 18, 14, 30],
    )
    return reports.attachment(content, reports.XLSX_TYPE, "danh-ba.xlsx")


# The directory's PDF is served by idesk.exports (the whole directory is made by the worker).
