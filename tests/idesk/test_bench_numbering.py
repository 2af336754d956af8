"""The numbering benchmark registers through the real service from several connections, counts, and leaves the
dataset as it found it (it runs on the same database as the other sections)."""

from __future__ import annotations

import pytest
from django.db import connection

from accounts.models import Role
from documents.incoming import services
from documents.models import AuditEvent, Document, IncomingRecord, Register
from idesk.bench import runner as bench
from tests.helpers import user

# The benchmark's threads have their own connections: the data must be committed.
pytestmark = pytest.mark.django_db(transaction=True)


def _counts() -> tuple[int, int, int, int]:
    return (
        Document.objects.count(),
        IncomingRecord.objects.count(),
        AuditEvent.objects.count(),
        Register.objects.count(),
    )


def test_the_numbering_benchmark_registers_through_the_service_and_cleans_up(monkeypatch):
    calls = []
    real = services.register_incoming

    def counted(**kwargs):
        calls.append(kwargs["clerk"].username)
        return real(**kwargs)

    monkeypatch.setattr(services, "register_incoming", counted)
    threads = 3 if connection.vendor == "postgresql" else 1  # SQLite's test database takes one writer at a time
    before = _counts()

    out = bench.measure_numbering(bench.Options(threads=threads, numbers_per_thread=4, log=lambda line: None))

    assert calls == [bench.NUMBERING_CLERK] * threads * 4
    assert (out["numbers"], out["duplicates"], out["gaps"], out["last_number"]) == (threads * 4, 0, 0, threads * 4)
    assert out["per_second"] > 0 and out["cpu_ms_per_number"] > 0 and out["txn"]["runs"] == threads * 4
    assert _counts() == before
    clerk = user(bench.NUMBERING_CLERK)
    assert clerk.role == Role.CLERK and not clerk.has_usable_password()


def test_a_second_run_starts_again_from_number_1(monkeypatch):
    opts = bench.Options(threads=1, numbers_per_thread=3, log=lambda line: None)
    bench.measure_numbering(opts)

    again = bench.measure_numbering(opts)

    assert (again["numbers"], again["gaps"], again["last_number"]) == (3, 0, 3)


def test_what_an_interrupted_run_left_is_cleared_before_counting(monkeypatch):
    """GIVEN records an interrupted run left in the benchmark's unit
    WHEN the benchmark runs
    THEN it counts only its own numbers, from 1, and removes the leftovers too."""
    clerk = bench.numbering_clerk()
    for i in range(2):
        services.register_incoming(clerk=clerk, data=services.IncomingData(issuer_name="Bench", summary=f"Cũ {i}"))
    leftovers = IncomingRecord.objects.filter(unit=clerk.unit).count()

    out = bench.measure_numbering(bench.Options(threads=1, numbers_per_thread=3, log=lambda line: None))

    assert leftovers == 2
    assert (out["numbers"], out["duplicates"], out["gaps"]) == (3, 0, 0)
    assert not IncomingRecord.objects.filter(unit=clerk.unit).exists()
    assert not Document.objects.filter(summary__startswith="Cũ ").exists()
