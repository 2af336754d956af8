"""A page read writes nothing (issue 13): the meeting list makes no calendar feed, the draft preview stores no PDF.
Only the read receipt may be written on a read; what else a GET wrote is listed by the failing assertion."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from documents.meetings import services as meetings
from documents.models import CalendarFeed, DocumentFile, PdfCache, StoredFile
from documents.outgoing import services as outgoing
from documents.outgoing.models import OutgoingDraft
from tests.conftest import client_as
from tests.documents.conftest import user
from tests.documents.meeting_builders import scheduled
from tests.documents.outgoing_builders import issued, pdf_text, signed

WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)


def writes_of(client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        assert response.status_code == 200, url
        if response.streaming:
            b"".join(response.streaming_content)
    return [q["sql"] for q in ctx.captured_queries if WRITE.match(q["sql"])]


@pytest.mark.parametrize("username", ["vanthu.canhhien", "chutich", "cv1.noivu"])
def test_the_meeting_list_makes_no_calendar_feed_until_asked(db, username):
    person = user(username)
    CalendarFeed.objects.filter(user=person).delete()
    client = client_as(person)

    assert writes_of(client, reverse("meetings")) == []
    assert not CalendarFeed.objects.filter(user=person).exists()
    assert 'data-testid="feed-create"' in client.get(reverse("meetings")).content.decode()

    assert client.post(reverse("documents:meeting_feed_revoke")).status_code == 302
    token = meetings.feed_for(person).token
    html = client.get(reverse("meetings")).content.decode()
    assert token in html and 'data-testid="feed-create"' not in html


def test_the_draft_preview_stores_no_pdf(db):
    draft = signed(summary="V/v kiểm tra công tác văn thư năm 2026")
    before = (PdfCache.objects.count(), StoredFile.objects.count())
    assert writes_of(client_as(user("chutich")), reverse("documents:draft_preview", args=[draft.pk])) == []
    assert (PdfCache.objects.count(), StoredFile.objects.count()) == before


def test_the_issued_pdf_is_attached_at_issue_and_read_by_the_get(db):
    document = issued()
    attached = DocumentFile.objects.filter(document=document, added_by__isnull=True).count()
    assert attached == 1  # by the issue itself
    for username in ("vanthu.ubnd", "vanthu.canhhien"):
        assert writes_of(client_as(user(username)), reverse("documents:issued_pdf", args=[document.pk])) == []
    assert DocumentFile.objects.filter(document=document, added_by__isnull=True).count() == attached


def test_a_document_without_its_attached_pdf_is_still_shown_and_nothing_is_written(db):
    """Issued before the PDF was attached at issue (and before signatures: a leader-signed one without the agency's
    signature is refused with 409 instead, tests/documents/test_signed_flow.py)."""
    document = outgoing.issue(clerk=user("vanthu.ubnd"), draft=signed(), attach_pdf=False)
    OutgoingDraft.objects.filter(document=document).update(signed_pdf=None)
    response_writes = writes_of(client_as(user("vanthu.ubnd")), reverse("documents:issued_pdf", args=[document.pk]))
    assert response_writes == []
    assert not DocumentFile.objects.filter(document=document, added_by__isnull=True).exists()
    response = client_as(user("vanthu.ubnd")).get(reverse("documents:issued_pdf", args=[document.pk]))
    assert document.summary in " ".join(pdf_text(b"".join(response.streaming_content)).split())


def test_the_giay_moi_pdf_get_writes_nothing(db):
    meeting = scheduled()
    meetings.issue_invitation(user=user("vanthu.ubnd"), meeting=meeting)
    assert (
        writes_of(client_as(user("vanthu.canhhien")), reverse("documents:meeting_invitation_pdf", args=[meeting.pk]))
        == []
    )


def test_the_weekly_schedule_and_its_pdf_write_nothing(db):
    """LỊCH CÔNG TÁC TUẦN is rendered on the fly, never attached or cached by the GET that asks for it."""
    meeting = scheduled()
    year, week, _day = timezone.localtime(meeting.start).isocalendar()
    before = (StoredFile.objects.count(), PdfCache.objects.count(), DocumentFile.objects.count())
    client = client_as(user("vanthu.ubnd"))
    for name in ("meeting_week", "meeting_week_pdf"):
        assert writes_of(client, reverse(f"documents:{name}") + f"?tuan={year}-W{week:02d}") == [], name
    response = client.get(reverse("documents:meeting_week_pdf"), {"tuan": f"{year}-W{week:02d}"})
    assert response.content.startswith(b"%PDF") and meeting.title in " ".join(pdf_text(response.content).split())
    assert (StoredFile.objects.count(), PdfCache.objects.count(), DocumentFile.objects.count()) == before


@pytest.mark.parametrize(
    ("username", "url"),
    [
        ("vanthu.ubnd", "/documents/incoming/register/?year=2026&format=pdf"),
        ("vanthu.ubnd", "/documents/incoming/register/?year=2026&format=xlsx"),
        ("vanthu.ubnd", "/documents/outgoing/register/?year=2026&format=pdf"),
        ("vanthu.ubnd", "/units/danh-ba.pdf?q=canh+hien"),
        ("cv1.noivu", "/units/danh-ba.pdf"),  # the whole directory: the page offering the worker's job, or the PDF
        ("cv1.noivu", "/units/"),
        ("chutich", "/notifications/"),
    ],
)
def test_exports_and_lists_write_nothing_on_a_get(db, username, url):
    assert writes_of(client_as(user(username)), url) == []
