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
from tests.documents.conftest import user
from tests.documents.meeting_builders import scheduled
from tests.documents.outgoing_builders import issued


@pytest.fixture
def renders(monkeypatch) -> list[int]:
    """Each render of an official PDF records how many atomic blocks were open around it."""
    real = official_pdf.official_pdf
    depths: list[int] = []

    def render(document, **kwargs):
        depths.append(len(connection.atomic_blocks))
        return real(document, **kwargs)

    monkeypatch.setattr(official_pdf, "official_pdf", render)
    return depths


def test_issuing_a_giay_moi_renders_its_pdf_after_the_numbering_commits(db, renders):
    meeting = scheduled()
    outside = len(connection.atomic_blocks)
    document = meetings.issue_invitation(user=user("vanthu.ubnd"), meeting=meeting)
    assert renders == [outside], "the official PDF was rendered inside the issuing transaction"
    assert DocumentFile.objects.filter(document=document, name__endswith=".pdf", added_by__isnull=True).exists()
    assert document.number and document.pages


def test_issuing_a_draft_renders_its_pdf_after_the_numbering_commits(db, renders):
    outside = len(connection.atomic_blocks)
    document = issued()
    assert renders == [outside], "the official PDF was rendered inside the issuing transaction"
    assert document.number and document.pages
