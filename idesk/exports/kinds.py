"""What each long export is: its name, whether a request may make it at once, and how the worker makes it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import selectors as directory_selectors
from accounts.models import User
from documents import register_books
from idesk.lib import reports

Progress = Callable[[int, int], None]

# The whole directory of a province is a few thousand people: over this many, the worker makes its PDF.
SYNC_DIRECTORY_PEOPLE = 300


@dataclass(frozen=True)
class ExportKind:
    unit_label: str  # what progress counts: "entries" or "parts" (translated by the page)
    title: Callable[[User, dict], str]
    filename: Callable[[User, dict], str]
    is_long: Callable[[User, dict], bool]
    make: Callable[[User, dict, Progress], bytes]


# --- Register books (sổ đăng ký văn bản đến / đi) ------------------------------------------------------------


def _register_kind(kind: str) -> ExportKind:
    return ExportKind(
        unit_label="entries",
        title=lambda user, params: register_books.title(kind, params),
        filename=lambda user, params: register_books.file_name(user, kind, params),
        is_long=lambda user, params: register_books.is_long(register_books.build(user, kind, params)),
        make=lambda user, params, progress: register_books.book_pdf(
            kind, register_books.build(user, kind, params), progress
        ),
    )


# --- Danh bạ -------------------------------------------------------------------------------------------------


def directory_context(params: dict) -> dict:
    query = params.get("q", "")
    entries = directory_selectors.directory(query)
    return {"q": query, "entries": entries, "people_count": sum(len(e.people) for e in entries)}


def directory_pdf(params: dict, progress: Progress | None = None) -> bytes:
    context = directory_context(params)
    context.update(site=settings.IDESK_SITE_NAME, generated=timezone.now())
    if progress:
        progress(0, 1)
    content = reports.pdf_bytes("accounts/directory_pdf.html", context)
    if progress:
        progress(1, 1)
    return content


def directory_is_long(params: dict) -> bool:
    # The paged directory's totals: one query for the whole tree's counts (plus one page of people).
    return directory_selectors.directory_page(params.get("q", "")).people > SYNC_DIRECTORY_PEOPLE


DIRECTORY = ExportKind(
    unit_label="parts",
    title=lambda user, params: (
        _("Danh bạ %(site)s") % {"site": settings.IDESK_SITE_NAME} + (f" — “{params['q']}”" if params.get("q") else "")
    ),
    filename=lambda user, params: "danh-ba.pdf",
    is_long=lambda user, params: directory_is_long(params),
    make=lambda user, params, progress: directory_pdf(params, progress),
)


KINDS: dict[str, ExportKind] = {
    "register_den": _register_kind("den"),
    "register_di": _register_kind("di"),
    "register_qppl": _register_kind("qppl"),
    "register_theo-doi": _register_kind("theo-doi"),
    "register_buu-dien": _register_kind("buu-dien"),
    "register_sao": _register_kind("sao"),
    "directory": DIRECTORY,
}
