"""Deliveries of an issued document, end to end at the service level: sent → opened → registered (with the
recipient's own số đến) or returned with a reason; paper copies; recall and its acknowledgement; cancelled numbers.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from documents.core import policy
from documents.core.services import ServiceError
from documents.incoming import policy as incoming_policy
from documents.incoming import services
from documents.models import (
    AuditEvent,
    Delivery,
    DeliveryStatus,
    DocType,
    Document,
    IncomingRecord,
    RegisterKind,
)
from documents.outgoing import copies, held
from documents.outgoing import services as outgoing
from tests.documents.conftest import unit, user
from tests.documents.outgoing_builders import issued, last_number, register_of


@pytest.fixture(autouse=True)
def no_pdf(monkeypatch):
    """The official PDF is tested in test_outgoing_pdf.py; here it would only slow every issue down. What its
    success does for a document the leader signed, the deliveries that waited for the agency's signature going
    out (tests/documents/signing/test_held_deliveries.py), is kept."""
    monkeypatch.setattr(outgoing, "attach_official_pdf", held.release)


@pytest.fixture
def invitation(db) -> Document:
    """A giấy mời of UBND huyện to the seven communes and to Sở Nội vụ (not on the system)."""
    return issued(
        doc_type=DocType.GIAY_MOI, summary="Mời dự hội nghị triển khai iDesk", recipient_units=[unit("so-noi-vu")]
    )


def delivery_to(document: Document, code: str) -> Delivery:
    return Delivery.objects.select_related("recipient_unit").get(document=document, recipient_unit__code=code)


def events(obj) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type=obj._meta.model_name, object_id=obj.pk).values_list("verb", flat=True)
    )


# --- Sent → opened → registered -----------------------------------------------------------------------------------


def test_the_commune_clerk_sees_the_delivery_waiting_and_no_one_else_does(invitation):
    delivery = delivery_to(invitation, "xa-canh-hien")
    assert delivery.status == DeliveryStatus.SENT
    assert list(policy.deliveries.visible_to(user("vanthu.canhhien")).filter(document=invitation)) == [delivery]
    for who in ["vanthu.canhhiep", "truong.canhhien", "cv1.canhhien", "vanthu.ubnd"]:
        assert delivery not in policy.deliveries.visible_to(user(who)), who


def test_opening_records_who_and_when(invitation):
    delivery = delivery_to(invitation, "xa-canh-hien")
    clerk = user("vanthu.canhhien")

    services.open_delivery(clerk=clerk, delivery=delivery)

    delivery.refresh_from_db()
    assert (delivery.status, delivery.opened_by) == (DeliveryStatus.OPENED, clerk)
    assert delivery.opened_at is not None
    assert delivery in policy.deliveries.visible_to(clerk)  # opened is still waiting to be registered
    assert events(delivery) == ["delivery_opened"]


def test_opening_by_someone_else_changes_nothing(invitation):
    delivery = delivery_to(invitation, "xa-canh-hien")
    services.open_delivery(clerk=user("vanthu.canhhiep"), delivery=delivery)
    services.open_delivery(clerk=user("cv1.canhhien"), delivery=delivery)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.opened_at, delivery.opened_by) == (DeliveryStatus.SENT, None, None)


def test_registering_gives_the_recipients_own_so_den_and_the_sender_sees_it(invitation):
    clerk = user("vanthu.canhhien")
    delivery = delivery_to(invitation, "xa-canh-hien")
    services.open_delivery(clerk=clerk, delivery=delivery)
    base = last_number(clerk.unit, RegisterKind.INCOMING)

    record = services.register_delivery(clerk=clerk, delivery=delivery)

    assert (record.unit, record.document) == (clerk.unit, invitation)
    assert record.register == register_of(clerk.unit, RegisterKind.INCOMING)
    assert record.arrival_number == base + 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.record) == (DeliveryStatus.REGISTERED, record)
    assert delivery not in policy.deliveries.visible_to(clerk)
    assert record in incoming_policy.visible_to(clerk)
    # The sender's view of its document: one registered, the others still sent.
    statuses = dict(invitation.deliveries.values_list("recipient_unit__code", "status"))
    assert statuses["xa-canh-hien"] == DeliveryStatus.REGISTERED
    assert statuses["xa-canh-vinh"] == DeliveryStatus.SENT
    # The sending unit's own outgoing number is not the receiving unit's số đến series.
    assert record.register.kind == RegisterKind.INCOMING and record.register != invitation.register


def test_two_communes_register_the_same_document_in_their_own_registers(invitation):
    records = []
    for code, clerk in [("xa-canh-hien", "vanthu.canhhien"), ("xa-canh-vinh", "vanthu.canhvinh")]:
        before = last_number(unit(code), RegisterKind.INCOMING)
        record = services.register_delivery(clerk=user(clerk), delivery=delivery_to(invitation, code))
        assert record.arrival_number == before + 1
        records.append(record)
    assert records[0].register != records[1].register
    assert records[0].document == records[1].document == invitation  # one Document, two records


def test_registering_a_delivery_twice_is_refused(invitation):
    clerk = user("vanthu.canhhien")
    delivery = delivery_to(invitation, "xa-canh-hien")
    services.register_delivery(clerk=clerk, delivery=delivery)
    with pytest.raises(ServiceError):
        services.register_delivery(clerk=clerk, delivery=delivery)
    assert IncomingRecord.objects.filter(document=invitation, unit=clerk.unit).count() == 1


def test_only_the_recipients_clerk_registers(invitation):
    delivery = delivery_to(invitation, "xa-canh-hien")
    for who in ["vanthu.canhhiep", "truong.canhhien", "vanthu.ubnd"]:
        with pytest.raises(PermissionDenied):
            services.register_delivery(clerk=user(who), delivery=delivery)
    assert not IncomingRecord.objects.filter(document=invitation).exists()


def test_returning_to_the_sender_needs_a_reason_and_keeps_it(invitation):
    clerk = user("vanthu.canhhien")
    delivery = delivery_to(invitation, "xa-canh-hien")
    with pytest.raises(ServiceError):
        services.return_delivery(clerk=clerk, delivery=delivery, reason=" ")

    services.return_delivery(clerk=clerk, delivery=delivery, reason="Gửi nhầm đơn vị.")

    delivery.refresh_from_db()
    assert (delivery.status, delivery.returned_reason) == (DeliveryStatus.RETURNED, "Gửi nhầm đơn vị.")
    assert delivery.returned_at is not None
    assert delivery not in policy.deliveries.visible_to(clerk)
    with pytest.raises(ServiceError):
        services.register_delivery(clerk=clerk, delivery=delivery)


# --- Paper copies for units off the system ------------------------------------------------------------------------


def test_a_unit_off_the_system_gets_a_paper_delivery_on_the_senders_list(invitation):
    delivery = delivery_to(invitation, "so-noi-vu")
    assert (delivery.electronic, delivery.paper_required, delivery.paper_sent_at) == (False, True, None)
    assert "chưa tham gia hệ thống" in delivery.paper_reason
    # Bản giấy cần gửi: what the sending unit still has to print and post.
    to_post = Delivery.objects.filter(sender_unit=unit("ubnd"), paper_required=True, paper_sent_at__isnull=True)
    assert delivery in to_post
    assert delivery_to(invitation, "xa-canh-hien") not in to_post  # an invitation on the system: electronic only
    # Nobody receives it electronically.
    assert (
        not Delivery.objects.filter(pk=delivery.pk)
        .filter(pk__in=policy.deliveries.visible_to(user("vanthu.ubnd")).values("pk"))
        .exists()
    )


def test_the_sending_clerk_marks_the_paper_copy_posted(invitation):
    delivery = delivery_to(invitation, "so-noi-vu")
    clerk = user("vanthu.ubnd")

    outgoing.mark_paper_sent(clerk=clerk, delivery=delivery)
    first = Delivery.objects.get(pk=delivery.pk).paper_sent_at
    outgoing.mark_paper_sent(clerk=clerk, delivery=delivery)  # twice is harmless

    assert first is not None
    assert Delivery.objects.get(pk=delivery.pk).paper_sent_at == first
    assert events(delivery) == ["paper_sent"]


def test_only_the_sending_clerk_marks_paper_and_only_where_paper_is_required(invitation):
    with pytest.raises(PermissionDenied):
        outgoing.mark_paper_sent(clerk=user("vanthu.vp"), delivery=delivery_to(invitation, "so-noi-vu"))
    with pytest.raises(PermissionDenied):
        outgoing.mark_paper_sent(clerk=user("chutich"), delivery=delivery_to(invitation, "so-noi-vu"))
    with pytest.raises(PermissionDenied):
        outgoing.mark_paper_sent(clerk=user("vanthu.ubnd"), delivery=delivery_to(invitation, "xa-canh-hien"))
    assert not Delivery.objects.filter(document=invitation, paper_sent_at__isnull=False).exists()


# --- Recall ----------------------------------------------------------------------------------------------------


def test_a_recall_freezes_the_document_and_withdraws_every_copy(invitation):
    canh_hien, canh_vinh = user("vanthu.canhhien"), user("vanthu.canhvinh")
    record = services.register_delivery(clerk=canh_hien, delivery=delivery_to(invitation, "xa-canh-hien"))
    services.open_delivery(clerk=canh_vinh, delivery=delivery_to(invitation, "xa-canh-vinh"))
    services.return_delivery(
        clerk=user("vanthu.canhhiep"), delivery=delivery_to(invitation, "xa-canh-hiep"), reason="Nhầm."
    )

    outgoing.recall(leader=user("chutich"), document=invitation, reason="Thay đổi thời gian hội nghị.")

    invitation.refresh_from_db()
    assert invitation.recalled_at is not None
    assert invitation.recall_reason == "Thay đổi thời gian hội nghị."
    statuses = dict(invitation.deliveries.values_list("recipient_unit__code", "status"))
    assert statuses.pop("xa-canh-hiep") == DeliveryStatus.RETURNED  # it had already gone back
    assert set(statuses.values()) == {DeliveryStatus.RECALLED}  # registered, opened, sent and paper alike
    record.refresh_from_db()
    assert record.withdrawn
    assert not policy.deliveries.visible_to(canh_vinh).filter(document=invitation).exists()
    assert events(invitation)[-1] == "recalled"


def test_a_withdrawn_record_is_read_but_no_longer_handled(invitation, client):
    """The recipient's registered record of a recalled document stays readable, and every handling step is gone:
    the clerk may no longer submit it to a leader, the page offers no form, and a posted step is refused."""
    clerk = user("vanthu.canhhien")
    record = services.register_delivery(clerk=clerk, delivery=delivery_to(invitation, "xa-canh-hien"))
    assert incoming_policy.can(clerk, incoming_policy.SUBMIT, record)

    outgoing.recall(leader=user("chutich"), document=invitation, reason="Sai thời gian.")

    record = IncomingRecord.objects.select_related("document").get(pk=record.pk)
    assert incoming_policy.can(clerk, incoming_policy.VIEW, record)
    for person in record.unit.users.all():  # the clerk, the commune's leaders, its staff
        for action in ("submit", "direct", "forward", "reassign", "delegate", "note", "complete", "remind"):
            assert not incoming_policy.can(person, action, record), (person.username, action)
    with pytest.raises(PermissionDenied):
        services.submit(clerk=clerk, record=record, leader=record.unit.users.filter(role="leader").first())
    client.force_login(clerk)
    page = client.get(f"/documents/incoming/{record.pk}/").content.decode()
    assert "Văn bản đã bị thu hồi" in page
    assert "Trình lãnh đạo" not in page
    # The sender's page of the recalled document has nothing left to do: no empty "Thao tác" heading.
    client.force_login(user("vanthu.ubnd"))
    sender_page = client.get(f"/documents/outgoing/{invitation.pk}/").content.decode()
    assert "Đã thu hồi" in sender_page and 'id="issued-actions"' not in sender_page


def test_a_recalled_document_is_frozen(invitation):
    outgoing.recall(leader=user("chutich"), document=invitation, reason="Sai thời gian.")
    clerk = user("vanthu.canhhien")
    with pytest.raises(ServiceError):
        services.register_delivery(clerk=clerk, delivery=delivery_to(invitation, "xa-canh-hien"))
    with pytest.raises(PermissionDenied):
        outgoing.recall(leader=user("chutich"), document=invitation, reason="Lần nữa.")
    with pytest.raises(PermissionDenied):
        outgoing.cancel_number(clerk=user("vanthu.ubnd"), document=invitation, reason="Hủy.")
    with pytest.raises(PermissionDenied):
        copies.make_copy(
            clerk=user("vanthu.ubnd"), source=invitation, kind="SY", signer=user("chutich"),
            recipient_units=[unit("xa-canh-hien")],
        )  # fmt: skip


def test_the_recipients_clerk_acknowledges_the_recall(invitation):
    clerk = user("vanthu.canhhien")
    delivery = delivery_to(invitation, "xa-canh-hien")
    with pytest.raises(PermissionDenied):  # nothing to acknowledge before a recall
        outgoing.acknowledge_recall(clerk=clerk, delivery=delivery)
    outgoing.recall(leader=user("chutich"), document=invitation, reason="Sai thời gian.")

    with pytest.raises(PermissionDenied):
        outgoing.acknowledge_recall(clerk=user("vanthu.canhhiep"), delivery=delivery)
    outgoing.acknowledge_recall(clerk=clerk, delivery=delivery)

    delivery.refresh_from_db()
    assert delivery.recall_acknowledged_by == clerk
    assert delivery.recall_acknowledged_at is not None
    assert events(delivery) == ["recall_acknowledged"]


def test_a_recall_needs_a_reason_and_a_leader_of_the_issuing_unit(invitation):
    with pytest.raises(ServiceError):
        outgoing.recall(leader=user("chutich"), document=invitation, reason="")
    with pytest.raises(PermissionDenied):
        outgoing.recall(leader=user("vanthu.ubnd"), document=invitation, reason="Sai.")  # sees it, may not recall
    with pytest.raises(Http404):
        outgoing.recall(leader=user("truong.noivu"), document=invitation, reason="Sai.")  # another unit's
    invitation.refresh_from_db()
    assert invitation.recalled_at is None
    assert not invitation.deliveries.filter(status=DeliveryStatus.RECALLED).exists()


# --- Cancelled numbers -------------------------------------------------------------------------------------------


def test_a_cancelled_number_stays_in_the_register_with_its_reason(invitation):
    district = unit("ubnd")
    number = invitation.number

    outgoing.cancel_number(clerk=user("vanthu.ubnd"), document=invitation, reason="Ký nhầm người ký.")

    invitation.refresh_from_db()
    assert (invitation.number, invitation.cancel_reason) == (number, "Ký nhầm người ký.")
    assert invitation.cancelled_at is not None
    assert invitation.register.documents.filter(number=number).get() == invitation  # still in the register
    assert set(invitation.deliveries.values_list("status", flat=True)) == {DeliveryStatus.RECALLED}
    assert not policy.deliveries.visible_to(user("vanthu.canhhien")).filter(document=invitation).exists()
    # The number is never given again.
    assert last_number(district) == number
    following = issued(summary="V/v văn bản tiếp theo")
    assert following.number == number + 1
    assert events(invitation)[-1] == "number_cancelled"


def test_a_number_is_not_cancelled_once_a_recipient_registered_it(invitation):
    services.register_delivery(clerk=user("vanthu.canhhien"), delivery=delivery_to(invitation, "xa-canh-hien"))

    with pytest.raises(ServiceError, match="thu hồi"):
        outgoing.cancel_number(clerk=user("vanthu.ubnd"), document=invitation, reason="Sai sót.")

    invitation.refresh_from_db()
    assert (invitation.cancelled_at, invitation.cancel_reason) == (None, "")
    assert not invitation.deliveries.filter(status=DeliveryStatus.RECALLED).exists()


def test_cancelling_needs_a_reason_and_the_issuing_units_clerk(invitation):
    with pytest.raises(ServiceError):
        outgoing.cancel_number(clerk=user("vanthu.ubnd"), document=invitation, reason="  ")
    with pytest.raises(PermissionDenied):
        outgoing.cancel_number(clerk=user("chutich"), document=invitation, reason="Sai.")
    with pytest.raises(Http404):
        outgoing.cancel_number(clerk=user("vanthu.canhhien"), document=invitation, reason="Sai.")
    invitation.refresh_from_db()
    assert invitation.cancelled_at is None


def test_the_day_of_sending_is_today(invitation):
    assert {timezone.localtime(d).date() for d in invitation.deliveries.values_list("sent_at", flat=True)} == {
        timezone.localdate()
    }
