"""Register books (sổ văn bản) as rows: the reads behind the printed register and its Excel export.

Every register book follows the same shape:
- a row dataclass with the regulation's columns as fields (DOMAIN.md, "Register columns");
- a tuple of `Column`s naming, in the regulation's order, the field behind each column;
- `<direction>_register_book(*, unit, year, date_from, date_to, confidential)` returning a `RegisterBook` (its
  `BookHeading`, columns and rows in number order, read with a constant number of queries), and
  `<direction>_register_rows(...)` returning just the rows.
`documents.pdf` and `documents.exports` print any `RegisterBook`. The outgoing register is `OutgoingRegisterRow`,
`OUTGOING_COLUMNS`, `outgoing_register_book` and `outgoing_register_rows` beside the incoming ones below, with its
own template extending `documents/pdf/register_book.html`.

Selectors do not check permissions: the caller decides who may export which register (the confidential one
only to people allowed to see confidential documents).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from documents.models import Assignment, AssignmentRole, Direction, IncomingRecord, IncomingStatus, RegisterKind
from units.models import Unit

# --- What every register book shares ------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One column of a register: its printed label, the row field behind it, its Excel width."""

    label: str
    field: str
    width: int = 14


_TITLES = {
    (RegisterKind.INCOMING, False): _("Sổ đăng ký văn bản đến"),
    (RegisterKind.INCOMING, True): _("Sổ đăng ký văn bản mật đến"),
    (RegisterKind.OUTGOING, False): _("Sổ đăng ký văn bản đi"),
    (RegisterKind.OUTGOING, True): _("Sổ đăng ký văn bản mật đi"),
}


@dataclass(frozen=True)
class BookHeading:
    """What the cover of a register book says: whose book, which book, which year and days."""

    unit: Unit
    kind: str
    confidential: bool
    year: int
    date_from: datetime.date
    date_to: datetime.date

    @property
    def title(self) -> str:
        """As the regulation names the book, e.g. 'Sổ đăng ký văn bản mật đến'."""
        return str(_TITLES[(self.kind, self.confidential)])

    @property
    def parent_name(self) -> str:
        """The body above the unit, printed over its name on the cover (cơ quan chủ quản)."""
        return self.unit.parent.name if self.unit.parent_id else ""

    @property
    def period(self) -> str:
        return _("Từ ngày %(a)s đến ngày %(b)s") % {
            "a": self.date_from.strftime("%d/%m/%Y"),
            "b": self.date_to.strftime("%d/%m/%Y"),
        }


def book_heading(
    *,
    unit: Unit,
    kind: str,
    year: int,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    confidential: bool = False,
) -> BookHeading:
    """The heading of a register book; the days are those of the year, narrowed by date_from/date_to."""
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    return BookHeading(
        unit=unit,
        kind=kind,
        confidential=confidential,
        year=year,
        date_from=max(date_from, first) if date_from else first,
        date_to=min(date_to, last) if date_to else last,
    )


@dataclass(frozen=True)
class RegisterBook:
    """A register book ready to print: its heading, its columns and its rows in number order."""

    heading: BookHeading
    columns: tuple[Column, ...]
    rows: list
    first_number: int | None = None  # 'Từ số … đến số …' on the cover
    last_number: int | None = None


def _local_day_bounds(heading: BookHeading) -> tuple[datetime.datetime, datetime.datetime]:
    """[start of date_from, start of the day after date_to) in local time, so the filter stays an index range."""
    start = timezone.make_aware(datetime.datetime.combine(heading.date_from, datetime.time.min))
    day_after = heading.date_to + datetime.timedelta(days=1)
    end = timezone.make_aware(datetime.datetime.combine(day_after, datetime.time.min))
    return start, end


def _local_date(value: datetime.datetime | None) -> datetime.date | None:
    return timezone.localtime(value).date() if value else None


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
    start, end = _local_day_bounds(heading)
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
        recipient, transferred_on = lead.assignee_label, _local_date(lead.assigned_at)
    elif record.submitted_to_id:
        recipient, transferred_on = str(record.submitted_to), _local_date(record.submitted_at)
    else:
        recipient, transferred_on = "", None
    direction = f"{latest.author}: {latest.text}" if latest else ""
    status = record.get_status_display()
    if record.status == IncomingStatus.DONE and record.completed_at:
        status = _("%(s)s ngày %(d)s") % {"s": status, "d": _local_date(record.completed_at).strftime("%d/%m/%Y")}
    return IncomingRegisterRow(
        record_id=record.pk,
        arrival_date=_local_date(record.arrived_at),
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


# --- Sổ đăng ký văn bản đi --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OutgoingRegisterRow:
    """One entry of the outgoing register: the columns of NĐ30 plus secrecy and urgency."""

    document_id: int
    number: int  # for ordering and the cover's 'Từ số … đến số …'
    number_symbol: str  # Số, ký hiệu văn bản
    issued_date: datetime.date | None  # Ngày tháng văn bản
    type_and_summary: str  # Tên loại và trích yếu nội dung
    signer_name: str  # Người ký
    recipients: str  # Nơi nhận văn bản
    archive: str  # Đơn vị, người nhận bản lưu
    copies: int  # Số lượng bản: one per recipient plus the archive copies
    transferred_on: datetime.date | None  # Ngày chuyển
    acknowledgement: str  # Ký nhận (by hand)
    note: str  # Ghi chú: cancelled numbers and recalls stay here with their reason
    secrecy: str
    urgency: str


OUTGOING_COLUMNS: tuple[Column, ...] = (
    Column(_("Số, ký hiệu văn bản"), "number_symbol", 18),
    Column(_("Ngày tháng văn bản"), "issued_date", 12),
    Column(_("Tên loại và trích yếu nội dung"), "type_and_summary", 60),
    Column(_("Người ký"), "signer_name", 22),
    Column(_("Nơi nhận văn bản"), "recipients", 40),
    Column(_("Đơn vị, người nhận bản lưu"), "archive", 16),
    Column(_("Số lượng bản"), "copies", 8),
    Column(_("Ngày chuyển"), "transferred_on", 12),
    Column(_("Ký nhận"), "acknowledgement", 12),
    Column(_("Ghi chú"), "note", 30),
    Column(_("Độ mật"), "secrecy", 10),
    Column(_("Mức độ khẩn"), "urgency", 12),
)


def outgoing_register_book(
    *,
    unit: Unit,
    year: int,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    confidential: bool = False,
    within=None,
) -> RegisterBook:
    """The unit's outgoing register for the year in number order (two queries whatever the number of rows).
    `within`: the documents the reader may see (the permission policy's queryset)."""
    from documents.models import Delivery, Document

    heading = book_heading(
        unit=unit,
        kind=RegisterKind.OUTGOING,
        year=year,
        date_from=date_from,
        date_to=date_to,
        confidential=confidential,
    )
    base = Document.objects.all() if within is None else Document.objects.filter(pk__in=within.values("pk"))
    documents = (
        base.filter(
            register__unit=unit,
            register__kind=RegisterKind.OUTGOING,
            register__confidential=confidential,
            year=year,
            issued_date__gte=heading.date_from,
            issued_date__lte=heading.date_to,
        )
        .prefetch_related(
            Prefetch(
                "deliveries",
                queryset=Delivery.objects.select_related("recipient_unit").order_by("id"),
                to_attr="all_deliveries",
            )
        )
        .order_by("number")
    )
    rows = [_outgoing_row(d) for d in documents]
    return RegisterBook(
        heading=heading,
        columns=OUTGOING_COLUMNS,
        rows=rows,
        first_number=rows[0].number if rows else None,
        last_number=rows[-1].number if rows else None,
    )


def outgoing_register_rows(**kwargs) -> list[OutgoingRegisterRow]:
    return outgoing_register_book(**kwargs).rows


def _outgoing_row(document) -> OutgoingRegisterRow:
    names = [d.recipient_unit.name for d in document.all_deliveries]
    typed = [
        line.strip().lstrip("-").strip().rstrip(";.") for line in document.recipients_text.splitlines() if line.strip()
    ]
    recipients = names + [t for t in typed if t not in names and t != "Như trên"]
    archive = [a.strip() for a in document.archive_note.split(",") if a.strip()]
    notes = []
    if document.cancelled_at:
        notes.append(str(_("Đã hủy số: %(r)s") % {"r": document.cancel_reason}))
    if document.recalled_at:
        notes.append(str(_("Đã thu hồi: %(r)s") % {"r": document.recall_reason}))
    if document.leader_comment:
        notes.append(str(_("Có ý kiến lãnh đạo")))
    return OutgoingRegisterRow(
        document_id=document.pk,
        number=document.number or 0,
        number_symbol=document.number_symbol,
        issued_date=document.issued_date,
        type_and_summary=document.type_and_summary,
        signer_name=document.signer_name,
        recipients="; ".join(recipients),
        archive=", ".join(archive),
        copies=len(names) + len(archive),
        transferred_on=_local_date(document.issued_at),
        acknowledgement="",
        note="; ".join(notes),
        secrecy=document.get_secrecy_display() if document.secrecy else "",
        urgency=document.get_urgency_display() if document.urgency else "",
    )
