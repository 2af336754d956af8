"""The report in docs/performance.md, between its marks."""

from __future__ import annotations

from pathlib import Path

from idesk.bench.runner.runs import Results

# --- The report (docs/performance.md) ---------------------------------------------------------------------------------


MARK_START = "<!-- bench:start (written by manage.py bench; edit outside these marks) -->"


MARK_END = "<!-- bench:end -->"


def _ok(flag: bool | None) -> str:
    return "—" if flag is None else ("pass" if flag else "**miss**")


def _ms(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def markdown(r: Results) -> str:
    t = r.targets
    m = r.machine
    lines = [
        f"Measured {r.started} on {m.get('cpus')} CPU cores, {m.get('memory_gb', '?')} GB RAM, {m.get('database')}, "
        f"Python {m.get('python')}, Django {m.get('django')}; load average at the start "
        f"{' / '.join(str(x) for x in m.get('load_average', []))}; the machine's speed: a bare 50-row table "
        f"rendered in {_ms(m.get('template_reference_ms'), 2)} ms (the floors' template, fixed values). Dataset: "
        + ", ".join(f"{v:,} {k.replace('_', ' ')}" for k, v in r.dataset.items())
        + f". Whole run: {r.seconds:.0f} s.",
        "",
        "Personas: " + "; ".join(f"{k} = `{v['username']}` ({v['unit']})" for k, v in r.personas.items()) + ".",
        "",
        f"### Pages (server time through the test client; target p95 ≤ {t['page_p95_ms']:.0f} ms and ≤ "
        f"{t['page_floor_ratio']:.0f}× the floor, queries constant in the page size)",
        "",
        "| page | user | median ms | p95 ms | queries (10 / 50 rows) | rows | SQL floor ms "
        "| floor ms (SQL + bare template) "
        "| page / floor | target |",
        "|---|---|---:|---:|---|---:|---:|---:|---:|---|",
    ]
    for p in r.pages:
        floor = p.get("floor")
        by_rows = p.get("queries_by_rows")
        queries = f"{p['queries']}" + (f" ({' / '.join(str(v) for v in by_rows.values())})" if by_rows else "")
        if by_rows and not p.get("constant_queries"):
            queries += " **grows**"
        same = "" if p.get("same_rows", True) else " (rows differ)"
        lines.append(
            f"| {p['label']} | {p['user'].split(' (')[-1].rstrip(')')} | {_ms(p['median'])} | {_ms(p['p95'])} "
            f"| {queries} | {floor['rows'] if floor else '—'} | {_ms(floor['sql']['median'], 2) if floor else '—'} | "
            f"{_ms(floor['floor']['median']) if floor else '—'}{same} | {p['ratio'] if floor else '—'} "
            f"| {_ok(p['pass'])} |"
        )
    s = r.search
    if s:
        lines += [
            "",
            "### Search over every incoming document "
            f"(first 50 rows + count; target p95 ≤ {t['search_p95_ms']:.0f} ms)",
            "",
            "| query | documents matching | the list says | median ms | p95 ms |",
            "|---|---:|---:|---:|---:|",
        ]
        lines += [
            f"| {q['q']} | {q['documents'] or 0:,} | {q['matches']:,} | {_ms(q['median'])} | {_ms(q['p95'])} |"
            for q in s["queries"]
        ]
        rk = s["ranking"]
        lines += [
            "",
            f"All queries: median {_ms(s['pooled']['median'])} ms, p95 {_ms(s['pooled']['p95'])} ms; worst p95 "
            f"{_ms(s['worst_p95'])} ms — {_ok(s['pass'])}. Ranking «{rk['q']}»: first page {rk['first_page_exact']} "
            f"exact, {rk['first_page_accent_stripped']} accent-stripped only; exact first: "
            f"{'yes' if rk['exact_first'] else '**no**'}.",
        ]
    f = r.find
    if f:
        lines += [
            "",
            "### The one search, Tìm văn bản: incoming, issued, drafts and meetings each persona may see "
            f"(the page through the test client; target p95 ≤ {t['search_p95_ms']:.0f} ms, queries constant)",
            "",
            "| query | user | found (incoming / issued / drafts / meetings) | median ms | p95 ms | queries |",
            "|---|---|---|---:|---:|---:|",
        ]
        lines += [
            f"| {q['q']} | {q['persona']} | {' / '.join(f'{n:,}' for n in q['found'].values())} "
            f"| {_ms(q['median'])} | {_ms(q['p95'])} | {q['queries']} |"
            for q in f["queries"]
        ]
        lines += [
            "",
            f"All: median {_ms(f['pooled']['median'])} ms, p95 {_ms(f['pooled']['p95'])} ms; worst p95 "
            f"{_ms(f['worst_p95'])} ms; queries {' to '.join(str(n) for n in f['queries_min_max'])} whatever the "
            "matches: "
            f"{'yes' if f['constant_queries'] else '**no**'} — {_ok(f['pass'])}.",
        ]
    lines += ["", "### The rest", "", "| what | result | target | |", "|---|---|---|---|"]
    c = r.compliance_day
    if c:
        lines.append(
            f"| compliance report of one day ({c['day']}) | median {_ms(c['median'], 0)} ms, "
            f"p95 {_ms(c['p95'], 0)} ms, "
            f"{c['queries']} queries | ≤ {t['compliance_day_ms']:.0f} ms | {_ok(c['pass'])} |"
        )
        if c.get("month_summary"):
            lines.append(
                f"| then its month's summary for the dashboard | median {_ms(c['month_summary']['median'], 0)} ms, "
                f"p95 {_ms(c['month_summary']['p95'], 0)} ms | — | — |"
            )
    n = r.numbering
    if n:
        lines.append(
            f"| numbering, {n['threads']} threads, fresh register | {n['per_second']:.0f} numbers/s ({n['numbers']} in "
            f"{n['seconds']} s), {n['duplicates']} duplicates, {n['gaps']} gaps; transaction p95 "
            f"{_ms(n['txn']['p95'])} ms | ≥ {t['numbers_per_s']:.0f}/s, 0, 0 | {_ok(n['pass'])} |"
        )
    pdf = r.pdf
    if pdf.get("official"):
        o = pdf["official"]
        lines.append(
            f"| official PDF of a letter, uncached | median {_ms(o['uncached']['median'], 0)} ms, p95 "
            f"{_ms(o['uncached']['p95'], 0)} ms | ≤ {t['official_pdf_ms']:.0f} ms | {_ok(o['pass'])} |"
        )
        lines.append(
            f"| official PDF, cached (same content) | median {_ms(o['cached']['median'], 2)} ms, p95 "
            f"{_ms(o['cached']['p95'], 2)} ms | | |"
        )
    if pdf.get("register"):
        g = pdf["register"]
        lines.append(
            f"| register PDF, {g['entries']:,} entries ({g['pages']} pages) "
            f"| {g['seconds']['median'] / 1000:.1f} s wall, "
            f"{g['cpu_seconds']:.1f} s CPU | ≤ {t['register_pdf_s']:.0f} s | {_ok(g['pass'])} |"
        )
    if r.signing:
        lines.append(
            f"| digital signatures (PAdES): one leader signature, one verification, the issuing step | "
            f"median {_ms(r.signing['sign']['median'], 0)} / {_ms(r.signing['verify']['median'], 0)} / "
            f"{_ms(r.signing['issue']['median'], 0)} ms (CPU {_ms(r.signing['sign']['cpu_median'], 0)} / "
            f"{_ms(r.signing['verify']['cpu_median'], 0)} / {_ms(r.signing['issue']['cpu_median'], 0)}) "
            f"| ≤ {' / '.join(f'{v:.0f}' for v in r.signing['budgets_ms'].values())} ms | {_ok(r.signing['pass'])} |"
        )
    x = r.exchange
    if x:
        lines.append(
            f"| liên thông: receiving a {x['package_mb']:.0f} MB edXML package (inbox → parse → check → store → verify "
            f"→ Chờ vào sổ); {x['packages_per_min']} packages/min of {x['small_kb']} KB; peak Python heap "
            f"(tracemalloc) | median {_ms(x['receive_10mb']['median'], 0)} ms (CPU "
            f"{_ms(x['receive_10mb']['cpu_median'], 0)}); {x['packages_per_min']}/min; {x['peak_mb']:.0f} MB "
            f"| ≤ {x['budgets']['receive_10mb_ms']:.0f} ms; ≥ {x['budgets']['packages_per_min']:.0f}/min; "
            f"≤ {x['budgets']['peak_mb']:.0f} MB | {_ok(x['pass'])} |"
        )
        if x.get("send"):
            sx = x["send"]
            lines.append(
                f"| liên thông: sending {sx['batch']} packages of {x['small_kb']} KB through the worker's send task "
                f"(build → keep → POST to a loopback peer → sent) | {sx['packages_per_min']}/min "
                f"({sx['sent']}/{sx['batch']} sent) | ≥ {x['budgets']['packages_per_min']:.0f}/min | "
                f"{_ok(sx['all_sent'] and sx['packages_per_min'] >= x['budgets']['packages_per_min'])} |"
            )
    mem = r.memory
    if mem:
        w, k = mem["web"], mem["worker"]
        lines.append(
            f"| web process peak RSS (VmHWM), serving every page above 3 times | {w['pages']:.0f} MB (after start "
            f"{w['after_setup']})"
            + (f"; failed: {', '.join(w['failed'])}" if w.get("failed") else "")
            + f" | ≤ {t['rss_mb']:.0f} MB | {_ok(w['pages'] <= t['rss_mb'])} |"
        )
        lines.append(
            f"| the same process then serving a year's register book (PDF) and an official PDF | {w['pdfs']:.0f} MB "
            f"| ≤ {t['rss_mb']:.0f} MB | {_ok(w['pdfs'] <= t['rss_mb'])} |"
        )
        recycled = k.get("recycled_after") or []
        lines.append(
            f"| worker peak RSS (VmHWM) | {mem['worker_peak_mb']:.0f} MB (after start {k['after_setup']}, compliance "
            f"{k['compute_compliance']}, reminders {k['reminders']}"
            + (f", a 1,000-entry register book {k['register_pdf']}" if k.get("register_pdf") else "")
            + (
                f"; a fresh process after {', '.join(recycled)}, as django-q2 replaces a worker whose peak reached "
                "Q_CLUSTER max_rss"
                if recycled
                else ""
            )
            + f") | ≤ {t['rss_mb']:.0f} MB | {_ok(mem['worker_peak_mb'] <= t['rss_mb'])} |"
        )
    return "\n".join(lines) + "\n"


def write_markdown(path: Path, results: Results) -> None:
    """Put the generated tables between the marks of `path`, keeping what is written around them."""
    block = f"{MARK_START}\n{markdown(results)}{MARK_END}"
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if MARK_START in text and MARK_END in text:
        before, rest = text.split(MARK_START, 1)
        after = rest.split(MARK_END, 1)[1]
        text = before + block + after
    else:
        text = (text or "# Performance\n\n") + block + "\n"
    path.write_text(text, encoding="utf-8")
