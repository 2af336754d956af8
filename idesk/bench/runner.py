"""The benchmark behind `make bench` (issue 8), on a dataset made by `generate_scale_data`.

What it measures, each over repeated runs (median and p95):
- the main pages through Django's test client as users picked from the dataset (a commune clerk, a department
  head, the Chủ tịch = a district leader, the busiest handler): server time and SQL query count, and the query
  count at 10 and at 50 rows a page (it must not grow);
- a **floor** for each list page: the same rows by one hand-written SQL query through the same connection and a
  bare template of them (a plain table, no layout); the page is judged against it (page/floor ratio);
- the accent-insensitive search over every incoming document, with its ranking of exact diacritics first;
- one day's compliance computation; gapless numbering from 8 threads; the official PDF of a letter and a
  1,000-entry register PDF; the peak memory (VmHWM) of a web process and of a worker, each in a subprocess.

Targets are goals, not tests: the results say pass or miss. Pages are rendered with DEBUG off (the production
template engine, no query log), whatever the environment says.

Run it on a scratch database: it stores compliance days, writes read receipts as the personas, and registers
documents in a unit of its own (`bench-numbering`, with its clerk), deleting them after counting them.
"""

from __future__ import annotations

import datetime
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import django
from django.conf import settings
from django.db import connection, connections, transaction
from django.template import engines
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

TARGETS = {
    "page_p95_ms": 30.0,
    "page_floor_ratio": 3.0,
    "search_p95_ms": 150.0,
    "compliance_day_ms": 250.0,
    "numbers_per_s": 500.0,
    "official_pdf_ms": 150.0,
    "register_pdf_s": 15.0,
    "rss_mb": 150.0,
}

SEARCHES = [
    "quảng nam",
    "chuyển đổi số",
    "phòng cháy, chữa cháy",
    "Hoài Ân",
    "báo cáo kết quả",
    "4321/QĐ-UBND",
    "lũ quét",
]
RANKED_SEARCH = "quảng nam"  # "Quảng Nam" must rank above "Tuyên Quang năm"

LETTER_BODY = "\n".join(
    [
        "Thực hiện Kế hoạch số 45/KH-UBND ngày 12/01/2026 của Ủy ban nhân dân tỉnh về chuyển đổi số năm 2026;",
        "Để bảo đảm việc gửi, nhận văn bản điện tử thông suốt giữa các cơ quan, đơn vị, Ủy ban nhân dân huyện đề nghị:",
        "- Thủ trưởng các phòng, ban, ngành và Chủ tịch UBND các xã, thị trấn chỉ đạo văn thư "
        "đăng nhập **ít nhất hai lần"
        " mỗi ngày làm việc** để tiếp nhận văn bản đến;",
        "- Văn bản đến phải được vào sổ, trình lãnh đạo trong ngày; văn bản có độ khẩn được xử lý *ngay khi nhận*;",
        "- Không gửi kèm bản giấy đối với giấy mời, tài liệu họp và bản sao văn bản, trừ trường hợp quy định;",
        "- Định kỳ hằng tháng báo cáo kết quả thực hiện về Văn phòng HĐND và UBND huyện trước ngày 25.",
        "Đề nghị các cơ quan, đơn vị nghiêm túc triển khai thực hiện. Trong quá trình thực hiện, nếu có khó khăn,"
        " vướng mắc, báo cáo về Văn phòng HĐND và UBND huyện để tổng hợp, trình Ủy ban nhân dân huyện xem xét,"
        " giải quyết./.",
    ]
)


# --- Numbers ------------------------------------------------------------------------------------------------------


def summarize(samples: list[float]) -> dict:
    """Median and p95 (nearest rank) of timings in ms."""
    s = sorted(samples)
    if not s:
        return {"median": None, "p95": None, "min": None, "max": None, "runs": 0}
    p95 = s[max(0, math.ceil(0.95 * len(s)) - 1)]
    return {
        "median": round(statistics.median(s), 2),
        "p95": round(p95, 2),
        "min": round(s[0], 2),
        "max": round(s[-1], 2),
        "runs": len(s),
    }


def timings(fn: Callable[[], object], runs: int, warmup: int = 2) -> list[float]:
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


@dataclass
class Options:
    runs: int = 30
    warmup: int = 3
    search_runs: int = 15
    compliance_runs: int = 5
    pdf_runs: int = 10
    register_pdf_runs: int = 2
    register_entries: int = 1000
    threads: int = 8
    numbers_per_thread: int = 250
    memory: bool = True
    page_sizes: tuple[int, int] = (10, 50)
    only: frozenset[str] = frozenset()  # some of SECTIONS; empty: all
    log: Callable[[str], None] = print

    def wants(self, section: str) -> bool:
        return not self.only or section in self.only


SECTIONS = ("pages", "search", "compliance", "numbering", "pdf", "memory")


# --- The people and things measured --------------------------------------------------------------------------


def _one(sql: str, params: list | tuple = ()) -> int | None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return row[0] if row else None


@dataclass
class Personas:
    clerk: object  # văn thư of the commune with the most incoming records
    head: object  # thủ trưởng of the department with the most records waiting for them
    leader: object  # Chủ tịch: leader of the district with the most incoming records
    handler: object  # the person with the most open assignments (chủ trì or phối hợp)

    def items(self) -> list[tuple[str, object]]:
        return [("clerk", self.clerk), ("head", self.head), ("leader", self.leader), ("handler", self.handler)]


_BUSIEST_UNIT = "(SELECT count(*) FROM documents_incomingrecord r WHERE r.unit_id = u.unit_id)"


def pick_personas() -> Personas:
    from accounts.models import User

    def by_unit_size(role: str, kind: str, extra: str = "") -> int | None:
        return _one(
            "SELECT u.id FROM accounts_user u JOIN units_unit n ON n.id = u.unit_id "
            f"WHERE u.role = %s AND u.is_active AND n.kind = %s ORDER BY {extra}{_BUSIEST_UNIT} DESC, u.id LIMIT 1",
            [role, kind],
        )

    clerk = by_unit_size("clerk", "commune")
    head = by_unit_size(
        "head",
        "department",
        "(SELECT count(*) FROM documents_incomingrecord s WHERE s.submitted_to_id = u.id AND s.status = 'submitted') "
        "DESC, ",
    )
    leader = by_unit_size("leader", "district")
    handler = _one(
        "SELECT a.assignee_user_id FROM documents_assignment a JOIN documents_incomingrecord r ON r.id = a.record_id "
        "WHERE a.status = 'pending' AND a.role IN ('lead', 'coop') AND r.status = 'in_progress' "
        "AND a.assignee_user_id IS NOT NULL GROUP BY a.assignee_user_id ORDER BY count(*) DESC, 1 LIMIT 1"
    )
    if not all([clerk, head, leader, handler]):
        raise RuntimeError("The database holds no generated dataset: run manage.py generate_scale_data first.")
    users = User.objects.select_related("unit").in_bulk([clerk, head, leader, handler])
    return Personas(clerk=users[clerk], head=users[head], leader=users[leader], handler=users[handler])


def _detail_record(clerk) -> int:
    """The clerk's record with the longest timeline among the recent ones."""
    return _one(
        "SELECT r.id FROM documents_incomingrecord r WHERE r.unit_id = %s AND r.secrecy = 0 "
        "ORDER BY (SELECT count(*) FROM documents_auditevent e WHERE e.object_type = 'incomingrecord' "
        "AND e.object_id = r.id) DESC, r.arrived_at DESC LIMIT 1",
        [clerk.unit_id],
    )


def _outgoing_document(clerk) -> int | None:
    return _one(
        "SELECT d.id FROM documents_document d JOIN documents_register g ON g.id = d.register_id "
        "WHERE g.unit_id = %s AND d.secrecy = 0 ORDER BY d.issued_at DESC NULLS LAST, d.id DESC LIMIT 1",
        [clerk.unit_id],
    )


# --- Floors: the same rows by one SQL query and a bare template ---------------------------------------------------

INCOMING_COLUMNS = (
    "r.id, r.arrival_number, r.arrived_at, d.number_symbol, d.issued_date, d.issuer_name, d.summary, r.due_date, "
    "r.status, r.urgency"
)
INCOMING_FROM = (
    "FROM documents_incomingrecord r JOIN documents_document d ON d.id = r.document_id "
    "WHERE r.secrecy = 0 AND d.recalled_at IS NULL"
)
INCOMING_ORDER = "r.urgency DESC, r.arrived_at DESC, r.id DESC"
INCOMING_TABLE = (
    "<table>{% for r in rows %}<tr><td>{{ r.1 }}</td><td>{{ r.2|date:'d/m/Y' }}</td><td>{{ r.3 }}</td>"
    "<td>{{ r.4|date:'d/m/Y' }}</td><td>{{ r.5 }}</td><td><a href=\"/documents/incoming/{{ r.0 }}/\">{{ r.6 }}</a>"
    "</td><td>{{ r.7|date:'d/m/Y' }}</td><td>{{ r.8 }}</td></tr>{% endfor %}</table>"
)
OUTGOING_TABLE = (
    '<table>{% for r in rows %}<tr><td><a href="/documents/outgoing/{{ r.0 }}/">{{ r.1 }}</a></td>'
    "<td>{{ r.2|date:'d/m/Y' }}</td><td>{{ r.3 }}</td><td>{{ r.4 }}</td><td>{{ r.5 }}/{{ r.6 }}</td></tr>"
    "{% endfor %}</table>"
)
COMPLIANCE_TABLE = (
    '<table>{% for r in rows %}<tr><td><a href="/units/compliance/{{ r.1 }}/">{{ r.2 }}</a></td><td>{{ r.3 }}</td>'
    "<td>{{ r.4 }}/{{ r.5 }}</td><td>{{ r.6 }}</td><td>{{ r.7 }}</td></tr>{% endfor %}</table>"
)
DIRECTORY_TABLE = (
    "{% for u in units %}<h2>{{ u.1 }}</h2><table>{% for p in u.2 %}<tr><td>{{ p.1 }}</td><td>{{ p.2 }}</td>"
    "<td>{{ p.3 }}</td><td>{{ p.4 }}</td><td>{{ p.5 }}</td></tr>{% endfor %}</table>{% endfor %}"
)


@dataclass
class Floor:
    """One SQL query (rows) and a bare template; `shape` turns the fetched rows into the template's context."""

    sql: str
    params: list
    template: str
    shape: Callable[[list], dict] = lambda rows: {"rows": rows}

    def fetch(self) -> list:
        with connection.cursor() as cursor:
            cursor.execute(self.sql, self.params)
            return cursor.fetchall()

    def render(self) -> str:
        return _bare(self.template).render(self.shape(self.fetch()))


_BARE: dict[str, object] = {}


def _bare(source: str):
    if source not in _BARE:
        _BARE[source] = engines["django"].from_string(source)
    return _BARE[source]


def _mine(user) -> tuple[str, list]:
    """Assignments the user holds: to them, or to their unit while undelegated when they lead it."""
    from documents.core import roles

    if roles.leads_unit(user):
        return "(a.assignee_user_id = %s OR (a.assignee_unit_id = %s AND a.assignee_user_id IS NULL))", [
            user.pk,
            user.unit_id,
        ]
    return "a.assignee_user_id = %s", [user.pk]


def inbox_floor(user, rows: int) -> Floor:
    """Chờ xử lý: submitted to me and waiting for my direction, or assigned to me and not started."""
    mine, params = _mine(user)
    return Floor(
        f"SELECT {INCOMING_COLUMNS} {INCOMING_FROM} AND r.id IN ("
        "SELECT s.id FROM documents_incomingrecord s WHERE s.submitted_to_id = %s AND s.status = 'submitted' "
        "UNION ALL SELECT a.record_id FROM documents_assignment a "
        "JOIN documents_incomingrecord x ON x.id = a.record_id "
        f"WHERE {mine} AND a.status = 'pending' AND a.role IN ('lead', 'coop') AND x.status = 'in_progress'"
        f") ORDER BY {INCOMING_ORDER} LIMIT %s",
        [user.pk, *params, rows],
        INCOMING_TABLE,
    )


def register_floor(user, rows: int, q: str = "", date_from=None, date_to=None) -> Floor:
    where, params, order, order_params = _search_sql(q)
    if date_from:
        where += " AND r.arrived_at >= %s"
        params.append(_local_start(date_from))
    if date_to:
        where += " AND r.arrived_at < %s"
        params.append(_local_start(date_to + datetime.timedelta(days=1)))
    return Floor(
        f"SELECT {INCOMING_COLUMNS} {INCOMING_FROM} AND r.unit_id = %s{where} ORDER BY {order} LIMIT %s",
        [user.unit_id, *params, *order_params, rows],
        INCOMING_TABLE,
    )


def _search_sql(q: str) -> tuple[str, list, str, list]:
    """The search condition and, when the words were typed with diacritics, the exact matches ranked first."""
    from units.text import fold

    if not q:
        return "", [], INCOMING_ORDER, []
    where, params = " AND d.search_key LIKE %s", [f"%{fold(q)}%"]
    if fold(q) == q.lower():
        return where, params, INCOMING_ORDER, []
    like = "ILIKE" if connection.vendor == "postgresql" else "LIKE"  # SQLite's LIKE ignores ASCII case
    order = f"(d.summary {like} %s OR d.issuer_name {like} %s OR d.number_symbol {like} %s) DESC, " + INCOMING_ORDER
    return where, params, order, [f"%{q}%"] * 3


def search_floor(user, rows: int, q: str) -> Floor:
    """Everything the user may see (the unit's register, submitted or assigned to them) matching q."""
    from documents.core import roles

    branches = [
        ("SELECT s.id FROM documents_incomingrecord s WHERE s.submitted_to_id = %s", user.pk),
        ("SELECT a.record_id FROM documents_assignment a WHERE a.assignee_user_id = %s", user.pk),
    ]
    if roles.sees_unit_register(user):
        branches.append(("SELECT s.id FROM documents_incomingrecord s WHERE s.unit_id = %s", user.unit_id))
    if roles.leads_unit(user):
        branches.append(("SELECT a.record_id FROM documents_assignment a WHERE a.assignee_unit_id = %s", user.unit_id))
    where, search_params, order, order_params = _search_sql(q)
    return Floor(
        f"SELECT {INCOMING_COLUMNS} {INCOMING_FROM} AND r.id IN ({' UNION ALL '.join(b[0] for b in branches)})"
        f"{where} ORDER BY {order} LIMIT %s",
        [*(b[1] for b in branches), *search_params, *order_params, rows],
        INCOMING_TABLE,
    )


def outgoing_floor(user, rows: int) -> Floor:
    return Floor(
        "SELECT d.id, d.number_symbol, d.issued_date, d.summary, d.signer_name, "
        "(SELECT count(*) FROM documents_delivery x WHERE x.document_id = d.id AND x.status = 'registered'), "
        "(SELECT count(*) FROM documents_delivery x WHERE x.document_id = d.id) "
        "FROM documents_document d JOIN documents_register g ON g.id = d.register_id "
        "WHERE g.unit_id = %s AND d.secrecy = 0 ORDER BY d.issued_at DESC, d.id DESC LIMIT %s",
        [user.unit_id, rows],
        OUTGOING_TABLE,
    )


def compliance_floor(start: datetime.date, end: datetime.date, rows: int) -> Floor:
    """The dashboard's table: each unit's month (days, compliant days, breaches, visits), worst first, a page."""
    return Floor(
        "SELECT c.unit_id, n.code, n.name, count(*) FILTER (WHERE c.in_breach), count(*) FILTER (WHERE c.compliant), "
        "count(*), sum(c.visits), sum(c.overdue) FROM idesk_unitcompliance c JOIN units_unit n ON n.id = c.unit_id "
        "WHERE c.date BETWEEN %s AND %s GROUP BY c.unit_id, n.code, n.name, n.sort_order "
        "ORDER BY count(*) FILTER (WHERE c.in_breach) DESC, count(*) FILTER (WHERE c.compliant) - count(*), "
        "n.sort_order, n.code LIMIT %s",
        [start, end, rows],
        COMPLIANCE_TABLE,
    )


def directory_floor(people: int) -> Floor:
    def shape(rows: list) -> dict:
        units: dict[int, list] = {}
        for unit_id, unit_name, *person in rows:
            units.setdefault(unit_id, [unit_id, unit_name, []])[2].append(person)
        return {"units": list(units.values())}

    return Floor(
        "SELECT n.id, n.name, p.id, p.full_name, p.position, p.username, p.phone, p.email FROM units_unit n "
        "JOIN accounts_user p ON p.unit_id = n.id AND p.is_active WHERE n.kind <> 'external' AND n.active "
        "ORDER BY n.sort_order, n.name, p.sort_order, p.full_name LIMIT %s",
        [people],
        DIRECTORY_TABLE,
        shape,
    )


def _local_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


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


def pages(p: Personas, month: tuple[datetime.date, datetime.date]) -> list[Page]:
    from documents.incoming import selectors
    from documents.models import IncomingRecord

    today = timezone.localdate()
    date_from, date_to = datetime.date(today.year - 2, 1, 1), datetime.date(today.year - 1, 12, 31)
    term = "triển khai"
    detail = _detail_record(p.clerk)

    def incoming_ids(user, **filters):
        def ids(n: int) -> list[int]:
            rows = selectors.incoming_list(user, selectors.IncomingFilters(**filters))
            return [r.pk for r in rows[:n]]

        return ids

    out = [
        Page("home_clerk", "Bàn làm việc", "clerk", "/"),
        Page("home_leader", "Bàn làm việc", "leader", "/"),
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


def _client(user) -> Client:
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    return client


def measure_pages(p: Personas, month, opts: Options) -> list[dict]:
    clients = {name: _client(user) for name, user in p.items()}
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

    return _one("SELECT count(*) FROM documents_document WHERE search_key LIKE %s", [f"%{fold(q)}%"])


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


# --- Compliance, numbering ------------------------------------------------------------------------------------------


def last_working_day() -> datetime.date:
    from units.calendar import WorkCalendar

    today = timezone.localdate()
    return WorkCalendar(today - datetime.timedelta(days=40), today).add_working_days(today, -1)


def previous_month() -> tuple[datetime.date, datetime.date]:
    first_this = timezone.localdate().replace(day=1)
    last = first_this - datetime.timedelta(days=1)
    return last.replace(day=1), last


def ensure_month_computed(month: tuple[datetime.date, datetime.date], log) -> int:
    """The dashboard reads stored days: compute the month's working days that are not stored yet."""
    from idesk import compliance
    from idesk.models import ComplianceDay, ComplianceMonth
    from units.calendar import WorkCalendar

    start, end = month
    stored = set(ComplianceDay.objects.filter(date__range=month).values_list("date", flat=True))
    calendar = WorkCalendar(start - datetime.timedelta(days=45), end)
    made = 0
    day = start
    while day <= end:
        if day not in stored and calendar.is_working_day(day):
            compliance.compute_day(day)
            made += 1
        day += datetime.timedelta(days=1)
    if made:
        log(f"  computed {made} stored days of {start:%m/%Y} for the dashboard")
    if made or not ComplianceMonth.objects.filter(month=start.replace(day=1)).exists():
        compliance.summarize_month(start)  # as the daily task does after computing its days
    return made


def measure_compliance(opts: Options) -> dict:
    from idesk import compliance

    day = last_working_day()
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        # What autovacuum does between evenings (it is off on the CI machine's server): clear the rows that the
        # recomputations of earlier runs left dead, so that this measures computing a day, not wading through
        # them (each recompute of a day leaves its 10,000 people's rows behind).
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE) idesk_usercompliance, idesk_unitcompliance, idesk_complianceday")
    with CaptureQueriesContext(connection) as ctx:
        compliance.compute_day(day)
    samples = timings(lambda: compliance.compute_day(day), opts.compliance_runs, 0)
    out = {"day": day.isoformat(), "queries": len(ctx.captured_queries), **summarize(samples)}
    out["pass"] = out["median"] <= TARGETS["compliance_day_ms"]
    opts.log(f"  compute_day({day}): median {out['median']:.0f} ms, p95 {out['p95']:.0f} ms, {out['queries']} queries")
    # What the daily task does after computing its days (no target: it is not the day's report): the month's
    # summary the dashboard reads. It also leaves the month summed up, as the task would.
    month = summarize(timings(lambda: compliance.summarize_month(day), max(opts.compliance_runs // 2, 1), 0))
    out["month_summary"] = month
    opts.log(f"  summarize_month({day:%m/%Y}): median {month['median']:.0f} ms, p95 {month['p95']:.0f} ms")
    return out


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


# --- PDFs -------------------------------------------------------------------------------------------------------------


def measure_pdfs(p: Personas, opts: Options) -> dict:
    from documents.core import pdf
    from documents.models import Document
    from documents.outgoing import pdf as official_pdf

    out: dict = {}
    doc_id = _outgoing_document(p.clerk)
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


# --- Memory (subprocesses) --------------------------------------------------------------------------------------------


def vm_hwm_mb() -> float | None:
    """Peak resident set size of this process (VmHWM), in MB; None where /proc is missing."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def probe_web(spec: dict) -> dict:
    """A web process serving the pages (Django's WSGI handler, as the test client drives it), then PDFs."""
    from accounts.models import User

    out = {"after_setup": vm_hwm_mb(), "failed": []}
    users = User.objects.in_bulk(spec["users"])
    clients = {uid: _client(users[uid]) for uid in users}
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
    if spec.get("register_entries"):
        from documents.core import pdf

        book = register_book(users[spec["register_user"]].unit, spec["register_entries"])
        pdf.register_book_pdf(book=book, template="documents/incoming/pdf/register.html")
        out["register_pdf"] = vm_hwm_mb()
    return out


def probe_worker(spec: dict) -> dict:
    """A worker running the daily tasks: the compliance computation (with its refresh days) and the reminders."""
    from idesk import tasks

    out = {"after_setup": vm_hwm_mb()}
    day = spec["day"]
    tasks.compute_compliance(scheduled_for=f"{day}T18:05:00+07:00")
    out["compute_compliance"] = vm_hwm_mb()
    tasks.send_daily_reminders(scheduled_for=f"{day}T07:30:00+07:00")
    out["reminders"] = vm_hwm_mb()
    return out


def run_probe(kind: str, spec: dict) -> dict:
    """Run a probe in a fresh `manage.py bench --probe` process; returns what it printed (its VmHWM steps)."""
    env = {**os.environ, "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend"}
    done = subprocess.run(
        [
            sys.executable,
            str(Path(settings.BASE_DIR) / "manage.py"),
            "bench",
            "--probe",
            kind,
            "--spec",
            json.dumps(spec),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=1800,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"probe {kind} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure_memory(p: Personas, page_list: list[Page], opts: Options) -> dict:
    ids = dict(p.items())
    doc_id = _outgoing_document(p.clerk)
    year = _one("SELECT max(year) FROM documents_incomingrecord WHERE unit_id = %s", [p.clerk.unit_id])
    spec = {
        "users": [u.pk for u in ids.values()],
        "pages": [[ids[page.persona].pk, page.url] for page in page_list],
        "pdfs": [[p.clerk.pk, f"/documents/incoming/register/?year={year}&format=pdf"]]
        + ([[p.clerk.pk, f"/documents/outgoing/{doc_id}/official.pdf"]] if doc_id else []),
        "register_entries": opts.register_entries,
        "register_user": p.clerk.pk,
    }
    web = run_probe("web", spec)
    worker = run_probe("worker", {"day": last_working_day().isoformat()})
    out = {
        "web": web,
        "worker": worker,
        "web_peak_mb": web["pages"],  # serving the pages; the PDFs are reported beside it
        # the same process after a year's register book, an official PDF and a 1,000-entry book
        "web_pdf_peak_mb": max(v for v in (web.get("pdfs"), web.get("register_pdf")) if v is not None),
        "worker_peak_mb": max(v for k, v in worker.items() if v is not None),
    }
    out["pass"] = all(out[k] <= TARGETS["rss_mb"] for k in ("web_peak_mb", "web_pdf_peak_mb", "worker_peak_mb"))
    opts.log(f"  web process: {web}; worker: {worker}")
    return out


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
            counts[label] = _one("SELECT reltuples::bigint FROM pg_class WHERE relname = %s", [table])
            if not counts[label] or counts[label] < 0:
                counts[label] = _one(f"SELECT count(*) FROM {table}")
        else:
            counts[label] = _one(f"SELECT count(*) FROM {table}")
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
        info["database"] = _one("SHOW server_version")
        info["database"] = f"PostgreSQL {info['database']}"
    try:
        with open("/proc/meminfo") as meminfo:
            info["memory_gb"] = round(int(meminfo.readline().split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return info


@dataclass
class Results:
    started: str
    machine: dict
    dataset: dict
    personas: dict
    targets: dict = field(default_factory=lambda: dict(TARGETS))
    pages: list = field(default_factory=list)
    search: dict = field(default_factory=dict)
    compliance_day: dict = field(default_factory=dict)
    numbering: dict = field(default_factory=dict)
    pdf: dict = field(default_factory=dict)
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
    if opts.wants("compliance"):
        log("Compliance:")
        results.compliance_day = measure_compliance(opts)
    if opts.wants("numbering"):
        log("Numbering:")
        results.numbering = measure_numbering(opts)
    if opts.wants("pdf"):
        log("PDF:")
        results.pdf = measure_pdfs(p, opts)
    if opts.memory and opts.wants("memory"):
        log("Memory:")
        results.memory = measure_memory(p, page_list, opts)
    results.seconds = round(time.monotonic() - started, 1)
    return results


def to_json(results: Results) -> str:
    return json.dumps(asdict(results), ensure_ascii=False, indent=1, default=str)


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
        f"{' / '.join(str(x) for x in m.get('load_average', []))}. Dataset: "
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
        if w.get("register_pdf"):
            lines.append(
                f"| the same process then rendering a 1,000-entry register book | {w['register_pdf']:.0f} MB | "
                f"≤ {t['rss_mb']:.0f} MB | {_ok(w['register_pdf'] <= t['rss_mb'])} |"
            )
        lines.append(
            f"| worker peak RSS (VmHWM) | {mem['worker_peak_mb']:.0f} MB (after start {k['after_setup']}, compliance "
            f"{k['compute_compliance']}, reminders {k['reminders']}) | ≤ {t['rss_mb']:.0f} MB | "
            f"{_ok(mem['worker_peak_mb'] <= t['rss_mb'])} |"
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
