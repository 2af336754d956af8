"""Gapless numbering from several threads in a unit of the benchmark's own."""

from __future__ import annotations

import threading
import time

from django.db import connections
from django.utils import timezone

from idesk.bench.runner.options import TARGETS, Options, summarize

NUMBERING_UNIT = "bench-numbering"


NUMBERING_CLERK = "bench.numbering"


def numbering_clerk():
    """The clerk of the benchmark's own unit (an external body, so no list, report or persona counts it)."""
    from accounts.models import Role, User
    from units.models import Unit, UnitKind

    unit, _ = Unit.objects.get_or_create(
        code=NUMBERING_UNIT, defaults={"name": "Bench: cấp số đồng thời", "kind": UnitKind.EXTERNAL}
    )
    clerk = User.objects.filter(username=NUMBERING_CLERK).select_related("unit").first()
    if clerk is None:
        clerk = User(username=NUMBERING_CLERK, full_name="Văn thư đo cấp số", unit=unit, role=Role.CLERK)
        clerk.set_unusable_password()
        clerk.save()
    return clerk


def _clear_numbering(unit) -> None:
    """Delete what the numbering benchmark registered in its unit (this run's, or an interrupted run's), so the
    dataset the other sections measure stays as generated."""
    from django.db.models import Q

    from accounts.evidence import erasing
    from documents.core.audit import ERASE_SETTING as AUDIT_ERASE_SETTING
    from documents.models import AuditEvent, Document, IncomingRecord, Register

    with erasing(AUDIT_ERASE_SETTING):
        rows = list(IncomingRecord.objects.filter(unit=unit).values_list("id", "document_id"))
        # Bench rows in a scratch database: the append-only rule is for the records of real work.
        # (A queryset delete inside erasing(): AuditEvent.delete() and the PostgreSQL trigger refuse otherwise.)
        AuditEvent.objects.filter(object_type="incomingrecord", object_id__in=[r for r, _ in rows]).delete()
        IncomingRecord.objects.filter(unit=unit).delete()
        Document.objects.filter(Q(pk__in=[d for _, d in rows]) | Q(register__unit=unit)).delete()
        Register.objects.filter(unit=unit).delete()


def measure_numbering(opts: Options) -> dict:
    """`threads` connections each register `per_thread` incoming documents through the real service
    (services.register_incoming, without files nor number-symbol, so without the duplicate check) into the
    register of the benchmark's own unit; then check 0 duplicates, 0 gaps, and delete what was registered."""
    from unittest import mock

    from documents.core import notify
    from documents.incoming import services
    from documents.models import IncomingRecord, Register, RegisterKind

    clerk = numbering_clerk()
    unit = clerk.unit
    _clear_numbering(unit)
    n, per_thread = opts.threads, opts.numbers_per_thread
    barrier = threading.Barrier(n + 1)
    errors: list[BaseException] = []
    txn_ms: list[float] = []
    lock = threading.Lock()

    def work(t: int) -> None:
        try:
            barrier.wait()
            mine = []
            for i in range(per_thread):
                data = services.IncomingData(issuer_name="Bench", summary=f"Đo cấp số {t}-{i}")
                t0 = time.perf_counter()
                services.register_incoming(clerk=clerk, data=data)
                mine.append((time.perf_counter() - t0) * 1000)
            with lock:
                txn_ms.extend(mine)
        except BaseException as exc:  # noqa: BLE001  (reported by the main thread)
            errors.append(exc)
        finally:
            connections.close_all()

    # The register row exists before the race, as it does for any unit after its first number of the year.
    year = timezone.localdate().year
    Register.objects.create(unit=unit, year=year, kind=RegisterKind.INCOMING, confidential=False)
    threads = [threading.Thread(target=work, args=(t,)) for t in range(n)]
    # What the registrations hand to the task queue after commit is not numbering: keep it out of the dataset.
    with mock.patch.object(notify, "later", lambda event, **ids: None):
        for thread in threads:
            thread.start()
        barrier.wait()
        c0, t0 = time.process_time(), time.perf_counter()
        for thread in threads:
            thread.join(timeout=600)
        elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
    if errors:
        _clear_numbering(unit)
        raise errors[0]
    numbers = list(IncomingRecord.objects.filter(unit=unit, year=year).values_list("arrival_number", flat=True))
    total = n * per_thread
    out = {
        "threads": n,
        "numbers": len(numbers),
        "seconds": round(elapsed, 2),
        "per_second": round(len(numbers) / elapsed, 1),
        # CPU of this process (all threads: Django, psycopg) per number; the database's own is not in it.
        "cpu_ms_per_number": round(cpu * 1000 / max(len(numbers), 1), 2),
        "duplicates": len(numbers) - len(set(numbers)),
        "gaps": total - len(set(numbers) & set(range(1, total + 1))),
        "last_number": Register.objects.get(unit=unit, year=year, kind=RegisterKind.INCOMING).last_number,
        "txn": summarize(txn_ms),
    }
    _clear_numbering(unit)
    out["pass"] = out["per_second"] >= TARGETS["numbers_per_s"] and out["duplicates"] == 0 and out["gaps"] == 0
    opts.log(
        f"  {out['numbers']} numbers from {n} threads in {out['seconds']} s: {out['per_second']}/s, "
        f"{out['duplicates']} duplicates, {out['gaps']} gaps (transaction p95 {out['txn']['p95']:.0f} ms, "
        f"{out['cpu_ms_per_number']} ms CPU a number in this process)"
    )
    return out
