"""A throwaway certificate authority for tests and the demo office. NEVER for real documents.

Its root is named as what it is ("iDesk Demo CA — KHÔNG DÙNG THẬT"); anything it issues is trusted only where
someone explicitly adds that root. Keys are RSA 2048: pyHanko's test timestamper needs RSA, and so do most
Vietnamese CAs.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

ROOT_NAME = "iDesk Demo CA — KHÔNG DÙNG THẬT"
ORGANISATION = "iDesk demo (chứng thư thử nghiệm, không có giá trị pháp lý)"
ONE_DAY = datetime.timedelta(days=1)
CRL_URL = "http://127.0.0.1/idesk-demo-ca.crl"


@dataclass
class Issued:
    certificate: x509.Certificate
    key: rsa.RSAPrivateKey
    chain: list[x509.Certificate] = field(default_factory=list)

    @property
    def pem(self) -> str:
        return self.certificate.public_bytes(serialization.Encoding.PEM).decode()

    def pkcs12(self, password: str | None) -> bytes:
        encryption = (
            serialization.BestAvailableEncryption(password.encode()) if password else serialization.NoEncryption()
        )
        return pkcs12.serialize_key_and_certificates(b"idesk-demo", self.key, self.certificate, self.chain, encryption)


def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _name(common_name: str, organisation: str = "") -> x509.Name:
    parts = [x509.NameAttribute(NameOID.COUNTRY_NAME, "VN")]
    if organisation:
        parts.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation))
    parts.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name))
    return x509.Name(parts)


def _usage(*, signing: bool = False, ca: bool = False) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=signing,
        content_commitment=signing,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )


class DemoCA:
    """A root that issues person, agency and timestamping certificates and CRLs."""

    def __init__(self, *, name: str = ROOT_NAME, now: datetime.datetime | None = None, years: int = 20):
        self.now = now or datetime.datetime.now(datetime.UTC)
        self.key = _key()
        subject = _name(name, ORGANISATION)
        self.certificate = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(subject)
            .public_key(self.key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(self.now - ONE_DAY)
            .not_valid_after(self.now + years * 365 * ONE_DAY)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(_usage(ca=True), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(self.key.public_key()), critical=False)
            .sign(self.key, hashes.SHA256())
        )
        self.revoked: list[tuple[int, datetime.datetime]] = []

    @property
    def pem(self) -> str:
        return self.certificate.public_bytes(serialization.Encoding.PEM).decode()

    def issue(
        self,
        common_name: str,
        organisation: str = "",
        *,
        not_before: datetime.datetime | None = None,
        not_after: datetime.datetime | None = None,
        signing: bool = True,
        timestamping: bool = False,
    ) -> Issued:
        """A leaf certificate; `signing=False` leaves out digitalSignature and nonRepudiation."""
        key = _key()
        builder = (
            x509.CertificateBuilder()
            .subject_name(_name(common_name, organisation))
            .issuer_name(self.certificate.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(not_before or self.now - ONE_DAY)
            .not_valid_after(not_after or self.now + 3 * 365 * ONE_DAY)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(_usage(signing=signing or timestamping), critical=True)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(self.key.public_key()), critical=False)
        )
        # Where the CRL would be published: without a distribution point, validators skip revocation checks.
        # Loopback only; nothing fetches it (validation is offline with the CRLs supplied).
        builder = builder.add_extension(
            x509.CRLDistributionPoints(
                [
                    x509.DistributionPoint(
                        full_name=[x509.UniformResourceIdentifier(CRL_URL)],
                        relative_name=None,
                        reasons=None,
                        crl_issuer=None,
                    )
                ]
            ),
            critical=False,
        )
        if timestamping:
            builder = builder.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        cert = builder.sign(self.key, hashes.SHA256())
        return Issued(certificate=cert, key=key, chain=[self.certificate])

    def person(self, full_name: str, organisation: str = "", **kwargs) -> Issued:
        return self.issue(full_name, organisation, **kwargs)

    def agency(self, unit_name: str, **kwargs) -> Issued:
        return self.issue(unit_name, unit_name, **kwargs)

    def expired(self, common_name: str, organisation: str = "") -> Issued:
        return self.issue(
            common_name, organisation, not_before=self.now - 800 * ONE_DAY, not_after=self.now - 30 * ONE_DAY
        )

    def timestamping_authority(self) -> Issued:
        return self.issue("iDesk Demo TSA — KHÔNG DÙNG THẬT", ORGANISATION, timestamping=True)

    def revoke(self, issued: Issued, when: datetime.datetime | None = None) -> None:
        self.revoked.append((issued.certificate.serial_number, when or self.now - ONE_DAY))

    def crl(self, *, next_update_days: int = 30) -> x509.CertificateRevocationList:
        builder = (
            x509.CertificateRevocationListBuilder()
            .issuer_name(self.certificate.subject)
            .last_update(self.now - ONE_DAY)
            .next_update(self.now + next_update_days * ONE_DAY)
            .add_extension(x509.CRLNumber(len(self.revoked) + 1), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(self.key.public_key()), critical=False)
        )
        for serial, when in self.revoked:
            builder = builder.add_revoked_certificate(
                x509.RevokedCertificateBuilder().serial_number(serial).revocation_date(when).build()
            )
        return builder.sign(self.key, hashes.SHA256())

    def crl_der(self, **kwargs) -> bytes:
        return self.crl(**kwargs).public_bytes(serialization.Encoding.DER)
