"""Two books of the outgoing side beside the register (NĐ30): sổ gửi văn bản đi bưu điện and sổ đăng ký bản sao.

The same shape as the registers (core/registers.py): a row dataclass, its columns in the regulation's order, a
book printed by documents.core.pdf and documents.core.exports.
- The postal book is the paper list kept as a book: every paper copy the unit posts (Delivery.paper_required), on
  the day it was posted; those not yet posted close the book with Ngày chuyển blank, for the post office to sign.
- The copy register lists the unit's copies (sao y, sao lục, trích sao) in their own number series.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Prefetch, Q
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from documents.core.books import COPIES, POSTAL, document_line, named_heading
from documents.core.models import Delivery, DeliveryStatus, Document, RegisterKind
from documents.core.registers import Column, RegisterBook, local_date, local_day_bounds
from documents.outgoing.models import CopyKind
from units.models import Unit

# --- Sổ gửi văn bản đi bưu điện --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PostalRow:
    """One envelope posted: the six columns of NĐ30."""

    delivery_id: int
    transferred_on: datetime.date | None  # Ngày chuyển (blank: not posted yet)
    number_symbol: str  # Số, ký hiệu
    recipient: str  # Nơi nhận
    address: str  # the recipient's address, printed small under it
    envelopes: int  # Số lượng bì
    acknowledgement: str  # Ký nhận và dấu bưu điện: blank, signed and stamped by the post office
    note: str  # Ghi chú


POSTAL_COLUMNS: tuple[Column, ...] = (
    Column(_("Ngày chuyển"), "transferred_on", 12),
    Column(_("Số, ký hiệu"), "number_symbol", 20),
    Column(_("Nơi nhận"), "recipient", 40),
    Column(_("Số lượng bì"), "envelopes", 8),
    Column(_("Ký nhận và dấu bưu điện"), "acknowledgement", 24),
    Column(_("Ghi chú"), "note", 30),
)


def postal_book(
    *,
    unit: Unit,
    year: int,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    confidential: bool = False,
    within=None,
) -> RegisterBook:
    """The unit's paper copies posted in the period (the confidential register's when asked), by day posted; then
    those still to post that were sent in the period. `within`: the documents the reader may see. One query."""
    heading = named_heading(
        book=POSTAL,
        unit=unit,
        kind=RegisterKind.OUTGOING,
        year=year,
        date_from=date_from,
        date_to=date_to,
        confidential=confidential,
    )
    start, end = local_day_bounds(heading)
    deliveries = Delivery.objects.filter(
        Q(paper_sent_at__gte=start, paper_sent_at__lt=end)
        | Q(paper_sent_at__isnull=True, sent_at__gte=start, sent_at__lt=end, document__cancelled_at__isnull=True),
        sender_unit=unit,
        paper_required=True,
        document__register__confidential=confidential,
    )
    if within is not None:
        deliveries = deliveries.filter(document__in=within.values("pk"))
    deliveries = deliveries.select_related("document", "recipient_unit")
    posted = sorted((d for d in deliveries if d.paper_sent_at), key=lambda d: (d.paper_sent_at, d.pk))
    waiting = sorted((d for d in deliveries if not d.paper_sent_at), key=lambda d: (d.sent_at, d.pk))
    return RegisterBook(heading=heading, columns=POSTAL_COLUMNS, rows=[_postal_row(d) for d in posted + waiting])


def _postal_row(delivery: Delivery) -> PostalRow:
    document = delivery.document
    notes = []
    if not delivery.paper_sent_at:
        notes.append(_t("Chưa gửi"))
    marks = [m for m in (document.get_secrecy_display() if document.secrecy else "",
                         document.get_urgency_display() if document.urgency else "") if m]  # fmt: skip
    notes += marks
    if delivery.status == DeliveryStatus.RECALLED:
        notes.append(_t("Đã thu hồi"))
    return PostalRow(
        delivery_id=delivery.pk,
        transferred_on=local_date(delivery.paper_sent_at),
        number_symbol=document.number_symbol,
        recipient=delivery.recipient_unit.name,
        address=delivery.recipient_unit.address,
        envelopes=1,
        acknowledgement="",
        note="; ".join(notes),
    )


# --- Sổ đăng ký bản sao văn bản ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CopyRow:
    """One copy (sao y, sao lục, trích sao) in the copy series."""

    document_id: int
    number: int
    number_symbol: str  # Số, ký hiệu bản sao
    issued_date: datetime.date | None  # Ngày sao
    kind: str  # Hình thức sao
    source: str  # Văn bản được sao: tên loại, số, ký hiệu, ngày tháng, cơ quan ban hành
    summary: str  # its trích yếu, printed small under it
    signer_name: str  # Người ký
    recipients: str  # Nơi nhận
    copies: int  # Số lượng bản: one per recipient plus the archive copies
    note: str  # Ghi chú: cancelled numbers and recalls with their reason


COPY_COLUMNS: tuple[Column, ...] = (
    Column(_("Số, ký hiệu bản sao"), "number_symbol", 16),
    Column(_("Ngày sao"), "issued_date", 12),
    Column(_("Hình thức sao"), "kind", 12),
    Column(_("Văn bản được sao"), "source", 50),
    Column(_("Người ký"), "signer_name", 22),
    Column(_("Nơi nhận"), "recipients", 36),
    Column(_("Số lượng bản"), "copies", 8),
    Column(_("Ghi chú"), "note", 24),
    Column(_("Trích yếu nội dung"), "summary", 50),  # the copied document's (the PDF prints it small in 4)
)


def copy_book(
    *,
    unit: Unit,
    year: int,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    confidential: bool = False,
    within=None,
) -> RegisterBook:
    """The unit's copy register for the year in number order. `within`: the documents the reader may see. Two
    queries."""
    heading = named_heading(
        book=COPIES,
        unit=unit,
        kind=RegisterKind.COPY,
        year=year,
        date_from=date_from,
        date_to=date_to,
        confidential=confidential,
    )
    base = Document.objects.all() if within is None else Document.objects.filter(pk__in=within.values("pk"))
    documents = (
        base.filter(
            register__unit=unit,
            register__kind=RegisterKind.COPY,
            register__confidential=confidential,
            year=year,
            issued_date__gte=heading.date_from,
            issued_date__lte=heading.date_to,
        )
        .select_related("copy_of")
        .prefetch_related(
            Prefetch(
                "deliveries",
                queryset=Delivery.objects.select_related("recipient_unit").order_by("id"),
                to_attr="all_deliveries",
            )
        )
        .order_by("number")
    )
    rows = [_copy_row(d) for d in documents]
    return RegisterBook(
        heading=heading,
        columns=COPY_COLUMNS,
        rows=rows,
        first_number=rows[0].number if rows else None,
        last_number=rows[-1].number if rows else None,
    )


def _copy_row(document: Document) -> CopyRow:
    names = [d.recipient_unit.name for d in document.all_deliveries]
    typed = [line.strip().lstrip("-").strip().rstrip(";.").strip() for line in document.recipients_text.splitlines()]
    recipients = list(dict.fromkeys(n for n in [*names, *typed] if n and n != "Như trên"))
    archive = [a.strip() for a in document.archive_note.split(",") if a.strip()]
    notes = []
    if document.cancelled_at:
        notes.append(_t("Đã hủy số: %(r)s") % {"r": document.cancel_reason})
    if document.recalled_at:
        notes.append(_t("Đã thu hồi: %(r)s") % {"r": document.recall_reason})
    source = document.copy_of
    return CopyRow(
        document_id=document.pk,
        number=document.number or 0,
        number_symbol=document.number_symbol,
        issued_date=document.issued_date,
        kind=str(CopyKind(document.copy_kind).label) if document.copy_kind in CopyKind.values else document.copy_kind,
        source=document_line(source) if source else "",
        summary=source.summary if source else document.summary,
        signer_name=document.signer_name,
        recipients="; ".join(recipients),
        copies=len(names) + len(archive),
        note="; ".join(notes),
    )
