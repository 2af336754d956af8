"""The accent-insensitive search over every incoming document, and its ranking."""

from __future__ import annotations

from idesk.bench.runner.options import RANKED_SEARCH, SEARCHES, TARGETS, Options, summarize, timings
from idesk.bench.runner.personas import one_value

# --- Search ---------------------------------------------------------------------------------------------------------


def search_everything(q: str, rows: int = 50) -> tuple[list, int]:
    """The Văn bản đến search over every incoming record (no one's visibility): the count (as the list shows it,
    capped) and the first page, as Paginator asks for them."""
    from accounts.models import User
    from documents.incoming import selectors
    from documents.models import IncomingRecord

    everyone = IncomingRecord.objects.filter(document__recalled_at__isnull=True)
    qs = selectors.filter_incoming(everyone, User(pk=0), selectors.IncomingFilters(box="tat_ca", q=q))
    count = qs.count()
    return list(qs[:rows]), count


def measure_search(opts: Options) -> dict:
    per_query, pooled = [], []
    for q in SEARCHES:
        first, count = search_everything(q)
        samples = timings(lambda q=q: search_everything(q), opts.search_runs, 1)
        pooled += samples
        per_query.append({"q": q, "matches": count, "documents": _documents_matching(q), **summarize(samples)})
        opts.log(
            f"  search «{q}»: {per_query[-1]['documents']} documents, the list says {count}, "
            f"median {per_query[-1]['median']:.0f} ms, p95 {per_query[-1]['p95']:.0f} ms"
        )
    ranking = _ranking_check()
    worst = max(r["p95"] for r in per_query)
    return {
        "queries": per_query,
        "pooled": summarize(pooled),
        "worst_p95": worst,
        "ranking": ranking,
        "pass": worst <= TARGETS["search_p95_ms"] and ranking["ok"],
    }


def _documents_matching(q: str) -> int | None:
    """Every document matching q (the list counts up to its cap), for the report; counted outside the timings."""
    from units.text import fold

    return one_value("SELECT count(*) FROM documents_document WHERE search_key LIKE %s", [f"%{fold(q)}%"])


def _ranking_check() -> dict:
    """On the first page of «quảng nam»: every row that holds the words as typed comes before any that does not."""
    from units.text import fold

    first, count = search_everything(RANKED_SEARCH)
    exact = [
        any(
            RANKED_SEARCH in text.lower()
            for text in (r.document.summary, r.document.issuer_name, r.document.number_symbol)
        )
        for r in first
    ]
    folded_only = sum(
        1 for r, e in zip(first, exact, strict=True) if not e and fold(RANKED_SEARCH) in r.document.search_key
    )
    ordered = all(not (later and not earlier) for earlier, later in zip(exact, exact[1:], strict=False))
    return {
        "q": RANKED_SEARCH,
        "first_page_exact": sum(exact),
        "first_page_accent_stripped": folded_only,
        "exact_first": ordered,
        "ok": ordered and (not first or exact[0]),
    }
