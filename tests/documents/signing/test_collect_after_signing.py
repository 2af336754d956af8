"""One full garbage collection after each signed document: after the leader's Ký duyệt and after the agency's
signature at issue, so that a web process does not grow with each document it signs
(docs/performance.md, "Constants")."""

from __future__ import annotations

import gc
import sys

import pytest

from documents.outgoing import services as outgoing
from documents.outgoing import signatures
from tests.documents.outgoing_builders import signed
from tests.helpers import user

pytestmark = pytest.mark.django_db


@pytest.fixture
def full_collections(monkeypatch) -> list[int]:
    """The full collections signatures.collect_garbage makes (others, such as the PDF layout's, are not counted)."""
    made: list[int] = []
    collect = gc.collect

    def counted(generation: int = 2) -> int:
        if generation == 2 and sys._getframe(1).f_code is signatures.collect_garbage.__code__:
            made.append(generation)
        return collect(generation)

    monkeypatch.setattr(gc, "collect", counted)
    return made


def test_each_signature_is_followed_by_one_full_collection(full_collections):
    draft = signed(summary="V/v thu gom rác sau mỗi chữ ký")
    assert draft.signed_pdf_id  # the Chủ tịch of the test world signs with his certificate
    assert len(full_collections) == 1
    document = outgoing.issue(clerk=user("vanthu.ubnd"), draft=draft)
    assert document.files.exists()  # signed for the agency
    assert len(full_collections) == 2
