"""The official PDF is rendered after the numbering transaction commits, never while the register row is locked.

Tests run inside the test's own transaction, so "outside the service's transaction" is: no atomic block open
beyond the ones the test started with.
"""

from __future__ import annotations

import pytest
from django.db import connection

from documents.meetings import services as meetings
from documents.models import DocumentFile
from documents.outgoing import pdf as official_pdf
from documents.outgoing import services as outgoing
from tests.documents.conftest import user
from tests.documents.meeting_builders import scheduled
from tests.documents.outgoing_builders import issued


@pytest.fixture
def renders(monkeypatch) -> list[int]:
    """Each attaching of the official PDF (which renders it, or has the agency sign the leader-signed face) and
    each render records how many atomic blocks were open around it."""
    depths: list[int] = []

    def recording(real):
        def call(document, *args, **kwargs):
            depths.append(len(connection.atomic_blocks))
            return real(document, *args, **kwargs)

        return call

    monkeypatch.setattr(official_pdf, "official_pdf", recording(official_pdf.official_pdf))
    monkeypatch.setattr(outgoing, "attach_official_pdf", recording(outgoing.attach_official_pdf))
    return depths


def test_issuing_a_giay_moi_renders_its_pdf_after_the_numbering_commits(db, renders):
    meeting = scheduled()
    outside = len(connection.atomic_blocks)
    document = meetings.issue_invitation(user=user("vanthu.ubnd"), meeting=meeting)
    assert renders and set(renders) == {outside}, "the official PDF was made inside the issuing transaction"
    assert DocumentFile.objects.filter(document=document, name__endswith=".pdf", added_by__isnull=True).exists()
    assert document.number and document.pages


def test_issuing_a_draft_renders_its_pdf_after_the_numbering_commits(db, renders, unsigned):
    outside = len(connection.atomic_blocks)
    document = issued()
    assert renders and set(renders) == {outside}, "the official PDF was made inside the issuing transaction"
    assert document.number and document.pages
