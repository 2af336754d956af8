"""The one set of plain helpers the tests share: people and units of the test district (tests/world.py) by name, a
logged-in client, a moment in Vietnam's time. Builders of documents live beside their tests
(tests/documents/*_builders.py, tests/idesk/factories.py) and use these; base objects come from tests/factories.py.
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from django.test import Client

VN = ZoneInfo("Asia/Ho_Chi_Minh")


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
