"""The incoming register book (sổ đăng ký văn bản đến): its rows, columns and book (see core/registers.py)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from documents.core.models import AssignmentRole, RegisterKind
from documents.core.registers import BookHeading, Column, RegisterBook, book_heading, local_date, local_day_bounds
from documents.incoming.models import Assignment, Direction, IncomingRecord, IncomingStatus
from units.models import Unit

# --- Sổ đăng ký văn bản đến ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class IncomingRegisterRow:
    """One entry of the incoming register: the ten columns of NĐ30, then what electronic data adds."""

    record_id: int
    arrival_date: datetime.date  # Ngày đến (local date)
    arrival_number: int  # Số đến
    issuer_name: str  # Tác giả
    number_symbol: str  # Số, ký hiệu văn bản
    issued_date: datetime.date | None  # Ngày tháng văn bản
    type_and_summary: str  # Tên loại và trích yếu nội dung
    recipient: str  # Đơn vị hoặc người nhận: the chủ trì, else the leader it was submitted to
    transferred_on: datetime.date | None  # Ngày chuyển: when it went to that recipient
    acknowledgement: str  # Ký nhận: always blank, signed by hand in the printed book
    note: str  # Ghi chú
    secrecy: str  # Độ mật ("" when not confidential)
    urgency: str  # Mức độ khẩn ("" when normal)
    pages: int | None  # Số trang
    signer_name: str  # Người ký
    direction: str  # the latest ý kiến chỉ đạo, "Name: text" ("" before any)
    status: str  # trạng thái xử lý
    handling: str  # Ý kiến phân phối, chỉ đạo, trạng thái xử lý: direction and status in one cell
    due_date: datetime.date | None  # Thời hạn giải quyết: the chủ trì's deadline, else the record's


INCOMING_COLUMNS: tuple[Column, ...] = (
    Column(_("Ngày đến"), "arrival_date", 12),
    Column(_("Số đến"), "arrival_number", 8),
    Column(_("Tác giả"), "issuer_name", 30),
    Column(_("Số, ký hiệu văn bản"), "number_symbol", 18),
    Column(_("Ngày tháng văn bản"), "issued_date", 12),
    Column(_("Tên loại và trích yếu nội dung"), "type_and_summary", 60),
    Column(_("Đơn vị hoặc người nhận"), "recipient", 30),
    Column(_("Ngày chuyển"), "transferred_on", 12),
    Column(_("Ký nhận"), "acknowledgement", 12),
    Column(_("Ghi chú"), "note", 24),
    Column(_("Độ mật"), "secrecy", 10),
    Column(_("Mức độ khẩn"), "urgency", 12),
    Column(_("Số trang"), "pages", 8),
    Column(_("Người ký"), "signer_name", 22),
    Column(_("Ý kiến phân phối, chỉ đạo, trạng thái xử lý"), "handling", 60),
    Column(_("Thời hạn giải quyết"), "due_date", 12),
)


def incoming_register_rows(
    *,
    unit: Unit,
    year: int,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    confidential: bool = False,
) -> list[IncomingRegisterRow]:
    """The unit's incoming register for the year (the confidential one when asked), in số đến order, limited to
    arrivals from date_from to date_to (local days, inclusive). Three queries whatever the number of rows."""
    book = incoming_register_book(unit=unit, year=year, date_from=date_from, date_to=date_to, confidential=confidential)
    return book.rows


def incoming_register_book(
    *,
    unit: Unit,
    year: int,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    confidential: bool = False,
    within=None,
) -> RegisterBook:
    """The incoming register with its heading, as the PDF and Excel exports print it.

    `within`: a queryset of the records the reader may see (the permission policy's), so an export never shows
    what the lists would not."""
    heading = book_heading(
        unit=unit,
        kind=RegisterKind.INCOMING,
        year=year,
        date_from=date_from,
        date_to=date_to,
        confidential=confidential,
    )
    rows = _incoming_rows(heading, within)
    return RegisterBook(
        heading=heading,
        columns=INCOMING_COLUMNS,
        rows=rows,
        first_number=rows[0].arrival_number if rows else None,
        last_number=rows[-1].arrival_number if rows else None,
    )


def _incoming_rows(heading: BookHeading, within=None) -> list[IncomingRegisterRow]:
    start, end = local_day_bounds(heading)
    base = IncomingRecord.objects.all() if within is None else IncomingRecord.objects.filter(pk__in=within.values("pk"))
    records = (
        base.filter(
            unit=heading.unit,
            year=heading.year,
            register__confidential=heading.confidential,
            arrived_at__gte=start,
            arrived_at__lt=end,
        )
        .select_related("document", "submitted_to")
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=Assignment.objects.filter(role=AssignmentRole.LEAD).select_related(
                    "assignee_unit", "assignee_user"
                ),
                to_attr="lead_assignments",
            ),
            Prefetch("directions", queryset=Direction.objects.select_related("author"), to_attr="all_directions"),
        )
        .order_by("arrival_number")
    )
    return [_incoming_row(record) for record in records]


def _incoming_row(record: IncomingRecord) -> IncomingRegisterRow:
    document = record.document
    lead = record.lead_assignments[0] if record.lead_assignments else None
    latest = record.all_directions[-1] if record.all_directions else None  # ordered by time (Direction.Meta)
    if lead is not None:
        recipient, transferred_on = lead.assignee_label, local_date(lead.assigned_at)
    elif record.submitted_to_id:
        recipient, transferred_on = str(record.submitted_to), local_date(record.submitted_at)
    else:
        recipient, transferred_on = "", None
    direction = f"{latest.author}: {latest.text}" if latest else ""
    status = record.get_status_display()
    if record.status == IncomingStatus.DONE and record.completed_at:
        status = _("%(s)s ngày %(d)s") % {"s": status, "d": local_date(record.completed_at).strftime("%d/%m/%Y")}
    return IncomingRegisterRow(
        record_id=record.pk,
        arrival_date=local_date(record.arrived_at),
        arrival_number=record.arrival_number,
        issuer_name=document.issuer_name,
        number_symbol=document.number_symbol,
        issued_date=document.issued_date,
        type_and_summary=document.type_and_summary,
        recipient=recipient,
        transferred_on=transferred_on,
        acknowledgement="",
        note=record.note,
        secrecy=document.get_secrecy_display() if document.secrecy else "",
        urgency=document.get_urgency_display() if document.urgency else "",
        pages=document.pages,
        signer_name=document.signer_name,
        direction=direction,
        status=str(status),
        handling=f"{status} — {direction}" if direction else str(status),
        due_date=lead.due_date if lead and lead.due_date else record.due_date,
    )
