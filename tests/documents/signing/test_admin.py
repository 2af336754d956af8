"""The admin: a PKCS#12 and its password in, the fingerprint out, the key never."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from documents.signing import images
from documents.signing.models import SealImage, SigningCertificate
from tests.helpers import user as who
from units.models import Unit

from .conftest import AGENCY

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def blank_slate():
    """Without the demo's certificates and seals (seed_demo makes them): each test adds its own."""
    SigningCertificate.objects.all().delete()
    SealImage.objects.all().delete()


@pytest.fixture
def admin_client():
    client = Client()
    client.force_login(who("admin"))
    return client


def _post(client, leader_cert, password):
    chairman = who("chutich")
    return client.post(
        "/admin/documents/signingcertificate/add/",
        {
            "kind": "person",
            "user": chairman.pk,
            "key_storage": "server",
            "active": "on",
            "pkcs12_file": SimpleUploadedFile("chutich.p12", leader_cert.pkcs12("dung-roi")),
            "pkcs12_password": password,
        },
    )


def test_a_wrong_password_is_shown_and_nothing_is_saved(admin_client, leader_cert):
    response = _post(admin_client, leader_cert, "sai-roi")
    assert response.status_code == 200
    assert "Mật khẩu tệp chứng thư số (PKCS#12) không đúng" in response.content.decode()
    assert not SigningCertificate.objects.exists()


def test_an_upload_shows_the_fingerprint_and_never_the_key(admin_client, leader_cert):
    response = _post(admin_client, leader_cert, "dung-roi")
    assert response.status_code == 302
    cert = SigningCertificate.objects.get()
    assert cert.subject_common_name == "Trần Kim Vũ" and cert.encrypted_pkcs12
    page = admin_client.get(f"/admin/documents/signingcertificate/{cert.pk}/change/").content.decode()
    assert cert.fingerprint in page
    assert "encrypted_pkcs12" not in page and "dung-roi" not in page
    assert "PRIVATE KEY" not in page


def test_a_seal_image_is_validated_on_upload(admin_client):
    unit = Unit.objects.get(name=AGENCY)
    url = "/admin/documents/sealimage/add/"
    bad = admin_client.post(url, {"unit": unit.pk, "diameter_mm": 36, "upload": SimpleUploadedFile("d.png", b"x")})
    assert "Ảnh phải là tệp PNG" in bad.content.decode()
    good = admin_client.post(
        url, {"unit": unit.pk, "diameter_mm": 36, "upload": SimpleUploadedFile("d.png", images.seal_png(AGENCY))}
    )
    assert good.status_code == 302
    assert SealImage.objects.get(unit=unit).width == 400
