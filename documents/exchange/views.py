"""Liên thông endpoints: the package inbox other systems post to, and the clerk's refusal of a peer's recall."""

from __future__ import annotations

import tempfile

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from documents.core import files
from documents.core.models import Delivery
from documents.exchange import edxml, services
from documents.exchange.models import Package

_READ_CHUNK = 1 << 20


def _json(status: int, body: dict) -> JsonResponse:
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


def _bearer(request: HttpRequest) -> str:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _sep, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


@csrf_exempt
@require_POST
def inbox(request: HttpRequest) -> HttpResponse:
    """POST /lien-thong/goi-tin/: one edXML package, authenticated by the peer's token; the size is checked from
    the header and while reading, before any parsing."""
    peer = services.peer_by_token(_bearer(request))
    if peer is None:
        return _json(403, {"error": _("Hệ thống gửi không được nhận diện.")})
    limit = edxml.max_package_bytes()
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return _json(400, {"error": _("Độ dài gói tin không hợp lệ.")})
    too_large = {"error": _("Gói tin vượt quá dung lượng cho phép (%(mb)s MB).") % {"mb": limit // (1024 * 1024)}}
    if declared > limit:
        return _json(413, too_large)
    # The body goes to a temporary file as it is read (never held in memory), refused as soon as it passes the
    # limit; the package is parsed from that file, its attachments decoded to files of their own.
    with tempfile.TemporaryFile() as body:
        size = 0
        while chunk := request.read(_READ_CHUNK):
            size += len(chunk)
            if size > limit:
                return _json(413, too_large)
            body.write(chunk)
        if not size:
            return _json(400, {"error": _("Gói tin rỗng.")})
        body.seek(0)
        answer = services.receive(peer, body)
    return _json(answer.status, answer.body)


@login_required
@require_POST
def recall_refuse(request: HttpRequest, pk: int) -> HttpResponse:
    delivery = get_object_or_404(Delivery, pk=pk, recipient_unit_id=request.user.unit_id or 0)
    try:
        services.refuse_recall(clerk=request.user, delivery=delivery, reason=request.POST.get("reason", "")[:2000])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("Đã từ chối thu hồi văn bản %(s)s và báo cơ quan gửi.") % {"s": delivery.document.number_symbol}
        )
    return redirect("documents:incoming_list")


@staff_member_required
@require_GET
def package_download(request: HttpRequest, pk: int) -> HttpResponse:
    package = get_object_or_404(Package.objects.select_related("blob"), pk=pk, blob__isnull=False)
    return files.download(request, package.blob, f"goi-tin-{package.pk}-{package.direction}-{package.kind}.xml")
