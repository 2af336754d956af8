"""Peak memory (VmHWM) of a web process and of a worker, each in a fresh subprocess."""

from __future__ import annotations

import json
import os

from idesk.bench.proc import run_manage_probe, vm_mb
from idesk.bench.runner.compliance import last_working_day
from idesk.bench.runner.options import TARGETS, Options
from idesk.bench.runner.pages import Page, logged_in_client
from idesk.bench.runner.pdfs import register_book
from idesk.bench.runner.personas import Personas, one_value, outgoing_document

# --- Memory (subprocesses) --------------------------------------------------------------------------------------------


def vm_hwm_mb() -> float | None:
    """Peak resident set size of this process (VmHWM), in MB; None where /proc is missing."""
    return vm_mb("VmHWM")


def probe_web(spec: dict) -> dict:
    """A web process serving the pages (Django's WSGI handler, as the test client drives it), then PDFs."""
    from accounts.models import User
    from idesk.lib.reports import freeze_loaded

    freeze_loaded()  # as idesk.wsgi does once the server has loaded
    out = {"after_setup": vm_hwm_mb(), "failed": []}
    users = User.objects.in_bulk(spec["users"])
    clients = {uid: logged_in_client(users[uid]) for uid in users}
    for client in clients.values():
        client.raise_request_exception = False  # a failing page is reported, the probe goes on

    def get(uid: int, url: str) -> None:
        status = clients[uid].get(url).status_code
        if status != 200 and url not in out["failed"]:
            out["failed"].append(f"{url} ({status})")

    for _ in range(spec.get("rounds", 3)):
        for uid, url in spec["pages"]:
            get(uid, url)
    out["pages"] = vm_hwm_mb()
    for uid, url in spec.get("pdfs", []):
        get(uid, url)
    out["pdfs"] = vm_hwm_mb()
    return out


WORKER_STEPS = ["compute_compliance", "reminders", "register_pdf"]


def probe_worker(spec: dict) -> dict:
    """A worker running the daily tasks (the compliance computation with its refresh days, the reminders), then a
    long register book (books beyond a web request's size are export jobs, which the worker makes): the steps of
    `spec["steps"]` in order, stopping early where django-q2 would recycle the process (its peak has reached
    Q_CLUSTER's max_rss), so that the rest run in a fresh one, as they would in the worker."""
    import resource

    from django.conf import settings

    from idesk import tasks

    out = {"after_setup": vm_hwm_mb(), "done": []}
    day = spec["day"]
    max_rss_kb = settings.Q_CLUSTER.get("max_rss")
    for step in spec["steps"]:
        if step == "compute_compliance":
            tasks.compute_compliance(scheduled_for=f"{day}T18:05:00+07:00")
        elif step == "reminders":
            tasks.send_daily_reminders(scheduled_for=f"{day}T07:30:00+07:00")
        elif step == "register_pdf":
            from accounts.models import User
            from documents.core import pdf

            unit = User.objects.select_related("unit").get(pk=spec["register_user"]).unit
            book = register_book(unit, spec["register_entries"])
            pdf.register_book_pdf(book=book, template="documents/incoming/pdf/register.html")
        out[step] = vm_hwm_mb()
        out["done"].append(step)
        # django_q.worker.rss_check after each task, which reads ru_maxrss. Here the process's own VmHWM: this probe
        # was started by fork and exec from the bench, and Linux keeps the bench's peak in ru_maxrss across exec
        # (a django-q2 worker is forked from its cluster, whose peak is a fresh process's).
        peak_kb = (out[step] * 1024) if out[step] is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        if max_rss_kb and peak_kb >= max_rss_kb:
            break
    return out


def run_worker_probes(spec: dict) -> dict:
    """The worker's steps in as many fresh processes as django-q2's recycling makes: each step's peak, and after
    which steps a process was replaced."""
    out: dict = {"processes": [], "recycled_after": []}
    steps = list(spec["steps"])
    while steps:
        probe = run_probe("worker", {**spec, "steps": steps})
        out["processes"].append(probe)
        out.setdefault("after_setup", probe["after_setup"])
        for step in probe["done"]:
            out[step] = probe[step]
        steps = steps[len(probe["done"]) :]
        if steps:
            out["recycled_after"].append(probe["done"][-1])
    return out


def run_probe(kind: str, spec: dict) -> dict:
    """Run a probe in a fresh `manage.py bench --probe` process; returns what it printed (its VmHWM steps)."""
    env = {**os.environ, "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend"}
    return run_manage_probe(["bench", "--probe", kind, "--spec", json.dumps(spec)], f"probe {kind}", env=env)


def measure_memory(p: Personas, page_list: list[Page], opts: Options) -> dict:
    ids = dict(p.items())
    doc_id = outgoing_document(p.clerk)
    year = one_value("SELECT max(year) FROM documents_incomingrecord WHERE unit_id = %s", [p.clerk.unit_id])
    spec = {
        "users": [u.pk for u in ids.values()],
        "pages": [[ids[page.persona].pk, page.url] for page in page_list],
        "pdfs": [[p.clerk.pk, f"/documents/incoming/register/?year={year}&format=pdf"]]
        + ([[p.clerk.pk, f"/documents/outgoing/{doc_id}/official.pdf"]] if doc_id else []),
    }
    web = run_probe("web", spec)
    worker = run_worker_probes(
        {
            "day": last_working_day().isoformat(),
            "steps": WORKER_STEPS if opts.register_entries else WORKER_STEPS[:2],
            "register_entries": opts.register_entries,
            "register_user": p.clerk.pk,
        }
    )
    out = {
        "web": web,
        "worker": worker,
        "web_peak_mb": web["pages"],  # serving the pages; the PDFs are reported beside it
        # the same process after a year's register book and an official PDF
        "web_pdf_peak_mb": web["pdfs"],
        "worker_peak_mb": max(probe[step] for probe in worker["processes"] for step in probe["done"]),
    }
    out["pass"] = all(out[k] <= TARGETS["rss_mb"] for k in ("web_peak_mb", "web_pdf_peak_mb", "worker_peak_mb"))
    opts.log(f"  web process: {web}; worker: {worker}")
    return out
