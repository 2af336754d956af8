"""The migrated and seeded var directory (`manage.py migrate`, `seed_demo --no-history`: the demo district `make run`
loads) that the tests running real iDesk processes start from: two servers exchanging documents, `make run` and its
worker. Migrating and seeding take ~12 s of CPU; copying the directory takes a few milliseconds.

It is made once a session, by the first test that asks, under a file lock in the session's temporary directory
(pytest-xdist's pattern for once-only work); each test copies it to a var directory of its own. The stored signing
keys are encrypted under the signing key that comes with it: a process working on a copy is given it
(IDESK_SIGNING_KEY). Each copy makes its own secret key. With it, what such a process needs: its environment
and a free port."""

from __future__ import annotations

import fcntl
import os
import shutil
import socket
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = str(ROOT / ".venv" / "bin" / "python")
# Whatever points a process at the test run's own services, or is the run's own secret.
NOT_PASSED = {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}


def environment(var: Path, **extra: str) -> dict[str, str]:
    """The environment of an iDesk process on the var directory `var` (its own SQLite database and media)."""
    env = {k: v for k, v in os.environ.items() if k not in NOT_PASSED}
    env.update(IDESK_VAR_DIR=str(var), PYTHONUNBUFFERED="1", **extra)
    return env


def free_port() -> int:
    """A loopback port nobody listens on now, for a server under test."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _made(folder: Path) -> str:
    from cryptography.fernet import Fernet

    signing_key = Fernet.generate_key().decode()
    env = environment(folder, DEBUG="1", IDESK_2FA="0", IDESK_SIGNING_KEY=signing_key)
    for command in (("migrate", "--noinput", "-v", "0"), ("seed_demo", "--no-history")):
        done = subprocess.run([PYTHON, "manage.py", *command], cwd=ROOT, env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr[-3000:]
    (folder / "secret_key").unlink()  # each copy makes its own
    return signing_key


def copy(tmp_path_factory, worker_id: str, to: Path) -> str:
    """A copy of the seeded var directory at `to`; returns the signing key (IDESK_SIGNING_KEY) it works with."""
    # Under xdist the session's directory is above each worker's own; without it, the session's own.
    base = tmp_path_factory.getbasetemp()
    shared = base if worker_id == "master" else base.parent
    template, key_file = shared / "seeded-var", shared / "seeded-var-signing-key"
    with open(shared / "seeded-var.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not key_file.exists():
            shutil.rmtree(template, ignore_errors=True)  # what a run stopped half-way left
            key_file.write_text(_made(template))  # last: its presence says the template is whole
    shutil.copytree(template, to)
    return key_file.read_text()
