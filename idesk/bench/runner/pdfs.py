"""PDFs: the official PDF of a letter and a long register book."""

from __future__ import annotations

import statistics
import tempfile
import time

from django.db import transaction
from django.test.utils import override_settings

from idesk.bench.runner.options import LETTER_BODY, TARGETS, Options, summarize, timings
from idesk.bench.runner.personas import Personas, outgoing_document

# --- PDFs -------------------------------------------------------------------------------------------------------------


def measure_pdfs(p: Personas, opts: Options) -> dict:
    from documents.core import pdf
    from documents.models import Document
    from documents.outgoing import pdf as official_pdf

    out: dict = {}
    doc_id = outgoing_document(p.clerk)
    media = tempfile.mkdtemp(prefix="idesk-bench-media-")
    if doc_id is not None:
        document = Document.objects.get(pk=doc_id)
        counter = iter(range(10**9))

        def uncached():
            # A new body each run, so the content hash misses the cache: render, hash, store, count pages.
            official_pdf.official_pdf(document, extra={"body": f"{LETTER_BODY}\n(Lần đo {next(counter)})"})

        with override_settings(MEDIA_ROOT=media), transaction.atomic():
            cold = summarize(timings(uncached, opts.pdf_runs, 1))
            official_pdf.official_pdf(document, extra={"body": LETTER_BODY})
            warm = summarize(
                timings(lambda: official_pdf.official_pdf(document, extra={"body": LETTER_BODY}), opts.runs, 1)
            )
            transaction.set_rollback(True)
        out["official"] = {
            "document": doc_id,
            "uncached": cold,
            "cached": warm,
            "pass": cold["p95"] <= TARGETS["official_pdf_ms"],
        }
        opts.log(
            f"  official PDF: uncached median {cold['median']:.0f} ms p95 {cold['p95']:.0f}; "
            f"cached {warm['median']:.1f} ms"
        )

    book = register_book(p.clerk.unit, opts.register_entries)
    wall, cpu, size = [], [], 0
    for _ in range(opts.register_pdf_runs):
        c0, t0 = time.process_time(), time.perf_counter()
        content = pdf.register_book_pdf(book=book, template="documents/incoming/pdf/register.html")
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
        size = len(content)
    out["register"] = {
        "entries": len(book.rows),
        "pages": official_pdf.page_count(content),
        "bytes": size,
        "seconds": summarize([w * 1000 for w in wall]),
        "cpu_seconds": round(statistics.median(cpu), 2),
        "pass": statistics.median(wall) <= TARGETS["register_pdf_s"],
    }
    opts.log(
        f"  register PDF, {len(book.rows)} entries, {out['register']['pages']} pages: "
        f"{statistics.median(wall):.1f} s wall, {statistics.median(cpu):.1f} s CPU"
    )
    return out


def register_book(unit, entries: int):
    """A register book of `entries` rows: the unit's incoming register, its newest years first, as printed."""
    from documents.core import registers as core_registers
    from documents.incoming import registers
    from documents.models import IncomingRecord, RegisterKind

    rows: list = []
    years = IncomingRecord.objects.filter(unit=unit).values_list("year", flat=True).distinct().order_by("-year")
    for year in years:
        rows = registers.incoming_register_rows(unit=unit, year=year) + rows
        if len(rows) >= entries:
            break
    rows = rows[-entries:]
    heading = core_registers.book_heading(unit=unit, kind=RegisterKind.INCOMING, year=max(years, default=2026))
    return core_registers.RegisterBook(
        heading=heading,
        columns=registers.INCOMING_COLUMNS,
        rows=rows,
        first_number=rows[0].arrival_number if rows else None,
        last_number=rows[-1].arrival_number if rows else None,
    )
