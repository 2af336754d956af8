"""The compliance rules as SQL templates, filled with one day's cut-offs or joined with the stored days."""

from __future__ import annotations

import datetime
import re

from django.db import connection

from accounts.models import User
from documents.models import (
    Assignment,
    AssignmentRole,
    AssignmentStatus,
    Delivery,
    DeliveryStatus,
)
from idesk.models import (
    ComplianceDay,
    UnitCompliance,
    UnitComplianceMonth,
    UserCompliance,
)
from units.models import Unit

# --- The rules, as SQL ----------------------------------------------------------------------------------------
#
# Each rule is one template of plain comparisons, filled either with one day's cut-offs (bound values: computing
# the day) or with the columns of the stored days (k = ComplianceDay, joined: a range, a drill-down). Both uses
# read the same text, so what a day counts and what its drill-down names cannot drift apart.
#
# The indexes behind them (the documents models' Meta: Assignment, Delivery): open assignments by deadline,
# completed ones by completion time, never-opened deliveries by sending time, opened ones by opening time.


class Col(str):
    """A column of the query, put into a rule's template as it is (not a value to bind)."""


def fill(template: str, **terms) -> tuple[str, list]:
    """Put terms into a template's {names}: a Col as written, an (sql, params) pair as a subquery, anything else
    as a bound value. Parameters come out in the order their placeholders appear."""
    sql: list[str] = []
    params: list = []
    for i, part in enumerate(re.split(r"\{(\w+)\}", template)):
        if i % 2 == 0:
            sql.append(part)
            continue
        term = terms[part]
        if isinstance(term, Col):
            sql.append(term)
        elif isinstance(term, tuple):
            sql.append(term[0])
            params.extend(term[1])
        else:
            sql.append("%s")
            params.append(_adapt(term))
    return "".join(sql), params


def _adapt(value):
    if isinstance(value, datetime.datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, datetime.date):
        return connection.ops.adapt_datefield_value(value)
    return value


def literal(value: str) -> str:
    assert re.fullmatch(r"\w+", value), value  # our own enum values only
    return f"'{value}'"


# Assignments to handle (not "để biết") past their deadline on the day and not yet done at its start.
OVERDUE = (
    f"{{a}}.role <> {literal(AssignmentRole.INFORM)} AND {{a}}.due_date < {{date}} AND {{a}}.assigned_at < {{ends}}"
)


OPEN_NOW = f"{{a}}.completed_at IS NULL AND {{a}}.status <> {literal(AssignmentStatus.DONE)}"


DONE_SINCE = "{a}.completed_at >= {starts}"  # completed during or after the day: still open at its start


# Electronic deliveries whose opening deadline is the day or earlier, not opened in time.
# Held ones (the agency's signature still to come) have not reached the unit.
UNOPENED = (
    f"{{d}}.electronic AND {{d}}.status <> {literal(DeliveryStatus.RECALLED)} "
    f"AND {{d}}.status <> {literal(DeliveryStatus.HELD)} AND {{d}}.sent_at < {{due_before}}"
)


NEVER_OPENED = "{d}.opened_at IS NULL"


# Opened on the day or later: late if the deadline was before the day, or was the day and it was opened after its end.
OPENED_LATE = "{d}.opened_at >= {starts} AND ({d}.sent_at < {due_today_from} OR {d}.opened_at >= {ends})"


STORED_DAY = {
    "date": Col("k.date"),
    "starts": Col("k.starts_at"),
    "ends": Col("k.ends_at"),
    "due_before": Col("k.due_sent_before"),
    "due_today_from": Col("k.due_today_sent_from"),
}


def day_terms(day: datetime.date, cut: dict) -> dict:
    return {
        "date": day,
        "starts": cut["starts_at"],
        "ends": cut["ends_at"],
        "due_before": cut["due_sent_before"],
        "due_today_from": cut["due_today_sent_from"],
    }


def tables() -> dict:
    from documents.models import Meeting, MeetingInvitee

    return {
        "assignment": Assignment._meta.db_table,
        "delivery": Delivery._meta.db_table,
        "user": User._meta.db_table,
        "unit": Unit._meta.db_table,
        "day": ComplianceDay._meta.db_table,
        "unit_day": UnitCompliance._meta.db_table,
        "user_day": UserCompliance._meta.db_table,
        "unit_month": UnitComplianceMonth._meta.db_table,
        "meeting": Meeting._meta.db_table,
        "invitee": MeetingInvitee._meta.db_table,
    }


def _in(values) -> tuple[str, list]:
    values = list(values)
    return ", ".join(["%s"] * len(values)) or "NULL", values


def assignment_candidates(open_terms: dict, done_terms: dict, unit_ids=None) -> tuple[str, list]:
    """Rows (id, unit_id, role, due_date, assigned_at, completed_at, status) of the assignments the overdue rule
    can count with these terms: the open ones, and those completed since `starts` — two disjoint branches, each
    read from its own index. unit_id is the owner: the assigned unit, else the assigned person's unit."""
    t = tables()
    select = (
        # The person's unit is looked up only for an assignment to a person alone (COALESCE stops at the first).
        f"SELECT a.id, COALESCE(a.assignee_unit_id, (SELECT p.unit_id FROM {t['user']} p WHERE p.id = "
        "a.assignee_user_id)) AS unit_id, a.role, a.due_date, a.assigned_at, a.completed_at, a.status "
        f"FROM {t['assignment']} a WHERE "
    )
    owner, owner_params = "", []
    if unit_ids is not None:
        marks, ids = _in(unit_ids)
        owner = (
            f" AND (a.assignee_unit_id IN ({marks}) OR a.assignee_unit_id IS NULL AND a.assignee_user_id IN "
            f"(SELECT o.id FROM {t['user']} o WHERE o.unit_id IN ({marks})))"
        )
        owner_params = ids + ids
    open_sql, open_params = fill(f"{OVERDUE} AND {OPEN_NOW}", a=Col("a"), **open_terms)
    done_sql, done_params = fill(f"{OVERDUE} AND {DONE_SINCE}", a=Col("a"), **done_terms)
    return (
        f"{select}{open_sql}{owner} UNION ALL {select}{done_sql}{owner}",
        [*open_params, *owner_params, *done_params, *owner_params],
    )


def delivery_candidates(never_terms: dict, late_terms: dict, unit_ids=None) -> tuple[str, list]:
    """Rows (id, unit_id, electronic, status, sent_at, opened_at) of the deliveries the unopened rule can count:
    those never opened, and those opened late — two disjoint branches, each read from its own index."""
    t = tables()
    select = (
        "SELECT d.id, d.recipient_unit_id AS unit_id, d.electronic, d.status, d.sent_at, d.opened_at "
        f"FROM {t['delivery']} d WHERE "
    )
    owner, owner_params = "", []
    if unit_ids is not None:
        marks, owner_params = _in(unit_ids)
        owner = f" AND d.recipient_unit_id IN ({marks})"
    never_sql, never_params = fill(f"{UNOPENED} AND {NEVER_OPENED}", d=Col("d"), **never_terms)
    late_sql, late_params = fill(f"{UNOPENED} AND {OPENED_LATE}", d=Col("d"), **late_terms)
    return (
        f"{select}{never_sql}{owner} UNION ALL {select}{late_sql}{owner}",
        [*never_params, *owner_params, *late_params, *owner_params],
    )


def absence_candidates(starts, next_starts, unit_ids=None) -> tuple[str, list]:
    """Rows (id, unit_id, start) of invitations marked "vắng không có lý do chính đáng" to meetings not cancelled
    that started in [starts, next_starts); unit_id is the invited unit, else the invited person's unit."""
    from documents.models import Attendance, MeetingStatus

    t = tables()
    sql, params = fill(
        "SELECT i.id, COALESCE(i.unit_id, p.unit_id) AS unit_id, m.start FROM {invitee} i "
        "JOIN {meeting} m ON m.id = i.meeting_id LEFT JOIN {user} p ON p.id = i.user_id "
        f"WHERE i.attendance = {literal(Attendance.UNEXCUSED)} AND m.status <> {literal(MeetingStatus.CANCELLED)} "
        "AND m.start >= {starts} AND m.start < {next_starts}",
        invitee=Col(t["invitee"]),
        meeting=Col(t["meeting"]),
        user=Col(t["user"]),
        starts=starts,
        next_starts=next_starts,
    )
    if unit_ids is not None:
        marks, ids = _in(unit_ids)
        sql = f"SELECT * FROM ({sql}) i WHERE i.unit_id IN ({marks})"
        params += ids
    return sql, params
