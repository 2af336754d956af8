"""PostgreSQL connections stay bounded: one psycopg pool per process, and a forked child opens its own.

Each check runs in a fresh process with the settings as deployed (the suite itself runs without the pool)."""

import os
import subprocess
import sys
import textwrap

import pytest
from django.conf import settings
from django.db import connection

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PG_URL = "postgres://postgres@127.0.0.1:5432/postgres"


def _shell(code: str, **env_extra) -> list[str]:
    drop = {"DATABASE_URL", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"} | {k for k in os.environ if k.startswith("DB_")}
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(env_extra)
    out = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", textwrap.dedent(code)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    return out.stdout.strip().splitlines()


SHOW = (
    "from django.conf import settings as s; d = s.DATABASES['default']; "
    "print(d['CONN_MAX_AGE'], d['OPTIONS'].get('pool'))"
)


def test_postgresql_gets_a_bounded_pool_and_no_persistent_connections():
    assert _shell(SHOW, DATABASE_URL=PG_URL)[-1] == "0 {'min_size': 1, 'max_size': 10, 'timeout': 10}"
    sized = _shell(SHOW, DATABASE_URL=PG_URL, DB_POOL_MIN_SIZE="2", DB_POOL_MAX_SIZE="3", DB_POOL_TIMEOUT="5")
    assert sized[-1] == "0 {'min_size': 2, 'max_size': 3, 'timeout': 5}"
    # Pool off (e.g. behind PgBouncer): a connection per request unless DB_CONN_MAX_AGE says otherwise.
    assert _shell(SHOW, DATABASE_URL=PG_URL, DB_POOL_MAX_SIZE="0")[-1] == "0 None"
    assert _shell(SHOW, DATABASE_URL=PG_URL, DB_POOL_MAX_SIZE="0", DB_CONN_MAX_AGE="60")[-1] == "60 None"


def test_sqlite_has_no_pool():
    assert _shell(SHOW, DATABASE_URL=f"sqlite:///{settings.BASE_DIR / 'var' / 'unused.sqlite3'}")[-1] == "0 None"


pg_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (set DATABASE_URL)")

# Like requests on runserver's threads: each thread queries, then its connection is closed (returned).
MANY_THREADS = """
import threading
from django.db import connection

pids, barrier = [], threading.Barrier(20)

def request():
    barrier.wait()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid(), pg_sleep(0.05)")
        pids.append(cursor.fetchone()[0])
    connection.close()

threads = [threading.Thread(target=request) for _ in range(20)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(len(pids), len(set(pids)))
"""


@pg_only
def test_twenty_concurrent_requests_share_the_pools_connections():
    assert _shell(MANY_THREADS, DATABASE_URL=PG_URL, DB_POOL_MAX_SIZE="3")[-1] == "20 3"


# The django-q2 cluster forks its workers after its own process has used the database.
FORK = """
import os
from django.db import connection

def pid():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]

parent = pid()
connection.close()  # back to the pool, as django-q2 does before it forks
read, write = os.pipe()
child = os.fork()
if child == 0:
    os.write(write, str(pid()).encode())
    connection.close()
    os._exit(0)
os.waitpid(child, 0)
print(parent, int(os.read(read, 32)), pid())
"""


@pg_only
def test_a_forked_child_opens_its_own_connections():
    parent, child, parent_after = map(int, _shell(FORK, DATABASE_URL=PG_URL, DB_POOL_MAX_SIZE="1")[-1].split())
    assert child != parent  # the parent's pooled connection was not shared with the child
    assert parent_after == parent  # and still works in the parent
