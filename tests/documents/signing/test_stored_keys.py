"""The PKCS#12 iDesk keeps is read without checking its RSA key again (it was checked on upload): same key, same
certificate and chain as the full way; a PKCS#12 with encrypted bags still goes the full way."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives import serialization

from documents.signing import certs
from documents.signing.errors import SigningError


def _numbers(bundle):
    return bundle.key.private_numbers(), bundle.certificate, sorted(c.serial_number for c in bundle.chain)


def test_the_sealed_pkcs12_reads_the_same_as_the_full_way(leader_cert):
    full = certs.open_pkcs12(leader_cert.pkcs12("mat-khau"), "mat-khau")
    sealed = certs.seal_pkcs12(full)
    assert _numbers(certs.open_stored_pkcs12(sealed)) == _numbers(full)


def test_an_encrypted_pkcs12_goes_the_full_way(leader_cert):
    full = certs.open_pkcs12(leader_cert.pkcs12("mat-khau"), "mat-khau")
    encrypted = certs.pkcs12.serialize_key_and_certificates(
        b"x", full.key, full.certificate, full.chain or None, serialization.BestAvailableEncryption(b"k")
    )
    unlocked = certs.pkcs12.serialize_key_and_certificates(
        b"x", full.key, full.certificate, full.chain or None, serialization.NoEncryption()
    )
    assert _numbers(certs.open_stored_pkcs12(unlocked)) == _numbers(full)
    with pytest.raises(SigningError):  # needs its password: refused, as open_pkcs12 refuses it
        certs.open_stored_pkcs12(encrypted)
