"""The one search ("Tìm văn bản" in the top bar, /documents/find/): incoming records, issued documents, drafts and
meetings that each persona may see, the page as the browser gets it, for typical queries."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from idesk.bench.runner.options import FIND_SEARCHES, TARGETS, Options, summarize, timings
from idesk.bench.runner.personas import Personas, one_value


def find_queries(p: Personas) -> list[str]:
    """The fixed queries and a signer's name: the most frequent signer of the Chủ tịch's district."""
    signer = one_value(
        "SELECT d.signer_name FROM documents_document d JOIN documents_register g ON g.id = d.register_id "
        "WHERE g.unit_id = %s AND d.signer_name <> '' GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1",
        [p.leader.unit_id],
    )
    return [*FIND_SEARCHES, *([signer] if signer else [])]


def measure_find(p: Personas, opts: Options) -> dict:
    from documents.search import selectors
    from idesk.bench.runner.pages import logged_in_client

    rows, pooled = [], []
    for q in find_queries(p):
        for name, user in p.items():
            client = logged_in_client(user)

            def get(q=q, client=client, name=name):
                response = client.get("/documents/find/", {"q": q})
                if response.status_code != 200:
                    raise RuntimeError(f"/documents/find/?q={q} as {name}: HTTP {response.status_code}")
                return response

            samples = timings(get, opts.search_runs, 2)
            pooled += samples
            with CaptureQueriesContext(connection) as ctx:
                get()
            counts = selectors.search_all(user, q)  # what the page found, counted outside the timings
            rows.append(
                {
                    "q": q,
                    "persona": name,
                    "user": user.username,
                    "queries": len(ctx.captured_queries),
                    "found": {g.kind: g.count for g in counts},
                    **summarize(samples),
                }
            )
            r = rows[-1]
            opts.log(
                f"  find «{q}» as {name}: {r['found']}, median {r['median']:.0f} ms, p95 {r['p95']:.0f} ms, "
                f"{r['queries']} queries"
            )
    worst = max(r["p95"] for r in rows)
    # The count does not follow the number of matches: at most one more query when something matched (the Văn
    # bản đến search reads a few matches' page by id).
    queries = [r["queries"] for r in rows]
    constant = max(queries) - min(queries) <= 1
    return {
        "queries": rows,
        "pooled": summarize(pooled),
        "worst_p95": worst,
        "queries_min_max": [min(queries), max(queries)],
        "constant_queries": constant,
        "pass": worst <= TARGETS["search_p95_ms"] and constant,
    }
