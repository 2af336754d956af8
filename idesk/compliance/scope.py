"""Who sees what of the compliance report, and the items a unit's drill-down names."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.urls import NoReverseMatch

from accounts.models import Role, User
from documents.models import (
    Assignment,
    Delivery,
)
from idesk.compliance.clock import MEETING, SECRET
from idesk.compliance.counted import counted_ids
from units.models import Unit

# --- Who sees what ---------------------------------------------------------------------------------------------


def unit_scope(user: User) -> list[int] | None:
    """Units whose results the user may see: None for all (leaders, administrators), else their own unit.

    Raises PermissionDenied for everyone else (staff, clerks).
    """
    from django.core.exceptions import PermissionDenied

    if not user.is_authenticated or not user.is_active or not user.sees_compliance:
        raise PermissionDenied
    if user.is_superuser or user.role in (Role.LEADER, Role.ADMIN):
        return None
    return [user.unit_id] if user.unit_id else []


def require_unit(user: User, unit: Unit) -> None:
    """403 unless the user may see this unit's results (heads: their own unit only)."""
    from django.core.exceptions import PermissionDenied

    scope = unit_scope(user)
    if scope is not None and unit.id not in scope:
        raise PermissionDenied


@dataclass
class CountedItem:
    """A delivery or assignment counted against a unit, named only as far as the viewer may see it."""

    number_symbol: str  # empty when hidden
    summary: str  # trích yếu, or "Văn bản mật"
    confidential: bool
    url: str
    sender: str = ""
    sent_at: datetime.datetime | None = None
    opened_at: datetime.datetime | None = None
    role: str = ""
    assignee: str = ""
    due_date: datetime.date | None = None
    done_at: datetime.datetime | None = None


def counted_items(user: User, unit_id: int, start: datetime.date, end: datetime.date):
    """The unopened deliveries and overdue assignments counted in the period, for the drill-down (≤ 5 queries).

    Confidential documents are named only to someone with a grant on them (documents/*/policy.py); records the
    viewer may open get a link.
    """
    from documents.core import policy as permissions
    from documents.incoming import policy as incoming_policy

    delivery_ids, assignment_ids, absence_ids = counted_ids(unit_id, start, end)
    deliveries = list(
        Delivery.objects.filter(pk__in=delivery_ids).select_related("document", "sender_unit").order_by("sent_at")
    )
    assignments = list(
        Assignment.objects.filter(pk__in=assignment_ids)
        .select_related("record__document", "assignee_unit", "assignee_user")
        .order_by("due_date", "id")
    )
    secret_docs = {d.document_id for d in deliveries if d.document.is_confidential}
    granted = (
        set(
            permissions.granted_document_ids(user)
            .filter(content_object_id__in=secret_docs)
            .values_list("content_object_id", flat=True)
        )
        if secret_docs
        else set()
    )
    visible = (
        set(
            incoming_policy.visible_to(user)
            .filter(pk__in={a.record_id for a in assignments})
            .values_list("pk", flat=True)
        )
        if assignments
        else set()
    )

    def named(document, may_see: bool) -> tuple[str, str]:
        if document.is_confidential and not may_see:
            return "", str(SECRET)
        return document.number_symbol, document.summary

    unopened = []
    for d in deliveries:
        number_symbol, summary = named(d.document, d.document_id in granted)
        unopened.append(
            CountedItem(
                number_symbol=number_symbol,
                summary=summary,
                confidential=d.document.is_confidential,
                url="",
                sender=d.sender_unit.name,
                sent_at=d.sent_at,
                opened_at=d.opened_at,
            )
        )
    overdue = []
    for a in assignments:
        number_symbol, summary = named(a.record.document, a.record_id in visible)
        overdue.append(
            CountedItem(
                number_symbol=number_symbol,
                summary=summary,
                confidential=a.record.document.is_confidential,
                url=a.record.get_absolute_url() if a.record_id in visible else "",
                role=a.get_role_display(),
                assignee=a.assignee_label,
                due_date=a.due_date,
                done_at=a.completed_at,
            )
        )
    return unopened, overdue, _absences(user, absence_ids)


@dataclass
class Absence:
    title: str  # the meeting's subject, or "Cuộc họp" when the viewer may not see the meeting
    start: datetime.datetime
    invitee: str
    reason: str
    url: str


def _absences(user: User, invitee_ids: list[int]) -> list[Absence]:
    """Unexcused absences by meeting, named only for meetings the viewer may see (two queries)."""
    if not invitee_ids:
        return []
    from documents.meetings import policy as meetings
    from documents.models import MeetingInvitee

    invitees = list(
        MeetingInvitee.objects.filter(pk__in=invitee_ids)
        .select_related("meeting", "unit", "user")
        .order_by("meeting__start", "id")
    )
    visible = set(
        meetings.visible_to(user).filter(pk__in={i.meeting_id for i in invitees}).values_list("pk", flat=True)
    )
    out = []
    for i in invitees:
        seen = i.meeting_id in visible
        url = ""
        if seen:
            try:
                url = i.meeting.get_absolute_url()
            except NoReverseMatch:
                url = ""
        out.append(
            Absence(
                title=i.meeting.title if seen else str(MEETING),
                start=i.meeting.start,
                invitee=i.label,
                reason=i.decline_reason if seen else "",
                url=url,
            )
        )
    return out
