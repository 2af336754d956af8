"""The public verification page /xac-thuc/ (issue 16): no login; an uploaded PDF is matched to what iDesk issued
by its SHA-256 and its signatures verified; the code on the issued page (with a QR) opens the document's entry;
nothing is said about confidential documents."""

from __future__ import annotations

import datetime
import html
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from documents.models import Secrecy
from documents.signing import public
from documents.signing.models import IssuedSignedFile
from tests.documents.conftest import user
from tests.documents.outgoing_builders import issued

NOW = datetime.datetime(2026, 11, 25, 9, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
URL = "/xac-thuc/"


@pytest.fixture(autouse=True)
def required(settings):
    settings.IDESK_SIGNATURES_REQUIRED = True
    with time_machine.travel(NOW, tick=True):
        yield


def signed_file(**overrides) -> tuple[IssuedSignedFile, bytes]:
    document = issued(**overrides)
    signed = IssuedSignedFile.objects.select_related("blob", "document").get(document=document)
    with signed.blob.content.open("rb") as handle:
        return signed, handle.read()


def upload(data: bytes, name: str = "van-ban.pdf"):
    response = Client(enforce_csrf_checks=False).post(URL, {"pdf": SimpleUploadedFile(name, data)})
    return response, html.unescape(response.content.decode())


def test_the_page_needs_no_login(db):
    response = Client().get(URL)
    assert response.status_code == 200 and 'enctype="multipart/form-data"' in response.content.decode()


def test_an_issued_file_is_recognised_and_its_signatures_hold(db):
    signed, data = signed_file()
    response, text = upload(data)
    assert response.status_code == 200
    assert 'data-testid="issued-by-idesk"' in text and signed.document.number_symbol in text
    assert reverse("verify:code", args=[signed.code]) in text
    assert text.count('data-testid="signature"') == 2 and text.count(": hợp lệ, văn bản nguyên vẹn") == 2
    assert 'data-testid="signature-problem"' not in text


def test_a_changed_byte_is_neither_issued_nor_valid(db):
    _, data = signed_file()
    tampered = bytearray(data)
    tampered[data.index(b"/Type /Page") + 1] ^= 0x01
    response, text = upload(bytes(tampered))
    assert response.status_code == 200
    assert 'data-testid="not-issued-by-idesk"' in text and 'data-testid="signature-problem"' in text
    assert "KHÔNG hợp lệ" in text and ": hợp lệ, văn bản nguyên vẹn" not in text


def test_not_a_pdf_and_too_large_are_refused(db, monkeypatch):
    response, text = upload(b"hello", "a.pdf")
    assert response.status_code == 400 and "Tệp không phải PDF." in text
    monkeypatch.setattr(public, "MAX_BYTES", 1000)
    response, text = upload(b"%PDF-1.7\n" + b"0" * 1000)
    assert response.status_code == 400 and "Tệp quá lớn" in text


def test_the_code_opens_the_entry_with_its_qr_and_the_issued_page_shows_it(db, client):
    signed, _ = signed_file()
    for code in (signed.code, signed.code.lower()):
        response = Client().get(reverse("verify:code", args=[code]))
        text = html.unescape(response.content.decode())
        assert response.status_code == 200 and signed.document.number_symbol in text
        assert 'src="data:image/svg+xml' in text and signed.blob.sha256 in text
        assert text.count(">hợp lệ</span>") == 2
    assert Client().get(reverse("verify:code", args=["KHONGCO2"])).status_code == 404

    client.force_login(user("vanthu.ubnd"))
    page = client.get(reverse("documents:issued_detail", args=[signed.document_id])).content.decode()
    assert signed.code in page and 'src="data:image/svg+xml' in page


def test_nothing_is_shown_for_a_confidential_document(db, client):
    signed, data = signed_file(secrecy=Secrecy.MAT)
    response, text = upload(data)
    assert 'data-testid="issued-by-idesk"' not in text and signed.document.number_symbol not in text
    assert signed.document.summary not in text
    assert Client().get(reverse("verify:code", args=[signed.code])).status_code == 404
    client.force_login(user("vanthu.ubnd"))
    page = client.get(reverse("documents:issued_detail", args=[signed.document_id])).content.decode()
    assert signed.code not in page
