"""Số đến under concurrency (PostgreSQL): the locked register row makes numbers unique and gapless."""

from __future__ import annotations

import threading

import pytest
import time_machine
from django.db import connection

from documents.core import notify
from documents.incoming import services
from documents.models import AuditEvent, IncomingRecord, Register, RegisterKind, Secrecy
from tests.documents.conftest import fresh_register_year, incoming_data, user, vn_time

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks (SELECT … FOR UPDATE) need PostgreSQL: set DATABASE_URL=postgres://…",
    ),
]


@pytest.fixture(autouse=True)
def no_notifications(monkeypatch):
    """Notifications are not what is under test, and the task handler belongs to another layer."""
    monkeypatch.setattr(notify, "later", lambda event, **ids: None)


def _last_number(unit, confidential=False) -> int:
    register = Register.objects.filter(
        unit=unit, kind=RegisterKind.INCOMING, confidential=confidential, year=_this_year()
    ).first()
    return register.last_number if register else 0


def _this_year() -> int:
    from django.utils import timezone

    return timezone.localdate().year


def _run_in_threads(jobs: list[tuple[str, int, int]]) -> list[BaseException]:
    """Each job (clerk username, count, secrecy) registers `count` documents in its own thread and connection;
    all threads start together."""
    errors: list[BaseException] = []
    start = threading.Barrier(len(jobs))

    def work(username: str, count: int, secrecy: int) -> None:
        try:
            clerk = user(username)
            start.wait()
            for i in range(count):
                services.register_incoming(
                    clerk=clerk, data=incoming_data(summary=f"V/v thử {username} {i}", secrecy=secrecy)
                )
        except BaseException as exc:  # noqa: BLE001  (reported by the main thread)
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=job) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a registering thread hung"
    return errors


def _numbers(unit, base: int, confidential=False) -> list[int]:
    return sorted(
        IncomingRecord.objects.filter(
            unit=unit, year=_this_year(), arrival_number__gt=base, register__confidential=confidential
        ).values_list("arrival_number", flat=True)
    )


def test_eight_clerks_registering_at_once_get_numbers_1_to_400_without_gaps(seeded):
    """GIVEN one unit's register (its clerk account used from 8 sessions at once)
    WHEN 8 threads register 50 documents each
    THEN the numbers are exactly the next 400, each once."""
    clerk = user("vanthu.noivu")
    base = _last_number(clerk.unit)

    errors = _run_in_threads([("vanthu.noivu", 50, Secrecy.NONE)] * 8)

    assert errors == []
    assert _numbers(clerk.unit, base) == list(range(base + 1, base + 401))
    assert _last_number(clerk.unit) == base + 400
    # Each record's audit event names the number the record got (they are written together).
    records = dict(
        IncomingRecord.objects.filter(unit=clerk.unit, arrival_number__gt=base).values_list("pk", "arrival_number")
    )
    events = AuditEvent.objects.filter(verb="registered", object_type="incomingrecord", object_id__in=records)
    assert {e.object_id: e.data["arrival_number"] for e in events} == records


def test_eight_clerks_racing_for_the_first_number_of_a_new_year_share_one_register(seeded):
    """GIVEN a year whose register does not exist yet
    WHEN 8 threads register 10 documents each, all at once from its first minute
    THEN one register row is made, and the numbers are exactly 1 to 80."""
    clerk = user("vanthu.noivu")
    year = fresh_register_year()

    with time_machine.travel(vn_time(year, 1, 1, 0, 1), tick=True):
        errors = _run_in_threads([("vanthu.noivu", 10, Secrecy.NONE)] * 8)

    assert errors == []
    assert Register.objects.filter(unit=clerk.unit, year=year, kind=RegisterKind.INCOMING).count() == 1
    numbers = IncomingRecord.objects.filter(unit=clerk.unit, year=year).values_list("arrival_number", flat=True)
    assert sorted(numbers) == list(range(1, 81))


def test_two_units_and_two_registers_registering_at_once_do_not_interfere(seeded):
    noivu = user("vanthu.noivu").unit
    canhhien = user("vanthu.canhhien").unit
    bases = {
        "noivu": _last_number(noivu),
        "noivu_secret": _last_number(noivu, confidential=True),
        "canhhien": _last_number(canhhien),
    }

    errors = _run_in_threads(
        [("vanthu.noivu", 30, Secrecy.NONE)] * 2
        + [("vanthu.noivu", 30, Secrecy.MAT)] * 2
        + [("vanthu.canhhien", 30, Secrecy.NONE)] * 2
    )

    assert errors == []
    assert _numbers(noivu, bases["noivu"]) == list(range(bases["noivu"] + 1, bases["noivu"] + 61))
    assert _numbers(noivu, bases["noivu_secret"], confidential=True) == list(
        range(bases["noivu_secret"] + 1, bases["noivu_secret"] + 61)
    )
    assert _numbers(canhhien, bases["canhhien"]) == list(range(bases["canhhien"] + 1, bases["canhhien"] + 61))
