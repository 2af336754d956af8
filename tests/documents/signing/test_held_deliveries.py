"""Deliveries held for the agency's signature (issue 16): while a document waits for "Ký lại" no recipient sees it —
in Chờ vào sổ, the search, a notification — and no package leaves for a peer; when the agency signs they go out,
once."""

from __future__ import annotations

import pytest
from django.urls import reverse

from documents.core import policy
from documents.core.models import Delivery, DeliveryStatus, Document
from documents.exchange import tasks
from documents.exchange.models import Direction, Package, Peer
from documents.outgoing import held, signatures
from documents.outgoing import services as outgoing
from documents.signing.errors import SigningError
from idesk.models import Notification
from tests.documents.conftest import unit, user
from tests.documents.exchange.test_exchange import FakePeer
from tests.documents.outgoing_builders import drafted

SUMMARY = "V/v kiểm tra chữ ký số trước khi gửi"
COMMUNE_CLERK = "vanthu.canhhien"


pytestmark = pytest.mark.usefixtures("signatures_required")


def signed_draft(**overrides):
    draft = outgoing.submit_draft(author=user("cv1.vp"), draft=drafted(summary=SUMMARY, **overrides))
    draft = outgoing.review_draft(head=user("truong.vp"), draft=draft, approve=True)
    return outgoing.sign_draft(leader=user("chutich"), draft=draft, approve=True)


def failing(*args, **kwargs):
    raise SigningError("Dịch vụ ký số từ xa không trả lời.")


def issue_failing(commit, monkeypatch, **overrides) -> Document:
    with monkeypatch.context() as patched:
        patched.setattr(signatures, "issue_signed", failing)
        return commit(outgoing.issue, clerk=user("vanthu.ubnd"), draft=signed_draft(**overrides))


def delivered_notices(username: str) -> int:
    return Notification.objects.filter(recipient=user(username), kind="delivered").count()


def sees(client, username: str, document: Document) -> dict:
    clerk = user(username)
    client.force_login(clerk)
    arrivals = client.get(reverse("documents:deliveries")).content.decode()
    found = client.get(reverse("documents:search"), {"q": "kiểm tra chữ ký số"}).content.decode()
    return {
        "policy": policy.deliveries.visible_to(clerk).filter(document=document).exists(),
        "arrivals": SUMMARY in arrivals,
        "search": document.number_symbol in found,
        "pdf": client.get(reverse("documents:issued_pdf", args=[document.pk])).status_code != 404,
        "notices": delivered_notices(username),
    }


def test_deliveries_wait_for_the_agency_and_go_out_once_after_ky_lai(db, client, commit, monkeypatch):
    document = issue_failing(commit, monkeypatch)
    deliveries = list(document.deliveries.filter(electronic=True))
    assert deliveries and {d.status for d in deliveries} == {DeliveryStatus.HELD}
    assert sees(client, COMMUNE_CLERK, document) == {
        "policy": False,
        "arrivals": False,
        "search": False,
        "pdf": False,
        "notices": 0,
    }
    assert not Notification.objects.filter(kind="delivered").exists()

    clerk = user("vanthu.ubnd")
    client.force_login(clerk)
    page = client.get(reverse("documents:issued_detail", args=[document.pk])).content.decode()
    assert 'data-testid="held-deliveries"' in page and f"{len(deliveries)} nơi nhận chưa nhận được" in page
    assert "Chờ ký số cơ quan, chưa gửi" in page

    response = commit(client.post, reverse("documents:issued_action", args=[document.pk, "ky-lai"]))
    assert response.status_code == 302 and not signatures.awaiting_agency(document)
    assert set(document.deliveries.filter(electronic=True).values_list("status", flat=True)) == {DeliveryStatus.SENT}
    seen = sees(client, COMMUNE_CLERK, document)
    assert seen == {"policy": True, "arrivals": True, "search": seen["search"], "pdf": True, "notices": 1}
    total = Notification.objects.filter(kind="delivered").count()
    assert total == Delivery.objects.filter(document=document, electronic=True).count()  # one clerk per commune

    # Ký lại a second time is refused and tells no one again.
    client.force_login(clerk)
    commit(client.post, reverse("documents:issued_action", args=[document.pk, "ky-lai"]))
    assert Notification.objects.filter(kind="delivered").count() == total


def test_a_document_signed_at_issue_is_delivered_once_with_one_notice_each(db, client, commit):
    document = commit(outgoing.issue, clerk=user("vanthu.ubnd"), draft=signed_draft())
    assert not signatures.awaiting_agency(document)
    electronic = document.deliveries.filter(electronic=True)
    assert set(electronic.values_list("status", flat=True)) == {DeliveryStatus.SENT}
    assert delivered_notices(COMMUNE_CLERK) == 1
    assert Notification.objects.filter(kind="delivered").count() == electronic.count()


def test_cancelling_a_held_document_withdraws_its_deliveries_unseen(db, client, commit, monkeypatch):
    document = issue_failing(commit, monkeypatch)
    commit(outgoing.cancel_number, clerk=user("vanthu.ubnd"), document=document, reason="Sai trích yếu")
    electronic = document.deliveries.filter(electronic=True)
    assert set(electronic.values_list("status", flat=True)) == {DeliveryStatus.RECALLED}
    assert not electronic.filter(recall_acknowledged_at__isnull=True).exists()  # nothing for recipients to confirm
    with pytest.raises(SigningError):
        signatures.sign_again(clerk=user("vanthu.ubnd"), document=document, name="x.pdf")  # read before the cancel
    assert held.release(document) == []
    assert set(electronic.values_list("status", flat=True)) == {DeliveryStatus.RECALLED}
    assert sees(client, COMMUNE_CLERK, document)["notices"] == 0


def test_no_package_leaves_for_a_peer_until_the_agency_signs(db, commit, monkeypatch):
    fake = FakePeer()
    try:
        peer = Peer.objects.create(name="Hệ thống QLVB tỉnh", base_url=fake.url, outbound_token="ours-to-them")
        peer.set_inbound_token("token-of-the-province-system")
        peer.save()
        peer.units.add(unit("ubnd-tinh"))
        document = issue_failing(commit, monkeypatch, recipient_groups=[], recipient_units=[unit("ubnd-tinh")])
        delivery = document.deliveries.get()
        assert delivery.status == DeliveryStatus.HELD and delivery.electronic
        commit(tasks.send_due)  # the worker's schedule finds nothing to send
        assert fake.posts == [] and not Package.objects.filter(direction=Direction.OUT, kind="document").exists()

        commit(signatures.sign_again, clerk=user("vanthu.ubnd"), document=document, name="x.pdf")
        delivery.refresh_from_db()
        assert delivery.status == DeliveryStatus.SENT  # the peer answered 200
        assert len(fake.posts) == 1
        commit(tasks.send_due)
        assert len(fake.posts) == 1  # once
    finally:
        fake.close()
