"""One integration test with a real django-q2 worker (`manage.py qcluster`) against the test database."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def _database_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "postgresql":
        auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
        return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
    return f"sqlite:///{s['NAME']}"


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_turns_a_delivery_into_a_notification(monkeypatch, settings):
    """GIVEN committed data and a running qcluster WHEN a "delivered" event is enqueued through the broker
    THEN the worker process stores the clerk's notification and sends its e-mail, within 30 seconds."""
    if connection.vendor == "sqlite" and connection.creation.is_in_memory_db(connection.settings_dict["NAME"]):
        pytest.skip("the test database is in memory: a worker process cannot see it (runs on PostgreSQL)")

    from django_q.conf import Conf
    from django_q.tasks import async_task

    from accounts.models import Role, User
    from documents.models import Delivery, Document
    from idesk.models import Notification
    from units.models import Unit, UnitKind

    sender = Unit.objects.create(code="ubnd-test", name="UBND huyện Thử", kind=UnitKind.DISTRICT)
    commune = Unit.objects.create(code="xa-thu", name="UBND xã Thử", kind=UnitKind.COMMUNE, parent=sender)
    clerk = User.objects.create(
        username="vanthu.thu", full_name="Văn thư xã Thử", unit=commune, role=Role.CLERK, email="vt@example.vn"
    )
    doc = Document.objects.create(issuer_unit=sender, issuer_name=sender.name, summary="V/v thử hàng đợi")
    delivery = Delivery.objects.create(document=doc, sender_unit=sender, recipient_unit=commune)

    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update(
        DATABASE_URL=_database_url(),
        Q_WORKERS="1",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        PYTHONUNBUFFERED="1",
    )
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "qcluster"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        monkeypatch.setattr(Conf, "SYNC", False)  # through the ORM broker this time, not inline
        async_task("idesk.tasks.handle_event", "delivered", {"delivery_id": delivery.pk})
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and worker.poll() is None:
            found = Notification.objects.filter(recipient=clerk, dedup_key=f"delivered:{delivery.pk}").first()
            if found is not None and found.emailed_at is not None:
                break
            time.sleep(0.5)
        else:
            found = None
        assert found is not None, "no notification within 30 s; worker said:\n" + _stop(worker)
        assert found.title.startswith("Văn bản mới từ UBND huyện Thử")
    finally:
        _stop(worker)


def _stop(worker: subprocess.Popen) -> str:
    if worker.poll() is None:
        worker.send_signal(signal.SIGTERM)  # the cluster stops its own workers in order
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(timeout=5)
    try:
        os.killpg(worker.pid, signal.SIGKILL)  # anything left of its process group
    except ProcessLookupError:
        pass
    return worker.stdout.read() if worker.stdout else ""
