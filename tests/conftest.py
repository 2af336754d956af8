"""Shared fixtures: the test district (tests/world.py) built once per test database, and personas from it.

Personas (STYLE.md): chutich (district leader), vanthu.ubnd (district clerk), truong.noivu (department head),
cv1.noivu (its staff), vanthu.canhhien (commune clerk), cv1.canhhien (an outsider to Phòng Nội vụ).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import tempfile

import pytest

from tests import keypool
from tests.helpers import client_as, user

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API beside the ORM

_media_root = pytest.StashKey[str]()


def pytest_configure(config):
    from django.conf import settings

    # Hashing with PBKDF2's full cost on every login would make the suite minutes slower.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The test CA's RSA keys come from the previous runs' (tests/keypool.py), ~40 ms of CPU each otherwise.
    keypool.install()
    # Tests run with DEBUG=False, where two-factor sign-in is compulsory for leaders and administrators: the
    # personas sign in with their password only, and tests/accounts/test_two_factor.py turns it back on.
    settings.IDESK_2FA = False
    # People and units made by tests have no certificates: they sign off and issue unsigned; the world's signed
    # flow and the refusals are in tests/documents/test_signed_flow.py, which turns the requirement on.
    settings.IDESK_SIGNATURES_REQUIRED = False
    # Stored files go to a directory of this process's own (each xdist worker has one), removed at the end.
    settings.MEDIA_ROOT = config.stash[_media_root] = tempfile.mkdtemp(prefix="idesk-test-media-")
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
    _world_back_instead_of_flush()


def _world_back_instead_of_flush() -> None:
    """After a transactional test (live server, threads) Django flushes the database and makes its content types
    and permissions again, ~1 s on PostgreSQL (a TRUNCATE costs ~8 ms a table whatever it holds); the next such
    test then copies the world back (`seeded`). Copying the world back in the flush's place does both in ~0.05 s,
    and every transactional test starts from the world. The hook is Django's private one (docs/private-apis.md)."""
    from django.test import TransactionTestCase

    from tests import world

    flush = TransactionTestCase._fixture_teardown

    def fixture_teardown(self):
        plain = self.available_apps is None and not self.serialized_rollback and not self.reset_sequences
        if not (plain and world.restore()):  # no copy yet (the session's set-up) or a test asking for more
            flush(self)

    TransactionTestCase._fixture_teardown = fixture_teardown


def pytest_unconfigure(config):
    if media := config.stash.get(_media_root, None):
        shutil.rmtree(media, ignore_errors=True)


@pytest.hookimpl(trylast=True)  # after pytest-django's order: database tests, then transactional ones, then the rest
def pytest_collection_modifyitems(items):
    """The slow tests that need no test database (real servers and workers in processes of their own) go first or
    mid-way: under xdist (`make test`) they then run beside the rest instead of last, alone, on one worker. Tests
    that use the database keep pytest-django's order, since a transactional test's teardown puts the world back as
    the session's set-up made it, whatever the tests before had changed."""
    _honour_xdist_groups(items)
    slow = [item for item in items if item.get_closest_marker("slow") and not _uses_database(item)]
    # Those that copy the seeded var directory another one makes (tests/seeded_var.py) run mid-way: first, they
    # would wait for it, idle, while the other worker made it.
    later = [item for item in slow if item.get_closest_marker("reuses_seeded_var")]
    first = [item for item in slow if item not in later]
    moved = set(slow)
    rest = [item for item in items if item not in moved]
    middle = len(rest) // 2
    items[:] = first + rest[:middle] + later + rest[middle:]
    _once_for_both_databases(slow)


def _once_for_both_databases(servers) -> None:
    """Those slow tests (`make run`, two iDesk servers) start servers on SQLite databases of their own whatever the
    test database is: on PostgreSQL they would repeat the SQLite pass exactly (~90 s of a worker's time), so they
    are skipped there, saying why. Run the suite on SQLite (`make test`) to run them."""
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        return
    skip = pytest.mark.skip(reason="its servers run on SQLite whatever the test database: run by the SQLite pass")
    for item in servers:
        item.add_marker(skip)


def _honour_xdist_groups(items) -> None:
    """Under `--dist loadgroup` pytest-xdist 3.8 appends an xdist_group mark's name to `item._nodeid`, which pytest 9
    no longer reads (pytest-xdist issue 1386): the mark was ignored and a group's tests spread over the workers, each
    paying the group's module fixtures. The same id is put where pytest 9 reads it; a no-op once xdist does it."""
    from _pytest.nodeid import NodeId

    for item in items:
        grouped = item.__dict__.get("_nodeid")
        if grouped and grouped != item.nodeid:
            item._id = NodeId.parse(grouped)


def _uses_database(item) -> bool:
    names = set(getattr(item, "fixturenames", ()))
    return bool(item.get_closest_marker("django_db") or names & {"db", "transactional_db", "live_server"})


class _SharedWorld:
    """Under xdist on SQLite, the migrated database with the world is made by the first worker that needs it and
    copied by the others (and by a worker started again after a crash) from a file in the session's temporary
    directory, with the test CA its certificates come from: the others skip the migrations (tables made straight
    from the models, then replaced by the copy) and the world's RSA keys, ~9 s of CPU each. A file lock makes the
    others wait for the first (pytest-xdist's pattern for once-a-session work)."""

    def __init__(self, folder) -> None:
        self.database, self.ca = folder / "test-world.sqlite3", folder / "test-world-ca.pem"
        self.lock = open(folder / "test-world.lock", "w")  # noqa: SIM115  held until made() by the first
        fcntl.flock(self.lock, fcntl.LOCK_EX)
        self.ready = self.ca.exists()  # written last: the copy is whole
        if self.ready:
            self._release()

    def _release(self) -> None:
        fcntl.flock(self.lock, fcntl.LOCK_UN)
        self.lock.close()

    abandon = _release

    def load(self) -> None:
        import sqlite3

        from django.contrib.contenttypes.models import ContentType
        from django.db import connection

        from tests import factories

        connection.ensure_connection()
        with contextlib.closing(sqlite3.connect(self.database)) as made:
            made.backup(connection.connection)
        ContentType.objects.clear_cache()
        factories.adopt_test_ca(self.ca.read_bytes())

    def made(self) -> None:
        import sqlite3

        from django.db import connection

        from tests import factories

        with contextlib.closing(sqlite3.connect(self.database)) as copy:
            connection.connection.backup(copy)
        self.ca.write_bytes(factories.test_ca_pem())
        self._release()


_shared_world: _SharedWorld | None = None


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings, worker_id, tmp_path_factory):
    """Before the test database is made: whether this worker copies the shared world (_SharedWorld), and then
    makes its tables without the migrations."""
    global _shared_world
    from django.conf import settings

    database = settings.DATABASES["default"]
    if worker_id != "master" and database["ENGINE"] == "django.db.backends.sqlite3":
        _shared_world = _SharedWorld(tmp_path_factory.getbasetemp().parent)  # this session's, above each worker's
        if _shared_world.ready:
            database.setdefault("TEST", {})["MIGRATE"] = False


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from tests import world

    with django_db_blocker.unblock():
        if _shared_world and _shared_world.ready:
            _shared_world.load()
        else:
            try:
                world.build()
            except BaseException:
                if _shared_world:  # the others make their own
                    _shared_world.abandon()
                raise
            if _shared_world:
                _shared_world.made()
        world.keep()
    freeze_what_is_loaded()


def pytest_collection_finish(session):
    freeze_what_is_loaded()


_FREEZE_EVERY = 20  # tests
_finished = 0


def pytest_runtest_logfinish(nodeid, location):
    """Every few tests, what survived them is frozen as well (freeze_what_is_loaded): the full collections iDesk
    makes after each PDF (idesk/lib/reports.py) and each face laid out for signing walk everything made since the
    last freeze, which in a test process grows test after test (~20 s of CPU a run, measured by py-spy)."""
    global _finished
    _finished += 1
    if _finished % _FREEZE_EVERY == 0:
        freeze_what_is_loaded()


def freeze_what_is_loaded() -> None:
    """What the process holds now (pytest, Django, the test modules, the world) is moved out of the cyclic
    collector's sight: the full collection iDesk makes after each signature (documents/outgoing/signatures.py)
    then walks only what the tests made since, not the whole suite's process (~150 ms each, a sixth of the time
    of the tests that sign)."""
    from idesk.lib import reports

    reports.freeze_loaded()


@pytest.fixture(scope="session")
def live_server(live_server):
    """pytest-django's live server, whose thread shares the test's in-memory SQLite connection: each use of that
    connection is made one at a time (_serialized). Otherwise a page's background request (the badges' fetch) can
    bind its parameters, holding Python's GIL and waiting for SQLite's connection mutex, while the test's own query
    holds that mutex and calls one of Django's SQL functions written in Python, waiting for the GIL: the worker
    hangs for good (seen in tests/e2e/test_meeting_journey.py's compute_day)."""
    for connection in live_server.thread.connections_override.values():
        _serialized(connection)
    live_server.in_flight = _InFlight(live_server.thread.httpd)
    return live_server


class _InFlight:
    """The requests the live server is answering: its WSGI app, wrapped to count them."""

    def __init__(self, httpd):
        import threading

        self.count = 0
        self.idle = threading.Condition()
        app = httpd.get_app()

        def counted(environ, start_response):
            with self.idle:
                self.count += 1
            try:
                return app(environ, start_response)
            finally:
                with self.idle:
                    self.count -= 1
                    self.idle.notify_all()

        httpd.set_app(counted)

    def wait_idle(self, timeout: float = 15) -> None:
        with self.idle:
            if not self.idle.wait_for(lambda: self.count == 0, timeout):
                raise AssertionError(f"the live server still answers {self.count} request(s) after {timeout} s")


@pytest.fixture(autouse=True)
def _live_server_idle_before_teardown(request):
    """A live-server test's database is emptied after it (the world copied back, or Django's flush), and nothing
    may still read then: on PostgreSQL each request thread has its own connection, and a page's last background
    request (the badges' fetch) reading during the DELETE or TRUNCATE deadlocks the two. Asking for
    transactional_db here, as pytest-django's own live-server fixture does, puts this teardown before that."""
    if "live_server" not in request.fixturenames:
        yield
        return
    request.getfixturevalue("transactional_db")
    yield
    if "browser" in request.fixturenames:
        for context in request.getfixturevalue("browser").contexts:
            context.close()
    request.getfixturevalue("live_server").in_flight.wait_idle()


def _serialized(connection) -> None:
    import threading

    from django.db.backends.sqlite3.base import SQLiteCursorWrapper

    lock = threading.RLock()

    def held(method):
        def call(self, *args):
            with lock:
                return method(self, *args)

        return call

    class SerialCursor(SQLiteCursorWrapper):
        # Every call that reaches SQLite with the GIL held (binding, reading columns) or may call back into Python.
        execute, executemany = held(SQLiteCursorWrapper.execute), held(SQLiteCursorWrapper.executemany)
        fetchone, fetchmany = held(SQLiteCursorWrapper.fetchone), held(SQLiteCursorWrapper.fetchmany)
        fetchall, __next__ = held(SQLiteCursorWrapper.fetchall), held(SQLiteCursorWrapper.__next__)

    connection.create_cursor = lambda name=None: connection.connection.cursor(factory=SerialCursor)


@pytest.fixture
def seeded(transactional_db):
    """For transactional tests (live server, threads): the world, there unless the test before asked for a flush."""
    from tests import world

    world.ensure()


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo district (`seed_demo`, what `make run` loads) in place of the test world, for the tests whose subject
    is the demo; the module's tests roll back their own changes, and the world comes back when the module ends."""
    from django.core import serializers
    from django.core.management import call_command
    from django_q.models import Schedule

    from tests import world

    with django_db_blocker.unblock():
        # The rows the migrations made (the worker's schedules) are put back as they were after the last flush, so
        # the tests that check them, later on this worker, still see the migrations' own work.
        made_by_migrations = serializers.serialize("json", Schedule.objects.all())
        # The demo is seeded once a process and copied back for the next module (world.keep/restore).
        if not world.restore("demo"):
            call_command("flush", verbosity=0, interactive=False)
            call_command("seed_demo", verbosity=0, history=False, force=True)  # pytest runs with DEBUG=False
            world.keep("demo")
        yield
        if not world.restore():  # the session's database, migrations' rows and world, copied back
            call_command("flush", verbosity=0, interactive=False)
            for row in serializers.deserialize("json", made_by_migrations):
                row.save()
            world.build()


@pytest.fixture
def chairman(db):
    return user("chutich")


@pytest.fixture
def district_clerk(db):
    return user("vanthu.ubnd")


@pytest.fixture
def dept_head(db):
    return user("truong.noivu")


@pytest.fixture
def dept_staff(db):
    return user("cv1.noivu")


@pytest.fixture
def commune_clerk(db):
    return user("vanthu.canhhien")


@pytest.fixture
def outsider(db):
    return user("cv1.canhhien")


@pytest.fixture
def as_user():
    return client_as
