"""The search page ("Tìm văn bản" in the top bar) and the saved searches. Views parse, call, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from documents.search import selectors, services
from documents.search.models import SavedSearch


def _find_url(q: str) -> str:
    return f"{reverse('documents:find')}?{urlencode({'q': q})}" if q else reverse("documents:find")


@login_required
@require_GET
def find(request: HttpRequest) -> HttpResponse:
    q = selectors.words(request.GET.get("q", "")).typed
    groups = selectors.search_all(request.user, q)
    saved = list(selectors.saved_searches(request.user))
    return render(
        request,
        "documents/search/find.html",
        {
            "q": q,
            "groups": groups,
            "total": sum(g.count for g in groups),
            "empty_titles": [g.title for g in groups if not g.count],
            "saved": saved,
            "is_saved": any(s.query == q for s in saved),
        },
    )


@login_required
@require_POST
def save(request: HttpRequest) -> HttpResponse:
    q = request.POST.get("q", "")
    try:
        saved = services.save_search(request.user, request.POST.get("name", ""), q)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Đã lưu tìm kiếm “%(name)s”.") % {"name": saved.name})
    return redirect(_find_url(selectors.words(q).typed))


@login_required
@require_POST
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        services.delete_search(request.user, pk)
    except SavedSearch.DoesNotExist:
        raise Http404 from None
    messages.success(request, _("Đã xóa tìm kiếm đã lưu."))
    return redirect(_find_url(request.POST.get("q", "")))
