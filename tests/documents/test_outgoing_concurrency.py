"""Outgoing numbers under concurrency (PostgreSQL): clerks issuing at once get contiguous, unique numbers, and a
draft is issued once however many times it is clicked."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from documents.core import notify
from documents.core.services import ServiceError
from documents.models import Document, DraftStatus, OutgoingDraft, RecipientGroup
from documents.outgoing import services as outgoing
from tests.documents.conftest import unit, user
from tests.documents.outgoing_builders import drafted, last_number, register_of

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks (SELECT … FOR UPDATE) need PostgreSQL: set DATABASE_URL=postgres://…",
    ),
]

THREADS = 8
PER_THREAD = 10


@pytest.fixture(autouse=True)
def quiet(monkeypatch):
    """Numbering is under test: not the notifications, nor the PDF rendered after commit (cached by content), nor
    the leader's signature on each draft (~0.2 s of rendering and PAdES apiece, 16 s for 80 drafts): they are signed
    off as by a leader without a certificate. Issuing holds the register's lock the same way for a signed draft,
    whose agency signature comes after the commit (tests/documents/test_signed_flow.py)."""
    monkeypatch.setattr(notify, "later", lambda event, **ids: None)
    monkeypatch.setattr(outgoing, "attach_official_pdf", lambda document: None)
    monkeypatch.setattr(outgoing, "_leader_signature", lambda leader, draft: None)


def signed_drafts(count: int) -> list[OutgoingDraft]:
    """Drafts of UBND huyện signed by the Chủ tịch (the head of Văn phòng drafts: no review step)."""
    head, chairman = user("truong.vp"), user("chutich")
    drafts = []
    for i in range(count):
        draft = drafted(
            head, summary=f"V/v văn bản thử số {i}", recipient_groups=[], recipient_units=[unit("xa-canh-hien")]
        )
        draft = outgoing.submit_draft(author=head, draft=draft)
        drafts.append(outgoing.sign_draft(leader=chairman, draft=draft, approve=True))
    return drafts


def run_together(jobs: list[list[OutgoingDraft]]) -> tuple[list[Document], list[BaseException]]:
    """Each job issues its drafts in its own thread and connection; all threads start at once."""
    documents: list[Document] = []
    errors: list[BaseException] = []
    start = threading.Barrier(len(jobs))

    def work(drafts: list[OutgoingDraft]) -> None:
        try:
            clerk = user("vanthu.ubnd")
            start.wait()
            for draft in drafts:
                try:
                    documents.append(outgoing.issue(clerk=clerk, draft=draft))
                except ServiceError as exc:
                    errors.append(exc)
        except BaseException as exc:  # noqa: BLE001  (reported by the main thread)
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(job,)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "an issuing thread hung"
    return documents, errors


def test_eight_clerks_issuing_at_once_get_contiguous_unique_numbers(seeded):
    """GIVEN 80 signed drafts of UBND huyện
    WHEN 8 threads issue 10 each at the same time
    THEN the numbers are exactly the next 80, each once, with matching symbols."""
    district = unit("ubnd")
    drafts = signed_drafts(THREADS * PER_THREAD)
    base = last_number(district)

    documents, errors = run_together([drafts[i::THREADS] for i in range(THREADS)])

    assert errors == []
    numbers = sorted(Document.objects.filter(register=register_of(district)).values_list("number", flat=True))
    assert numbers[-THREADS * PER_THREAD :] == list(range(base + 1, base + THREADS * PER_THREAD + 1))
    assert len(numbers) == base + THREADS * PER_THREAD  # nothing before them either: no gap, no double
    assert last_number(district) == base + THREADS * PER_THREAD
    symbols = [d.number_symbol for d in documents]
    assert len(set(symbols)) == len(symbols) == THREADS * PER_THREAD
    assert all(d.number_symbol == f"{d.number:02d}/UBND-VP" for d in documents)  # drafted by Văn phòng
    assert set(OutgoingDraft.objects.filter(pk__in=[d.pk for d in drafts]).values_list("status", flat=True)) == {
        DraftStatus.ISSUED
    }


def test_a_draft_issued_from_eight_sessions_at_once_is_issued_once(seeded):
    district = unit("ubnd")
    (draft,) = signed_drafts(1)
    base = last_number(district)

    documents, errors = run_together([[draft]] * THREADS)

    assert len(documents) == 1
    assert len(errors) == THREADS - 1 and all(isinstance(e, ServiceError) for e in errors)
    assert last_number(district) == base + 1  # no number taken by the refused ones
    assert Document.objects.filter(register=register_of(district), number__gt=base).count() == 1
    assert documents[0].deliveries.count() == 1


def test_groups_resolve_the_same_under_concurrency(seeded):
    """Issuing to groups at once: each document gets exactly one delivery per commune."""
    head, chairman = user("truong.vp"), user("chutich")
    drafts = []
    for i in range(THREADS):
        draft = drafted(head, summary=f"V/v gửi các xã {i}", recipient_groups=[RecipientGroup.COMMUNES])
        drafts.append(
            outgoing.sign_draft(leader=chairman, draft=outgoing.submit_draft(author=head, draft=draft), approve=True)
        )

    documents, errors = run_together([[d] for d in drafts])

    assert errors == []
    assert sorted(d.deliveries.count() for d in documents) == [7] * THREADS
