"""Every PDF that arrives is verified once, against the trusted roots and CRLs of the day it arrived."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from documents.signing.errors import SigningError
from documents.signing.models import NO_SIGNATURE, PdfVerification, SignatureCheck, trust_store

logger = logging.getLogger(__name__)
PDF = "application/pdf"


def verify_bytes(data: bytes, *, extra_roots: Sequence = ()) -> tuple[list, str]:
    """(results, problem): problem is a Vietnamese sentence when the file fails as a whole. extra_roots: roots
    trusted for this file only, beside the server's (a liên thông peer's signing certificates)."""
    from documents.signing.verify import verify_pdf

    roots, crls = trust_store()
    try:
        results = verify_pdf(data, trusted_roots=[*roots, *extra_roots], crls=crls)
    except SigningError as exc:
        return [], exc.message
    if not results:
        return [], str(NO_SIGNATURE)
    bad = [r for r in results if not (r.valid and r.trusted and not r.revoked)]
    if bad:
        return results, bad[0].summary
    return results, ""


def verify_stored(blob, *, extra_roots: Sequence = ()) -> PdfVerification | None:
    """The verification of a stored PDF (made now if it has none yet); None for a file that is no PDF."""
    if blob.content_type != PDF:
        return None
    existing = PdfVerification.objects.filter(blob=blob).first()
    if existing is not None:
        return existing
    try:
        with blob.content.open("rb") as handle:
            data = handle.read()
    except OSError:
        logger.error("verification: the file of blob %s is missing", blob.pk)
        return None
    results, problem = verify_bytes(data, extra_roots=extra_roots)
    try:
        with transaction.atomic():
            verification = PdfVerification.objects.create(blob=blob, ok=not problem, problem=problem[:500])
            SignatureCheck.objects.bulk_create(
                SignatureCheck(
                    verification=verification,
                    position=index,
                    field_name=r.field_name[:255],
                    signer=r.signer[:255],
                    organisation=r.organisation[:255],
                    signed_at=r.signed_at,
                    intact=r.intact,
                    valid=r.valid,
                    trusted=r.trusted,
                    revoked=r.revoked,
                    covers_whole_file=r.covers_whole_file,
                    summary=r.summary,
                )
                for index, r in enumerate(results, start=1)
            )
    except IntegrityError:  # a concurrent arrival of the same bytes verified them first
        return PdfVerification.objects.get(blob=blob)
    return verification


def checks_of(files, *, verify: bool = True) -> list[tuple]:
    """(file, verification) for each PDF among a document's files, signatures prefetched, in the files' order.
    With verify, a PDF not verified yet is verified now (its arrival); without, only what was recorded (a GET
    that writes nothing)."""
    pdfs = [f for f in files if f.blob.content_type == PDF]
    if verify:
        for f in pdfs:
            verify_stored(f.blob)
    found = {
        v.blob_id: v
        for v in PdfVerification.objects.filter(blob__in=[f.blob_id for f in pdfs]).prefetch_related("signatures")
    }
    return [(f, found[f.blob_id]) for f in pdfs if f.blob_id in found]


def verify_files(files) -> list[tuple]:
    """Verify the PDFs just attached to a record (registered by hand): once, after the registering commit."""
    return checks_of(files, verify=True)


def first_problem(checks: list[tuple], *, unsigned_ok: bool = False) -> str:
    """The reason to return a document whose PDF failed, for the "Trả lại" form: the file and what is wrong.
    unsigned_ok: a PDF with no signature at all is no reason (where a paper document's scan is to be expected)."""
    for f, verification in checks:
        if not verification.ok and not (unsigned_ok and verification.unsigned):
            return _("Tệp %(name)s: %(problem)s") % {"name": f.name, "problem": verification.problem}
    return ""
