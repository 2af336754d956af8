"""Electronic arrivals ("Chờ vào sổ"): a document another unit sent through iDesk is opened, registered without
retyping (same Document, same files) or returned with a reason; the sender is told after the commit."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from documents.core import grants, policy
from documents.core.services import ServiceError
from documents.incoming import policy as incoming_policy
from documents.incoming import services
from documents.models import (
    AuditEvent,
    Delivery,
    DeliveryStatus,
    DocumentFile,
    IncomingRecord,
    IncomingStatus,
    Secrecy,
    StoredFile,
)
from documents.outgoing import policy as outgoing_policy
from tests.documents.conftest import make_delivery, user


@pytest.fixture
def delivery(commune_clerk):
    """Công văn 3261/UBND with a PDF, sent by UBND huyện to xã Canh Hiển."""
    return make_delivery(commune_clerk.unit)


def _events(obj, type_: str) -> list[str]:
    return list(AuditEvent.objects.filter(object_type=type_, object_id=obj.pk).values_list("verb", flat=True))


# --- Waiting and opening -------------------------------------------------------------------------------------


def test_a_sent_delivery_waits_only_in_the_recipient_clerks_list(delivery, commune_clerk, commune_head, outsider):
    assert delivery in policy.deliveries.visible_to(commune_clerk)
    for other in (commune_head, outsider, user("vanthu.canhhiep"), user("vanthu.ubnd")):
        assert delivery not in policy.deliveries.visible_to(other), other.username


def test_a_paper_only_delivery_does_not_wait_for_registration_in_the_system(commune_clerk):
    paper = make_delivery(commune_clerk.unit)
    Delivery.objects.filter(pk=paper.pk).update(electronic=False)

    assert paper not in policy.deliveries.visible_to(commune_clerk)


def test_opening_marks_the_delivery_seen_by_the_clerk_once(delivery, commune_clerk):
    services.open_delivery(clerk=commune_clerk, delivery=delivery)
    first = delivery.opened_at
    services.open_delivery(clerk=commune_clerk, delivery=Delivery.objects.get(pk=delivery.pk))

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.OPENED
    assert delivery.opened_by == commune_clerk
    assert first is not None and delivery.opened_at == first
    assert _events(delivery, "delivery") == ["delivery_opened"]
    assert delivery in policy.deliveries.visible_to(commune_clerk)


def test_another_units_clerk_opening_it_changes_nothing(delivery):
    services.open_delivery(clerk=user("vanthu.canhhiep"), delivery=delivery)

    delivery.refresh_from_db()
    assert (delivery.status, delivery.opened_at, delivery.opened_by) == (DeliveryStatus.SENT, None, None)
    assert _events(delivery, "delivery") == []


# --- Registering --------------------------------------------------------------------------------------------


def test_registering_creates_a_record_of_the_same_document_without_copying_its_files(delivery, commune_clerk):
    files_before = (DocumentFile.objects.count(), StoredFile.objects.count())

    record = services.register_delivery(
        clerk=commune_clerk,
        delivery=delivery,
        due_date=timezone.localdate() + datetime.timedelta(days=3),
        note="Điện tử",
    )

    delivery.refresh_from_db()
    assert record.document_id == delivery.document_id
    assert (DocumentFile.objects.count(), StoredFile.objects.count()) == files_before
    assert [f.name for f in record.document.files.all()] == ["3261-UBND.pdf"]
    assert (record.unit, record.registered_by, record.status) == (commune_clerk.unit, commune_clerk, "registered")
    assert record.note == "Điện tử" and record.due_date == timezone.localdate() + datetime.timedelta(days=3)
    assert (delivery.status, delivery.record) == (DeliveryStatus.REGISTERED, record)
    assert (delivery.opened_by, delivery.opened_at is not None) == (commune_clerk, True)
    assert delivery not in policy.deliveries.visible_to(commune_clerk)
    assert incoming_policy.can(commune_clerk, "view", record)
    assert _events(record, "incomingrecord") == ["received"]
    assert _events(delivery, "delivery") == ["received"]
    assert (
        AuditEvent.objects.get(object_type="delivery", object_id=delivery.pk, verb="received").data["arrival_number"]
        == record.arrival_number
    )


def test_registering_takes_the_next_number_of_the_recipients_register(delivery, commune_clerk):
    paper = services.register_incoming(
        clerk=commune_clerk, data=services.IncomingData(issuer_name="Công an huyện Vân Canh", summary="V/v an ninh")
    )

    record = services.register_delivery(clerk=commune_clerk, delivery=delivery)

    assert record.register_id == paper.register_id
    assert record.arrival_number == paper.arrival_number + 1


def test_an_opened_delivery_keeps_who_opened_it_first(delivery, commune_clerk):
    services.open_delivery(clerk=commune_clerk, delivery=delivery)
    opened_at = Delivery.objects.get(pk=delivery.pk).opened_at

    services.register_delivery(clerk=commune_clerk, delivery=delivery)

    delivery.refresh_from_db()
    assert delivery.opened_at == opened_at


def test_a_confidential_delivery_goes_to_the_confidential_register_and_grants_the_clerk(commune_clerk):
    secret = make_delivery(commune_clerk.unit, number_symbol="12/UBND-M", secrecy=Secrecy.MAT)

    record = services.register_delivery(clerk=commune_clerk, delivery=secret)

    assert record.register.confidential and record.secrecy == Secrecy.MAT
    assert grants.has(commune_clerk, record.document)
    assert incoming_policy.can(commune_clerk, "view", record)


def test_a_deadline_before_the_arrival_is_refused_and_the_delivery_still_waits(delivery, commune_clerk):
    with pytest.raises(ServiceError) as caught:
        services.register_delivery(
            clerk=commune_clerk, delivery=delivery, due_date=timezone.localdate() - datetime.timedelta(days=1)
        )

    assert "due_date" in caught.value.error_dict
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT and delivery.record is None
    assert not IncomingRecord.objects.filter(document=delivery.document).exists()


def test_another_units_clerk_can_neither_see_nor_register_it(delivery):
    other_clerk = user("vanthu.canhhiep")

    assert not outgoing_policy.documents.can(other_clerk, outgoing_policy.VIEW_FILE, delivery.document)
    with pytest.raises(PermissionDenied):
        services.register_delivery(clerk=other_clerk, delivery=delivery)
    with pytest.raises(PermissionDenied):
        services.return_delivery(clerk=other_clerk, delivery=delivery, reason="Không phải của đơn vị")

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT
    assert not IncomingRecord.objects.filter(document=delivery.document).exists()


def test_the_recipient_clerk_reads_the_files_before_registering(delivery, commune_clerk, commune_head):
    assert outgoing_policy.documents.can(commune_clerk, outgoing_policy.VIEW_FILE, delivery.document)
    assert not outgoing_policy.documents.can(commune_head, outgoing_policy.VIEW_FILE, delivery.document)


@pytest.mark.parametrize("username", ["truong.canhhien", "cv1.canhhien"])
def test_only_the_clerk_of_the_recipient_unit_registers(delivery, username):
    with pytest.raises(PermissionDenied):
        services.register_delivery(clerk=user(username), delivery=delivery)


# --- Returning ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_returning_requires_a_reason(delivery, commune_clerk, reason):
    with pytest.raises(ServiceError) as caught:
        services.return_delivery(clerk=commune_clerk, delivery=delivery, reason=reason)

    assert caught.value.error_dict["reason"][0].message == "Hãy nêu lý do trả lại văn bản."
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT


def test_returning_with_a_reason_sends_it_back_and_it_cannot_then_be_registered(delivery, commune_clerk):
    services.return_delivery(clerk=commune_clerk, delivery=delivery, reason="  Gửi nhầm đơn vị nhận  ")

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.RETURNED
    assert delivery.returned_reason == "Gửi nhầm đơn vị nhận"
    assert delivery.returned_at is not None
    assert _events(delivery, "delivery") == ["returned"]
    assert delivery not in policy.deliveries.visible_to(commune_clerk)
    with pytest.raises(ServiceError):
        services.register_delivery(clerk=commune_clerk, delivery=delivery)
    assert not IncomingRecord.objects.filter(document=delivery.document).exists()


def test_a_registered_delivery_cannot_be_returned(delivery, commune_clerk):
    services.register_delivery(clerk=commune_clerk, delivery=delivery)

    with pytest.raises((PermissionDenied, ServiceError)):
        services.return_delivery(clerk=commune_clerk, delivery=delivery, reason="Nhầm")

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.REGISTERED


# --- Notifications after the commit ---------------------------------------------------------------------------


def test_registering_tells_the_sender_and_the_unit_after_the_commit(
    delivery, commune_clerk, enqueued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        record = services.register_delivery(clerk=commune_clerk, delivery=delivery)
        assert enqueued == []  # nothing goes out before the commit

    for callback in callbacks:
        callback()
    assert enqueued == [("receipt", {"delivery_id": delivery.pk}), ("incoming_registered", {"record_id": record.pk})]


def test_returning_tells_the_sender(delivery, commune_clerk, enqueued, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.return_delivery(clerk=commune_clerk, delivery=delivery, reason="Văn bản thiếu chữ ký số")

    assert enqueued == [("receipt", {"delivery_id": delivery.pk})]


def test_nothing_is_enqueued_when_the_surrounding_transaction_rolls_back(
    delivery, commune_clerk, enqueued, django_capture_on_commit_callbacks
):
    class Abort(Exception):
        pass

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(Abort), transaction.atomic():
            services.register_delivery(clerk=commune_clerk, delivery=delivery)
            raise Abort

    assert callbacks == [] and enqueued == []
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT
    assert not IncomingRecord.objects.filter(document=delivery.document).exists()


def test_a_refused_registration_enqueues_nothing(delivery, enqueued, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(PermissionDenied):
        services.register_delivery(clerk=user("vanthu.canhhiep"), delivery=delivery)

    assert callbacks == [] and enqueued == []


def test_a_registered_record_then_follows_the_normal_flow(delivery, commune_clerk, commune_head):
    record = services.register_delivery(clerk=commune_clerk, delivery=delivery)

    services.submit(clerk=commune_clerk, record=record, leader=commune_head)

    record.refresh_from_db()
    assert record.status == IncomingStatus.SUBMITTED
