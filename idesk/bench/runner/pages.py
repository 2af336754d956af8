"""The main pages through the test client: server time and query counts against their floors."""

from __future__ import annotations

import datetime
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from idesk.bench.runner.floors import (
    Floor,
    compliance_floor,
    directory_floor,
    inbox_floor,
    outgoing_floor,
    register_floor,
    search_floor,
)
from idesk.bench.runner.options import RANKED_SEARCH, TARGETS, Options, summarize, timings
from idesk.bench.runner.personas import Personas, detail_record

# --- Pages --------------------------------------------------------------------------------------------------------


@dataclass
class Page:
    key: str
    label: str
    persona: str
    url: str
    floor: Callable[[int], Floor] | None = None  # rows → floor
    sized: bool = False  # a paginated list: its query count is compared at 10 and 50 rows
    rows: Callable[[int], list[int]] | None = None  # ids the page shows at n rows (for the same-rows check)


NAV_COUNTS_LABEL = "Số đếm hàng việc và các tab (sau trang Văn bản đến)"


def pages(p: Personas, month: tuple[datetime.date, datetime.date]) -> list[Page]:
    from documents.incoming import selectors
    from documents.models import IncomingRecord

    today = timezone.localdate()
    date_from, date_to = datetime.date(today.year - 2, 1, 1), datetime.date(today.year - 1, 12, 31)
    term = "triển khai"
    detail = detail_record(p.clerk)

    def incoming_ids(user, **filters):
        def ids(n: int) -> list[int]:
            rows = selectors.incoming_list(user, selectors.IncomingFilters(**filters))
            return [r.pk for r in rows[:n]]

        return ids

    out = [
        Page("home_clerk", "Bàn làm việc", "clerk", "/"),
        Page("home_leader", "Bàn làm việc", "leader", "/"),
        # The navigation's badges, which every other page fetches after itself (idesk.views.nav_counts), here with
        # the most tabs to count along: Văn bản đến's, which its list pages leave to this request.
        Page("nav_counts_clerk", NAV_COUNTS_LABEL, "clerk", "/dieu-huong/dem/?tabs=incoming"),
        Page("nav_counts_leader", NAV_COUNTS_LABEL, "leader", "/dieu-huong/dem/?tabs=incoming"),
        Page(
            "inbox_head",
            "Văn bản đến — Chờ xử lý",
            "head",
            "/documents/incoming/?box=cho_xu_ly",
            lambda n: inbox_floor(p.head, n),
            True,
            incoming_ids(p.head, box="cho_xu_ly"),
        ),
        Page(
            "inbox_leader",
            "Văn bản đến — Chờ xử lý",
            "leader",
            "/documents/incoming/?box=cho_xu_ly",
            lambda n: inbox_floor(p.leader, n),
            True,
            incoming_ids(p.leader, box="cho_xu_ly"),
        ),
        Page(
            "inbox_handler",
            "Văn bản đến — Chờ xử lý",
            "handler",
            "/documents/incoming/?box=cho_xu_ly",
            lambda n: inbox_floor(p.handler, n),
            True,
            incoming_ids(p.handler, box="cho_xu_ly"),
        ),
        Page(
            "register_clerk",
            "Sổ văn bản đến",
            "clerk",
            "/documents/incoming/?box=so",
            lambda n: register_floor(p.clerk, n),
            True,
            incoming_ids(p.clerk, box="so"),
        ),
        Page(
            "register_filtered_clerk",
            "Sổ văn bản đến, lọc (từ khóa + khoảng ngày)",
            "clerk",
            f"/documents/incoming/?box=so&q={term}&date_from={date_from:%d/%m/%Y}&date_to={date_to:%d/%m/%Y}",
            lambda n: register_floor(p.clerk, n, term, date_from, date_to),
            True,
            incoming_ids(p.clerk, box="so", q=term, date_from=date_from, date_to=date_to),
        ),
        Page(
            "search_leader",
            f"Tìm văn bản «{RANKED_SEARCH}»",
            "leader",
            f"/documents/search/?q={RANKED_SEARCH}",
            lambda n: search_floor(p.leader, n, RANKED_SEARCH),
            True,
            incoming_ids(p.leader, box="tat_ca", q=RANKED_SEARCH),
        ),
        Page(
            "outgoing_clerk",
            "Văn bản đi — Sổ văn bản đi",
            "clerk",
            "/documents/outgoing/?tab=da_phat_hanh",
            lambda n: outgoing_floor(p.clerk, n),
            True,
            _issued_ids(p.clerk),
        ),
        Page("detail_clerk", "Văn bản đến — chi tiết và dòng thời gian", "clerk", f"/documents/incoming/{detail}/"),
        Page(
            "compliance_leader",
            f"Tuân thủ truy cập — tháng {month[0]:%m/%Y}",
            "leader",
            f"/units/compliance/?from={month[0].isoformat()}&to={month[1].isoformat()}",
            lambda n: compliance_floor(*month, 50),
        ),
        Page("directory", "Danh bạ", "clerk", "/units/", lambda n: directory_floor(150)),
    ]
    assert IncomingRecord.objects.filter(pk=detail).exists()
    return out


def _issued_ids(user):
    def ids(n: int) -> list[int]:
        from documents.outgoing import selectors as outgoing_selectors

        return list(outgoing_selectors.issued(user).values_list("pk", flat=True)[:n])

    return ids


def logged_in_client(user) -> Client:
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    return client


def measure_pages(p: Personas, month, opts: Options) -> list[dict]:
    from idesk.lib.reports import freeze_loaded

    freeze_loaded()  # as idesk.wsgi does in a server once it has loaded, before its first request
    clients = {name: logged_in_client(user) for name, user in p.items()}
    users = dict(p.items())
    results = []
    small, large = opts.page_sizes
    for page in pages(p, month):
        client = clients[page.persona]

        def get(page=page, client=client):
            response = client.get(page.url)
            if response.status_code != 200:
                raise RuntimeError(f"{page.url} as {page.persona}: HTTP {response.status_code}")
            return response

        c0 = time.process_time()
        samples = timings(get, opts.runs, opts.warmup)
        # This process's CPU (Django, templates, the driver; not PostgreSQL's): steadier than wall time on a
        # shared machine, and what a faster machine would not make disappear.
        cpu_ms = (time.process_time() - c0) * 1000 / (opts.runs + opts.warmup)
        with CaptureQueriesContext(connection) as ctx:
            response = get()
        row: dict = {
            "key": page.key,
            "label": page.label,
            "user": f"{users[page.persona].username} ({page.persona})",
            "url": page.url,
            "bytes": len(response.content),
            "queries": len(ctx.captured_queries),
            **summarize(samples),
            "cpu_ms": round(cpu_ms, 1),
        }
        if page.sized:
            counts = {}
            for size in (small, large):
                with override_settings(IDESK_PAGE_SIZE=size), CaptureQueriesContext(connection) as ctx:
                    get()
                counts[size] = len(ctx.captured_queries)
            row["queries_by_rows"] = {str(k): v for k, v in counts.items()}
            row["constant_queries"] = counts[small] == counts[large]
        if page.floor is not None:
            floor = page.floor(large)
            fetched = floor.fetch()
            sql = summarize(timings(floor.fetch, opts.runs, opts.warmup))
            c0 = time.process_time()
            bare = summarize(timings(floor.render, opts.runs, opts.warmup))
            bare["cpu_ms"] = round((time.process_time() - c0) * 1000 / (opts.runs + opts.warmup), 1)
            row["floor"] = {"rows": len(fetched), "sql": sql, "floor": bare}
            row["ratio"] = round(row["median"] / bare["median"], 1) if bare["median"] else None
            if page.rows is not None:
                row["same_rows"] = page.rows(large) == [r[0] for r in fetched]
        row["pass"] = _page_pass(row)
        opts.log(_page_line(row))
        results.append(row)
    return results


def _page_pass(row: dict) -> bool:
    ok = row["p95"] <= TARGETS["page_p95_ms"]
    if row.get("ratio") is not None:
        ok = ok and row["ratio"] <= TARGETS["page_floor_ratio"]
    if "constant_queries" in row:
        ok = ok and row["constant_queries"]
    return ok


def _page_line(row: dict) -> str:
    floor = row.get("floor")
    extra = (
        f", floor {floor['floor']['median']:.1f} ms (SQL {floor['sql']['median']:.2f}), ×{row['ratio']}"
        if floor
        else ""
    )
    return (
        f"  {row['key']:<26} median {row['median']:7.1f} ms  p95 {row['p95']:7.1f} ms  cpu {row['cpu_ms']:5.1f}  "
        f"{row['queries']:>2} queries{extra}  {'pass' if row['pass'] else 'MISS'}"
    )
