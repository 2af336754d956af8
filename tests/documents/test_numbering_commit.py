"""On PostgreSQL a registration that is its own transaction sends its numbering statement together with the COMMIT
(psycopg's pipeline mode), and reads the record's id and number after it. These tests run outside a test
transaction, as a request does, so the commit is real."""

from __future__ import annotations

import psycopg
import pytest
from django.db import IntegrityError, connection

from documents.core import notify
from documents.incoming import services
from documents.models import AuditEvent, Document, IncomingRecord, Register
from tests.documents.conftest import register, user

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="pipeline mode is psycopg's, on PostgreSQL"),
]


@pytest.fixture(autouse=True)
def no_notifications(monkeypatch):
    monkeypatch.setattr(notify, "later", lambda event, **ids: None)


@pytest.fixture
def pipelines(monkeypatch) -> list[str]:
    """Each pipeline the connection enters, with the transaction status it found."""
    entered: list[str] = []
    real = psycopg.Connection.pipeline

    def spy(self):
        entered.append(self.info.transaction_status.name)
        return real(self)

    monkeypatch.setattr(psycopg.Connection, "pipeline", spy)
    return entered


def _counts():
    return Document.objects.count(), IncomingRecord.objects.count(), AuditEvent.objects.count()


def test_the_number_goes_with_the_commit_and_the_record_is_complete_after_it(seeded, pipelines):
    clerk = user("vanthu.noivu")
    first = register(clerk)

    record = register(clerk)

    assert pipelines == ["INTRANS", "INTRANS"]  # entered inside the transaction, before its last statement
    assert connection.connection._pipeline is None
    stored = IncomingRecord.objects.get(pk=record.pk)
    assert record.arrival_number == stored.arrival_number == first.arrival_number + 1
    assert record.register.pk == stored.register_id and not record._state.adding
    event = AuditEvent.objects.get(object_type="incomingrecord", object_id=record.pk)
    assert event.data == {"arrival_number": record.arrival_number, "confirmed_duplicate": False}
    assert Register.objects.get(pk=stored.register_id).last_number == record.arrival_number


def test_a_statement_that_fails_at_the_commit_keeps_nothing_and_leaves_the_connection_usable(seeded, pipelines):
    """GIVEN a counter set back, so the next number already belongs to a record
    WHEN the clerk registers (the unique constraint refuses the record when the pipeline is committed)
    THEN the error reaches the caller, nothing of the registration stays, and the next one works."""
    clerk = user("vanthu.noivu")
    record = register(clerk)
    Register.objects.filter(pk=record.register_id).update(last_number=record.arrival_number - 1)
    before = _counts()

    with pytest.raises(IntegrityError):
        register(clerk, summary="V/v văn bản không được vào sổ")

    assert len(pipelines) == 2
    assert _counts() == before
    assert Register.objects.get(pk=record.register_id).last_number == record.arrival_number - 1
    Register.objects.filter(pk=record.register_id).update(last_number=record.arrival_number)
    assert register(clerk).arrival_number == record.arrival_number + 1


def test_a_refusal_before_the_number_does_not_enter_pipeline_mode(seeded, pipelines):
    clerk = user("vanthu.noivu")
    register(clerk, number_symbol="15/UBND-VP")

    with pytest.raises(services.DuplicateDocument):
        register(clerk, number_symbol="15/UBND-VP")

    assert len(pipelines) == 1


def test_inside_a_callers_transaction_the_number_is_read_at_once(seeded, pipelines):
    from django.db import transaction

    clerk = user("vanthu.noivu")
    with transaction.atomic():
        record = register(clerk)
        assert record.pk is not None and record.arrival_number > 0

    assert pipelines == []
