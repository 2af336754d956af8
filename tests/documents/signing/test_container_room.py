"""The room kept for a signature container (pades.container_room): iDesk says how much, so pyHanko does not build a
whole container first to measure it; too little room still gives a signed file, through pyHanko's own measure."""

from __future__ import annotations

import re

import pytest
from pyhanko.sign.signers.pdf_signer import PdfSigningSession

from documents.signing import pades
from documents.signing.signers import LocalTestProvider, RemoteSigner
from documents.signing.verify import verify_pdf

from .conftest import AGENCY, server_signer


def _room_in_file(data: bytes) -> int:
    """The hex digits between the last signature's /Contents brackets."""
    return len(re.findall(rb"/Contents\s*<([0-9A-Fa-f]*)>", data)[-1])


@pytest.fixture
def measuring(monkeypatch):
    """Counts pyHanko's own measurements (a dry-run container each)."""
    calls = []
    measure = PdfSigningSession.estimate_signature_container_size

    async def counted(self, *args, **kwargs):
        calls.append(1)
        return await measure(self, *args, **kwargs)

    monkeypatch.setattr(PdfSigningSession, "estimate_signature_container_size", counted)
    return calls


@pytest.mark.parametrize("stamped", [False, True], ids=["B-B", "B-T"])
def test_a_signature_is_made_in_the_room_idesk_keeps_without_a_dry_run(
    plain_pdf, leader_cert, ca, timestamper, measuring, stamped
):
    signer = server_signer(leader_cert)
    stamper = timestamper if stamped else None
    signed = pades.sign_pdf(plain_pdf, signer, field_name="Sig", box=None, timestamper=stamper)
    [result] = verify_pdf(signed, trusted_roots=[ca.pem])
    assert result.valid and result.trusted and result.timestamped == stamped
    assert measuring == []
    assert _room_in_file(signed) == pades.container_room(signer, stamper)


def test_a_remote_signer_gets_its_room_too(plain_pdf, agency_cert, ca, measuring):
    provider = LocalTestProvider({"ubnd": agency_cert.key})
    signer = RemoteSigner(
        certificate=agency_cert.certificate, chain=agency_cert.chain, provider=provider, account="ubnd"
    )
    signed = pades.sign_pdf(plain_pdf, signer, field_name="Remote", box=None)
    [result] = verify_pdf(signed, trusted_roots=[ca.pem])
    assert result.valid and result.trusted and result.signer == AGENCY
    assert measuring == [] and len(provider.requests) == 1


def test_too_little_room_signs_again_in_the_room_pyhanko_measures(
    plain_pdf, leader_cert, ca, timestamper, measuring, monkeypatch
):
    monkeypatch.setattr(pades, "container_room", lambda signer, stamper: 64)
    signed = pades.sign_pdf(plain_pdf, server_signer(leader_cert), field_name="Sig", box=None, timestamper=timestamper)
    [result] = verify_pdf(signed, trusted_roots=[ca.pem])
    assert result.valid and result.trusted and result.timestamped
    assert measuring == [1]
    assert _room_in_file(signed) > 64
    assert signed.count(b"/Type /Sig") + signed.count(b"/Type/Sig") == 1  # the first attempt left nothing behind
