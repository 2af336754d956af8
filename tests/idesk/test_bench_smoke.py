"""The benchmark (`make bench`, idesk/bench/runner/) on tiny data, so it does not rot: every part runs and reports,
no target is asserted. Runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import override_settings

from idesk.bench import runner as bench
from idesk.bench import scale

# Numbering runs in threads with their own connections: the data must be committed.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def tiny_dataset(seeded):
    scale.generate(
        scale.Sizes(units=8, users=40, documents=400, access_events=3000, years=2, seed=77), log=lambda line: None
    )


def test_the_benchmark_measures_every_part_on_tiny_data(tiny_dataset, tmp_path):
    lines: list[str] = []
    opts = bench.Options(
        runs=2,
        warmup=1,
        search_runs=1,
        compliance_runs=1,
        pdf_runs=1,
        signing_runs=1,
        register_pdf_runs=1,
        register_entries=25,
        # SQLite's in-memory test database takes one writer at a time.
        threads=2 if connection.vendor == "postgresql" else 1,
        numbers_per_thread=5,
        exchange_mb=1.0,
        exchange_batch=2,
        memory=False,  # the probes run in-process below: a subprocess cannot see the test database
        log=lines.append,
    )

    results = bench.run(opts)

    assert {p["key"] for p in results.pages} >= {"inbox_head", "register_clerk", "outgoing_clerk", "directory"}
    for page in results.pages:
        assert page["queries"] > 0 and page["median"] > 0, page["key"]
        if "queries_by_rows" in page:
            assert set(page["queries_by_rows"]) == {"10", "50"}
        if "floor" in page:
            assert page["floor"]["floor"]["median"] > 0 and page["ratio"] is not None
    assert [q["q"] for q in results.search["queries"]] == bench.SEARCHES
    assert results.search["ranking"]["exact_first"]
    # The one search: every query as every persona, its groups counted and its query count bounded.
    find = results.find
    assert len(find["queries"]) == len(bench.find_queries(bench.pick_personas())) * 4
    assert {q["q"] for q in find["queries"]} >= set(bench.FIND_SEARCHES)
    for q in find["queries"]:
        assert set(q["found"]) == {"incoming", "issued", "drafts", "meetings"} and q["median"] > 0, q
    assert find["constant_queries"], find["queries_min_max"]
    assert "### The one search, Tìm văn bản" in bench.markdown(results)
    assert results.compliance_day["queries"] > 0
    assert results.numbering["numbers"] == opts.threads * 5
    assert results.numbering["duplicates"] == 0 and results.numbering["gaps"] == 0
    assert results.pdf["official"]["uncached"]["median"] > 0 and results.pdf["official"]["cached"]["median"] > 0
    assert results.pdf["register"]["entries"] == 25 and results.pdf["register"]["pages"] >= 1
    signing = results.signing
    assert all(signing[step]["median"] > 0 for step in ("sign", "verify", "issue")), signing
    assert "digital signatures (PAdES)" in bench.markdown(results)
    exchange = results.exchange
    assert exchange["landed"] == 1 + 1 + 1 + 2 and exchange["receive_10mb"]["median"] > 0, exchange
    assert exchange["packages_per_min"] > 0 and exchange["peak_mb"] > 0
    assert "liên thông: receiving a 1 MB edXML package" in bench.markdown(results)
    assert exchange["send"]["sent"] == 2 and "liên thông: sending 2 packages" in bench.markdown(results)

    assert json.loads(bench.to_json(results))["pages"][0]["key"] == results.pages[0]["key"]
    report = tmp_path / "performance.md"
    report.write_text("# Performance\n\nWritten by hand.\n")
    bench.write_markdown(report, results)
    bench.write_markdown(report, results)  # replaces its own block, keeps the rest
    text = report.read_text()
    assert text.count(bench.MARK_START) == 1 and "Written by hand." in text and "| Danh bạ |" in text


def test_the_memory_probes_report_peak_rss(tiny_dataset):
    personas = bench.pick_personas()
    with override_settings(DEBUG=False):
        web = bench.probe_web(
            {
                "users": [personas.clerk.pk],
                "pages": [[personas.clerk.pk, "/documents/incoming/?box=so"], [personas.clerk.pk, "/units/"]],
                "rounds": 1,
            }
        )
        spec = {
            "day": bench.last_working_day().isoformat(),
            "steps": ["compute_compliance", "reminders", "register_pdf"],
            "register_entries": 10,
            "register_user": personas.clerk.pk,
        }
        with override_settings(Q_CLUSTER={**settings.Q_CLUSTER, "max_rss": None}):  # this one holds pytest
            worker = bench.probe_worker(spec)
        # A process whose peak reached Q_CLUSTER's max_rss stops after its step, as django-q2 recycles it: the
        # rest run in a fresh process (run_worker_probes).
        with override_settings(Q_CLUSTER={**settings.Q_CLUSTER, "max_rss": 1}):
            recycled = bench.probe_worker(spec)
    assert recycled["done"] == ["compute_compliance"]
    if bench.vm_hwm_mb() is None:
        pytest.skip("no /proc/self/status here")
    assert web["after_setup"] <= web["pages"]
    assert worker["done"] == spec["steps"]
    assert worker["after_setup"] <= worker["reminders"] <= worker["register_pdf"]


def test_the_signing_memory_probe_signs_issues_and_verifies():
    from idesk.bench import signing

    out = signing.probe_memory(documents=2)  # in this process: `make bench` runs it in a fresh one, 50 documents
    assert out["documents"] == 2
    if out["peak"] is not None:
        assert out["after_setup"] <= out["after_first"] <= out["peak"]
