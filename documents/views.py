"""Views over every part: a document's files (whichever part brought the document) and the register books of a
unit (incoming and outgoing), each book named in one explicit table."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET

from accounts.models import User
from documents.core import exports, files, roles
from documents.core.forms import RegisterExportForm
from documents.core.models import DocumentFile
from documents.core.pdf import register_book_pdf
from documents.core.registers import RegisterBook
from documents.incoming import policy as incoming_policy
from documents.incoming.registers import incoming_register_book
from documents.outgoing import policy as outgoing_policy
from documents.outgoing.registers import outgoing_register_book
from idesk.lib import reports


@login_required
@require_GET
@xframe_options_sameorigin
def file_download(request: HttpRequest, pk: int) -> HttpResponse:
    attached = DocumentFile.objects.select_related("blob", "document").filter(pk=pk).first()
    if attached is None:
        raise Http404
    outgoing_policy.documents.require(request.user, outgoing_policy.VIEW_FILE, attached.document)
    return files.download(request, attached.blob, attached.name, inline=request.GET.get("xem") == "1")


@dataclass(frozen=True)
class BookKind:
    title: str
    slug: str
    template: str
    build: Callable[..., RegisterBook]
    visible_to: Callable[[User], QuerySet]  # one policy: the book holds exactly what this reader's lists hold


REGISTER_BOOKS = {
    "den": BookKind(
        "Sổ đăng ký văn bản đến",
        "so-van-ban-den",
        "documents/incoming/pdf/register.html",
        incoming_register_book,
        incoming_policy.visible_to,
    ),
    "di": BookKind(
        "Sổ đăng ký văn bản đi",
        "so-van-ban-di",
        "documents/outgoing/pdf/register.html",
        outgoing_register_book,
        outgoing_policy.issued.visible_to,
    ),
}


@login_required
@require_GET
def register_book(request: HttpRequest, kind: str = "den") -> HttpResponse:
    """A register book of the user's unit (incoming or outgoing): pick a year and a period, download PDF or Excel."""
    user = request.user
    if not roles.sees_unit_register(user) or kind not in REGISTER_BOOKS:
        raise PermissionDenied
    book_kind = REGISTER_BOOKS[kind]
    form = RegisterExportForm(request.GET or {"year": timezone.localdate().year})
    fmt = request.GET.get("format")
    if fmt in ("pdf", "xlsx") and form.is_valid():
        d = form.cleaned_data
        confidential = d.get("confidential", False)
        # Confidential entries only if granted: the reader's own policy queryset bounds the book.
        book = book_kind.build(
            unit=user.unit,
            year=d["year"],
            date_from=d.get("date_from"),
            date_to=d.get("date_to"),
            confidential=confidential,
            within=book_kind.visible_to(user),
        )
        name = f"{book_kind.slug}-{user.unit.code}-{d['year']}{'-mat' if confidential else ''}"
        if fmt == "pdf":
            content = register_book_pdf(book=book, template=book_kind.template)
            return reports.attachment(content, "application/pdf", f"{name}.pdf")
        return reports.attachment(exports.register_book_xlsx(book=book), reports.XLSX_TYPE, f"{name}.xlsx")
    status = 400 if fmt and not form.is_valid() else 200
    context = {"form": form, "title": book_kind.title, "kind": kind}
    return render(request, "documents/register_book.html", context, status=status)
