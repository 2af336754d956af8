"""Verification at intake (issue 16): an electronic delivery's PDF is verified when it arrives, its signatures are
shown on the delivery page and the incoming record in plain Vietnamese, and a failed one is flagged with "Trả lại"
offered and its reason filled in."""

from __future__ import annotations

import datetime
import html
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.urls import reverse

from documents.core import files
from documents.models import Delivery, DeliveryStatus, DocumentFile
from documents.outgoing import selectors as outgoing_selectors
from documents.signing.models import IssuedSignedFile, PdfVerification
from tests.documents.conftest import unit, user
from tests.documents.outgoing_builders import issued

NOW = datetime.datetime(2026, 11, 25, 9, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


@pytest.fixture(autouse=True)
def required(settings):
    settings.IDESK_SIGNATURES_REQUIRED = True
    with time_machine.travel(NOW, tick=True):
        yield


def arrival():
    document = issued()
    delivery = Delivery.objects.get(document=document, recipient_unit=unit("xa-canh-hien"))
    return document, delivery


def page(client, delivery) -> str:
    client.force_login(user("vanthu.canhhien"))
    response = client.get(reverse("documents:delivery_detail", args=[delivery.pk]))
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def test_a_signed_arrival_shows_both_signatures_valid(db, client):
    document, delivery = arrival()
    text = page(client, delivery)
    assert text.count('data-testid="signature"') == 2
    assert text.count(">hợp lệ</span>") == 2
    assert user("chutich").full_name in text and unit("ubnd").name in text
    assert 'data-testid="signature-problem"' not in text
    assert '<details class="card" open>' not in text

    # Registered, the record shows the verification made at arrival.
    client.post(reverse("documents:delivery_detail", args=[delivery.pk]), {"do": "register"})
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.REGISTERED
    response = client.get(reverse("documents:incoming_detail", args=[delivery.record.pk]))
    assert html.unescape(response.content.decode()).count(">hợp lệ</span>") == 2


def test_a_tampered_arrival_is_flagged_and_return_is_offered_with_the_reason(db, client):
    document, delivery = arrival()
    signed = IssuedSignedFile.objects.select_related("blob").get(document=document)
    with signed.blob.content.open("rb") as handle:
        data = bytearray(handle.read())
    data[data.index(b"/Type /Page") + 1] ^= 0x01  # one byte in the signed range, as if changed on the way
    tampered = files.store(ContentFile(bytes(data), name="tampered.pdf"))
    assert tampered.content_type == "application/pdf" and not PdfVerification.objects.filter(blob=tampered).exists()
    DocumentFile.objects.filter(document=document, blob=signed.blob).update(blob=tampered)

    text = page(client, delivery)
    verification = PdfVerification.objects.get(blob=tampered)  # verified as it arrived
    assert not verification.ok and verification.problem
    assert 'data-testid="signature-problem"' in text and ">không hợp lệ</span>" in text
    assert ">hợp lệ</span>" not in text
    assert '<details class="card" open>' in text
    official = outgoing_selectors.official_name(document)
    reason = f"Tệp {official}: {verification.problem}"
    assert f"{reason}</textarea>" in text

    client.post(reverse("documents:delivery_detail", args=[delivery.pk]), {"do": "return", "reason": reason})
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.RETURNED and delivery.returned_reason == reason
