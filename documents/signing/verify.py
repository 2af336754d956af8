"""Verification of the signatures in a PDF, reported per signature in plain Vietnamese."""

from __future__ import annotations

import asyncio
import datetime
import functools
import io
import logging
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from zoneinfo import ZoneInfo

from asn1crypto import crl as asn1_crl
from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from django.utils.translation import gettext as _
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import async_validate_pdf_signature
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from documents.signing import hexread
from documents.signing.diffcheck import AgencyRevisionPolicy
from documents.signing.errors import SigningError
from documents.signing.loops import outside_running_loop

logger = logging.getLogger(__name__)
hexread.install()
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
# A signing certificate needs one of the two; pyHanko's default demands nonRepudiation alone.
KEY_USAGE = KeyUsageConstraints(key_usage={"digital_signature", "non_repudiation"}, match_all_key_usages=False)


@dataclass(frozen=True)
class SignatureResult:
    field_name: str
    signer: str
    organisation: str
    signed_at: datetime.datetime | None
    timestamped: bool  # the time comes from a timestamp authority, not the signer's clock
    intact: bool  # the signed bytes are unchanged
    valid: bool  # intact, a correct signature, and nothing added after it that the signature forbids
    trusted: bool  # the certificate chains to a trusted root (and was valid and not revoked then)
    revoked: bool | None  # None: no revocation information for this certificate
    covers_whole_file: bool
    summary: str

    def as_dict(self) -> dict:
        data = asdict(self)
        data["signed_at"] = self.signed_at.isoformat() if self.signed_at else None
        return data


def _der(item) -> bytes:
    raw = item.encode() if isinstance(item, str) else bytes(item)
    if pem.detect(raw):
        _, _, raw = pem.unarmor(raw)
    return raw


@functools.lru_cache(maxsize=256)
def _parsed_certificates(raw: bytes) -> tuple[asn1_x509.Certificate, ...]:
    # The same roots arrive with every file: parsed once per process (asn1crypto objects are not changed by use).
    if pem.detect(raw):
        return tuple(asn1_x509.Certificate.load(der) for _, _, der in pem.unarmor(raw, multiple=True))
    return (asn1_x509.Certificate.load(raw),)


@functools.lru_cache(maxsize=64)
def _parsed_crl(raw: bytes) -> asn1_crl.CertificateList:
    return asn1_crl.CertificateList.load(_der(raw))


def _certificates(items: Iterable) -> list[asn1_x509.Certificate]:
    out = []
    for item in items:
        if isinstance(item, asn1_x509.Certificate):
            out.append(item)
            continue
        out.extend(_parsed_certificates(item.encode() if isinstance(item, str) else bytes(item)))
    return out


def _crls(items: Iterable) -> list[asn1_crl.CertificateList]:
    return [
        item
        if isinstance(item, asn1_crl.CertificateList)
        else _parsed_crl(item.encode() if isinstance(item, str) else bytes(item))
        for item in items
    ]


def validation_context(
    *, trusted_roots: Iterable, crls: Iterable = (), now: datetime.datetime | None = None
) -> ValidationContext:
    """Offline: the roots and CRLs given here are all there is; revocation is unknown without a CRL."""
    crl_list = _crls(crls)
    kwargs = {"moment": now} if now else {}
    return ValidationContext(
        trust_roots=_certificates(trusted_roots),
        crls=crl_list,
        allow_fetching=False,
        revocation_mode="soft-fail",
        **kwargs,
    )


def _name(cert: asn1_x509.Certificate, field: str) -> str:
    return str(cert.subject.native.get(field, "") or "")


def _revocation_known(cert: asn1_x509.Certificate, crls: list[asn1_crl.CertificateList]) -> bool:
    # The validator consults a CRL only for a certificate naming a distribution point.
    return bool(cert.crl_distribution_points) and any(item.issuer == cert.issuer for item in crls)


def _summary(result: dict) -> str:
    who = result["signer"] or "không rõ người ký"
    if result["organisation"] and result["organisation"] != result["signer"]:
        who += f" ({result['organisation']})"
    when = result["signed_at"].astimezone(VIETNAM).strftime("%H:%M:%S %d/%m/%Y") if result["signed_at"] else "?"
    head = f"Chữ ký số của {who}, ký lúc {when}"
    if not result["intact"]:
        return f"{head}: KHÔNG hợp lệ — văn bản đã bị thay đổi sau khi ký."
    if not result["valid"]:
        return f"{head}: KHÔNG hợp lệ — chữ ký sai hoặc văn bản bị sửa đổi không được phép sau khi ký."
    if result["revoked"]:
        return f"{head}: hợp lệ về kỹ thuật nhưng chứng thư số ĐÃ BỊ THU HỒI."
    if not result["trusted"]:
        return (
            f"{head}: nguyên vẹn nhưng chứng thư số không tin cậy (không thuộc tổ chức cấp được tin cậy hoặc hết hạn)."
        )
    tail = "chưa bị thu hồi" if result["revoked"] is False else "chưa kiểm tra được tình trạng thu hồi"
    return f"{head}: hợp lệ, văn bản nguyên vẹn, chứng thư số tin cậy, {tail}."


def _unreadable(field_name: str) -> SignatureResult:
    return SignatureResult(
        field_name=field_name,
        signer="",
        organisation="",
        signed_at=None,
        timestamped=False,
        intact=False,
        valid=False,
        trusted=False,
        revoked=None,
        covers_whole_file=False,
        summary="Chữ ký số bị hỏng, không đọc được: KHÔNG hợp lệ.",
    )


async def _validate_all(embedded_signatures: list, context: ValidationContext, diff_policy) -> list:
    """Each signature's status (or the exception it raised), in one event loop for the whole file."""
    out = []
    try:
        for embedded in embedded_signatures:
            try:
                status = await async_validate_pdf_signature(
                    embedded, context, diff_policy=diff_policy, key_usage_settings=KEY_USAGE
                )
                out.append(status)
            except Exception as exc:  # reported per signature by the caller
                out.append(exc)
    finally:
        await context.aclose()  # as pyHanko's synchronous wrapper does (nothing is fetched: no session to close)
    return out


def verify_pdf(
    pdf_bytes: bytes, *, trusted_roots: Iterable, crls: Iterable = (), now: datetime.datetime | None = None
) -> list[SignatureResult]:
    """Every signature (not the document timestamps) in file order, checked offline against the given roots.

    A file too damaged to read its signatures raises SigningError; a damaged signature is reported invalid."""
    crl_list = _crls(crls)
    roots = _certificates(trusted_roots)
    try:
        reader = PdfFileReader(io.BytesIO(pdf_bytes), strict=False)
        embedded_signatures = list(reader.embedded_regular_signatures)
    except Exception as exc:  # pyHanko raises many kinds on a mangled file
        raise SigningError(_("Tệp PDF bị hỏng, không đọc được các chữ ký số trong đó.")) from exc
    results = []
    # One context for the file: certificates and CRLs are parsed and checked once, not once per signature.
    context = validation_context(trusted_roots=roots, crls=crl_list, now=now)
    # pyHanko's difference analysis, with a cheap equivalent for the update iDesk makes at issue (diffcheck).
    policy = AgencyRevisionPolicy(pdf_bytes)
    statuses = outside_running_loop(asyncio.run, _validate_all(embedded_signatures, context, policy))
    for embedded, status in zip(embedded_signatures, statuses, strict=True):
        if isinstance(status, Exception):  # a mangled signature dictionary or CMS blob: broken, not a crash
            logger.info("signature %s could not be validated", embedded.field_name, exc_info=status)
            results.append(_unreadable(embedded.field_name))
            continue
        cert = status.signing_cert
        if status.timestamp_validity is not None:
            signed_at, timestamped = status.timestamp_validity.timestamp, True
        else:
            signed_at, timestamped = status.signer_reported_dt, False
        revoked = True if status.revoked else (False if _revocation_known(cert, crl_list) else None)
        data = {
            "field_name": embedded.field_name,
            "signer": _name(cert, "common_name"),
            "organisation": _name(cert, "organization_name"),
            "signed_at": signed_at.astimezone(VIETNAM) if signed_at else None,
            "timestamped": timestamped,
            "intact": bool(status.intact),
            "valid": bool(status.intact and status.valid and status.docmdp_ok is not False),
            "trusted": bool(status.trusted),
            "revoked": revoked,
            "covers_whole_file": status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
        }
        results.append(SignatureResult(**data, summary=_summary(data)))
    return results
