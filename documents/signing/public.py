"""The public verification page (issue 16): anyone uploads a PDF and learns whether iDesk issued it (the SHA-256
of the signed file) and whether its signatures hold; each issued document's short code (and QR) opens its entry.
No login. Confidential documents are never described: their file or code is answered as unknown."""

from __future__ import annotations

import hashlib

import segno
from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_http_methods

from documents.signing import intake
from documents.signing.models import IssuedSignedFile, PdfVerification

MAX_BYTES = 20 * 1024 * 1024  # an official PDF is well under this; more is refused before reading it all


class VerifyForm(forms.Form):
    pdf = forms.FileField(label=_lazy("Tệp PDF cần kiểm tra"), help_text=_lazy("Tối đa 20 MB."))

    def clean_pdf(self) -> bytes:
        upload = self.cleaned_data["pdf"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(_("Tệp quá lớn: tối đa 20 MB."))
        data = upload.read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES:
            raise forms.ValidationError(_("Tệp quá lớn: tối đa 20 MB."))
        if not data.startswith(b"%PDF-"):
            raise forms.ValidationError(_("Tệp không phải PDF."))
        return data


def issued_by_idesk(sha256: str) -> IssuedSignedFile | None:
    """The issued document whose signed file has these bytes, unless it is confidential."""
    found = IssuedSignedFile.objects.select_related("document", "blob").filter(blob__sha256=sha256).first()
    if found is None or found.document.is_confidential:
        return None
    return found


def entry_url(request: HttpRequest, code: str) -> str:
    return request.build_absolute_uri(reverse("verify:code", args=[code]))


def qr_data_uri(url: str) -> str:
    """An SVG image as a data: URI (the CSP allows no inline markup, images from data: are allowed)."""
    return segno.make(url, error="m").svg_data_uri(scale=4, border=2, dark="#000", light="#fff")


@require_http_methods(["GET", "POST"])
def verify_upload(request: HttpRequest) -> HttpResponse:
    form = VerifyForm(request.POST or None, request.FILES or None)
    context: dict = {"form": form}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data["pdf"]
        results, problem = intake.verify_bytes(data)
        context.update(
            checked=True,
            results=results,
            problem=problem,
            issued=issued_by_idesk(hashlib.sha256(data).hexdigest()),
        )
    return render(request, "public/verify.html", context, status=400 if form.errors else 200)


@require_GET
def verify_code(request: HttpRequest, code: str) -> HttpResponse:
    found = IssuedSignedFile.objects.select_related("document", "blob").filter(code=code.upper()).first()
    if found is None or found.document.is_confidential:
        raise Http404
    verification = PdfVerification.objects.filter(blob=found.blob).prefetch_related("signatures").first()
    return render(
        request,
        "public/verify_code.html",
        {
            "issued": found,
            "doc": found.document,
            "verification": verification,
            "qr": qr_data_uri(entry_url(request, found.code)),
        },
    )
