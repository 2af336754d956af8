"""Certificates: read PEM and PKCS#12, describe them, and refuse the ones that must not sign."""

from __future__ import annotations

import datetime
import hashlib
import re
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.utils.translation import gettext as _

from documents.signing.errors import SigningError
from units.text import fold

_PEM_BLOCK = re.compile(rb"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----", re.S)
# Official names are often written with these abbreviations on one side and in full on the other.
_ABBREVIATIONS = {"ubnd": "uy ban nhan dan", "hdnd": "hoi dong nhan dan", "tt": "thi tran"}


@dataclass(frozen=True)
class CertificateInfo:
    common_name: str
    organisation: str
    serial: str
    not_before: datetime.datetime
    not_after: datetime.datetime
    fingerprint: str  # SHA-256 of the DER, upper-case hex with colons


def load_pem_certificates(data: bytes | str) -> list[x509.Certificate]:
    raw = data.encode() if isinstance(data, str) else bytes(data)
    return [x509.load_pem_x509_certificate(block) for block in _PEM_BLOCK.findall(raw)]


def load_certificate(data: bytes | str) -> x509.Certificate:
    """One certificate from PEM or DER."""
    raw = data.encode() if isinstance(data, str) else bytes(data)
    try:
        if b"-----BEGIN" in raw:
            return x509.load_pem_x509_certificate(raw)
        return x509.load_der_x509_certificate(raw)
    except ValueError as exc:
        raise SigningError(_("Tệp không phải chứng thư số X.509 (PEM hoặc DER).")) from exc


def to_pem(cert: x509.Certificate) -> str:
    return cert.public_bytes(serialization.Encoding.PEM).decode()


def fingerprint(cert: x509.Certificate) -> str:
    digest = hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest().upper()
    return ":".join(digest[i : i + 2] for i in range(0, len(digest), 2))


def _name_attr(name: x509.Name, oid) -> str:
    values = name.get_attributes_for_oid(oid)
    return str(values[0].value) if values else ""


def describe(cert: x509.Certificate) -> CertificateInfo:
    return CertificateInfo(
        common_name=_name_attr(cert.subject, NameOID.COMMON_NAME),
        organisation=_name_attr(cert.subject, NameOID.ORGANIZATION_NAME),
        serial=format(cert.serial_number, "X"),
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
        fingerprint=fingerprint(cert),
    )


@dataclass(frozen=True)
class KeyBundle:
    """What a PKCS#12 holds, decrypted, in memory only."""

    key: object
    certificate: x509.Certificate
    chain: list[x509.Certificate]


def open_pkcs12(data: bytes, password: str | bytes | None) -> KeyBundle:
    """Open an uploaded PKCS#12; a wrong password is a refusal, never a server error."""
    secret = password.encode() if isinstance(password, str) else password
    try:
        key, cert, chain = pkcs12.load_key_and_certificates(bytes(data), secret or None)
    except ValueError as exc:
        raise SigningError(_("Mật khẩu tệp chứng thư số (PKCS#12) không đúng, hoặc tệp không phải PKCS#12.")) from exc
    if key is None or cert is None:
        raise SigningError(_("Tệp PKCS#12 không chứa cả khóa bí mật và chứng thư số."))
    return KeyBundle(key=key, certificate=cert, chain=list(chain or []))


def open_stored_pkcs12(data: bytes) -> KeyBundle:
    """A PKCS#12 iDesk sealed itself (`seal_pkcs12`, kept encrypted and authenticated by Fernet): read without
    checking the RSA key again. That check ran when it was uploaded; repeating it costs ~35 ms CPU per signature.
    Anything else (an encrypted bag) goes the full way."""
    from asn1crypto import pkcs12 as asn1_pkcs12

    key, found = None, []
    try:
        pfx = asn1_pkcs12.Pfx.load(bytes(data))
        safe = pfx["auth_safe"]
        if safe["content_type"].native == "data":
            for info in asn1_pkcs12.AuthenticatedSafe.load(safe["content"].native):
                if info["content_type"].native != "data":
                    return open_pkcs12(data, None)
                for bag in asn1_pkcs12.SafeContents.load(info["content"].native):
                    kind = bag["bag_id"].native
                    if kind == "key_bag":
                        key = serialization.load_der_private_key(
                            bag["bag_value"].untag().dump(), None, unsafe_skip_rsa_key_validation=True
                        )
                    elif kind == "cert_bag" and bag["bag_value"]["cert_id"].native == "x509":
                        found.append(x509.load_der_x509_certificate(bag["bag_value"]["cert_value"].contents))
    except ValueError:
        return open_pkcs12(data, None)
    public = key.public_key().public_numbers() if key is not None else None
    leaf = next((c for c in found if c.public_key().public_numbers() == public), None)
    if leaf is None:
        return open_pkcs12(data, None)
    return KeyBundle(key=key, certificate=leaf, chain=[c for c in found if c is not leaf])


def seal_pkcs12(bundle: KeyBundle) -> bytes:
    """The bundle as a PKCS#12 without password: it is stored only encrypted with IDESK_SIGNING_KEY."""
    return pkcs12.serialize_key_and_certificates(
        b"idesk", bundle.key, bundle.certificate, bundle.chain or None, serialization.NoEncryption()
    )


def _names_match(certificate_name: str, expected: str) -> bool:
    def norm(text: str) -> str:
        words = fold(text).replace(".", " ").replace("-", " ").split()
        return " ".join(_ABBREVIATIONS.get(word, word) for word in words)

    return bool(expected) and norm(certificate_name) == norm(expected)


def check_can_sign(cert: x509.Certificate, *, now: datetime.datetime, expected_names: list[str]) -> None:
    """Refuse a certificate that is not valid now, may not sign, or names someone else."""
    info = describe(cert)
    if now < info.not_before:
        raise SigningError(
            _("Chứng thư số chưa đến thời hạn hiệu lực (có hiệu lực từ %(date)s).") % {"date": _vn(info.not_before)}
        )
    if now > info.not_after:
        raise SigningError(_("Chứng thư số đã hết hạn (hết hạn ngày %(date)s).") % {"date": _vn(info.not_after)})
    try:
        usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        usage = None
    if usage is None or not (usage.digital_signature or usage.content_commitment):
        raise SigningError(_("Chứng thư số không có mục đích sử dụng ký số (digitalSignature hoặc nonRepudiation)."))
    names = [info.common_name, info.organisation]
    if not any(_names_match(name, expected) for name in names if name for expected in expected_names):
        raise SigningError(
            _("Tên trên chứng thư số (%(cert)s) không khớp với %(expected)s.")
            % {
                "cert": info.common_name or info.organisation or "?",
                "expected": " / ".join(filter(None, expected_names)),
            }
        )


def _vn(moment: datetime.datetime) -> str:
    from zoneinfo import ZoneInfo

    return moment.astimezone(ZoneInfo("Asia/Ho_Chi_Minh")).strftime("%d/%m/%Y")
