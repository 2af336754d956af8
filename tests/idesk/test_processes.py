"""Processes that start and stop cleanly (issue 12): `make run` then Ctrl-C leaves nothing running, and the worker
stops in order on SIGTERM, finishing the task it holds. Real processes on a copy of the seeded demo's SQLite database
(tests/seeded_var.py): `make run` migrates and seeds it again, as on any start after the first."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from tests import seeded_var

ROOT, PYTHON = seeded_var.ROOT, seeded_var.PYTHON
# One worker runs both (make test): they share the module's copy. Under xdist they run mid-way, once the two servers'
# tests, run first, have made the seeded directory (tests/conftest.py).
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("processes"), pytest.mark.reuses_seeded_var]


def slow_task(marker: str) -> str:
    """Run by the worker under test: long enough to be in flight when the signal comes."""
    Path(marker + ".started").touch()
    time.sleep(2)
    Path(marker + ".done").touch()
    return "done"


@pytest.fixture(scope="module")
def var_dir(tmp_path_factory, worker_id) -> tuple[Path, str]:
    """A var directory of its own (never var/): a copy of the session's seeded one (tests/seeded_var.py), with the
    signing key its stored keys are encrypted under. The processes under test share it."""
    path = tmp_path_factory.mktemp("processes") / "var"
    return path, seeded_var.copy(tmp_path_factory, worker_id, path)


def _env(var_dir: tuple[Path, str], **extra: str) -> dict[str, str]:
    path, signing_key = var_dir
    return seeded_var.environment(path, Q_WORKERS="2", IDESK_SIGNING_KEY=signing_key, **extra)


def _children() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                ppid = int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError):
                continue
            kids.setdefault(ppid, []).append(int(entry))
    return kids


def _tree(root: int) -> list[int]:
    """The process and all its descendants, whatever session or group they moved to."""
    kids, found, todo = _children(), [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(kids.get(pid, []))
    return found


def _running(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _wait_for(path: Path, *needles: str, timeout: float = 120) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = path.read_text() if path.exists() else ""
        if all(n in text for n in needles):
            return text
        time.sleep(0.2)
    raise AssertionError(f"{needles} not seen within {timeout} s:\n{text[-3000:]}")


def _left_after(pids: list[int], seconds: float) -> list[int]:
    deadline = time.monotonic() + seconds
    while (left := [p for p in pids if _running(p)]) and time.monotonic() < deadline:
        time.sleep(0.1)
    return left


def _describe(pids: list[int]) -> str:
    return subprocess.run(["ps", "-o", "pid,ppid,pgid,stat,args", "-p", ",".join(map(str, pids))], text=True,
                          capture_output=True).stdout  # fmt: skip


def _kill_all(pids: list[int]) -> None:
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def test_make_run_then_ctrl_c_stops_web_and_worker_within_5_seconds(var_dir, tmp_path):
    """GIVEN `make run` up (seeded, web server answering, worker running) WHEN Ctrl-C (SIGINT to the terminal's
    process group) THEN every process it started is gone within 5 s, make prints no error, and the console held
    no demo e-mail, the server's address coming after the worker's start."""
    log = tmp_path / "make-run.log"
    port = seeded_var.free_port()
    with log.open("w") as out:
        make = subprocess.Popen(
            ["make", "-o", ".venv/.installed", "run", f"PORT={port}"],  # installed already: no pip from a test
            cwd=ROOT, env=_env(var_dir), stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    pids: list[int] = []
    try:
        text = _wait_for(log, f"Starting development server at http://127.0.0.1:{port}/", "] running.")
        time.sleep(1)  # let runserver's reloader child and every worker process settle
        pids = _tree(make.pid)
        assert len(pids) >= 8, _describe(pids)  # make, sh, honcho (+2), runserver (+child), qcluster (+4)
        os.killpg(make.pid, signal.SIGINT)  # what the terminal does on Ctrl-C
        left = _left_after(pids, 5)
        assert not left, "still running 5 s after Ctrl-C:\n" + _describe(left)
        make.wait(timeout=5)
        text = log.read_text()
        assert "make: ***" not in text, text[-2000:]
        assert "has stopped." in text  # the worker stopped in order, not killed
        assert "SIGKILL" not in text  # honcho never had to force anything
        assert "Subject:" not in text  # no e-mail printed by the console backend
    finally:
        _kill_all(pids)
    head = text.split("SIGINT received")[0]
    assert head.rindex("Starting development server") > head.rindex("Đã nạp dữ liệu mẫu")


def test_qcluster_on_sigterm_finishes_the_task_in_flight_and_leaves_nothing(var_dir, tmp_path):
    """GIVEN a worker running a 2-second task WHEN its whole process group gets SIGTERM (honcho, systemd)
    THEN the task completes and is recorded as a success, and every worker process is gone within 5 s."""
    marker = str(tmp_path / "task")
    enqueue = f"from django_q.tasks import async_task; async_task('{__name__}.slow_task', {marker!r})"
    subprocess.run([PYTHON, "manage.py", "shell", "-c", enqueue], cwd=ROOT, env=_env(var_dir), check=True)
    log = tmp_path / "qcluster.log"
    with log.open("w") as out:
        worker = subprocess.Popen(
            [PYTHON, "manage.py", "qcluster"], cwd=ROOT, env=_env(var_dir), stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    pids: list[int] = []
    try:
        deadline = time.monotonic() + 60
        while not Path(marker + ".started").exists():
            assert time.monotonic() < deadline and worker.poll() is None, log.read_text()[-3000:]
            time.sleep(0.05)
        pids = _tree(worker.pid)
        assert not Path(marker + ".done").exists()
        os.killpg(worker.pid, signal.SIGTERM)
        left = _left_after(pids, 5)
        assert not left, "still running 5 s after SIGTERM:\n" + _describe(left) + log.read_text()[-3000:]
        assert worker.wait(timeout=1) == 0
    finally:
        _kill_all(pids)
    assert Path(marker + ".done").exists(), log.read_text()[-3000:]
    with sqlite3.connect(var_dir[0] / "idesk.sqlite3") as db:
        done = db.execute("SELECT success FROM django_q_task WHERE func LIKE '%slow_task'").fetchall()
        queued = db.execute("SELECT count(*) FROM django_q_ormq").fetchone()[0]
    assert done == [(1,)]  # the monitor recorded it before stopping
    assert queued == 0  # and acknowledged it: it will not run again
