"""The register row is the counter every clerk of a unit waits for: a service takes the number as the last thing
it writes, so the row is locked for as few statements as possible (and, on PostgreSQL, an incoming record's
number, the record and its audit event are one statement). A failure after the number keeps nothing."""

from __future__ import annotations

import re

import pytest
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext

from documents.core import notify
from documents.incoming import services
from documents.models import AuditEvent, CopyKind, Document, IncomingRecord, Register, RegisterKind, Secrecy
from documents.outgoing import copies
from documents.outgoing import services as outgoing
from documents.signing import intake
from tests.documents.conftest import make_delivery, register, unit, user
from tests.documents.outgoing_builders import signed

# The counter's statement: the register row's upsert that adds 1 to its last number.
NUMBER = re.compile(r"INSERT INTO \"?documents_register\"?.*ON CONFLICT.*last_number \+ 1", re.S)
ON_PG = connection.vendor == "postgresql"


@pytest.fixture(autouse=True)
def quiet(monkeypatch):
    monkeypatch.setattr(notify, "later", lambda event, **ids: None)
    monkeypatch.setattr(outgoing, "attach_official_pdf", lambda document: None)
    # Both run after the commit (the verification of uploaded PDFs reads files, not the register).
    monkeypatch.setattr(intake, "verify_files", lambda files: [])


def writes_after_the_number(run) -> list[str]:
    """The statements `run()` sends after the one taking the number (savepoints left out), each as its verb and
    table, e.g. 'INSERT documents_auditevent'."""
    with CaptureQueriesContext(connection) as ctx:
        run()
    statements = [q["sql"] for q in ctx.captured_queries if "SAVEPOINT" not in q["sql"]]
    taking = [i for i, sql in enumerate(statements) if NUMBER.search(sql)]
    assert taking, "no number was taken"
    return [_write(sql) for sql in statements[taking[-1] + 1 :]]


def _write(sql: str) -> str:
    match = re.match(r'\s*(INSERT INTO|UPDATE|DELETE FROM|SELECT)\s+.*?"?(\w+)"?[\s(]', sql, re.S)
    verb, table = (match.group(1).split()[0], match.group(2)) if match else (sql[:30], "")
    if verb == "SELECT":
        table = re.search(r'FROM\s+"?(\w+)"?', sql).group(1)
    return f"{verb} {table}"


def test_registering_writes_the_number_last(dept_clerk):
    """GIVEN a clerk registering a paper arrival
    WHEN the number is taken
    THEN only the record and its audit event follow it (on PostgreSQL in the same statement)."""
    after = writes_after_the_number(lambda: register(dept_clerk))

    assert after == ([] if ON_PG else ["INSERT documents_incomingrecord", "INSERT documents_auditevent"])


def test_on_postgresql_one_statement_numbers_the_record_and_writes_its_audit_event(dept_clerk):
    if not ON_PG:
        pytest.skip("the single statement is PostgreSQL's (data-modifying WITH)")
    with CaptureQueriesContext(connection) as ctx:
        record = register(dept_clerk)
    numbering = [q["sql"] for q in ctx.captured_queries if NUMBER.search(q["sql"])]

    assert len(numbering) == 1
    assert "INSERT INTO documents_incomingrecord" in numbering[0] and "INSERT INTO documents_auditevent" in numbering[0]
    event = AuditEvent.objects.get(object_type="incomingrecord", object_id=record.pk)
    assert (event.verb, event.actor_id) == ("registered", dept_clerk.pk)
    assert event.data == {"arrival_number": record.arrival_number, "confirmed_duplicate": False}


def test_a_confidential_registration_grants_the_clerk_before_the_number(dept_clerk):
    record = None

    def run():
        nonlocal record
        record = register(dept_clerk, secrecy=Secrecy.MAT)

    after = writes_after_the_number(run)

    assert not any("objectpermission" in write for write in after)
    assert record.document.documentuserobjectpermission_set.filter(user=dept_clerk).count() == 1


def test_the_returned_record_carries_its_number_and_register(dept_clerk):
    first = register(dept_clerk)
    record = register(dept_clerk)

    stored = IncomingRecord.objects.get(pk=record.pk)
    assert record.arrival_number == stored.arrival_number == first.arrival_number + 1
    assert record.register.pk == stored.register_id and record.register.last_number == record.arrival_number
    assert record.register.kind == RegisterKind.INCOMING and record.register.confidential is False
    assert not record._state.adding


def test_a_number_that_clashes_keeps_nothing_of_the_registration(dept_clerk):
    """GIVEN a counter set back (so the next number already belongs to a record)
    WHEN a clerk registers
    THEN the unique constraint refuses it and nothing of it stays: no document, no record, no event, the counter
    as it was."""
    record = register(dept_clerk)
    Register.objects.filter(pk=record.register_id).update(last_number=record.arrival_number - 1)
    before = (Document.objects.count(), IncomingRecord.objects.count(), AuditEvent.objects.count())

    with pytest.raises(IntegrityError):
        register(dept_clerk, summary="V/v văn bản không được vào sổ")

    assert (Document.objects.count(), IncomingRecord.objects.count(), AuditEvent.objects.count()) == before
    assert Register.objects.get(pk=record.register_id).last_number == record.arrival_number - 1


def test_an_electronic_arrival_writes_only_the_delivery_and_its_events_after_the_number(commune_clerk):
    delivery = make_delivery(commune_clerk.unit)

    after = writes_after_the_number(lambda: services.register_delivery(clerk=commune_clerk, delivery=delivery))

    record_writes = [] if ON_PG else ["INSERT documents_incomingrecord", "INSERT documents_auditevent"]
    assert after == record_writes + ["UPDATE documents_delivery", "INSERT documents_auditevent"]
    record = IncomingRecord.objects.get(delivery=delivery)
    events = AuditEvent.objects.filter(verb="received")
    assert events.get(object_type="incomingrecord", object_id=record.pk).data == {
        "delivery_id": delivery.pk,
        "arrival_number": record.arrival_number,
    }
    assert events.get(object_type="delivery", object_id=delivery.pk).data == {
        "arrival_number": record.arrival_number,
        "record_id": record.pk,
    }


def test_issuing_writes_only_the_documents_number_and_the_audit_events_after_the_number(db):
    draft = signed()
    document = None

    def run():
        nonlocal document
        document = outgoing.issue(clerk=user("vanthu.ubnd"), draft=draft)

    after = writes_after_the_number(run)

    assert after == ["UPDATE documents_document", "INSERT documents_auditevent"]
    stored = Document.objects.get(pk=document.pk)
    assert stored.number == document.number and stored.number_symbol == document.number_symbol
    assert stored.number_symbol.startswith(f"{document.number:02d}/") and stored.register_id is not None
    assert stored.number_symbol.lower() in stored.search_key
    events = AuditEvent.objects.filter(verb="issued").order_by("object_type")
    assert [(e.object_type, e.data["number_symbol"]) for e in events] == [
        ("document", stored.number_symbol),
        ("outgoingdraft", stored.number_symbol),
    ]
    assert stored.deliveries.count() == events.get(object_type="document").data["recipients"] > 0


def test_a_copy_writes_only_its_number_and_its_audit_event_after_the_number(db):
    source = register(user("vanthu.ubnd"), number_symbol="282/TB-UBND").document

    def run():
        copies.make_copy(
            clerk=user("vanthu.ubnd"), source=source, kind=CopyKind.SAO_Y, signer=user("chutich"),
            recipient_units=[unit("xa-canh-hien")],
        )  # fmt: skip

    assert writes_after_the_number(run) == ["UPDATE documents_document", "INSERT documents_auditevent"]
