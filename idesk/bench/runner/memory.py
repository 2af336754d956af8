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


def probe_worker(spec: dict) -> dict:
    """A worker running the daily tasks (the compliance computation with its refresh days, the reminders), then
    a long register book: books beyond a web request's size are export jobs, which the worker makes."""
    from idesk import tasks

    out = {"after_setup": vm_hwm_mb()}
    day = spec["day"]
    tasks.compute_compliance(scheduled_for=f"{day}T18:05:00+07:00")
    out["compute_compliance"] = vm_hwm_mb()
    tasks.send_daily_reminders(scheduled_for=f"{day}T07:30:00+07:00")
    out["reminders"] = vm_hwm_mb()
    if spec.get("register_entries"):
        from accounts.models import User
        from documents.core import pdf

        unit = User.objects.select_related("unit").get(pk=spec["register_user"]).unit
        book = register_book(unit, spec["register_entries"])
        pdf.register_book_pdf(book=book, template="documents/incoming/pdf/register.html")
        out["register_pdf"] = vm_hwm_mb()
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
    worker = run_probe(
        "worker",
        {"day": last_working_day().isoformat(), "register_entries": opts.register_entries, "register_user": p.clerk.pk},
    )
    out = {
        "web": web,
        "worker": worker,
        "web_peak_mb": web["pages"],  # serving the pages; the PDFs are reported beside it
        # the same process after a year's register book and an official PDF
        "web_pdf_peak_mb": web["pdfs"],
        "worker_peak_mb": max(v for k, v in worker.items() if v is not None),
    }
    out["pass"] = all(out[k] <= TARGETS["rss_mb"] for k in ("web_peak_mb", "web_pdf_peak_mb", "worker_peak_mb"))
    opts.log(f"  web process: {web}; worker: {worker}")
    return out
