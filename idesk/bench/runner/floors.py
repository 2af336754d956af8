"""Floors: the same rows as a page by one SQL query and a bare template, to judge the page against."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection
from django.template import engines

from units.calendar import local_midnight

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
        params.append(local_midnight(date_from))
    if date_to:
        where += " AND r.arrived_at < %s"
        params.append(local_midnight(date_to + datetime.timedelta(days=1)))
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
