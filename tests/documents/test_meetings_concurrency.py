"""Two clicks on "Phát hành giấy mời" at once (PostgreSQL): the meeting's row lock lets one giấy mời through."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from documents.core import notify
from documents.core.services import ServiceError
from documents.meetings import services as meetings
from documents.models import DocType, Document, OutgoingDraft
from tests.documents.conftest import user
from tests.documents.meeting_builders import scheduled

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks (SELECT … FOR UPDATE) need PostgreSQL: set DATABASE_URL=postgres://…",
    ),
]


def test_two_clerks_clicking_at_once_issue_one_giay_moi(seeded, monkeypatch):
    monkeypatch.setattr(notify, "later", lambda event, **ids: None)
    meeting = scheduled()
    start = threading.Barrier(2)
    outcomes: list[object] = []

    def click() -> None:
        try:
            clerk = user("vanthu.ubnd")
            start.wait()
            outcomes.append(meetings.issue_invitation(user=clerk, meeting=meeting))
        except BaseException as exc:  # noqa: BLE001  (reported by the main thread)
            outcomes.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=click) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    issued = [o for o in outcomes if isinstance(o, Document)]
    refused = [o for o in outcomes if isinstance(o, ServiceError)]
    assert (len(issued), len(refused)) == (1, 1), outcomes
    assert "đã được phát hành" in refused[0].messages[0]
    assert OutgoingDraft.objects.filter(doc_type=DocType.GIAY_MOI).count() == 1
    assert Document.objects.filter(doc_type=DocType.GIAY_MOI).count() == 1
    meeting.refresh_from_db()
    assert meeting.invitation == issued[0]
