"""The register books of a unit (incoming and outgoing), each named in one explicit table, and their page.

A short book's PDF is made in the request; a longer one (over `SYNC_BOOK_ROWS` entries) is made by the worker:
the page's PDF button posts to idesk's export jobs, which call `build` and `book_pdf` here. Documents imports
no part of idesk but its library (idesk.lib), so the page names that URL only in its template.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.models import User
from documents.core import exports
from documents.core import pdf as core_pdf
from documents.core import policy as core_policy
from documents.core.forms import RegisterExportForm
from documents.core.registers import RegisterBook
from documents.incoming import policy as incoming_policy
from documents.incoming.follow_up import follow_up_book
from documents.incoming.registers import incoming_register_book
from documents.outgoing import policy as outgoing_policy
from documents.outgoing.books import copy_book, postal_book
from documents.outgoing.registers import legal_register_book, outgoing_register_book
from idesk.lib import reports


@dataclass(frozen=True)
class BookKind:
    title: str
    slug: str
    template: str
    build: Callable[..., RegisterBook]
    visible_to: Callable[[User], QuerySet]  # one policy: the book holds exactly what this reader's lists hold
    page: str = "documents:register_book"  # its page's URL name
    outgoing: bool = False  # kept by the outgoing side (the page's breadcrumb)


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
        "documents:outgoing_register_book",
        True,
    ),
    # QPPL are numbered in their own series (NĐ30 Art. 15): their own register beside the outgoing one.
    "qppl": BookKind(
        "Sổ đăng ký văn bản quy phạm pháp luật",
        "so-van-ban-qppl",
        "documents/outgoing/pdf/register.html",
        legal_register_book,
        outgoing_policy.issued.visible_to,
        "documents:legal_register_book",
        True,
    ),
    # The books NĐ30 asks for beside the registers, under the same policy.
    "theo-doi": BookKind(
        "Sổ theo dõi giải quyết văn bản đến",
        "so-theo-doi-giai-quyet",
        "documents/incoming/pdf/follow_up.html",
        follow_up_book,
        incoming_policy.visible_to,
        "documents:follow_up_book",
    ),
    "buu-dien": BookKind(
        "Sổ gửi văn bản đi bưu điện",
        "so-gui-buu-dien",
        "documents/outgoing/pdf/postal.html",
        postal_book,
        outgoing_policy.issued.visible_to,
        "documents:postal_book",
        True,
    ),
    "sao": BookKind(
        "Sổ đăng ký bản sao văn bản",
        "so-ban-sao",
        "documents/outgoing/pdf/copies.html",
        copy_book,
        outgoing_policy.issued.visible_to,
        "documents:copy_book",
        True,
    ),
}


def require_book(user: User, kind: str) -> BookKind:
    """The book kind, if this person keeps their unit's registers (else 403)."""
    core_policy.registers.require_for_unit(user, core_policy.READ_REGISTER)
    if kind not in REGISTER_BOOKS:
        raise PermissionDenied
    return REGISTER_BOOKS[kind]


def params_of(cleaned: dict) -> dict:
    """A valid form's data as JSON-able parameters (what an export job keeps)."""
    return {
        "year": cleaned["year"],
        "date_from": cleaned["date_from"].isoformat() if cleaned.get("date_from") else None,
        "date_to": cleaned["date_to"].isoformat() if cleaned.get("date_to") else None,
        "confidential": bool(cleaned.get("confidential")),
    }


def build(user: User, kind: str, params: dict) -> RegisterBook:
    """The book as this person may read it: confidential entries only if granted (their policy bounds it)."""
    book_kind = require_book(user, kind)
    day = datetime.date.fromisoformat
    return book_kind.build(
        unit=user.unit,
        year=params["year"],
        date_from=day(params["date_from"]) if params.get("date_from") else None,
        date_to=day(params["date_to"]) if params.get("date_to") else None,
        confidential=params.get("confidential", False),
        within=book_kind.visible_to(user),
    )


def file_name(user: User, kind: str, params: dict) -> str:
    """e.g. so-van-ban-den-UBND-2026-mat.pdf"""
    slug = REGISTER_BOOKS[kind].slug
    return f"{slug}-{user.unit.code}-{params['year']}{'-mat' if params.get('confidential') else ''}.pdf"


def title(kind: str, params: dict) -> str:
    return f"{REGISTER_BOOKS[kind].title} {params['year']}{' (mật)' if params.get('confidential') else ''}"


def book_pdf(kind: str, book: RegisterBook, progress: Callable[[int, int], None] | None = None) -> bytes:
    return core_pdf.register_book_pdf(book=book, template=REGISTER_BOOKS[kind].template, progress=progress)


def is_long(book: RegisterBook) -> bool:
    """Too long to lay out within a web request: the worker makes it."""
    return len(book.rows) > core_pdf.SYNC_BOOK_ROWS


@login_required
@require_GET
def register_book(request: HttpRequest, kind: str = "den") -> HttpResponse:
    """A register book of the user's unit: pick a year and a period, download PDF or Excel. The PDF button posts
    to the export job view; a GET asking for the PDF of a long book gets the page saying to use it (a GET writes
    nothing, and no request spends long on a PDF)."""
    user = request.user
    book_kind = require_book(user, kind)
    form = RegisterExportForm(request.GET or {"year": timezone.localdate().year})
    fmt = request.GET.get("format")
    long_book = None
    if fmt in ("pdf", "xlsx") and form.is_valid():
        params = params_of(form.cleaned_data)
        book = build(user, kind, params)
        name = file_name(user, kind, params)
        if fmt == "xlsx":
            return reports.attachment(
                exports.register_book_xlsx(book=book), reports.XLSX_TYPE, name.removesuffix(".pdf") + ".xlsx"
            )
        if not is_long(book):
            return reports.attachment(book_pdf(kind, book), "application/pdf", name)
        long_book = len(book.rows)
    status = 400 if fmt and not form.is_valid() else 200
    books = [(other.title, other.page) for key, other in REGISTER_BOOKS.items() if key != kind]
    context = {
        "form": form,
        "title": book_kind.title,
        "kind": kind,
        "long_book": long_book,
        "outgoing": book_kind.outgoing,
        "other_books": books,
    }
    return render(request, "documents/register_book.html", context, status=status)
