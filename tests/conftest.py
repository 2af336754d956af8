"""Shared fixtures: the demo district seeded once, and personas from its shape.

Personas (STYLE.md): chutich (district leader), vanthu.ubnd (district clerk), truong.noivu (department head),
cv1.noivu (its staff), vanthu.canhhien (commune clerk), cv1.canhhien (an outsider to Phòng Nội vụ).
"""

from __future__ import annotations

import os

import pytest
from django.core.management import call_command
from django.test import Client

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API beside the ORM


def pytest_configure(config):
    from django.conf import settings

    # Hashing with PBKDF2's full cost on every login would make the suite minutes slower.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tests run with DEBUG=False, where two-factor sign-in is compulsory for leaders and administrators: the
    # personas sign in with their password only, and tests/accounts/test_two_factor.py turns it back on.
    settings.IDESK_2FA = False
    # People and units made by tests have no certificates: they sign off and issue unsigned; the demo's signed
    # flow and the refusals are in tests/documents/test_signed_flow.py, which turns the requirement on.
    settings.IDESK_SIGNATURES_REQUIRED = False
    import tempfile

    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="idesk-test-media-")
    # Tasks run inline in tests (one integration test starts a real qcluster).
    from django_q.conf import Conf

    Conf.SYNC = True
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # No connection pool in tests: the concurrency tests and the live server hold a connection per thread until
    # the thread ends, more than a pool's bound (tests/idesk/test_dbpool.py checks the pool itself).
    database = settings.DATABASES["default"]
    if database.get("OPTIONS", {}).pop("pool", None):
        database["CONN_MAX_AGE"] = 0


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("seed_demo", verbosity=0, history=False, force=True)  # pytest runs with DEBUG=False


@pytest.fixture
def seeded(transactional_db):
    """For transactional tests (live server, threads): the flush after each test wipes the seed."""
    call_command("seed_demo", verbosity=0, history=False, force=True)  # pytest runs with DEBUG=False


def _user(username: str):
    from accounts.models import User

    return User.objects.select_related("unit").get(username=username)


@pytest.fixture
def chairman(db):
    return _user("chutich")


@pytest.fixture
def district_clerk(db):
    return _user("vanthu.ubnd")


@pytest.fixture
def dept_head(db):
    return _user("truong.noivu")


@pytest.fixture
def dept_staff(db):
    return _user("cv1.noivu")


@pytest.fixture
def commune_clerk(db):
    return _user("vanthu.canhhien")


@pytest.fixture
def outsider(db):
    return _user("cv1.canhhien")


def client_as(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def as_user():
    return client_as
