"""Liên thông (issue 17): which certificates a peer signs with. A document signed by the peer's agency under the
peer's own CA is "không tin cậy" here until the administrator enters that CA on the peer; then the package's PDF
verifies as valid and trusted. The field takes PEM only, with a Vietnamese message otherwise."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from weasyprint import HTML

from documents.core.models import Delivery
from documents.exchange import edxml
from documents.exchange.edxml import Attachment
from documents.signing import pades, testca
from documents.signing.models import PdfVerification
from documents.signing.signers import ServerKeySigner
from tests.documents.conftest import unit

from .test_exchange import INBOX, TOKEN, province_package

NOW = datetime.datetime(2026, 12, 5, 9, 0, tzinfo=edxml.VIETNAM)


@pytest.fixture(scope="module")
def peer_ca():
    return testca.DemoCA(name="CA của tỉnh (thử)", now=NOW.astimezone(datetime.UTC))


@pytest.fixture(scope="module")
def signed_by_the_province(peer_ca):
    agency = peer_ca.agency("UBND tỉnh Bình Định")
    signer = ServerKeySigner.from_pkcs12(agency.pkcs12("mat-khau"), "mat-khau")
    plain = HTML(string="<p>Giấy mời số 501/UBND-VX</p>").write_pdf()
    with time_machine.travel(NOW, tick=True):
        return pades.sign_pdf(plain, signer, field_name="CoQuan", box=None)


def _receive(data: bytes, django_capture_on_commit_callbacks):
    package = province_package(
        [unit("xa-canh-hien").organ_id],
        attachments=[Attachment("501-UBND-VX.pdf", "application/pdf", data, "1")],
    )
    with time_machine.travel(NOW, tick=True), django_capture_on_commit_callbacks(execute=True):
        response = Client().post(
            INBOX, data=edxml.build(package), content_type="application/xml", HTTP_AUTHORIZATION=f"Bearer {TOKEN}"
        )
    assert response.status_code == 200, response.content
    delivery = Delivery.objects.get(document__number_symbol="501/UBND-VX")
    blob = delivery.document.files.get().blob
    return PdfVerification.objects.get(blob=blob)


def test_without_the_peers_certificates_its_signature_is_not_trusted(
    peer, fake_peer, signed_by_the_province, django_capture_on_commit_callbacks
):
    verification = _receive(signed_by_the_province, django_capture_on_commit_callbacks)
    [check] = verification.signatures.all()
    assert check.valid and check.intact and not check.trusted
    assert "không tin cậy" in check.summary


def test_with_the_peers_ca_its_signature_is_valid_and_trusted(
    peer, fake_peer, peer_ca, signed_by_the_province, django_capture_on_commit_callbacks
):
    other = testca.DemoCA(name="CA khác (thử)", now=NOW.astimezone(datetime.UTC))
    peer.signing_certificates = other.pem + "\n" + peer_ca.pem  # one or more; the matching one counts
    peer.full_clean()
    peer.save()
    verification = _receive(signed_by_the_province, django_capture_on_commit_callbacks)
    [check] = verification.signatures.all()
    assert check.valid and check.trusted and not check.revoked
    assert "hợp lệ" in check.summary and "không tin cậy" not in check.summary
    assert verification.ok


@pytest.mark.parametrize(
    "text",
    ["không phải chứng thư", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"],
    ids=["not-pem", "damaged"],
)
def test_the_field_refuses_what_is_not_a_pem_certificate_in_vietnamese(peer, text):
    peer.signing_certificates = text
    with pytest.raises(ValidationError) as refused:
        peer.full_clean()
    assert "Chứng thư số không đọc được" in " ".join(refused.value.messages)
    assert peer.signing_roots() == []


def test_the_admin_shows_the_field(peer, admin_client):
    from django.urls import reverse

    response = admin_client.get(reverse("admin:documents_peer_change", args=[peer.pk]))
    assert response.status_code == 200
    assert 'name="signing_certificates"' in response.content.decode()
