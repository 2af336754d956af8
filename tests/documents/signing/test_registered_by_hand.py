"""PDFs uploaded when a clerk registers an arrival by hand are verified like electronic deliveries (issue 16): the
record shows each signature; a PDF without any signature is shown as such (a scan of paper), a broken one flagged."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from documents.core.models import Document
from documents.signing.models import IssuedSignedFile, PdfVerification
from tests.documents.conftest import register, user
from tests.documents.outgoing_builders import issued


def signed_letter() -> bytes:
    """The signed PDF of a công văn issued by UBND huyện (signed by the Chủ tịch, sealed by the unit)."""
    signed = IssuedSignedFile.objects.select_related("blob").get(document=issued())
    with signed.blob.content.open("rb") as handle:
        return handle.read()


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def page_of(client, record) -> str:
    client.force_login(user("vanthu.ubnd"))
    return client.get(reverse("documents:incoming_detail", args=[record.pk])).content.decode()


def test_a_signed_pdf_registered_by_hand_shows_its_signatures(db, client, plain_pdf):
    data = signed_letter()
    record = register(user("vanthu.ubnd"), uploads=[upload("3261-UBND.pdf", data), upload("scan.pdf", plain_pdf)])
    files = {f.name: f.blob for f in Document.objects.get(pk=record.document_id).files.select_related("blob")}
    assert PdfVerification.objects.get(blob=files["3261-UBND.pdf"]).ok
    assert PdfVerification.objects.get(blob=files["scan.pdf"]).unsigned
    page = page_of(client, record)
    assert page.count('data-testid="signature"') == 2 and "hợp lệ" in page
    assert 'data-testid="signature-none"' in page and "không có chữ ký số" in page
    assert 'data-testid="signature-problem"' not in page  # an unsigned scan is not a failure


def test_a_changed_signed_pdf_registered_by_hand_is_flagged(db, client):
    data = bytearray(signed_letter())
    data[data.index(b"/Type /Page") + 1] ^= 0x01
    record = register(user("vanthu.ubnd"), uploads=[upload("sua.pdf", bytes(data))])
    verification = PdfVerification.objects.get(blob__uses__document=record.document_id)
    assert not verification.ok and not verification.unsigned
    page = page_of(client, record)
    assert 'data-testid="signature-problem"' in page and "KHÔNG hợp lệ" in page
