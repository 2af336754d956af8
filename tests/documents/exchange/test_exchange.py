"""Liên thông (issue 17): the inbox other systems post to, sending to a fake peer on loopback with retries, statuses
both ways, and recall across systems.

The demo district is on this server; UBND tỉnh Bình Định (external unit `ubnd-tinh`, 000.00.00.H09) is reached
through a peer: a small HTTP server thread on 127.0.0.1 that records what it is sent and answers as told.
"""

from __future__ import annotations

import datetime
import io
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from pypdf import PdfWriter

from documents.core.models import Delivery, DeliveryStatus, DocType, Document
from documents.exchange import edxml, services, tasks
from documents.exchange.edxml import Attachment, Business, BusinessDocType, Organ, StatusCode
from documents.exchange.models import Direction, Link, Package, PackageState, Peer
from documents.incoming import services as incoming
from documents.outgoing import selectors as outgoing_selectors
from documents.outgoing import services as outgoing
from idesk.models import Notification
from tests.documents.conftest import unit, user
from tests.documents.outgoing_builders import signed

from .test_edxml import BILLION_LAUGHS

PROVINCE = "000.00.00.H09"
TOKEN = "token-of-the-province-system"
INBOX = "/lien-thong/goi-tin/"
NOW = datetime.datetime(2026, 12, 7, 9, 0, tzinfo=edxml.VIETNAM)


class FakePeer:
    """Another system's inbox on loopback: records each POST; `answers` is the list of statuses to give. `port`
    brings a peer that was down back up where it was."""

    def __init__(self, port: int = 0) -> None:
        self.posts: list[tuple[dict, bytes]] = []
        self.answers: list[int] = []
        peer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                status = peer.answers.pop(0) if peer.answers else 200
                if status == 200:
                    peer.posts.append((dict(self.headers), body))
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"status": "01"}' if status == 200 else b'{"error": "down"}')

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/lien-thong/goi-tin/"
        # shutdown() waits for the loop's next look at its flag: every 0.5 s by default, half a second a test.
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def packages(self) -> list:
        return [edxml.parse(body) for _headers, body in self.posts]


@pytest.fixture
def fake_peer():
    server = FakePeer()
    yield server
    server.close()


@pytest.fixture
def peer(db, fake_peer) -> Peer:
    peer = Peer.objects.create(name="Hệ thống QLVB tỉnh", base_url=fake_peer.url, outbound_token="ours-to-them")
    peer.set_inbound_token(TOKEN)
    peer.save()
    peer.units.add(unit("ubnd-tinh"))
    return peer


def _pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def province_package(to: list[str], **overrides) -> edxml.DocumentPackage:
    fields = dict(
        from_organ=Organ(PROVINCE, "UBND tỉnh Bình Định"),
        to_organs=[Organ(code) for code in to],
        document_id=f"{PROVINCE},2026/12/05,501/UBND-VX",
        code_number="501",
        code_notation="UBND-VX",
        promulgation_date=datetime.date(2026, 12, 5),
        document_type="2",
        document_type_name="Giấy mời",
        subject="Mời dự hội nghị tổng kết liên thông văn bản",
        signer=edxml.SignerInfo(position="Phó Chủ tịch", full_name="Nguyễn Tuấn Thanh"),
        attachments=[Attachment("501-UBND-VX.pdf", "application/pdf", _pdf(), "1")],
    )
    fields.update(overrides)
    return edxml.DocumentPackage(**fields)


_capture = None


@pytest.fixture(autouse=True)
def run_after_commit(django_capture_on_commit_callbacks):
    """Tests run in a transaction that never commits: run what each step leaves for after its commit (the
    worker's tasks, which run inline in tests) at the end of the step, as a real commit would."""
    global _capture
    _capture = django_capture_on_commit_callbacks
    yield
    _capture = None


def act(fn, *args, **kwargs):
    with _capture(execute=True):
        return fn(*args, **kwargs)


def post(data: bytes, token: str = TOKEN, **extra):
    return act(
        Client().post, INBOX, data=data, content_type="application/xml", HTTP_AUTHORIZATION=f"Bearer {token}", **extra
    )


def sent_statuses(code: str | None = None):
    qs = Package.objects.filter(direction=Direction.OUT, kind="status")
    return qs.filter(status_code=code) if code else qs


# --- Receiving ---------------------------------------------------------------------------------------------


def test_an_unknown_sender_is_refused_403_before_anything_is_read(peer):
    data = edxml.build(province_package([unit("xa-canh-hien").organ_id]))
    assert post(data, token="wrong").status_code == 403
    assert Client().post(INBOX, data=data, content_type="application/xml").status_code == 403
    assert not Package.objects.exists()


def test_a_document_lands_in_the_addressed_units_cho_vao_so_with_01_sent_back(peer, fake_peer):
    commune = unit("xa-canh-hien")
    response = post(edxml.build(province_package([commune.organ_id])))
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "01"
    delivery = Delivery.objects.get(recipient_unit=commune, document__number_symbol="501/UBND-VX")
    assert delivery.status == DeliveryStatus.SENT and delivery.electronic
    assert delivery.sender_unit == unit("ubnd-tinh")
    assert delivery.document.doc_type == DocType.GIAY_MOI
    assert delivery.document.files.get().blob.content_type == "application/pdf"
    # The commune's clerk sees it where local electronic arrivals wait.
    page = Client()
    page.force_login(user("vanthu.canhhien"))
    assert "Mời dự hội nghị tổng kết" in page.get("/documents/incoming/arrivals/").content.decode()
    # Status 01 went back to the province's system, through the worker.
    [arrived] = fake_peer.packages()
    assert arrived.status_code == StatusCode.ARRIVED
    assert arrived.response_for.document_id == f"{PROVINCE},2026/12/05,501/UBND-VX"
    assert arrived.from_organ.organ_id == commune.organ_id
    kept = Package.objects.get(direction=Direction.IN, kind="document")
    assert kept.state == PackageState.RECEIVED and kept.delivery == delivery and kept.blob is not None


def test_a_repeated_document_id_is_acknowledged_not_registered_twice(peer):
    data = edxml.build(province_package([unit("xa-canh-hien").organ_id]))
    first, again = post(data), post(data)
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json()
    assert Delivery.objects.filter(document__number_symbol="501/UBND-VX").count() == 1
    assert sent_statuses("01").count() == 1


@pytest.mark.parametrize(
    "data",
    [
        b"<edXML>not closed",
        BILLION_LAUGHS,
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
        b"just bytes",
    ],
    ids=["cut", "bomb", "external-entity", "garbage"],
)
def test_a_malformed_or_hostile_package_gets_400_with_a_reason_and_nothing_saved_but_the_evidence(peer, data):
    response = post(data)
    assert response.status_code == 400
    assert response.json()["error"]
    assert not Document.objects.filter(number_symbol="501/UBND-VX").exists()
    assert Package.objects.get(direction=Direction.IN).state == PackageState.REFUSED


def test_a_package_with_a_bad_attachment_is_refused_with_status_02_to_its_identified_sender(peer, fake_peer):
    bad = [Attachment("501.pdf", "application/pdf", b"%PDF-1.7 not really a pdf", "1")]
    response = post(edxml.build(province_package([unit("xa-canh-hien").organ_id], attachments=bad)))
    assert response.status_code == 400
    assert not Delivery.objects.filter(document__number_symbol="501/UBND-VX").exists()
    assert not Document.objects.filter(number_symbol="501/UBND-VX").exists()
    [refused] = fake_peer.packages()
    assert refused.status_code == StatusCode.REFUSED and "501.pdf" in refused.description


def test_a_package_to_nobody_here_is_refused(peer):
    response = post(edxml.build(province_package(["000.00.00.G22"])))
    assert response.status_code == 400
    assert "000.00.00.G22" in response.json()["error"]


def test_a_peer_cannot_speak_for_an_agency_it_does_not_reach(peer):
    package = province_package([unit("xa-canh-hien").organ_id], from_organ=Organ("000.00.00.G22", "VPCP"))
    assert post(edxml.build(package)).status_code == 403


def test_an_oversize_package_is_refused_from_its_declared_length(peer, settings):
    settings.IDESK_EDXML_MAX_MB = 1
    response = post(b"x" * (1024 * 1024 + 1))
    assert response.status_code == 413
    assert not Package.objects.exists()


# --- Statuses from the recipient's flow --------------------------------------------------------------------


def _arrived(peer) -> Delivery:
    assert post(edxml.build(province_package([unit("xa-canh-hien").organ_id]))).status_code == 200
    return Delivery.objects.get(document__number_symbol="501/UBND-VX")


def test_registering_directing_processing_and_completing_send_03_to_06(peer, fake_peer):
    delivery = _arrived(peer)
    clerk, head = user("vanthu.canhhien"), user("truong.canhhien")
    record = act(incoming.register_delivery, clerk=clerk, delivery=delivery)
    record = act(incoming.submit, clerk=clerk, record=record, leader=head)
    spec = incoming.AssignmentSpec(role="lead", user=head)
    record = act(incoming.direct, leader=head, record=record, text="Đồng chí trực tiếp dự.", assignments=[spec])
    act(incoming.add_note, user=head, record=record, text="Đã đăng ký dự.")
    act(incoming.add_note, user=head, record=record, text="Đã chuẩn bị báo cáo.")  # 05 once
    act(incoming.complete, user=head, record=record, result="Đã dự hội nghị.")
    codes = [p.status_code for p in fake_peer.packages()]
    assert codes == ["01", "03", "04", "05", "06"]
    registered = fake_peer.packages()[1]
    assert str(record.arrival_number) in registered.description


def test_returning_sends_02_with_the_reason(peer, fake_peer):
    delivery = _arrived(peer)
    act(incoming.return_delivery, clerk=user("vanthu.canhhien"), delivery=delivery, reason="Gửi nhầm đơn vị.")
    refused = fake_peer.packages()[-1]
    assert refused.status_code == StatusCode.REFUSED and refused.description == "Gửi nhầm đơn vị."


def test_a_local_delivery_sends_nothing(peer, fake_peer):
    document = act(outgoing.issue, clerk=user("vanthu.ubnd"), draft=signed())
    delivery = document.deliveries.first()
    act(
        incoming.register_delivery,
        clerk=user("vanthu.canhhien"),
        delivery=document.deliveries.get(recipient_unit=unit("xa-canh-hien")),
    )
    assert delivery.status != DeliveryStatus.SENDING
    assert not Package.objects.exists() and fake_peer.posts == []


# --- Sending -----------------------------------------------------------------------------------------------


def invitation_to_province():
    draft = signed(doc_type=DocType.GIAY_MOI, recipient_groups=[], recipient_units=[unit("ubnd-tinh")],
                   summary="Mời dự hội nghị triển khai liên thông")  # fmt: skip
    return act(outgoing.issue, clerk=user("vanthu.ubnd"), draft=draft)


def test_issuing_to_a_unit_behind_a_peer_sends_an_edxml_package_electronically_only(peer, fake_peer):
    document = invitation_to_province()
    delivery = document.deliveries.get()
    assert delivery.electronic and not delivery.paper_required  # a giấy mời: electronic only, as on the system
    assert delivery.status == DeliveryStatus.SENT  # the peer answered 200
    [(headers, body)] = fake_peer.posts
    assert headers["Authorization"] == "Bearer ours-to-them"
    package = edxml.parse(body)
    assert package.document_id == f"{unit('ubnd').organ_id},{document.issued_date:%Y/%m/%d},{document.number_symbol}"
    assert [o.organ_id for o in package.to_organs] == [PROVINCE]
    assert package.attachments[0].data.startswith(b"%PDF")
    kept = Package.objects.get(direction=Direction.OUT, kind="document")
    assert kept.state == PackageState.SENT and kept.attempts == 1 and kept.delivery == delivery
    assert delivery.exchange.document_id == package.document_id


def test_the_peer_down_means_retries_then_gui_loi_then_success_when_back_delivered_once(peer, fake_peer):
    fake_peer.answers = [503] * services.MAX_ATTEMPTS
    with time_machine.travel(NOW, tick=False) as clock:
        document = invitation_to_province()
        delivery = document.deliveries.get()
        package = Package.objects.get(direction=Direction.OUT, kind="document")
        assert delivery.status == DeliveryStatus.SENDING and package.attempts == 1
        delays = []
        for _ in range(services.MAX_ATTEMPTS - 1):
            package.refresh_from_db()
            delays.append((package.next_attempt_at - timezone.now()).total_seconds())
            assert (
                act(
                    tasks.send_due,
                )
                == 0
            )  # not yet due
            clock.move_to(package.next_attempt_at + datetime.timedelta(seconds=1))
            assert (
                act(
                    tasks.send_due,
                )
                == 1
            )
        package.refresh_from_db()
        delivery.refresh_from_db()
    assert all(later > earlier for earlier, later in zip(delays, delays[1:], strict=False))  # growing delays
    assert package.state == PackageState.FAILED and package.attempts == services.MAX_ATTEMPTS
    assert delivery.status == DeliveryStatus.FAILED
    assert "503" in package.last_error
    told = set(
        Notification.objects.filter(dedup_key=f"exchange_failed:{package.pk}").values_list(
            "recipient__username", flat=True
        )
    )
    assert "vanthu.ubnd" in told and "admin" in told
    assert fake_peer.posts == []
    act(services.resend, package)  # the peer is back: an administrator sends again
    delivery.refresh_from_db()
    package.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT and package.state == PackageState.SENT
    assert len(fake_peer.posts) == 1
    assert act(tasks.send_package, package.pk) == "nothing to do"  # a late retry does not send it twice
    assert len(fake_peer.posts) == 1


def test_statuses_from_the_peer_update_the_delivery_and_the_issued_page(peer, fake_peer):
    document = invitation_to_province()
    document_id = document.deliveries.get().exchange.document_id

    def status(code, description=""):
        package = edxml.StatusPackage(
            from_organ=Organ(PROVINCE, "UBND tỉnh Bình Định"),
            response_for=edxml.ResponseFor(organ_id=unit("ubnd").organ_id, document_id=document_id),
            status_code=StatusCode(code), description=description,
        )  # fmt: skip
        return post(edxml.build(package))

    assert status("01").status_code == 200
    assert status("03", "Đã vào sổ, số đến 1234").status_code == 200
    delivery = document.deliveries.get()
    assert delivery.status == DeliveryStatus.REGISTERED and delivery.exchange.remote_arrival_number == "1234"
    assert status("01").status_code == 200  # late and out of order: nothing goes back
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.REGISTERED
    status("05")
    page = Client()
    page.force_login(user("vanthu.ubnd"))
    html = page.get(f"/documents/outgoing/{document.pk}/").content.decode()
    assert "Đã vào sổ" in html and "1234" in html and "Đang xử lý" in html
    assert Notification.objects.filter(recipient__username="vanthu.ubnd", dedup_key__startswith="receipt:").exists()


def test_a_02_from_the_peer_returns_the_delivery_with_the_reason(peer, fake_peer):
    document = invitation_to_province()
    delivery = document.deliveries.get()
    package = edxml.StatusPackage(
        from_organ=Organ(PROVINCE), status_code=StatusCode.REFUSED, description="Sai thẩm quyền",
        response_for=edxml.ResponseFor(organ_id=unit("ubnd").organ_id, document_id=delivery.exchange.document_id),
    )  # fmt: skip
    assert post(edxml.build(package)).status_code == 200
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.RETURNED and delivery.returned_reason == "Sai thẩm quyền"


def test_a_confidential_document_never_crosses_to_a_peer(peer, fake_peer):
    draft = signed(recipient_groups=[], recipient_units=[unit("ubnd-tinh")], secrecy=1)
    document = act(outgoing.issue, clerk=user("vanthu.ubnd"), draft=draft)
    delivery = document.deliveries.get()
    assert not delivery.electronic and delivery.paper_required
    assert fake_peer.posts == [] and not Link.objects.exists()


# --- Recall ------------------------------------------------------------------------------------------------


def test_recalling_sends_13_and_the_revocation_package(peer, fake_peer):
    document = invitation_to_province()
    act(outgoing.recall, leader=user("chutich"), document=document, reason="Thay đổi thời gian họp")
    first, thirteen, revocation = fake_peer.packages()
    assert thirteen.status_code == StatusCode.RECALL_REQUESTED and thirteen.description == "Thay đổi thời gian họp"
    assert revocation.business.doc_type == BusinessDocType.REVOCATION
    assert revocation.document_id == first.document_id


def _recalled_by_province(peer) -> Delivery:
    delivery = _arrived(peer)
    revocation = province_package(
        [unit("xa-canh-hien").organ_id], business=Business(BusinessDocType.REVOCATION, "Sai sót")
    )
    assert post(edxml.build(revocation)).status_code == 200
    delivery.refresh_from_db()
    return delivery


def test_a_peer_recall_withdraws_the_copy_and_the_clerk_agrees_with_15(peer, fake_peer):
    delivery = _recalled_by_province(peer)
    assert delivery.status == DeliveryStatus.RECALLED and delivery.document.recalled_at is not None
    page = Client()
    page.force_login(user("vanthu.canhhien"))
    html = page.get("/documents/incoming/").content.decode()
    assert "Từ chối thu hồi" in html and "Sai sót" in html
    act(page.post, f"/documents/recalls/{delivery.pk}/acknowledge/")
    assert fake_peer.packages()[-1].status_code == StatusCode.RECALL_AGREED


def test_a_peer_recall_refused_brings_the_copy_back_and_sends_16_with_the_reason(peer, fake_peer):
    delivery = _recalled_by_province(peer)
    page = Client()
    page.force_login(user("vanthu.canhhien"))
    act(page.post, f"/lien-thong/thu-hoi/{delivery.pk}/tu-choi/", {"reason": "Đã triển khai thực hiện"})
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT and delivery.document.recalled_at is None
    refused = fake_peer.packages()[-1]
    assert refused.status_code == StatusCode.RECALL_REFUSED and refused.description == "Đã triển khai thực hiện"


def test_15_and_16_reach_the_senders_delivery(peer, fake_peer):
    document = invitation_to_province()
    act(outgoing.recall, leader=user("chutich"), document=document, reason="Thay đổi")
    delivery = document.deliveries.get()
    package = edxml.StatusPackage(
        from_organ=Organ(PROVINCE), status_code=StatusCode.RECALL_AGREED,
        response_for=edxml.ResponseFor(organ_id=unit("ubnd").organ_id, document_id=delivery.exchange.document_id),
    )  # fmt: skip
    assert post(edxml.build(package)).status_code == 200
    delivery.refresh_from_db()
    assert delivery.recall_acknowledged_at is not None


# --- Replacements and updates (BussinessDocType 3 and 2) -----------------------------------------------------

ORIGINAL_ID = f"{PROVINCE},2026/12/05,501/UBND-VX"


def _replacement(**business) -> edxml.DocumentPackage:
    return province_package(
        [unit("xa-canh-hien").organ_id],
        document_id=f"{PROVINCE},2026/12/06,502/UBND-VX",
        code_number="502",
        promulgation_date=datetime.date(2026, 12, 6),
        subject="Mời dự hội nghị tổng kết liên thông văn bản (thay thế)",
        business=Business(doc_type=BusinessDocType.REPLACEMENT, reason="Thay thế văn bản 501/UBND-VX", **business),
    )


def page_as_commune_clerk(path: str) -> str:
    client = Client()
    client.force_login(user("vanthu.canhhien"))
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def test_a_replacement_links_to_the_original_and_registering_it_shows_both_ways(peer, fake_peer):
    clerk = user("vanthu.canhhien")
    first = act(incoming.register_delivery, clerk=clerk, delivery=_arrived(peer))
    response = post(edxml.build(_replacement(replaces=[ORIGINAL_ID])))
    assert response.status_code == 200, response.content
    arrival = Delivery.objects.get(document__number_symbol="502/UBND-VX")
    assert arrival.document.replaces == first.document
    page = page_as_commune_clerk(f"/documents/incoming/arrivals/{arrival.pk}/")
    assert "Văn bản thay thế cho" in page and f'href="{first.get_absolute_url()}"' in page
    second = act(incoming.register_delivery, clerk=clerk, delivery=arrival)
    assert second.document.replaces == first.document
    original_page = page_as_commune_clerk(first.get_absolute_url())
    assert "Đã được thay thế bởi" in original_page and f'href="{second.get_absolute_url()}"' in original_page
    assert "Văn bản thay thế cho" in page_as_commune_clerk(second.get_absolute_url())


def test_an_update_with_the_same_document_id_updates_the_original_where_it_waits(peer, fake_peer):
    original = _arrived(peer)
    appendix = _pdf() + b"%% phu luc\n"
    update = province_package(
        [unit("xa-canh-hien").organ_id],
        subject="Mời dự hội nghị tổng kết liên thông văn bản (đổi giờ)",
        business=Business(doc_type=BusinessDocType.UPDATE, reason="Đổi giờ họp"),
        attachments=[
            Attachment("501-UBND-VX.pdf", "application/pdf", _pdf(), "1"),
            Attachment("phu-luc.pdf", "application/pdf", appendix, "2"),
        ],
    )
    assert post(edxml.build(update)).status_code == 200
    # No second arrival: the original's record gets the new file (the PDF it had already is not added again).
    assert Delivery.objects.filter(document__number_symbol="501/UBND-VX").get() == original
    assert sorted(original.document.files.values_list("name", flat=True)) == ["501-UBND-VX.pdf", "phu-luc.pdf"]
    page = page_as_commune_clerk(f"/documents/incoming/arrivals/{original.pk}/")
    assert "Văn bản đã được cập nhật" in page and "Đổi giờ họp" in page and "phu-luc.pdf" in page
    assert "(đổi giờ)" in page  # a changed subject is told, the registered one stays


def test_a_replacement_finds_its_original_by_issuer_date_and_number_when_no_link_names_it(peer, fake_peer):
    original = _arrived(peer)
    Link.objects.filter(delivery=original).update(document_id="another-vendor-shape-501")
    assert post(edxml.build(_replacement(replaces=[ORIGINAL_ID]))).status_code == 200
    assert Document.objects.get(number_symbol="502/UBND-VX").replaces == original.document


def test_a_replacement_of_something_never_received_lands_unlinked(peer, fake_peer):
    assert post(edxml.build(_replacement(replaces=[f"{PROVINCE},2026/01/02,1/UBND"]))).status_code == 200
    arrival = Delivery.objects.get(document__number_symbol="502/UBND-VX")
    assert arrival.document.replaces is None
    assert 'data-testid="exchange-change"' not in page_as_commune_clerk(f"/documents/incoming/arrivals/{arrival.pk}/")


def test_an_issued_replacement_goes_as_type_3_naming_the_document_it_replaces(peer, fake_peer):
    first = invitation_to_province()
    draft = signed(doc_type=DocType.GIAY_MOI, recipient_groups=[], recipient_units=[unit("ubnd-tinh")],
                   summary="Mời dự hội nghị triển khai liên thông (thay thế)", replaces=first)  # fmt: skip
    second = act(outgoing.issue, clerk=user("vanthu.ubnd"), draft=draft)
    assert second.replaces == first
    new, replacement = fake_peer.packages()
    assert new.business.doc_type == BusinessDocType.NEW and new.business.replaces == []
    assert replacement.business.doc_type == BusinessDocType.REPLACEMENT
    assert replacement.business.replaces == [new.document_id]
    assert replacement.document_id != new.document_id


# --- PDFs verified at intake ---------------------------------------------------------------------------------


def test_the_pdfs_of_an_arriving_package_are_verified_as_they_land(peer, fake_peer):
    from documents.signing.models import PdfVerification

    ours = invitation_to_province()  # its official PDF, signed here, travels in a province package
    [package] = fake_peer.packages()
    official = package.attachments[0]
    carrying = province_package([unit("xa-canh-hien").organ_id], attachments=[official])
    assert post(edxml.build(carrying)).status_code == 200
    landed = Document.objects.exclude(pk=ours.pk).get(summary__startswith="Mời dự hội nghị tổng kết").files.get()
    verification = PdfVerification.objects.get(blob=landed.blob)  # recorded at intake, before anyone opened it
    assert verification.signatures.count() >= 1
    assert 'data-testid="signature-checks"' in page_as_commune_clerk(
        f"/documents/incoming/arrivals/{Delivery.objects.get(document=landed.document).pk}/"
    )


# --- The official PDF attached twice at the same moment ------------------------------------------------------


def test_a_package_carries_the_official_pdf_once_even_when_issue_attached_it_at_the_same_moment(
    peer, fake_peer, monkeypatch
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from documents.core import files
    from documents.core.models import DocumentFile
    from documents.exchange import packages

    real = packages.attach_official_pdf

    def racing(document):
        # The worker's attach and issue()'s own, both finding nothing attached, both landing: the same bytes in a
        # second row, and (the agency signing twice) a second official copy of other bytes.
        mine = real(document)
        DocumentFile.objects.create(document=document, blob=mine.blob, name=mine.name)
        with mine.blob.content.open("rb") as stream:
            other = files.store(SimpleUploadedFile(mine.name, stream.read() + b"\n%twin", "application/pdf"))
        DocumentFile.objects.create(document=document, blob=other, name=mine.name)
        return mine

    monkeypatch.setattr(packages, "attach_official_pdf", racing)
    document = invitation_to_province()
    [package] = fake_peer.packages()
    official = outgoing_selectors.official_file(document)
    assert [a.name for a in package.attachments].count(official.name) == 1
    hashes = [__import__("hashlib").sha256(a.data).hexdigest() for a in package.attachments]
    assert len(hashes) == len(set(hashes)) and hashes[0] == official.blob.sha256
    assert document.files.filter(name=official.name).count() == 3  # the race happened; the package ignored it


# --- The worker killed inside the transport ------------------------------------------------------------------


class WorkerKilled(BaseException):
    """Not an Exception: nothing in the sending code catches it, as nothing catches a killed process."""


@pytest.mark.parametrize("when", ["before-the-bytes-leave", "after-the-bytes-left"])
def test_a_send_that_dies_in_the_transport_is_picked_up_by_the_5_minute_schedule_and_delivered_once(
    peer, fake_peer, monkeypatch, when
):
    import urllib.request

    from idesk.schedules import FREQUENT

    assert FREQUENT["Gửi gói tin liên thông đến hạn"] == ("documents.exchange.tasks.send_due", 5)
    real = urllib.request.urlopen
    killed = []

    def dying(request, timeout=None):
        if not killed:  # the first attempt: the package was built and stored, the worker dies mid-send
            killed.append(when)
            if when == "after-the-bytes-left":
                real(request, timeout=timeout).close()  # the peer got it; its answer is never heard
            raise WorkerKilled
        return real(request, timeout=timeout)

    monkeypatch.setattr(urllib.request, "urlopen", dying)
    with time_machine.travel(NOW, tick=False) as clock:
        with pytest.raises(WorkerKilled):
            invitation_to_province()
        package = Package.objects.get(direction=Direction.OUT, kind="document")
        delivery = package.delivery
        assert package.state == PackageState.PENDING and package.attempts == 1
        assert delivery.status == DeliveryStatus.SENDING
        clock.move_to(NOW + datetime.timedelta(minutes=4))
        assert act(tasks.send_due) == 0  # the dead attempt's claim holds for 5 minutes: no second sender meanwhile
        clock.move_to(NOW + datetime.timedelta(minutes=5, seconds=1))
        assert act(tasks.send_due) == 1  # the schedule's next run picks it up
        package.refresh_from_db()
        delivery.refresh_from_db()
        assert package.state == PackageState.SENT and package.attempts == 2
        assert delivery.status == DeliveryStatus.SENT
        clock.move_to(NOW + datetime.timedelta(minutes=10, seconds=2))
        assert act(tasks.send_due) == 0
        assert act(tasks.send_package, package.pk) == "nothing to do"
    bodies = [body for _headers, body in fake_peer.posts]
    if when == "before-the-bytes-leave":
        assert len(bodies) == 1
    else:
        # The peer saw the same stored bytes twice, so the same DocumentId: its inbox acknowledges the repeat
        # without registering it again (test_a_repeated_document_id_is_acknowledged_not_registered_twice).
        assert len(bodies) == 2 and bodies[0] == bodies[1]
    assert Package.objects.filter(direction=Direction.OUT, kind="document").count() == 1
