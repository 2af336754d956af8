"""The people and things measured, picked from the dataset."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection

# --- The people and things measured --------------------------------------------------------------------------


def one_value(sql: str, params: list | tuple = ()) -> int | None:
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
        return one_value(
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
    handler = one_value(
        "SELECT a.assignee_user_id FROM documents_assignment a JOIN documents_incomingrecord r ON r.id = a.record_id "
        "WHERE a.status = 'pending' AND a.role IN ('lead', 'coop') AND r.status = 'in_progress' "
        "AND a.assignee_user_id IS NOT NULL GROUP BY a.assignee_user_id ORDER BY count(*) DESC, 1 LIMIT 1"
    )
    if not all([clerk, head, leader, handler]):
        raise RuntimeError("The database holds no generated dataset: run manage.py generate_scale_data first.")
    users = User.objects.select_related("unit").in_bulk([clerk, head, leader, handler])
    return Personas(clerk=users[clerk], head=users[head], leader=users[leader], handler=users[handler])


def detail_record(clerk) -> int:
    """The clerk's record with the longest timeline among the recent ones."""
    return one_value(
        "SELECT r.id FROM documents_incomingrecord r WHERE r.unit_id = %s AND r.secrecy = 0 "
        "ORDER BY (SELECT count(*) FROM documents_auditevent e WHERE e.object_type = 'incomingrecord' "
        "AND e.object_id = r.id) DESC, r.arrived_at DESC LIMIT 1",
        [clerk.unit_id],
    )


def outgoing_document(clerk) -> int | None:
    return one_value(
        "SELECT d.id FROM documents_document d JOIN documents_register g ON g.id = d.register_id "
        "WHERE g.unit_id = %s AND d.secrecy = 0 ORDER BY d.issued_at DESC NULLS LAST, d.id DESC LIMIT 1",
        [clerk.unit_id],
    )
