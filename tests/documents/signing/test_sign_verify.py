"""PAdES round trips: what pyHanko and poppler's pdfsig both say about files iDesk signed."""

from __future__ import annotations

import io
import re

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader

from documents.signing import pades, testca
from documents.signing.errors import SigningError
from documents.signing.signers import LocalTestProvider, RemoteSigner
from documents.signing.verify import validation_context, verify_pdf

from .conftest import AGENCY, LEADER, NOW, pdfsig, server_signer


def test_a_signed_pdf_verifies_in_pyhanko_and_pdfsig(leader_signed, ca, tmp_path):
    [result] = verify_pdf(leader_signed, trusted_roots=[ca.pem], crls=[ca.crl_der()])
    assert (result.signer, result.organisation) == (LEADER, AGENCY)
    assert result.intact and result.valid and result.trusted and result.covers_whole_file
    assert result.revoked is False
    assert abs((result.signed_at - NOW).total_seconds()) < 60
    assert result.summary.startswith(f"Chữ ký số của {LEADER} ({AGENCY}), ký lúc 09:30")
    assert "hợp lệ, văn bản nguyên vẹn, chứng thư số tin cậy, chưa bị thu hồi" in result.summary
    report = pdfsig(tmp_path, leader_signed)
    assert "Signature Validation: Signature is Valid." in report
    assert "ETSI.CAdES.detached" in report  # PAdES, not adbe.pkcs7.detached


def test_an_unsigned_pdf_has_no_signature(plain_pdf, ca):
    assert verify_pdf(plain_pdf, trusted_roots=[ca.pem]) == []


def _signed_ranges(data: bytes) -> list[tuple[int, int]]:
    numbers = [int(n) for n in re.findall(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)", data)[-1]]
    return [(numbers[0], numbers[0] + numbers[1]), (numbers[2], numbers[2] + numbers[3])]


@pytest.mark.parametrize("where", [0.02, 0.3, 0.5, 0.8, 0.98])
@pytest.mark.parametrize("part", [0, 1])
def test_one_changed_byte_anywhere_in_the_signed_range_invalidates(leader_signed, ca, where, part):
    start, end = _signed_ranges(leader_signed)[part]
    offset = start + int((end - start - 1) * where)
    tampered = bytearray(leader_signed)
    tampered[offset] = (tampered[offset] + 1) % 256 if tampered[offset] != 0x20 else 0x21
    try:
        results = verify_pdf(bytes(tampered), trusted_roots=[ca.pem])
    except SigningError as exc:
        assert "Tệp PDF bị hỏng" in exc.message  # the change broke the file's structure
        return
    assert results, "a changed byte made the signature disappear silently"
    assert not any(r.valid for r in results)
    assert all("KHÔNG hợp lệ" in r.summary for r in results)


def test_a_certificate_from_an_untrusted_ca_is_not_trusted(leader_signed):
    other = testca.DemoCA(name="Một CA khác", now=NOW)
    [result] = verify_pdf(leader_signed, trusted_roots=[other.pem])
    assert result.intact and result.valid
    assert not result.trusted
    assert "không tin cậy" in result.summary


def test_a_revoked_certificate_is_reported_revoked_when_a_crl_says_so(plain_pdf, ca):
    victim = ca.person("Nguyễn Văn Thu Hồi", AGENCY)
    signed = pades.sign_pdf(plain_pdf, server_signer(victim), field_name="Sig", box=None)
    ca.revoke(victim, NOW)
    try:
        [result] = verify_pdf(signed, trusted_roots=[ca.pem], crls=[ca.crl_der()])
    finally:
        ca.revoked.clear()
    assert result.revoked is True and not result.trusted
    assert "ĐÃ BỊ THU HỒI" in result.summary


def test_without_a_crl_revocation_is_unknown(leader_signed, ca):
    [result] = verify_pdf(leader_signed, trusted_roots=[ca.pem])
    assert result.revoked is None and result.trusted
    assert "chưa kiểm tra được tình trạng thu hồi" in result.summary


def test_the_leaders_signature_still_verifies_after_the_agencys(both_signed, ca, tmp_path):
    leader, agency = verify_pdf(both_signed, trusted_roots=[ca.pem], crls=[ca.crl_der()])
    assert (leader.signer, agency.signer) == (LEADER, AGENCY)
    assert leader.valid and leader.trusted and not leader.covers_whole_file
    assert agency.valid and agency.trusted and agency.covers_whole_file
    report = pdfsig(tmp_path, both_signed)
    assert report.count("Signature Validation: Signature is Valid.") == 2
    assert "Total document signed" in report


def test_a_remote_signature_sends_only_a_hash_and_verifies(plain_pdf, agency_cert, ca, tmp_path):
    provider = LocalTestProvider({"ubnd-vancanh": agency_cert.key})
    signer = RemoteSigner(
        certificate=agency_cert.certificate, chain=agency_cert.chain, provider=provider, account="ubnd-vancanh"
    )
    signed = pades.sign_pdf(plain_pdf, signer, field_name="Remote", box=None, reason="Phát hành")
    [result] = verify_pdf(signed, trusted_roots=[ca.pem])
    assert result.valid and result.trusted and result.signer == AGENCY
    [request] = provider.requests
    assert len(request["digest"]) == 32  # SHA-256 of the signed attributes, nothing of the document
    assert "Signature is Valid." in pdfsig(tmp_path, signed)


def test_a_remote_refusal_signs_nothing(plain_pdf, agency_cert):
    provider = LocalTestProvider({"ubnd": agency_cert.key}, refuse=True)
    signer = RemoteSigner(
        certificate=agency_cert.certificate, chain=agency_cert.chain, provider=provider, account="ubnd"
    )
    with pytest.raises(SigningError, match="từ chối"):
        pades.sign_pdf(plain_pdf, signer, field_name="Remote", box=None)


def test_pades_b_t_carries_a_timestamp_token(plain_pdf, leader_cert, ca, timestamper):
    signed = pades.sign_pdf(plain_pdf, server_signer(leader_cert), field_name="Sig", box=None, timestamper=timestamper)
    [result] = verify_pdf(signed, trusted_roots=[ca.pem])
    assert result.timestamped and result.valid and result.trusted


def test_pades_b_lta_adds_validation_data_and_a_document_timestamp(both_signed, ca, timestamper, tmp_path):
    context = validation_context(trusted_roots=[ca.pem], crls=[ca.crl_der()])
    archived = pades.make_long_term(both_signed, timestamper=timestamper, validation_context=context)
    reader = PdfFileReader(io.BytesIO(archived), strict=False)
    assert "/DSS" in reader.root
    assert len(reader.embedded_signatures) == 3  # two signatures and the document timestamp
    dss = reader.root["/DSS"]
    assert len(dss["/Certs"]) >= 2 and len(dss["/CRLs"]) >= 1
    results = verify_pdf(archived, trusted_roots=[ca.pem], crls=[ca.crl_der()])
    assert [r.valid and r.trusted for r in results] == [True, True]
    assert pdfsig(tmp_path, archived).count("Signature is Valid.") == 2


def test_a_missing_stamp_font_is_a_clear_refusal(plain_pdf, leader_cert, settings):
    settings.IDESK_STAMP_FONT = "/nonexistent/font.otf"
    with pytest.raises(SigningError, match="Thiếu phông chữ"):
        pades.sign_top_right(plain_pdf, server_signer(leader_cert), first_line="SAO Y", agency_name=AGENCY)


def test_the_agency_time_is_iso_8601_in_vietnam_time():
    import datetime

    assert pades.iso_vietnam(datetime.datetime(2026, 11, 25, 2, 30, 5, tzinfo=datetime.UTC)) == (
        "2026-11-25T09:30:05+07:00"
    )
