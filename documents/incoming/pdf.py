"""Printed documents of the incoming flow (WeasyPrint): the incoming register book and the processing slip."""

from __future__ import annotations

import datetime

from django.db.models import Prefetch
from django.utils import timezone

from documents.core.models import AssignmentRole, Delivery
from documents.core.pdf import register_book_pdf
from documents.incoming import directions, registers
from documents.incoming.models import AssignmentStatus, Direction, IncomingRecord, ProgressNote
from idesk.lib.reports import pdf_bytes
from units.models import Unit


def incoming_register_pdf(
    *,
    unit: Unit,
    year: int,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    confidential: bool = False,
    within=None,
) -> bytes:
    """Sổ đăng ký văn bản đến (or the confidential one) as a printable, bindable book."""
    book = registers.incoming_register_book(
        unit=unit, year=year, date_from=date_from, date_to=date_to, confidential=confidential, within=within
    )
    return register_book_pdf(book=book, template="documents/incoming/pdf/register.html")


_ROLE_ORDER = {AssignmentRole.LEAD: 0, AssignmentRole.COOPERATE: 1, AssignmentRole.INFORM: 2}


def processing_slip_pdf(*, record: IncomingRecord) -> bytes:
    """Phiếu giải quyết văn bản đến: the document's identity, the direction, who handles it by when, progress."""
    record = (
        IncomingRecord.objects.select_related("document", "unit__parent", "submitted_to")
        .prefetch_related(
            Prefetch("directions", queryset=Direction.objects.select_related("author")),
            "assignments__assignee_unit",
            "assignments__assignee_user",
            Prefetch("notes", queryset=ProgressNote.objects.select_related("author").prefetch_related("files")),
        )
        .get(pk=record.pk)
    )
    today = timezone.localdate()
    directions = list(record.directions.all())
    assignments = sorted(record.assignments.all(), key=lambda a: (_ROLE_ORDER.get(a.role, 9), a.pk))
    lead = next((a for a in assignments if a.role == AssignmentRole.LEAD), None)
    # The leader who signs the slip: whoever gave the last direction, else the one it awaits.
    leader = directions[-1].author if directions else record.submitted_to
    context = {
        "record": record,
        "document": record.document,
        "unit": record.unit,
        "directions": directions,
        "assignments": [
            {"a": a, "overdue": a.is_overdue(today), "done": a.status == AssignmentStatus.DONE} for a in assignments
        ],
        "result": lead.result if lead and lead.status == AssignmentStatus.DONE else "",
        "notes": list(record.notes.all()),
        "leader": leader,
        "printed_at": timezone.localtime(),
        # Registered from a district leader's direction: the unit's slip carries that comment too.
        "directed": _directed(record),
    }
    return pdf_bytes("documents/incoming/pdf/processing_slip.html", context)


def _directed(record: IncomingRecord):
    delivery_id = Delivery.objects.filter(record=record).values_list("pk", flat=True).first()
    return directions.directed_from([delivery_id]).get(delivery_id) if delivery_id else None
