"""Pages of the long exports: start one (POST), its progress (polled by htmx), its file (the requester only).

A short export is still served at once by the same views; a GET never starts a job (a read writes nothing)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from documents import register_books
from documents.core import files
from documents.core.forms import RegisterExportForm
from idesk.exports import jobs, kinds
from idesk.lib import reports
from idesk.models import ExportStatus

POLL_SECONDS = 2


@login_required
@require_POST
def register_book(request: HttpRequest, kind: str) -> HttpResponse:
    """The register book's PDF: at once when short, else a job for the worker and its progress page."""
    register_books.require_book(request.user, kind)
    form = RegisterExportForm(request.POST)
    if not form.is_valid():
        return redirect(register_page(kind))
    params = register_books.params_of(form.cleaned_data)
    book = register_books.build(request.user, kind, params)
    if not register_books.is_long(book):
        content = register_books.book_pdf(kind, book)
        return reports.attachment(content, "application/pdf", register_books.file_name(request.user, kind, params))
    job = jobs.request(user=request.user, kind=f"register_{kind}", params=params)
    return redirect("export_job", job.pk)


def register_page(kind: str) -> str:
    return reverse(register_books.REGISTER_BOOKS[kind].page)


@login_required
@require_http_methods(["GET", "POST"])
def directory_pdf(request: HttpRequest) -> HttpResponse:
    """Danh bạ as PDF: a search's few people at once; the whole directory by the worker. A GET for a long one
    gets a page with the button that starts it."""
    params = {"q": (request.POST if request.method == "POST" else request.GET).get("q", "").strip()[:100]}
    if not kinds.directory_is_long(params):
        return reports.attachment(kinds.directory_pdf(params), "application/pdf", "danh-ba.pdf")
    if request.method == "GET":
        return render(request, "idesk/exports/directory_long.html", {"q": params["q"]})
    job = jobs.request(user=request.user, kind="directory", params=params)
    return redirect("export_job", job.pk)


def _job_or_404(request: HttpRequest, pk: int):
    job = jobs.job_of(request.user, pk)
    if job is None:
        raise Http404
    return job


# Where each kind of export is asked for: the job page's way back.
ORIGINS = {
    "register_den": ("documents:register_book", gettext_lazy("Sổ đăng ký văn bản đến")),
    "register_di": ("documents:outgoing_register_book", gettext_lazy("Sổ đăng ký văn bản đi")),
    "directory": ("directory", gettext_lazy("Danh bạ")),
}


@login_required
@require_GET
def job_page(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job_or_404(request, pk)
    name, label = ORIGINS[job.kind]
    context = {"job": job, "poll": POLL_SECONDS, "statuses": ExportStatus, "back": (reverse(name), label)}
    return render(request, "idesk/exports/job.html", context)


@login_required
@require_GET
def job_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress alone, for htmx: polled while the job runs; once done it carries the link and stops."""
    job = _job_or_404(request, pk)
    response = render(
        request, "idesk/exports/_job_status.html", {"job": job, "poll": POLL_SECONDS, "statuses": ExportStatus}
    )
    if not job.active:
        # The worker told the requester as it finished: the page's bell and badges fetch their counts again.
        response["HX-Trigger"] = "notifications-changed"
    return response


@login_required
@require_GET
def job_download(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job_or_404(request, pk)
    if job.status != ExportStatus.DONE or job.blob is None:
        raise Http404
    return files.download(request, job.blob, job.filename)
