"""The outgoing register book (sổ đăng ký văn bản đi): its rows, columns and book (see core/registers.py)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import F, Prefetch
from django.utils.translation import gettext_lazy as _

from documents.core.models import Delivery, Document, RegisterKind
from documents.core.registers import Column, RegisterBook, book_heading, local_date
from units.models import Unit

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
    series: str = RegisterKind.OUTGOING,
) -> RegisterBook:
    """The unit's outgoing register for the year in number order (two queries whatever the number of rows): the
    administrative series, then the QPPL, numbered in their own series (`01/2026/QĐ-UBND`), so no issued document
    is missing from the book; the cover's 'Từ số … đến số …' is the administrative series'.
    `within`: the documents the reader may see (the permission policy's queryset).
    `series=RegisterKind.LEGAL`: the Sổ đăng ký văn bản quy phạm pháp luật alone (legal_register_book)."""
    kinds = [RegisterKind.OUTGOING, RegisterKind.LEGAL] if series == RegisterKind.OUTGOING else [series]
    heading = book_heading(
        unit=unit,
        kind=series,
        year=year,
        date_from=date_from,
        date_to=date_to,
        confidential=confidential,
    )
    base = Document.objects.all() if within is None else Document.objects.filter(pk__in=within.values("pk"))
    documents = (
        base.filter(
            register__unit=unit,
            register__kind__in=kinds,
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
        .annotate(series=F("register__kind"))
        .order_by("-series", "number")  # 'out' before 'law'
    )
    rows, administrative = [], []
    for document in documents:
        rows.append(_outgoing_row(document))
        if document.series == series:
            administrative.append(document.number)
    return RegisterBook(
        heading=heading,
        columns=OUTGOING_COLUMNS,
        rows=rows,
        first_number=administrative[0] if administrative else None,
        last_number=administrative[-1] if administrative else None,
    )


def legal_register_book(**kwargs) -> RegisterBook:
    """Sổ đăng ký văn bản quy phạm pháp luật: the QPPL series alone (`01/2026/QĐ-UBND`), in number order."""
    return outgoing_register_book(series=RegisterKind.LEGAL, **kwargs)


def _listed(text: str) -> list[str]:
    """The items of a face's list ('- Phòng Nội vụ;' → 'Phòng Nội vụ')."""
    return [line.strip().lstrip("-").strip().rstrip(";.").strip() for line in text.splitlines() if line.strip()]


def _outgoing_row(document) -> OutgoingRegisterRow:
    names = [d.recipient_unit.name for d in document.all_deliveries]
    # Nơi nhận's 'Như trên' stands for the Kính gửi addressees: the register names them, then the units the
    # document was delivered to, then the rest of the face's Nơi nhận.
    recipients: list[str] = []
    for name in [*_listed(document.kinh_gui), *names, *_listed(document.recipients_text)]:
        if name and name != "Như trên" and name not in recipients:
            recipients.append(name)
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
        transferred_on=local_date(document.issued_at),
        acknowledgement="",
        note="; ".join(notes),
        secrecy=document.get_secrecy_display() if document.secrecy else "",
        urgency=document.get_urgency_display() if document.urgency else "",
    )
