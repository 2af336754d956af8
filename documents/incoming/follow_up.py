"""Sổ theo dõi giải quyết văn bản đến (NĐ30): the incoming documents someone must handle, by whom, by when, how far.

The same shape as the registers (core/registers.py): a row dataclass, its columns in the regulation's order, a
book printed by documents.core.pdf and documents.core.exports. Its entries are those of the incoming register
(same unit, year, register and days) that were given a chủ trì or a deadline.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from documents.core.books import FOLLOW_UP, document_line, named_heading
from documents.core.models import AssignmentRole, RegisterKind
from documents.core.registers import Column, RegisterBook, local_date, local_day_bounds
from documents.incoming.models import Assignment, AssignmentStatus, IncomingRecord, IncomingStatus, ProgressNote
from units.models import Unit


@dataclass(frozen=True, slots=True)
class FollowUpRow:
    """One entry of the follow-up book: the seven columns of NĐ30, then the trích yếu."""

    record_id: int
    arrival_number: int  # Số đến
    document_line: str  # Tên loại, số, ký hiệu, ngày tháng và cơ quan ban hành
    summary: str  # the trích yếu, printed small under it
    recipient: str  # Đơn vị hoặc người nhận: chủ trì, then phối hợp
    due_date: datetime.date | None  # Thời hạn giải quyết
    progress: str  # Tiến độ giải quyết: status, the latest note or the result
    reply_symbol: str  # Số, ký hiệu văn bản trả lời
    note: str  # Ghi chú: overdue, late, the register's note


FOLLOW_UP_COLUMNS: tuple[Column, ...] = (
    Column(_("Số đến"), "arrival_number", 8),
    Column(_("Tên loại, số, ký hiệu, ngày tháng và cơ quan ban hành"), "document_line", 50),
    Column(_("Đơn vị hoặc người nhận"), "recipient", 30),
    Column(_("Thời hạn giải quyết"), "due_date", 12),
    Column(_("Tiến độ giải quyết"), "progress", 45),
    Column(_("Số, ký hiệu văn bản trả lời"), "reply_symbol", 18),
    Column(_("Ghi chú"), "note", 24),
    Column(_("Trích yếu nội dung"), "summary", 50),  # what electronic data adds (the PDF prints it small in 2)
)


def follow_up_book(
    *,
    unit: Unit,
    year: int,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    confidential: bool = False,
    within=None,
    today: datetime.date | None = None,
) -> RegisterBook:
    """The follow-up book of the unit's incoming register (the confidential one when asked), in số đến order.
    `within`: the records the reader may see (the permission policy's queryset). Four queries."""
    heading = named_heading(
        book=FOLLOW_UP,
        unit=unit,
        kind=RegisterKind.INCOMING,
        year=year,
        date_from=date_from,
        date_to=date_to,
        confidential=confidential,
    )
    start, end = local_day_bounds(heading)
    base = IncomingRecord.objects.all() if within is None else IncomingRecord.objects.filter(pk__in=within.values("pk"))
    records = (
        base.filter(
            unit=unit,
            year=year,
            register__confidential=confidential,
            arrived_at__gte=start,
            arrived_at__lt=end,
        )
        .filter(Q(due_date__isnull=False) | Q(assignments__role=AssignmentRole.LEAD))
        .distinct()
        .select_related("document")
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=Assignment.objects.filter(role__in=[AssignmentRole.LEAD, AssignmentRole.COOPERATE])
                .select_related("assignee_unit", "assignee_user", "reply_document")
                .order_by("role", "id"),
                to_attr="handlers",
            ),
            Prefetch("notes", queryset=ProgressNote.objects.order_by("created_at", "id"), to_attr="all_notes"),
            "replies__document",
        )
        .order_by("arrival_number")
    )
    today = today or timezone.localdate()
    rows = [_row(record, today) for record in records]
    return RegisterBook(
        heading=heading,
        columns=FOLLOW_UP_COLUMNS,
        rows=rows,
        first_number=rows[0].arrival_number if rows else None,
        last_number=rows[-1].arrival_number if rows else None,
    )


def _row(record: IncomingRecord, today: datetime.date) -> FollowUpRow:
    lead = next((a for a in record.handlers if a.role == AssignmentRole.LEAD), None)
    coops = [a for a in record.handlers if a.role == AssignmentRole.COOPERATE]
    recipient = []
    if lead is not None:
        recipient.append(_t("Chủ trì: %(u)s") % {"u": lead.assignee_label})
    if coops:
        recipient.append(_t("Phối hợp: %(u)s") % {"u": ", ".join(a.assignee_label for a in coops)})
    due = lead.due_date if lead and lead.due_date else record.due_date
    done = record.status == IncomingStatus.DONE or (lead is not None and lead.status == AssignmentStatus.DONE)
    finished = local_date(record.completed_at or (lead.completed_at if lead else None))
    progress = str(record.get_status_display())
    if done:
        progress = str(IncomingStatus.DONE.label)
        if finished:
            progress += _t(" ngày %(d)s") % {"d": finished.strftime("%d/%m/%Y")}
        if lead is not None and lead.result:
            progress += f": {lead.result}"
    elif record.all_notes:
        latest = record.all_notes[-1]
        progress += f" — {local_date(latest.created_at):%d/%m/%Y}: {latest.text}"
    replies = [a.reply_document.number_symbol for a in record.handlers if a.reply_document_id]
    replies += [d.document.number_symbol for d in record.replies.all() if d.document_id and d.document.number_symbol]
    notes = []
    if due and not done and due < today:
        notes.append(_t("Quá hạn %(n)s ngày") % {"n": (today - due).days})
    elif due and done and finished and finished > due:
        notes.append(_t("Hoàn thành sau hạn"))
    if record.note:
        notes.append(record.note)
    return FollowUpRow(
        record_id=record.pk,
        arrival_number=record.arrival_number,
        document_line=document_line(record.document),
        summary=record.document.summary,
        recipient="; ".join(recipient),
        due_date=due,
        progress=progress,
        reply_symbol=", ".join(dict.fromkeys(replies)),
        note="; ".join(notes),
    )
