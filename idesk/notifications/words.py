"""The words and links of notifications, and who is told (a unit's leads, its clerk, an assignment's people)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.urls import NoReverseMatch, reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import Role, User
from documents.models import (
    Assignment,
    Document,
    Urgency,
)

# --- Words and links ------------------------------------------------------------------------------------------


def link_to(candidates: list[tuple[str, list]]) -> str:
    """The first route that exists: documents' pages are being built, and a missing one must not fail a task."""
    for name, args in candidates:
        try:
            return reverse(name, args=args)
        except NoReverseMatch:
            continue
    return reverse("home")


def record_url(record_id: int) -> str:
    return link_to([("documents:incoming_detail", [record_id]), ("documents:incoming_list", [])])


def vn_date(day: datetime.date | None) -> str:
    return date_format(day, "d/m/Y") if day else ""


def doc_label(document: Document) -> str:
    """How a message names a document: number-symbol and summary, never for a confidential one."""
    if document.is_confidential:
        return _("Văn bản mật")
    summary = document.summary if len(document.summary) <= 140 else document.summary[:139] + "…"
    return f"{document.number_symbol} — {summary}" if document.number_symbol else summary


def urgency_prefix(document: Document) -> str:
    if document.is_confidential or document.urgency == Urgency.NORMAL:
        return ""
    return f"[{document.get_urgency_display()}] "


def leads_of_units(unit_ids: Iterable[int]) -> dict[int, list[int]]:
    """Per unit, who answers for its work: the head, else the deputies, else the clerk (one query)."""
    rank = {Role.HEAD: 0, Role.LEADER: 0, Role.DEPUTY_HEAD: 1, Role.CLERK: 2}
    best: dict[int, tuple[int, list[int]]] = {}
    for user_id, unit_id, role in User.objects.filter(
        unit_id__in=set(unit_ids), is_active=True, role__in=list(rank)
    ).values_list("id", "unit_id", "role"):
        r = rank[role]
        current = best.get(unit_id)
        if current is None or r < current[0]:
            best[unit_id] = (r, [user_id])
        elif r == current[0]:
            current[1].append(user_id)
    return {unit_id: ids for unit_id, (_rank, ids) in best.items()}


def clerk_of(unit_id: int) -> list[int]:
    return list(User.objects.filter(unit_id=unit_id, role=Role.CLERK, is_active=True).values_list("id", flat=True))


def assignment_recipients(assignments: list[Assignment]) -> dict[int, list[int]]:
    """Who acts on each assignment: the person it is given to, or the leads of the unit (one query at most)."""
    unit_ids = {a.assignee_unit_id for a in assignments if a.assignee_user_id is None and a.assignee_unit_id}
    leads = leads_of_units(unit_ids) if unit_ids else {}
    return {
        a.id: [a.assignee_user_id] if a.assignee_user_id else leads.get(a.assignee_unit_id, []) for a in assignments
    }


def assignment_by_id(assignment_id: int) -> Assignment | None:
    return (
        Assignment.objects.select_related("record__document", "assignee_unit", "assignee_user", "assigned_by")
        .filter(pk=assignment_id)
        .first()
    )
