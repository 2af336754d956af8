"""A page read writes nothing (issue 13): the meeting list makes no calendar feed, the draft preview stores no PDF.
Only the read receipt may be written on a read; what else a GET wrote is listed by the failing assertion."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from documents.meetings import services as meetings
from documents.models import CalendarFeed, PdfCache, StoredFile
from tests.conftest import client_as
from tests.documents.conftest import user
from tests.documents.outgoing_builders import signed

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
