"""NĐ30: warn before registering a document the unit already has (same issuing body, number-symbol and date,
or the same electronic document); the clerk may confirm it is a different one."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from documents.core.services import ServiceError
from documents.incoming import services
from documents.incoming.services import DuplicateDocument
from documents.models import AuditEvent, Delivery, Document, IncomingRecord
from tests.documents.conftest import make_delivery, register, unit, user

ISSUED = datetime.date(2016, 2, 17)


def _first(clerk, **overrides):
    fields = {"issuer_name": "UBND tỉnh Bình Định", "number_symbol": "05/KH-UBND", "issued_date": ISSUED}
    fields.update(overrides)
    return register(clerk, **fields)


def test_the_same_issuer_number_and_date_is_flagged_before_saving(dept_clerk):
    first = _first(dept_clerk)
    counts = (Document.objects.count(), IncomingRecord.objects.count(), AuditEvent.objects.count())

    with pytest.raises(DuplicateDocument) as caught:
        _first(dept_clerk, summary="Kế hoạch (bản fax)")

    assert caught.value.existing == [first]
    assert caught.value.code == "duplicate"
    arrived = timezone.localtime(first.arrived_at).strftime("%d/%m/%Y")
    assert f"số đến {first.arrival_number} ngày {arrived}" in caught.value.messages[0]
    assert (Document.objects.count(), IncomingRecord.objects.count(), AuditEvent.objects.count()) == counts


@pytest.mark.parametrize(
    "typed",
    [" 05/kh-ubnd ", "05 / KH - UBND", "05/KH-UBND\t", "05/kh-UBND"],
)
def test_the_number_symbol_is_compared_without_case_or_spaces(dept_clerk, typed):
    _first(dept_clerk)

    with pytest.raises(DuplicateDocument):
        _first(dept_clerk, number_symbol=typed)


def test_accents_in_the_symbol_do_not_hide_a_duplicate(dept_clerk):
    _first(dept_clerk, number_symbol="36/2016/QĐ-UBND")

    with pytest.raises(DuplicateDocument):
        _first(dept_clerk, number_symbol="36/2016/qđ-ubnd")


def test_an_issuer_typed_by_hand_matches_the_same_issuer_chosen_from_the_tree(dept_clerk):
    province = unit("ubnd-tinh")
    chosen = _first(dept_clerk, issuer_unit=province, issuer_name="")

    with pytest.raises(DuplicateDocument) as caught:
        _first(dept_clerk, issuer_name="  ubnd tỉnh  Bình Định ")
    assert caught.value.existing == [chosen]


def test_an_issuer_chosen_from_the_tree_matches_the_same_issuer_typed_earlier(dept_clerk):
    typed = _first(dept_clerk, issuer_name="UBND Tỉnh Bình Định")

    with pytest.raises(DuplicateDocument) as caught:
        _first(dept_clerk, issuer_unit=unit("ubnd-tinh"), issuer_name="")
    assert caught.value.existing == [typed]


@pytest.mark.parametrize(
    "changed",
    [
        {"number_symbol": "06/KH-UBND"},
        {"issued_date": ISSUED + datetime.timedelta(days=1)},
        {"issuer_name": "Sở Nội vụ tỉnh Bình Định"},
        {"issuer_unit": "so-noi-vu"},
    ],
    ids=["another number", "another date", "another issuer typed", "another issuer chosen"],
)
def test_a_document_differing_in_issuer_number_or_date_is_not_a_duplicate(dept_clerk, changed):
    _first(dept_clerk)
    if "issuer_unit" in changed:
        changed = {"issuer_unit": unit(changed["issuer_unit"]), "issuer_name": ""}

    record = _first(dept_clerk, **changed)

    assert record.pk


def test_a_document_without_a_number_symbol_is_never_flagged(dept_clerk):
    _first(dept_clerk, number_symbol="")

    assert _first(dept_clerk, number_symbol="").pk


def test_confirming_registers_it_anyway_with_its_own_number(dept_clerk):
    first = _first(dept_clerk)

    second = _first(dept_clerk, confirm_duplicate=True)

    assert second.arrival_number == first.arrival_number + 1
    assert second.document_id != first.document_id
    event = AuditEvent.objects.get(object_type="incomingrecord", object_id=second.pk)
    assert event.data["confirmed_duplicate"] is True


def test_the_same_document_registered_in_another_unit_is_not_a_duplicate(dept_clerk, commune_clerk):
    _first(commune_clerk)

    assert _first(dept_clerk).pk


def test_a_confidential_copy_of_an_already_registered_document_is_flagged_too(dept_clerk):
    _first(dept_clerk)

    with pytest.raises(DuplicateDocument):
        _first(dept_clerk, secrecy=1)


# --- Electronic arrivals -------------------------------------------------------------------------------------


def test_the_same_electronic_delivery_cannot_be_registered_twice(commune_clerk):
    delivery = make_delivery(commune_clerk.unit)
    record = services.register_delivery(clerk=commune_clerk, delivery=delivery)

    with pytest.raises(ServiceError) as caught:
        services.register_delivery(clerk=commune_clerk, delivery=delivery, confirm_duplicate=True)

    assert "đã được xử lý" in caught.value.messages[0]
    assert list(IncomingRecord.objects.filter(document=delivery.document)) == [record]


def test_an_electronic_arrival_already_registered_from_its_paper_copy_is_flagged(commune_clerk):
    """GIVEN the paper copy of 3261/UBND registered by hand (issuer chosen from the tree)
    WHEN the electronic delivery of the same document arrives
    THEN registering it is flagged as a duplicate, and registers once the clerk confirms."""
    delivery = make_delivery(commune_clerk.unit, number_symbol="3261/UBND")
    paper = register(
        commune_clerk,
        issuer_unit=unit("ubnd"),
        issuer_name="",
        number_symbol="3261/ubnd",
        issued_date=delivery.document.issued_date,
    )

    with pytest.raises(DuplicateDocument) as caught:
        services.register_delivery(clerk=commune_clerk, delivery=delivery)
    assert caught.value.existing == [paper]
    delivery.refresh_from_db()
    assert delivery.status == "sent"

    record = services.register_delivery(clerk=commune_clerk, delivery=delivery, confirm_duplicate=True)
    assert record.arrival_number == paper.arrival_number + 1


def test_the_same_electronic_document_registered_by_another_unit_is_not_a_duplicate(commune_clerk):
    theirs = make_delivery(unit("xa-canh-hiep"))
    mine = Delivery.objects.create(
        document=theirs.document, sender_unit=theirs.sender_unit, recipient_unit=commune_clerk.unit
    )
    services.register_delivery(clerk=user("vanthu.canhhiep"), delivery=theirs)

    record = services.register_delivery(clerk=commune_clerk, delivery=mine)

    assert record.document_id == theirs.document_id
    assert IncomingRecord.objects.filter(document=theirs.document).count() == 2
