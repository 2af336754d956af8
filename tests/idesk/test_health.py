"""GET /healthz and manage.py check_health: healthy is 200, each real failure is 503, nothing private said."""

import datetime
import json
import socket

import django
import pytest
import time_machine
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.test import Client
from django.utils import timezone
from django_q.brokers import get_broker
from django_q.models import OrmQ, Schedule, Success, Task
from django_q.signing import SignedPackage

from accounts.models import AccessEvent

NOW = datetime.datetime(2027, 1, 4, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def worker_has_run(db, clock):
    """What a running worker leaves behind: every schedule's next run ahead, its last run a success."""
    OrmQ.objects.all().delete()
    for s in Schedule.objects.all():
        task_id = f"health-{s.pk}"
        Task.objects.create(
            id=task_id,
            name=f"run-{s.pk}",
            func=s.func,
            group=s.name,
            started=NOW - datetime.timedelta(minutes=5),
            stopped=NOW - datetime.timedelta(minutes=4),
            success=True,
        )
        s.task = task_id
        s.next_run = NOW + datetime.timedelta(minutes=5)
        s.save()


def healthz(client=None):
    response = (client or Client()).get("/healthz")
    return response, json.loads(response.content)


def test_a_working_installation_answers_200_without_login(worker_has_run):
    response, body = healthz()
    assert response.status_code == 200, body
    assert response["Content-Type"] == "application/json"
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "migrations", "queue", "schedules", "files"}
    assert all(check["ok"] for check in body["checks"].values())
    assert body["checks"]["migrations"]["unapplied"] == 0
    assert body["checks"]["queue"] == {"ok": True, "waiting": 0, "oldest_waiting_seconds": None}
    items = {item["name"]: item for item in body["checks"]["schedules"]["items"]}
    assert "Tính báo cáo tuân thủ truy cập hằng ngày" in items
    assert items["Tính báo cáo tuân thủ truy cập hằng ngày"]["last_success"] == "2027-01-04T15:56:00+07:00"


def test_the_report_says_nothing_private(worker_has_run):
    response, _ = healthz()
    text = response.content.decode()
    private = [
        str(settings.MEDIA_ROOT),
        str(settings.BASE_DIR),
        str(connection.settings_dict["NAME"]),
        socket.gethostname(),
        django.get_version(),
        "Traceback",
    ]
    assert not [p for p in private if p and p in text]


def test_a_signed_in_users_probe_is_not_a_visit(worker_has_run, chairman, clock):
    client = Client()
    client.force_login(chairman)
    clock.shift(datetime.timedelta(minutes=settings.IDESK_VISIT_GAP_MINUTES + 1))  # the next request would be a visit
    before = AccessEvent.objects.filter(user=chairman).count()
    response, _ = healthz(client)
    assert response.status_code == 200
    assert AccessEvent.objects.filter(user=chairman).count() == before
    client.get("/")  # the same client on a page does count: the exemption is the probe's alone
    assert AccessEvent.objects.filter(user=chairman).count() == before + 1


def test_an_unapplied_migration_is_503(worker_has_run):
    latest = MigrationRecorder.Migration.objects.filter(app="idesk").order_by("-name").first()
    MigrationRecorder(connection).record_unapplied("idesk", latest.name)  # as before `migrate` ran
    response, body = healthz()
    assert response.status_code == 503
    assert body["status"] == "error"
    assert body["checks"]["migrations"] == {"ok": False, "unapplied": 1}
    assert body["checks"]["database"]["ok"] and body["checks"]["files"]["ok"]


def test_a_store_that_takes_no_file_is_503(worker_has_run, settings, tmp_path):
    occupied = tmp_path / "not-a-folder"
    occupied.write_text("a file where the store should be")
    settings.MEDIA_ROOT = occupied / "media"
    response, body = healthz()
    assert response.status_code == 503
    assert body["checks"]["files"] == {"ok": False}
    assert str(tmp_path) not in response.content.decode()
    settings.MEDIA_ROOT = tmp_path / "media"  # a store that does not exist yet is created, as files.store would
    assert healthz()[0].status_code == 200
    assert not list((tmp_path / "media").iterdir())  # the probe leaves nothing behind


def test_a_task_waiting_longer_than_the_limit_means_the_queue_is_stalled(worker_has_run, clock):
    clock.move_to(NOW - datetime.timedelta(minutes=16))
    get_broker().enqueue(SignedPackage.dumps({"id": "waiting", "name": "waiting", "func": "math.floor", "args": (1,)}))
    clock.move_to(NOW - datetime.timedelta(minutes=1))
    response, body = healthz()
    assert response.status_code == 200
    assert body["checks"]["queue"] == {"ok": True, "waiting": 1, "oldest_waiting_seconds": 900}
    clock.move_to(NOW)  # nobody took it: no worker is running
    response, body = healthz()
    assert response.status_code == 503
    assert body["checks"]["queue"] == {"ok": False, "waiting": 1, "oldest_waiting_seconds": 960}
    OrmQ.objects.update(lock=timezone.now() + datetime.timedelta(seconds=420))  # a worker took it
    response, body = healthz()
    assert response.status_code == 200
    assert body["checks"]["queue"]["waiting"] == 0


def test_a_late_or_failed_schedule_is_503(worker_has_run):
    daily = Schedule.objects.get(func="idesk.tasks.compute_compliance")
    Schedule.objects.filter(pk=daily.pk).update(next_run=NOW - datetime.timedelta(minutes=31))
    response, body = healthz()
    assert response.status_code == 503
    late = [item for item in body["checks"]["schedules"]["items"] if not item["ok"]]
    assert [(i["name"], i["late"], i["last_run_failed"]) for i in late] == [(daily.name, True, False)]

    Schedule.objects.filter(pk=daily.pk).update(next_run=NOW - datetime.timedelta(minutes=29))  # within grace
    assert healthz()[0].status_code == 200

    Task.objects.filter(id=daily.task).update(success=False)  # its last run raised
    response, body = healthz()
    assert response.status_code == 503
    failed = [item for item in body["checks"]["schedules"]["items"] if not item["ok"]]
    assert [(i["name"], i["late"], i["last_run_failed"]) for i in failed] == [(daily.name, False, True)]
    assert failed[0]["last_success"] is None  # its only run failed
    assert Success.objects.filter(group=daily.name).count() == 0


def test_check_health_prints_the_report_and_fails_when_unhealthy(worker_has_run, capsys):
    call_command("check_health")
    assert json.loads(capsys.readouterr().out)["status"] == "ok"

    MigrationRecorder(connection).record_unapplied("idesk", "0001_initial")
    with pytest.raises(CommandError) as failure:
        call_command("check_health")
    assert failure.value.returncode == 1
    assert "migrations" in str(failure.value)
    printed = json.loads(capsys.readouterr().out)
    assert printed["status"] == "error" and printed["checks"]["migrations"]["unapplied"] >= 1


def test_a_plain_http_probe_is_answered_where_pages_redirect_to_https(worker_has_run, settings):
    settings.SECURE_SSL_REDIRECT = True
    client = Client()
    assert client.get("/accounts/login/").status_code == 301
    response, body = healthz(client)
    assert response.status_code == 200 and body["status"] == "ok"
