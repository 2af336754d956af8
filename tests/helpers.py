"""The one set of plain helpers the tests share: people and units of the test district (tests/world.py) by name, a
logged-in client, a moment in Vietnam's time. Builders of documents live beside their tests
(tests/documents/*_builders.py, tests/idesk/factories.py) and use these; base objects come from tests/factories.py.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

VN = ZoneInfo("Asia/Ho_Chi_Minh")
ROOT = Path(__file__).resolve().parents[1]
APPS = ("accounts", "documents", "idesk", "units")


def source_modules(*packages: str) -> Iterator[tuple[Path, str]]:
    """(path relative to the checkout, source) of every module of these top-level packages but their migrations:
    what the tests that read the code (layering, private names, grants, role checks) walk."""
    for package in packages:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path.relative_to(ROOT), path.read_text("utf-8")


def user(username: str):
    """A person of the test district (tests/world.py), with their unit."""
    from accounts.models import User

    return User.objects.select_related("unit").get(username=username)


def unit(code: str):
    from units.models import Unit

    return Unit.objects.get(code=code)


def client_as(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def vn_time(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> datetime.datetime:
    """A moment in Vietnam's local time (the year of a register is the local year)."""
    return datetime.datetime(year, month, day, hour, minute, tzinfo=VN)


def module_rows(build: Callable[[], object]):
    """A module-scoped fixture of the rows `build()` makes, made once for the module's tests instead of once per
    test (Django's TestCase.setUpTestData): inside a transaction rolled back when the module ends, each test's own
    changes rolled back to them (pytest-django's per-test transaction is then a savepoint). For rows that the
    module's tests may change but whose Python objects they do not share: what `build` returns is the same object
    for every test. Once made, the rows are there for the module's later tests too, asked for or not."""
    from django.db import transaction

    @pytest.fixture(scope="module")
    def rows(django_db_setup, django_db_blocker):
        with django_db_blocker.unblock(), transaction.atomic():
            yield build()
            transaction.set_rollback(True)

    rows.__doc__ = build.__doc__
    return rows
