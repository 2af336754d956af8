from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET


def _placeholder(request: HttpRequest, title: str, icon: str) -> HttpResponse:
    return render(request, "idesk/placeholder.html", {"page_title": title, "icon": icon})


@login_required
@require_GET
def incoming_list(request: HttpRequest) -> HttpResponse:
    return _placeholder(request, "Văn bản đến", "bi-inbox")


@login_required
@require_GET
def outgoing_list(request: HttpRequest) -> HttpResponse:
    return _placeholder(request, "Văn bản đi", "bi-send")


@login_required
@require_GET
def tasks(request: HttpRequest) -> HttpResponse:
    return _placeholder(request, "Nhiệm vụ", "bi-list-check")


@login_required
@require_GET
def search(request: HttpRequest) -> HttpResponse:
    return _placeholder(request, "Tìm văn bản", "bi-search")
