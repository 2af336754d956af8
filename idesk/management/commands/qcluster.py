"""django-q2's `qcluster`, stopping in order on SIGTERM or SIGINT (overrides django_q's: see INSTALLED_APPS).

django-q2 1.11 leaves SIGTERM at its default in the sentinel and everything it forks (workers, pusher, monitor).
Supervisors signal the whole group (honcho's killpg, systemd's default KillMode=control-group), so the sentinel
died at once, a task in flight died with its worker, and the main process hung for good in the stop event's
notify(), waiting for the dead sentinel, until it was killed. Here only the main process acts on the signal: the
sentinel and its children let SIGTERM pass, the main process sets the stop event, the pusher stops fetching,
the workers finish the tasks already fetched (at most `queue_limit`) and the monitor records them; the tasks
still in the broker wait there for the next start.
"""

from __future__ import annotations

import os
import signal
import sys
import threading

from django.conf import settings
from django_q import cluster as q_cluster
from django_q.management.commands import qcluster


def _let_pass(signum, frame) -> None:
    """SIGTERM in the sentinel and its children: the main process stops them in order. A handler, not SIG_IGN,
    so that a program a task runs gets the default disposition back at exec."""


class _Sentinel(q_cluster.Sentinel):
    def __init__(self, *args, start: bool = True, **kwargs) -> None:
        super().__init__(*args, start=False, **kwargs)  # its __init__ sets SIGTERM back to the default
        signal.signal(signal.SIGTERM, _let_pass)  # inherited by the workers, the pusher and the monitor it forks
        if start:
            self.start()


class Command(qcluster.Command):
    help = "Chạy tiến trình nền (django-q2); SIGTERM hoặc Ctrl-C dừng nó êm: việc đang làm được làm xong."

    def handle(self, *args, **options) -> None:
        settings.SECRET_KEY  # noqa: B018 - the cluster signs its tasks: fail now, not in the sentinel
        if options.get("cluster_name"):
            os.environ["Q_CLUSTER_NAME"] = options["cluster_name"]
        if q_cluster.Sentinel.__name__ != "Sentinel":  # pragma: no cover - a django-q2 upgrade moved things
            raise RuntimeError("django_q.cluster.Sentinel is not django-q2's own: check this command")
        q_cluster.Sentinel = _Sentinel  # Cluster.start() forks the sentinel by this module-level name

        stop = threading.Event()

        def request_stop(signum, frame) -> None:
            stop.set()  # only a flag: the stop itself runs below, never twice and never inside a handler

        cluster = q_cluster.Cluster()
        signal.signal(signal.SIGTERM, request_stop)  # instead of the handlers Cluster() installed
        signal.signal(signal.SIGINT, request_stop)
        cluster.start()
        if options.get("run_once"):
            stop.set()
        while not stop.wait(0.5):
            if not cluster.sentinel.is_alive():
                # The sentinel died (broker unreachable, killed): exit non-zero so the supervisor restarts us.
                self.stderr.write(f"qcluster: the sentinel exited with code {cluster.sentinel.exitcode}")
                sys.exit(1)
        cluster.stop()
