"""Số đến: per unit, per (local) year, from 1, gapless; confidential documents in their own register."""

import pytest
import time_machine
from django.core.exceptions import ValidationError

from documents.models import (
    AuditEvent,
    Document,
    DocumentFile,
    IncomingRecord,
    Register,
    RegisterKind,
    Secrecy,
    StoredFile,
)
from tests.documents.conftest import fresh_register_year, pdf_upload, register, register_secret, upload, vn_time


def test_arrival_numbers_start_at_1_and_follow_each_other_within_a_unit(fresh_year, dept_clerk):
    numbers = [register(dept_clerk).arrival_number for _ in range(3)]

    assert numbers == [1, 2, 3]
    register_book = Register.objects.get(unit=dept_clerk.unit, year=fresh_year, kind=RegisterKind.INCOMING)
    assert register_book.confidential is False
    assert register_book.last_number == 3
    assert set(IncomingRecord.objects.filter(register=register_book).values_list("year", flat=True)) == {fresh_year}


def test_each_unit_has_its_own_numbering(fresh_year, dept_clerk, commune_clerk, district_clerk):
    register(dept_clerk)
    register(dept_clerk)

    assert register(commune_clerk).arrival_number == 1
    assert register(district_clerk).arrival_number == 1
    assert register(dept_clerk).arrival_number == 3


def test_confidential_documents_go_to_a_separate_register_with_its_own_numbers(fresh_year, dept_clerk):
    first = register(dept_clerk)
    secret = register_secret(dept_clerk)
    second = register(dept_clerk)
    top_secret = register(dept_clerk, secrecy=Secrecy.TUYET_MAT)

    assert [first.arrival_number, second.arrival_number] == [1, 2]
    assert [secret.arrival_number, top_secret.arrival_number] == [1, 2]
    assert secret.register_id == top_secret.register_id != first.register_id
    assert secret.register.confidential is True
    assert first.register.confidential is False
    assert secret.secrecy == Secrecy.MAT and secret.confidential


def test_a_new_local_year_restarts_numbering_at_1(dept_clerk):
    year = fresh_register_year()
    with time_machine.travel(vn_time(year, 12, 31, 10, 0), tick=False):
        register(dept_clerk)
    # 23:30 on 31 December in Vietnam is 16:30 UTC: still the old year.
    with time_machine.travel(vn_time(year, 12, 31, 23, 30), tick=False):
        late = register(dept_clerk)
    # 00:10 on 1 January in Vietnam is still 31 December in UTC: already the new year.
    with time_machine.travel(vn_time(year + 1, 1, 1, 0, 10), tick=False):
        new_year = register(dept_clerk)
        new_year_secret = register_secret(dept_clerk)
        next_one = register(dept_clerk)

    assert (late.year, late.arrival_number) == (year, 2)
    assert (new_year.year, new_year.arrival_number) == (year + 1, 1)
    assert (next_one.year, next_one.arrival_number) == (year + 1, 2)
    assert (new_year_secret.year, new_year_secret.arrival_number) == (year + 1, 1)
    assert new_year.register.year == year + 1 and late.register.year == year


def _counts():
    return (
        Document.objects.count(),
        IncomingRecord.objects.count(),
        DocumentFile.objects.count(),
        StoredFile.objects.count(),
        AuditEvent.objects.count(),
        list(Register.objects.order_by("pk").values_list("pk", "last_number")),
    )


def test_a_registration_that_fails_half_way_takes_no_number(fresh_year, dept_clerk):
    """GIVEN a first document registered
    WHEN the next one carries a good PDF and then a file that is not what its name says
    THEN nothing of it is kept (document, files, record, audit, counter) and the next number is still 2."""
    register(dept_clerk)
    before = _counts()

    with pytest.raises(ValidationError):
        register(dept_clerk, uploads=[pdf_upload("to-trinh.pdf", marker="ok"), upload("hong.pdf", b"\x00garbage" * 50)])

    assert _counts() == before
    assert register(dept_clerk).arrival_number == 2


def test_a_failed_first_registration_of_the_year_leaves_no_register(fresh_year, dept_clerk):
    with pytest.raises(ValidationError):
        register_secret(dept_clerk, uploads=[upload("hong.pdf", b"not a pdf at all")])

    assert not Register.objects.filter(unit=dept_clerk.unit, year=fresh_year).exists()
    assert register_secret(dept_clerk).arrival_number == 1
