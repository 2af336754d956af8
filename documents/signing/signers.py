"""One signing interface, two key locations: a key held by the server, or remote signing (ký số từ xa).

Both give a pyHanko `Signer`, so `sign_pdf` has one code path. A remote provider never sees the document: pyHanko
builds the CMS signed attributes (which hold the document's digest), we send their SHA-256 hash, and the provider
returns the raw signature value once the person has confirmed on their device.
"""

from __future__ import annotations

import hashlib
from typing import Protocol

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa, utils
from django.utils.translation import gettext as _
from pyhanko.sign.signers.pdf_cms import Signer as PyHankoSigner
from pyhanko.sign.signers.pdf_cms import SimpleSigner
from pyhanko_certvalidator.registry import SimpleCertificateStore

from documents.signing import certs
from documents.signing.errors import SigningError


def _asn1(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def _registry(chain: list[x509.Certificate]) -> SimpleCertificateStore:
    store = SimpleCertificateStore()
    store.register_multiple([_asn1(c) for c in chain])
    return store


class ServerKeySigner(SimpleSigner):
    """Signs with a PKCS#12 held by the server, decrypted in memory for this signature only.

    The key opened from the PKCS#12 signs as it is: pyHanko's SimpleSigner loads it again from DER for every raw
    signature, and loading an RSA key checks it (about 40 ms a time, twice per signature counting the size
    estimate); the estimate needs only the signature's length."""

    _key = None  # the cryptography key, when made from a PKCS#12

    @classmethod
    def from_stored(cls, data: bytes) -> ServerKeySigner:
        """From the PKCS#12 iDesk keeps (decrypted from its Fernet token): see certs.open_stored_pkcs12."""
        return cls._from_bundle(certs.open_stored_pkcs12(data))

    @classmethod
    def from_pkcs12(cls, data: bytes, password: str | bytes | None = None) -> ServerKeySigner:
        return cls._from_bundle(certs.open_pkcs12(data, password))

    @classmethod
    def _from_bundle(cls, bundle: certs.KeyBundle) -> ServerKeySigner:
        from pyhanko.keys.internal import translate_pyca_cryptography_key_to_asn1

        signer = cls(
            signing_cert=_asn1(bundle.certificate),
            signing_key=translate_pyca_cryptography_key_to_asn1(bundle.key),
            cert_registry=_registry(bundle.chain),
        )
        signer._key = bundle.key
        return signer

    def _rsa_pkcs1(self, digest_algorithm: str) -> bool:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
        try:
            name = mechanism.signature_algo
        except ValueError:
            name = mechanism["algorithm"].native
        return name == "rsassa_pkcs1v15" and isinstance(self._key, rsa.RSAPrivateKey)

    async def async_sign_raw(self, data: bytes, digest_algorithm: str, dry_run: bool = False) -> bytes:
        if dry_run and self._rsa_pkcs1(digest_algorithm):
            return bytes(self._key.key_size // 8 + (self._key.key_size % 8 > 0))  # a PKCS#1 v1.5 signature's size
        return self.sign_raw(data, digest_algorithm)

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        if self._rsa_pkcs1(digest_algorithm):
            algorithm = {"sha256": hashes.SHA256(), "sha384": hashes.SHA384(), "sha512": hashes.SHA512()}.get(
                digest_algorithm
            )
            if algorithm is not None:
                return self._key.sign(data, padding.PKCS1v15(), algorithm)
        return super().sign_raw(data, digest_algorithm)


class RemoteProvider(Protocol):
    """A remote-signing service (e.g. a CA's mobile-app signing). A real one is a small adapter class."""

    name: str

    def sign_hash(self, *, account: str, digest: bytes, digest_algorithm: str, description: str) -> bytes:
        """Ask `account` to confirm; return the raw signature over `digest` (PKCS#1 v1.5 for RSA).

        Raise SigningError with a Vietnamese message when the person refuses or does not answer in time.
        """
        ...


class LocalTestProvider:
    """A provider that signs at once with keys it holds: for tests and the demo office, never production."""

    name = "local-test"

    def __init__(self, keys: dict[str, object] | None = None, *, refuse: bool = False):
        self.keys = dict(keys or {})
        self.refuse = refuse
        self.requests: list[dict] = []  # what was asked, so tests can see the document never left

    def enrol(self, account: str, key) -> None:
        self.keys[account] = key

    def sign_hash(self, *, account: str, digest: bytes, digest_algorithm: str, description: str) -> bytes:
        self.requests.append({"account": account, "digest": digest, "description": description})
        if self.refuse:
            raise SigningError(_("Người ký đã từ chối xác nhận ký số trên thiết bị."))
        key = self.keys.get(account)
        if key is None:
            raise SigningError(_("Dịch vụ ký số từ xa không có tài khoản ký này."))
        algorithm = {"sha256": hashes.SHA256(), "sha384": hashes.SHA384(), "sha512": hashes.SHA512()}[digest_algorithm]
        return key.sign(digest, padding.PKCS1v15(), utils.Prehashed(algorithm))


_PROVIDERS: dict[str, RemoteProvider] = {}


def register_provider(provider: RemoteProvider) -> None:
    _PROVIDERS[provider.name] = provider


def provider(name: str) -> RemoteProvider:
    try:
        return _PROVIDERS[name]
    except KeyError:
        raise SigningError(_("Chưa cấu hình dịch vụ ký số từ xa “%(name)s”.") % {"name": name}) from None


class RemoteSigner(PyHankoSigner):
    """pyHanko computes the signed attributes; the provider signs their hash after the person confirms."""

    def __init__(
        self,
        *,
        certificate: x509.Certificate,
        chain: list[x509.Certificate],
        provider: RemoteProvider,
        account: str,
        description: str = "",
    ):
        super().__init__(signing_cert=_asn1(certificate), cert_registry=_registry(chain))
        self.provider = provider
        self.account = account
        self.description = description

    async def async_sign_raw(self, data: bytes, digest_algorithm: str, dry_run: bool = False) -> bytes:
        if dry_run:
            # pyHanko's size estimate: a placeholder as long as the key's signature.
            return bytes(self.signing_cert.public_key.bit_size // 8)
        digest = hashlib.new(digest_algorithm, data).digest()
        return self.provider.sign_hash(
            account=self.account, digest=digest, digest_algorithm=digest_algorithm, description=self.description
        )
