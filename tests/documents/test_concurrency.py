"""Số đến under concurrency (PostgreSQL): the locked register row makes numbers unique and gapless."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from documents import notify, services
from documents.models import IncomingRecord, Register, RegisterKind, Secrecy
from tests.documents.conftest import incoming_data, user

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
