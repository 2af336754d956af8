"""The whole run: the dataset, the machine, every section's results."""

from __future__ import annotations

import datetime
import json
import os
import platform
import time
from dataclasses import asdict, dataclass, field

import django
from django.db import connection
from django.test.utils import override_settings
from django.utils import timezone

from idesk.bench.exchange import measure_exchange
from idesk.bench.runner.compliance import ensure_month_computed, measure_compliance, previous_month
from idesk.bench.runner.find import measure_find
from idesk.bench.runner.memory import measure_memory
from idesk.bench.runner.numbering import measure_numbering
from idesk.bench.runner.options import TARGETS, Options, summarize, timings
from idesk.bench.runner.pages import measure_pages, pages
from idesk.bench.runner.pdfs import measure_pdfs
from idesk.bench.runner.personas import one_value, pick_personas
from idesk.bench.runner.search import measure_search
from idesk.bench.signing import measure_signing

# --- The whole run ----------------------------------------------------------------------------------------------------


def dataset() -> dict:
    from units.models import Unit

    counts = {}
    for label, table in [
        ("documents", "documents_document"),
        ("incoming_records", "documents_incomingrecord"),
        ("assignments", "documents_assignment"),
        ("deliveries", "documents_delivery"),
        ("audit_events", "documents_auditevent"),
        ("users", "accounts_user"),
        ("access_events", "accounts_accessevent"),
    ]:
        if connection.vendor == "postgresql":
            # The planner's estimate: exact counts of 10M rows would cost seconds and tell nothing more.
            counts[label] = one_value("SELECT reltuples::bigint FROM pg_class WHERE relname = %s", [table])
            if not counts[label] or counts[label] < 0:
                counts[label] = one_value(f"SELECT count(*) FROM {table}")
        else:
            counts[label] = one_value(f"SELECT count(*) FROM {table}")
    counts["units"] = Unit.objects.internal().count()
    return counts


def machine() -> dict:
    info = {
        "cpus": os.cpu_count(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "django": django.get_version(),
        "database": connection.vendor,
    }
    if connection.vendor == "postgresql":
        info["database"] = one_value("SHOW server_version")
        info["database"] = f"PostgreSQL {info['database']}"
    info["template_reference_ms"] = template_reference_ms()
    try:
        with open("/proc/meminfo") as meminfo:
            info["memory_gb"] = round(int(meminfo.readline().split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return info


def template_reference_ms(runs: int = 30) -> float:
    """This machine's speed where pages spend it: the median time of the floors' bare 50-row incoming table
    rendered from fixed values (no database). Pages' times move with it from one machine to another."""
    from django.template import engines

    from idesk.bench.runner.floors import INCOMING_TABLE

    template = engines["django"].from_string(INCOMING_TABLE)
    day = datetime.date(2026, 11, 18)
    row = (1, 1234, day, "123/UBND-VP", day, "UBND huyện Vân Canh", "V/v báo cáo kết quả", day, "Đang xử lý")
    rows = [(i, *row[1:]) for i in range(50)]
    return summarize(timings(lambda: template.render({"rows": rows}), runs, 3))["median"]


@dataclass
class Results:
    started: str
    machine: dict
    dataset: dict
    personas: dict
    targets: dict = field(default_factory=lambda: dict(TARGETS))
    pages: list = field(default_factory=list)
    search: dict = field(default_factory=dict)
    find: dict = field(default_factory=dict)
    compliance_day: dict = field(default_factory=dict)
    numbering: dict = field(default_factory=dict)
    pdf: dict = field(default_factory=dict)
    signing: dict = field(default_factory=dict)
    exchange: dict = field(default_factory=dict)
    memory: dict = field(default_factory=dict)
    seconds: float = 0.0


def run(opts: Options) -> Results:
    # Production-like rendering: the template engine without debug, no query log (CaptureQueriesContext still
    # counts queries). Settings derived from DEBUG when they were read (static files, security) stay as they are.
    with override_settings(DEBUG=False):
        return _run(opts)


def _run(opts: Options) -> Results:
    started = time.monotonic()
    log = opts.log
    p = pick_personas()
    results = Results(
        started=timezone.now().isoformat(timespec="seconds"),
        machine=machine(),
        dataset=dataset(),
        personas={name: {"username": u.username, "role": u.role, "unit": u.unit.name} for name, u in p.items()},
    )
    log(f"Machine: {results.machine}")
    log(f"Dataset: {results.dataset}")
    month = previous_month()
    page_list = pages(p, month)
    if opts.wants("pages"):
        ensure_month_computed(month, log)
        log("Pages:")
        results.pages = measure_pages(p, month, opts)
    if opts.wants("search"):
        log("Search over every incoming document:")
        results.search = measure_search(opts)
    if opts.wants("find"):
        log("The one search (incoming, issued, drafts, meetings) per persona:")
        results.find = measure_find(p, opts)
    if opts.wants("compliance"):
        log("Compliance:")
        results.compliance_day = measure_compliance(opts)
    if opts.wants("numbering"):
        log("Numbering:")
        results.numbering = measure_numbering(opts)
    if opts.wants("pdf"):
        log("PDF:")
        results.pdf = measure_pdfs(p, opts)
    if opts.wants("signing"):
        log("Signing (PAdES):")
        # --no-memory: no probe
        results.signing = measure_signing(runs=opts.signing_runs, warmup=min(2, opts.warmup), memory=opts.memory)
    if opts.wants("exchange"):
        log("Liên thông (edXML receiving):")
        results.exchange = measure_exchange(runs=opts.pdf_runs, batch=opts.exchange_batch, big_mb=opts.exchange_mb)
    if opts.memory and opts.wants("memory"):
        log("Memory:")
        results.memory = measure_memory(p, page_list, opts)
    results.seconds = round(time.monotonic() - started, 1)
    return results


def to_json(results: Results) -> str:
    return json.dumps(asdict(results), ensure_ascii=False, indent=1, default=str)
