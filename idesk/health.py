"""Is this installation working? One report for `GET /healthz` (monitoring, the reverse proxy) and
`manage.py check_health` (the operator, cron): the database answers, every migration is applied, the queue is
moving, every schedule runs, the file store takes a write.

The report says only ok or not and a few counts and times: never a path, a host name, a version or an error
message (those go to the log).
"""

from __future__ import annotations

import datetime
import logging
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

log = logging.getLogger(__name__)


def _seconds(delta: datetime.timedelta) -> int:
    return max(int(delta.total_seconds()), 0)


def _iso(moment: datetime.datetime | None) -> str | None:
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else None


def check_database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"ok": True}


def check_migrations() -> dict:
    # Every migration on disk against the applied ones (squashed migrations resolved by the loader), not only the
    # leaves: a hole in the history counts too.
    loader = MigrationLoader(connection)
    unapplied = len(set(loader.graph.nodes) - set(loader.applied_migrations))
    return {"ok": unapplied == 0, "unapplied": unapplied}


def check_queue(now: datetime.datetime) -> dict:
    """Tasks waiting for a worker: how many, and how long the oldest has waited. A worker that is down or stuck
    shows as a task waiting longer than IDESK_HEALTH_QUEUE_MAX_SECONDS."""
    from django_q.brokers import get_broker
    from django_q.conf import Conf
    from django_q.models import OrmQ

    limit = settings.IDESK_HEALTH_QUEUE_MAX_SECONDS
    if not Conf.ORM:
        # Redis keeps no enqueue time: only whether it answers and the queue's length.
        broker = get_broker()
        return {"ok": bool(broker.ping()), "waiting": broker.queue_size(), "oldest_waiting_seconds": None}
    # The ORM broker stamps `lock` with the enqueue time; a task taken by a worker is locked into the future
    # (and comes back, its lock passed, if that worker died).
    waiting = OrmQ.objects.filter(key=Conf.CLUSTER_NAME, lock__lte=now)
    count = waiting.count()
    oldest = waiting.order_by("lock").values_list("lock", flat=True).first() if count else None
    age = _seconds(now - oldest) if oldest else None
    return {"ok": age is None or age <= limit, "waiting": count, "oldest_waiting_seconds": age}


def check_schedules(now: datetime.datetime) -> dict:
    """Each schedule's last successful run and next run. A schedule is late when its next run is more than
    IDESK_HEALTH_SCHEDULE_GRACE_MINUTES in the past (no worker takes schedules), and failing when its last run
    failed (after the queue's retries, or while they are pending)."""
    from django.db.models import Max
    from django_q.models import Schedule, Success, Task

    grace = datetime.timedelta(minutes=settings.IDESK_HEALTH_SCHEDULE_GRACE_MINUTES)
    schedules = list(Schedule.objects.order_by("name", "id"))
    groups = {s.pk: s.name or str(s.pk) for s in schedules}  # the group django-q2 gives a schedule's tasks
    last_success = dict(
        Success.objects.filter(group__in=set(groups.values()))
        .values("group")
        .annotate(at=Max("stopped"))
        .values_list("group", "at")
    )
    last_task_ok = dict(Task.objects.filter(id__in=[s.task for s in schedules if s.task]).values_list("id", "success"))
    items = []
    for s in schedules:
        late = s.repeats != 0 and s.next_run is not None and s.next_run < now - grace
        failed = last_task_ok.get(s.task) is False
        items.append(
            {
                "name": s.name or s.func,
                "ok": not late and not failed,
                "last_success": _iso(last_success.get(groups[s.pk])),
                "next_run": _iso(s.next_run),
                "late": late,
                "last_run_failed": failed,
            }
        )
    return {"ok": all(item["ok"] for item in items), "items": items}


def check_files() -> dict:
    """The store takes a new file: what registering a document does first."""
    root = Path(settings.MEDIA_ROOT)
    root.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=root, prefix=".healthz-") as probe:
        probe.write(b"ok")
        probe.flush()
    return {"ok": True}


def report(now: datetime.datetime | None = None) -> dict:
    """Every check; one that raises is not ok (its error goes to the log, not into the report)."""
    now = now or timezone.now()
    checks: dict[str, dict] = {}

    def run(name, check, *args) -> bool:
        try:
            checks[name] = check(*args)
        except Exception:
            log.warning("health check %s failed", name, exc_info=True)
            checks[name] = {"ok": False}
        return checks[name]["ok"]

    if run("database", check_database):
        run("migrations", check_migrations)
        run("queue", check_queue, now)
        run("schedules", check_schedules, now)
    else:
        for name in ("migrations", "queue", "schedules"):
            checks[name] = {"ok": False}  # not checked: none of them can be read without the database
    run("files", check_files)
    healthy = all(check["ok"] for check in checks.values())
    return {"status": "ok" if healthy else "error", "time": _iso(now), "checks": checks}


def is_healthy(result: dict) -> bool:
    return result["status"] == "ok"


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """No login: monitoring asks it. 200 when everything works, 503 otherwise."""
    result = report()
    return JsonResponse(result, status=200 if is_healthy(result) else 503, json_dumps_params={"ensure_ascii": False})
