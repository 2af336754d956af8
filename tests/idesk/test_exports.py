"""Long PDFs by the worker (issue 13): a long register book or the whole directory becomes an export job that the
worker (inline here: Conf.SYNC) makes and stores; its page shows progress, its requester is told and alone may
download it; a short book is still served at once, and a GET never starts a job."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import NotificationKind
from documents.core import pdf as core_pdf
from idesk.exports import jobs, kinds
from idesk.models import ExportJob, ExportStatus, Notification
from tests.documents.outgoing_builders import issued_as, pdf_text
from tests.helpers import vn_time

WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)
BOOK = {"year": 2016}


@pytest.fixture
def letter(db):
    """The one entry of UBND huyện's 2016 book of outgoing documents."""
    return issued_as(3261, vn_time(2016, 12, 5, 9, 30))


@pytest.fixture
def long_books(monkeypatch):
    monkeypatch.setattr(core_pdf, "SYNC_BOOK_ROWS", 0)  # every book with an entry is "long"


def post_book(client, captured, data=BOOK):
    with captured(execute=True):  # the job is queued on commit; Conf.SYNC runs it inline
        return client.post(reverse("export_register_book", args=["di"]), data)


def test_a_short_book_is_still_served_at_once(letter, district_clerk, as_user):
    client = as_user(district_clerk)
    response = client.post(reverse("export_register_book", args=["di"]), BOOK)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert not ExportJob.objects.exists()
    response = client.get("/documents/outgoing/register/", {**BOOK, "format": "pdf"})
    assert response.content.startswith(b"%PDF")


def test_a_get_for_a_long_book_offers_the_job_and_writes_nothing(letter, long_books, district_clerk, as_user):
    client = as_user(district_clerk)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/documents/outgoing/register/", {**BOOK, "format": "pdf"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert 'data-testid="long-book"' in html and reverse("export_register_book", args=["di"]) in html
    assert [q["sql"] for q in ctx.captured_queries if WRITE.match(q["sql"])] == []
    assert not ExportJob.objects.exists()


def test_a_long_book_is_made_by_the_worker_stored_and_announced(
    letter, long_books, district_clerk, as_user, django_capture_on_commit_callbacks
):
    client = as_user(district_clerk)
    response = post_book(client, django_capture_on_commit_callbacks)
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("export_job", args=[job.pk])
    assert job.status == ExportStatus.DONE and job.requester == district_clerk
    assert job.kind == "register_di" and job.params["year"] == 2016
    assert (job.done, job.total) == (1, 1)  # its one entry, counted as the parts were laid out
    content = job.blob.content.open("rb").read()
    assert "SỔ ĐĂNG KÝ VĂN BẢN ĐI" in pdf_text(content) and "3261/UBND" in pdf_text(content)

    told = Notification.objects.get(recipient=district_clerk, kind=NotificationKind.EXPORT)
    assert told.url == reverse("export_job", args=[job.pk]) and job.title in told.title

    page = client.get(reverse("export_job", args=[job.pk])).content.decode()
    assert f'href="{reverse("documents:outgoing_register_book")}"' in page  # the way back to the register
    status = client.get(reverse("export_job_status", args=[job.pk])).content.decode()
    for html in (page, status):
        assert 'data-status="done"' in html and reverse("export_job_download", args=[job.pk]) in html
        assert 'hx-trigger="every' not in html  # finished: the page stops polling
    download = client.get(reverse("export_job_download", args=[job.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == content
    assert (
        download["Content-Disposition"].startswith("attachment") and "so-van-ban-di" in download["Content-Disposition"]
    )


def test_only_the_requester_sees_or_downloads_the_job(
    letter, long_books, district_clerk, chairman, commune_clerk, as_user, django_capture_on_commit_callbacks
):
    post_book(as_user(district_clerk), django_capture_on_commit_callbacks)
    job = ExportJob.objects.get()
    for other in (chairman, commune_clerk):
        client = as_user(other)
        for name in ("export_job", "export_job_status", "export_job_download"):
            assert client.get(reverse(name, args=[job.pk])).status_code == 404, (other, name)


def test_staff_who_keep_no_register_cannot_start_a_job(letter, long_books, dept_staff, as_user):
    assert as_user(dept_staff).post(reverse("export_register_book", args=["di"]), BOOK).status_code == 403
    assert as_user(dept_staff).post(reverse("export_register_book", args=["xx"]), BOOK).status_code == 403
    assert not ExportJob.objects.exists()


def test_the_same_request_while_running_is_the_same_job(letter, long_books, district_clerk, as_user):
    client = as_user(district_clerk)
    # Not committed-and-run (no captured callbacks): the job stays pending, as while the worker is busy.
    first = client.post(reverse("export_register_book", args=["di"]), BOOK)
    second = client.post(reverse("export_register_book", args=["di"]), BOOK)
    job = ExportJob.objects.get()
    assert first["Location"] == second["Location"] == reverse("export_job", args=[job.pk])
    assert job.status == ExportStatus.PENDING
    other_days = client.post(reverse("export_register_book", args=["di"]), {**BOOK, "date_from": "01/01/2016"})
    assert ExportJob.objects.count() == 2 and other_days["Location"] != first["Location"]


def test_the_status_endpoint_shows_progress_and_keeps_polling(letter, long_books, district_clerk, as_user):
    client = as_user(district_clerk)
    client.post(reverse("export_register_book", args=["di"]), BOOK)
    job = ExportJob.objects.get()
    html = client.get(reverse("export_job_status", args=[job.pk])).content.decode()
    assert "Đang chờ" in html and 'hx-trigger="every 2s"' in html
    ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.RUNNING, done=150, total=600)
    html = client.get(reverse("export_job_status", args=[job.pk])).content.decode()
    assert "Đang tạo bản PDF… 150/600 mục" in html and 'value="150"' in html and 'max="600"' in html
    assert 'hx-trigger="every 2s"' in html and "tai-ve" not in html
    assert client.get(reverse("export_job_status", args=[job.pk])).get("HX-Trigger") is None  # still running
    ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.DONE, done=600)
    # Its last poll: the notification the worker sent counts in the page's bell at once, without a reload.
    assert client.get(reverse("export_job_status", args=[job.pk]))["HX-Trigger"] == "notifications-changed"


def test_a_failed_job_says_so_and_a_new_request_starts_again(
    letter, long_books, district_clerk, as_user, django_capture_on_commit_callbacks, monkeypatch
):
    def broken(*args):
        raise RuntimeError("font missing")

    monkeypatch.setitem(
        kinds.KINDS,
        "register_di",
        kinds.KINDS["register_di"].__class__(**{**kinds.KINDS["register_di"].__dict__, "make": broken}),
    )
    client = as_user(district_clerk)
    post_book(client, django_capture_on_commit_callbacks)
    job = ExportJob.objects.get()
    assert job.status == ExportStatus.FAILED and "font missing" in job.error
    assert "Không tạo được bản PDF" in client.get(reverse("export_job", args=[job.pk])).content.decode()
    assert client.get(reverse("export_job_download", args=[job.pk])).status_code == 404
    assert not Notification.objects.filter(kind=NotificationKind.EXPORT).exists()
    post_book(client, django_capture_on_commit_callbacks)
    assert ExportJob.objects.count() == 2  # a failed job does not hold the request


def test_a_retried_task_does_not_make_the_file_twice(
    letter, long_books, district_clerk, as_user, django_capture_on_commit_callbacks
):
    post_book(as_user(district_clerk), django_capture_on_commit_callbacks)
    job = ExportJob.objects.get()
    assert jobs.run(job.pk) == "nothing to do"
    assert Notification.objects.filter(kind=NotificationKind.EXPORT).count() == 1


def test_the_whole_directory_is_made_by_the_worker(
    db, dept_staff, as_user, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(kinds, "SYNC_DIRECTORY_PEOPLE", 5)
    client = as_user(dept_staff)
    with CaptureQueriesContext(connection) as ctx:
        page = client.get(reverse("directory_pdf"))
    assert 'data-testid="long-directory"' in page.content.decode()
    assert [q["sql"] for q in ctx.captured_queries if WRITE.match(q["sql"])] == []

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("directory_pdf"))
    job = ExportJob.objects.get()
    assert response["Location"] == reverse("export_job", args=[job.pk])
    assert job.status == ExportStatus.DONE and (job.done, job.total) == (1, 1) and job.filename == "danh-ba.pdf"
    assert "DANH BẠ" in pdf_text(job.blob.content.open("rb").read()).upper()
    assert Notification.objects.filter(recipient=dept_staff, kind=NotificationKind.EXPORT).exists()

    # A search finds a few people: served at once, by GET or POST.
    for response in (
        client.get(reverse("directory_pdf"), {"q": "canh hien"}),
        client.post(reverse("directory_pdf"), {"q": "canh hien"}),
    ):
        assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert ExportJob.objects.count() == 1
