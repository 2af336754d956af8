from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET

from accounts import selectors as account_selectors
from idesk.models import Notice


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Bàn làm việc: what waits for me, most urgent first, with my role's buttons; then the meetings ahead. Its strip
    of queues gets its counts with the navigation's badges after the page, as every page's queues do."""
    from django.utils import timezone

    from documents.meetings import selectors as meetings
    from idesk import desk

    user = request.user
    upcoming = list(
        meetings.upcoming(user)
        .select_related("chair")
        .only("title", "start", "place", "chair__full_name")[:5]  # the card's fields: no agenda, no whole chair row
    )
    context = {
        "work": desk.work_for(user),
        "actions": desk.actions_for(user),
        "work_empty": desk.empty_text(user),
        "meetings": upcoming,
        "today": timezone.localdate(),
        "tab_group": "desk",
    }
    return render(request, "idesk/home.html", context)


@login_required
@require_GET
def nav_counts(request: HttpRequest) -> HttpResponse:
    """The navigation's queues with their counts, fetched by htmx after each page (components/sidebar.html): each
    group's list replaces the uncounted one out of band, and so do the badges of the page's tabs (`?tabs=`, a list
    page's tab group: idesk.navigation.TAB_GROUPS)."""
    from idesk.navigation import counted_navigation

    # The page's own address (htmx sends it) marks its queue as the current one, as the page itself did.
    here = request.htmx.current_url_abs_path if request.htmx else None
    nav = counted_navigation(request, tabs=request.GET.get("tabs"))
    return render(request, "components/nav_counts.html", {"nav": nav, "here": here or ""})


@login_required
@require_GET
def landing(request: HttpRequest) -> HttpResponse:
    """LOGIN_REDIRECT_URL: each role lands on its work (a district leader on Chờ xử lý)."""
    from idesk import desk

    return redirect(desk.landing_url(request.user))


# --- Public "Thông báo" section (founding letter R5): no login. ---


@require_GET
def public_index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "public/index.html",
        {"notices": Notice.objects.published()[:20], "accounts": account_selectors.public_accounts()},
    )


@require_GET
def public_notice(request: HttpRequest, pk: int) -> HttpResponse:
    notice = get_object_or_404(Notice.objects.published(), pk=pk)
    return render(request, "public/notice.html", {"notice": notice})


@require_GET
def public_guide(request: HttpRequest) -> HttpResponse:
    return render(request, "public/guide.html")


def error_404(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "errors/404.html", status=404)


def error_403(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "errors/403.html", status=403)


def error_500(request: HttpRequest) -> HttpResponse:
    from django.conf import settings

    # The error is mailed (mail_admins) only when ADMINS is set and DEBUG is off: the page says so only then.
    context = {
        "admins_notified": bool(settings.ADMINS) and not settings.DEBUG,
        "request_id": getattr(request, "request_id", ""),
    }
    return render(request, "errors/500.html", context, status=500)


def error_400(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "errors/400.html", status=400)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: the reason is for the log (Django writes it), not for the page."""
    return render(request, "errors/403_csrf.html", status=403)
