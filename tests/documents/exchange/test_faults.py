"""Liên thông (issue 17), faults at the inbox: a package cut in half, a 60 MB package on both sides of the configured
limit, and hostile XML. Nothing of the document is saved in any refusal; only the package is kept as evidence.
And a fault in sending: the peer's server down altogether (nothing listening; test_exchange has it answering 503)."""

from __future__ import annotations

import datetime
import io
import time

import pytest
import time_machine
from django.core.handlers.wsgi import WSGIRequest
from django.test import Client, RequestFactory
from pypdf import PdfWriter

from documents.core.models import Delivery, DeliveryStatus, DocType, Document
from documents.exchange import edxml, services, tasks, views
from documents.exchange.edxml import Attachment, StatusCode
from documents.exchange.models import Direction, Package, PackageState
from documents.outgoing import services as outgoing
from tests.documents.conftest import unit, user
from tests.documents.outgoing_builders import signed

from .test_edxml import BILLION_LAUGHS
from .test_exchange import INBOX, NOW, PROVINCE, TOKEN, FakePeer, province_package

MB = 1024 * 1024


def _post(data: bytes, captured):
    from django.test import Client

    with captured(execute=True):
        return Client().post(INBOX, data=data, content_type="application/xml", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")


def _nothing_of_the_document_saved():
    assert not Document.objects.filter(number_symbol="501/UBND-VX").exists()
    assert not Delivery.objects.filter(document__number_symbol="501/UBND-VX").exists()
    assert Package.objects.get(direction=Direction.IN).state == PackageState.REFUSED


def _a_real_size_pdf() -> Attachment:
    """A 40-page PDF (~60 KB), so the cut falls in the attachment, as it would in a real package, not in the header."""
    writer = PdfWriter()
    for _page in range(40):
        writer.add_blank_page(595, 842)
    writer.add_metadata({"/Subject": "Giấy mời " * 4000})
    out = io.BytesIO()
    writer.write(out)
    return Attachment("501-UBND-VX.pdf", "application/pdf", out.getvalue(), "1")


def test_a_package_cut_in_half_is_refused_400_with_a_reason_and_02_to_its_sender(
    peer, fake_peer, django_capture_on_commit_callbacks
):
    whole = edxml.build(province_package([unit("xa-canh-hien").organ_id], attachments=[_a_real_size_pdf()]))
    response = _post(whole[: len(whole) // 2], django_capture_on_commit_callbacks)
    assert response.status_code == 400
    reason = response.json()["error"]
    assert reason and reason.isascii() is False  # a Vietnamese sentence, not a parser's English
    _nothing_of_the_document_saved()
    [refused] = fake_peer.packages()
    assert refused.status_code == StatusCode.REFUSED
    assert refused.response_for.document_id == f"{PROVINCE},2026/12/05,501/UBND-VX"
    assert refused.description == reason


@pytest.mark.parametrize(
    "data",
    [
        BILLION_LAUGHS,
        b'<?xml version="1.0"?><!DOCTYPE edXML [<!ENTITY e SYSTEM "file:///etc/passwd">]><edXML>&e;</edXML>',
    ],
    ids=["billion-laughs", "external-entity"],
)
def test_an_xml_bomb_is_refused_and_nothing_saved(peer, fake_peer, django_capture_on_commit_callbacks, data):
    started = time.perf_counter()
    response = _post(data, django_capture_on_commit_callbacks)
    assert time.perf_counter() - started < 5  # refused, not expanded
    assert response.status_code == 400 and response.json()["error"]
    assert "root:" not in response.content.decode()
    _nothing_of_the_document_saved()


# --- A 60 MB package: the body is generated as it is read, so the test holds none of it ---------------------------


class _LazyBody:
    """A package `size` bytes long made on demand: the real package with whitespace (which readers tolerate)
    before its closing tag. Counts what was read, so the test can tell a refusal came before reading."""

    def __init__(self, package: bytes, size: int) -> None:
        closing = package.rindex(b"</edXML>")
        self.parts = [package[:closing], None, package[closing:]]
        self.padding = size - len(package)
        self.read_bytes = 0
        self.size = size

    def read(self, n: int = -1) -> bytes:
        if n is None or n < 0:
            n = self.size - self.read_bytes
        out = bytearray()
        while len(out) < n and self.read_bytes < self.size:
            at, want = self.read_bytes, n - len(out)
            head = len(self.parts[0])
            if at < head:
                piece = self.parts[0][at : at + want]
            elif at < head + self.padding:
                piece = b"\n" * min(want, head + self.padding - at)
            else:
                piece = self.parts[2][at - head - self.padding :][:want]
            out += piece
            self.read_bytes += len(piece)
        return bytes(out)

    readline = read  # Django's LimitedStream asks for it; the inbox reads in chunks


def _request(body: _LazyBody) -> WSGIRequest:
    environ = RequestFactory().post(INBOX, data=b"", content_type="application/xml").environ
    environ.update({"wsgi.input": body, "CONTENT_LENGTH": str(body.size), "HTTP_AUTHORIZATION": f"Bearer {TOKEN}"})
    return WSGIRequest(environ)


def _sixty_mb() -> _LazyBody:
    return _LazyBody(edxml.build(province_package([unit("xa-canh-hien").organ_id])), 60 * MB)


def test_a_60_mb_package_over_the_configured_limit_is_refused_413_before_it_is_read(peer, settings):
    settings.IDESK_EDXML_MAX_MB = 50
    body = _sixty_mb()
    response = views.inbox(_request(body))
    assert response.status_code == 413
    assert "50 MB" in response.content.decode()
    assert body.read_bytes == 0
    assert not Package.objects.exists()


def test_a_60_mb_package_under_the_configured_limit_is_received(
    peer, fake_peer, settings, django_capture_on_commit_callbacks
):
    settings.IDESK_EDXML_MAX_MB = 80
    body = _sixty_mb()
    with django_capture_on_commit_callbacks(execute=True):
        response = views.inbox(_request(body))
    assert response.status_code == 200, response.content
    assert body.read_bytes == 60 * MB
    assert Delivery.objects.filter(document__number_symbol="501/UBND-VX").count() == 1
    kept = Package.objects.get(direction=Direction.IN)
    assert kept.state == PackageState.RECEIVED and kept.blob.size == 60 * MB
    assert [p.status_code for p in fake_peer.packages()] == [StatusCode.ARRIVED]


# --- The peer down while sending --------------------------------------------------------------------------------


@pytest.mark.parametrize("back_after", [2, None], ids=["back-before-the-last-attempt", "back-after-gui-loi"])
def test_a_peer_down_is_retried_then_gui_loi_then_the_package_is_delivered_once_when_it_is_back(
    peer, fake_peer, django_capture_on_commit_callbacks, back_after
):
    """Nothing listens on the peer's port (its server is down: the connection is refused, no HTTP answer). Each
    attempt fails and the next comes later; when the peer is back on the same port, the next attempt delivers it
    (before the last), or after Gửi lỗi the clerk's resend does; either way the peer gets it once."""
    port = fake_peer.server.server_address[1]
    fake_peer.close()
    back: list[FakePeer] = []

    def run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    try:
        with time_machine.travel(NOW, tick=False) as clock:
            draft = signed(doc_type=DocType.GIAY_MOI, recipient_groups=[], recipient_units=[unit("ubnd-tinh")],
                           summary="Mời dự hội nghị khi máy chủ tỉnh ngừng hoạt động")  # fmt: skip
            document = run(outgoing.issue, clerk=user("vanthu.ubnd"), draft=draft)
            delivery = document.deliveries.get()
            package = Package.objects.get(direction=Direction.OUT, kind="document", delivery=delivery)
            assert package.attempts == 1 and package.state == PackageState.PENDING
            assert "Không kết nối được" in package.last_error
            delivery.refresh_from_db()
            assert delivery.status == DeliveryStatus.SENDING
            for attempt in range(2, services.MAX_ATTEMPTS + 1):
                if attempt == back_after:
                    back.append(FakePeer(port=port))
                package.refresh_from_db()
                assert run(tasks.send_due) == 0  # not due yet
                clock.move_to(package.next_attempt_at + datetime.timedelta(seconds=1))
                assert run(tasks.send_due) == 1
                package.refresh_from_db()
                if back:
                    break
            delivery.refresh_from_db()
            if back_after is None:
                assert package.state == PackageState.FAILED and package.attempts == services.MAX_ATTEMPTS
                assert delivery.status == DeliveryStatus.FAILED
                page = Client()
                page.force_login(user("vanthu.ubnd"))
                assert "Gửi lỗi" in page.get(f"/documents/outgoing/{document.pk}/").content.decode()
                back.append(FakePeer(port=port))
                run(services.resend, package)
                package.refresh_from_db()
                delivery.refresh_from_db()
            assert package.state == PackageState.SENT and delivery.status == DeliveryStatus.SENT
            assert package.attempts == (back_after or 1)
            clock.shift(datetime.timedelta(days=1))
            assert run(tasks.send_due) == 0
            assert run(tasks.send_package, package.pk) == "nothing to do"  # a late retry sends nothing
        [received] = back[0].packages()
        assert received.document_id == delivery.exchange.document_id
    finally:
        for server in back:
            server.close()
