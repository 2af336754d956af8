"""The demo office holds together (documents/demo.py): what a leader is asked to direct can be read, timelines are
dated on the days the demo's story says, and the founding letter went where its Kính gửi says, on its day."""

from __future__ import annotations

import datetime
import io

import pytest
from django.utils import timezone

from documents.core.audit import timeline
from documents.models import Delivery, DeliveryStatus, Document, IncomingRecord
from documents.signing.models import IssuedSignedFile
from units.models import Unit, UnitKind

# One worker takes the whole module (make test): the demo is seeded once for it, not once on each worker.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo"), pytest.mark.xdist_group("demo")]


def local_days(events) -> set[datetime.date]:
    return {timezone.localtime(event.at).date() for event in events}


def test_every_document_a_leader_is_asked_to_direct_has_its_file():
    asked = IncomingRecord.objects.filter(submitted_to__isnull=False).select_related("document")
    assert asked.count() >= 5
    for record in asked:
        if record.document.secrecy:  # a state secret travels on paper: the register says so
            assert not record.document.files.exists() and "bản giấy" in record.note
        else:
            assert record.document.files.exists(), record.document.number_symbol


def test_the_province_notice_of_31_12_2015_arrived_on_the_first_working_day_of_2016():
    record = IncomingRecord.objects.get(document__number_symbol="282/TB-UBND")
    assert timezone.localtime(record.arrived_at).date() == datetime.date(2016, 1, 4)
    assert record.year == 2016
    assert local_days(timeline(record)) == {datetime.date(2016, 1, 4)}  # registered, submitted, directed that day


def test_the_quy_che_decision_was_handled_in_july_2016():
    record = IncomingRecord.objects.get(document__number_symbol="36/2016/QĐ-UBND")
    days = sorted(local_days(timeline(record)))
    assert days[0] == datetime.date(2016, 7, 11) and days[-1] == datetime.date(2016, 7, 20)
    assert timezone.localtime(record.completed_at).date() == datetime.date(2016, 7, 20)


def test_the_overdue_plan_of_phong_noi_vu_has_a_timeline_of_its_days():
    record = IncomingRecord.objects.get(document__number_symbol="215/KH-SNV")
    arrived = timezone.localtime(record.arrived_at).date()
    events = timeline(record)
    first = {e.verb: timezone.localtime(e.at).date() for e in reversed(events)}  # each verb's first day
    assert first["registered"] == arrived and first["submitted"] == arrived
    assert first["directed"] == arrived + datetime.timedelta(days=1)
    assert first["noted"] == arrived + datetime.timedelta(days=8)
    assert record.assignments.get(role="lead").is_overdue()


def test_the_founding_letter_went_to_the_departments_and_communes_on_its_day():
    letter = Document.objects.get(number_symbol="3261/UBND", year=2016)
    deliveries = list(Delivery.objects.filter(document=letter).select_related("recipient_unit"))
    expected = set(
        Unit.objects.filter(active=True, kind__in=[UnitKind.DEPARTMENT, UnitKind.COMMUNE])
        .exclude(code="vp")
        .values_list("code", flat=True)
    )
    assert {d.recipient_unit.code for d in deliveries} == expected
    for delivery in deliveries:
        assert timezone.localtime(delivery.sent_at) == timezone.localtime(letter.issued_at)
        assert delivery.status == DeliveryStatus.REGISTERED and delivery.opened_at is not None
        # Before 1/1/2017 the paper went too, posted that day: nothing is left on today's paper list.
        assert delivery.paper_required and delivery.paper_sent_at == delivery.sent_at


def test_the_founding_letter_is_signed_on_the_day_it_was_issued():
    from pyhanko.pdf_utils.reader import PdfFileReader

    signed = IssuedSignedFile.objects.select_related("blob").get(document__number_symbol="3261/UBND")
    with signed.blob.content.open("rb") as handle:
        signatures = PdfFileReader(io.BytesIO(handle.read())).embedded_signatures
    assert len(signatures) == 2  # the Chủ tịch's and the agency's
    for signature in signatures:
        moment = signature.self_reported_timestamp
        assert timezone.localtime(moment).date() == datetime.date(2016, 12, 5)
    assert timezone.localtime(signed.signed_at).date() == datetime.date(2016, 12, 5)
