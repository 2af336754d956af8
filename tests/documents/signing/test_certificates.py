"""Certificates in the database: the key kept only encrypted, and every refusal before anything is signed."""

from __future__ import annotations

import datetime

import pytest

from documents.signing import keys, pades, testca
from documents.signing.errors import SigningError
from documents.signing.models import CertificateKind, KeyStorage, SigningCertificate
from documents.signing.signers import LocalTestProvider, RemoteSigner, register_provider
from documents.signing.verify import verify_pdf
from tests.helpers import user as who
from units.models import Unit

from .conftest import AGENCY, LEADER, NOW

pytestmark = pytest.mark.django_db


@pytest.fixture
def chairman():
    return who("chutich")


@pytest.fixture
def district():
    return Unit.objects.get(name=AGENCY)


def _person_cert(user, issued: testca.Issued, password: str = "mat-khau") -> SigningCertificate:
    cert = SigningCertificate(kind=CertificateKind.PERSON, user=user)
    cert.set_pkcs12(issued.pkcs12(password), password)
    cert.save()
    return cert


def test_the_key_is_stored_only_encrypted_and_signs(chairman, leader_cert, plain_pdf, ca):
    cert = _person_cert(chairman, leader_cert)
    cert.refresh_from_db()
    stored = bytes(cert.encrypted_pkcs12)
    assert b"mat-khau" not in stored
    assert keys.decrypt(stored).startswith(b"0")  # a DER PKCS#12 once decrypted
    assert cert.fingerprint.count(":") == 31 and cert.subject_common_name == LEADER
    signed = pades.sign_pdf(plain_pdf, cert.signer(), field_name="Sig", box=None)
    [result] = verify_pdf(signed, trusted_roots=[ca.pem])
    assert result.valid and result.trusted


def test_a_wrong_pkcs12_password_is_refused(chairman, leader_cert):
    cert = SigningCertificate(kind=CertificateKind.PERSON, user=chairman)
    with pytest.raises(SigningError, match="Mật khẩu tệp chứng thư số"):
        cert.set_pkcs12(leader_cert.pkcs12("dung"), "sai")
    assert cert.encrypted_pkcs12 is None


def test_an_expired_certificate_is_refused(chairman, ca):
    cert = _person_cert(chairman, ca.expired(LEADER, AGENCY))
    with pytest.raises(SigningError, match="đã hết hạn"):
        cert.signer()


def test_a_certificate_not_yet_valid_is_refused(chairman, ca):
    later = ca.issue(LEADER, AGENCY, not_before=NOW + datetime.timedelta(days=10))
    cert = _person_cert(chairman, later)
    with pytest.raises(SigningError, match="chưa đến thời hạn hiệu lực"):
        cert.signer()


def test_a_certificate_without_signing_key_usage_is_refused(chairman, ca):
    cert = _person_cert(chairman, ca.issue(LEADER, AGENCY, signing=False))
    with pytest.raises(SigningError, match="digitalSignature hoặc nonRepudiation"):
        cert.signer()


def test_a_certificate_naming_someone_else_is_refused(chairman, ca):
    cert = _person_cert(chairman, ca.person("Nguyễn Văn Khác", AGENCY))
    with pytest.raises(SigningError, match="không khớp với Trần Kim Vũ"):
        cert.signer()


def test_names_match_without_accents_case_or_abbreviation(chairman, district, ca):
    person = _person_cert(chairman, ca.person("TRAN KIM VU"))
    assert person.signer() is not None  # SigningError, naming "someone else", if the names were compared as typed
    agency = SigningCertificate(kind=CertificateKind.AGENCY, unit=district)
    agency.set_pkcs12(ca.agency("Ủy ban nhân dân huyện Vân Canh").pkcs12(None), None)
    assert agency.signer() is not None


def test_a_switched_off_certificate_is_refused(chairman, leader_cert):
    cert = _person_cert(chairman, leader_cert)
    cert.active = False
    with pytest.raises(SigningError, match="ngừng sử dụng"):
        cert.signer()


def test_a_remote_certificate_signs_through_its_provider(district, agency_cert, plain_pdf, ca):
    provider = LocalTestProvider({"vancanh": agency_cert.key})
    provider.name = "local-test-certificates"
    register_provider(provider)
    cert = SigningCertificate(
        kind=CertificateKind.AGENCY,
        unit=district,
        key_storage=KeyStorage.REMOTE,
        remote_provider=provider.name,
        remote_account="vancanh",
    )
    cert.set_certificate(agency_cert.certificate, agency_cert.chain)
    cert.save()
    signer = cert.signer(description="3261/UBND")
    assert isinstance(signer, RemoteSigner)
    signed = pades.sign_pdf(plain_pdf, signer, field_name="Sig", box=None)
    assert verify_pdf(signed, trusted_roots=[ca.pem])[0].trusted
    assert provider.requests[0]["description"] == "3261/UBND"


def test_an_unknown_remote_provider_is_a_refusal(district, agency_cert):
    cert = SigningCertificate(
        kind=CertificateKind.AGENCY, unit=district, key_storage=KeyStorage.REMOTE, remote_provider="khong-co"
    )
    cert.set_certificate(agency_cert.certificate, agency_cert.chain)
    with pytest.raises(SigningError, match="Chưa cấu hình dịch vụ ký số từ xa"):
        cert.signer()
