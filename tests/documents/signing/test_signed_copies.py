"""Electronic copies signed by the copying agency (issue 16; NĐ30 Art. 25-27, Appendix I): the copy's face and
each copied PDF carry the agency's block at the top right of page 1 (the kind of copy, the agency, the signing
time); a copy whose signature fails is refused with nothing saved, so no recipient ever sees it unsigned."""

from __future__ import annotations

import datetime
import html
import io
import shutil
import subprocess

import pytest
from django.urls import reverse
from pyhanko.pdf_utils.reader import PdfFileReader

from documents.core import files
from documents.core.models import AuditEvent, Delivery, DeliveryStatus, Document, DocumentFile
from documents.core.services import ServiceError
from documents.models import RegisterKind
from documents.outgoing import copies
from documents.outgoing import selectors as outgoing_selectors
from documents.outgoing import services as outgoing
from documents.outgoing.models import CopyKind
from documents.signing import pades
from documents.signing.errors import SigningError
from documents.signing.models import IssuedSignedFile, PdfVerification, SigningCertificate, trust_store
from documents.signing.verify import verify_pdf
from tests.documents.conftest import docx_bytes, pdf_bytes, unit, upload, user
from tests.documents.outgoing_builders import issued_as, last_number
from tests.helpers import VN

pytestmark = pytest.mark.usefixtures("signatures_required")


def read(blob) -> bytes:
    with blob.content.open("rb") as handle:
        return handle.read()


def founding_letter() -> Document:
    """3261/UBND of UBND huyện issued signed on its day in 2016 (the demo's letter's shape, built by the test)."""
    return issued_as(3261, datetime.datetime(2016, 12, 5, 9, 0, tzinfo=VN))


def sao_y(source: Document, clerk: str = "vanthu.ubnd", signer: str = "chutich") -> Document:
    return copies.make_copy(
        clerk=user(clerk), source=source, kind=CopyKind.SAO_Y, signer=user(signer),
        recipient_units=[unit("xa-canh-hien")],
    )  # fmt: skip


def page_one_text(tmp_path, data: bytes) -> str:
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    path = tmp_path / "copy.pdf"
    path.write_bytes(data)
    return subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_a_sao_y_of_the_signed_founding_letter_is_signed_by_the_copying_agency(db, client, tmp_path):
    source = founding_letter()
    original = read(outgoing_selectors.official_file(source).blob)
    ubnd = unit("ubnd")
    copy = sao_y(source)

    rows = {f.name: f for f in DocumentFile.objects.filter(document=copy).select_related("blob")}
    face, copied = rows[outgoing_selectors.official_name(copy)], rows["Sao y - 3261-UBND.pdf"]
    assert outgoing_selectors.official_file(copy) == face
    assert IssuedSignedFile.objects.get(document=copy).blob_id == face.blob_id
    roots, crls = trust_store()

    # The face: one signature, the copying agency's, over the whole file.
    face_data = read(face.blob)
    (only,) = verify_pdf(face_data, trusted_roots=roots, crls=crls)
    assert only.valid and only.trusted and only.intact and only.covers_whole_file and only.signer == ubnd.name
    # The copied original keeps its two signatures and gets the copying agency's on top (an incremental update).
    copied_data = read(copied.blob)
    assert copied_data.startswith(original) and copied_data != original
    results = verify_pdf(copied_data, trusted_roots=roots, crls=crls)
    assert [r.valid and r.trusted for r in results] == [True, True, True]
    assert results[-1].signer == ubnd.name and results[-1].covers_whole_file

    # The visible block at the top right of page 1 says the kind of copy, the time and the agency.
    for data in (face_data, copied_data):
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        field = reader.embedded_signatures[-1].sig_field
        widget = field["/Kids"][0] if "/Kids" in field else field
        x1, y1, x2, y2 = (float(v) for v in widget["/Rect"])
        width, height = pades.page_size(data)
        assert x1 > width / 2 and y1 > height - 25 * pades.MM and x2 <= width and y2 <= height
        text = page_one_text(tmp_path, data)
        assert "SAO Y" in text and ubnd.name in text and "+07:00" in text, text
    assert face_data.count(b"Th\xe1\xbb\x9di gian k\xc3\xbd") == 0  # the unsigned lines are not drawn under it

    if shutil.which("pdfsig"):
        path = tmp_path / "face.pdf"
        path.write_bytes(face_data)
        out = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, check=False).stdout
        assert out.count("Signature Validation: Signature is Valid.") == 1 and ubnd.name in out, out

    # One byte changed in the signed range breaks it.
    tampered = bytearray(face_data)
    tampered[face_data.index(b"/Type /Page") + 1] ^= 0x01
    assert not any(r.valid for r in verify_pdf(bytes(tampered), trusted_roots=roots, crls=crls))

    # Delivered signed: downloaded byte for byte, verified once, the recipient sees it "hợp lệ".
    assert PdfVerification.objects.get(blob=face.blob).ok and PdfVerification.objects.get(blob=copied.blob).ok
    delivery = Delivery.objects.get(document=copy)
    assert delivery.status == DeliveryStatus.SENT and delivery.electronic
    client.force_login(user("vanthu.canhhien"))
    response = client.get(reverse("documents:delivery_detail", args=[delivery.pk]))
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert page.count(">hợp lệ</span>") >= 2 and 'data-testid="signature-problem"' not in page
    client.force_login(user("vanthu.ubnd"))
    response = client.get(reverse("documents:issued_pdf", args=[copy.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == face_data


def test_a_non_pdf_file_is_copied_as_it_is(db):
    source = founding_letter()
    word = files.store(upload("phu-luc.docx", docx_bytes()))
    DocumentFile.objects.create(document=source, blob=word, name="phu-luc.docx", added_by=user("vanthu.ubnd"))
    copy = sao_y(source)
    assert DocumentFile.objects.get(document=copy, name="Sao y - phu-luc.docx").blob_id == word.pk


def test_a_copied_pdf_that_cannot_be_signed_is_copied_as_it_is_and_said_so(db):
    """A damaged PDF as it came from the original's sender does not stop the copy: its face is signed."""
    source = founding_letter()
    broken = files.store(upload("hong.pdf", pdf_bytes("signed-copies-broken")))  # no cross-reference table
    DocumentFile.objects.create(document=source, blob=broken, name="hong.pdf", added_by=user("vanthu.ubnd"))
    copy = sao_y(source)
    assert DocumentFile.objects.get(document=copy, name="Sao y - hong.pdf").blob_id == broken.pk
    event = AuditEvent.objects.get(verb="attachment_unsigned", object_id=copy.pk)
    assert event.data["file"] == "Sao y - hong.pdf"
    assert IssuedSignedFile.objects.filter(document=copy).exists()


def test_a_failed_signature_refuses_the_copy_and_saves_nothing(db, monkeypatch):
    """Nothing numbered, no delivery: no recipient can see the copy before the agency's signature (the rule held.py
    keeps for issued documents), and there is nothing half made to sign again."""
    ubnd, source = unit("ubnd"), founding_letter()
    before = (last_number(ubnd, RegisterKind.COPY), Document.objects.count(), Delivery.objects.count())

    def refused(*args, **kwargs):
        raise SigningError("nhà cung cấp ký số từ xa từ chối")

    monkeypatch.setattr("documents.signing.pades.sign_top_right", refused)
    with pytest.raises(ServiceError) as error:
        sao_y(source)
    message = " ".join(error.value.messages)
    assert "Không ký số được bản sao" in message and "từ chối" in message and "chưa lấy số" in message
    assert (last_number(ubnd, RegisterKind.COPY), Document.objects.count(), Delivery.objects.count()) == before


def test_an_agency_without_a_certificate_is_refused_before_anything(db):
    ubnd, source = unit("ubnd"), founding_letter()
    SigningCertificate.objects.filter(unit=ubnd).update(active=False)
    before = (last_number(ubnd, RegisterKind.COPY), Document.objects.count())
    with pytest.raises(ServiceError) as error:
        sao_y(source)
    assert "chưa có chứng thư số cơ quan" in " ".join(error.value.messages)
    assert (last_number(ubnd, RegisterKind.COPY), Document.objects.count()) == before


def test_not_required_and_no_certificate_the_copy_is_made_unsigned_as_before(db, settings):
    letter = founding_letter()  # issued signed; then the agency's certificate is withdrawn
    settings.IDESK_SIGNATURES_REQUIRED = False
    ubnd = unit("ubnd")
    SigningCertificate.objects.filter(unit=ubnd).update(active=False)
    copy = sao_y(letter)
    assert not IssuedSignedFile.objects.filter(document=copy).exists()
    copied = DocumentFile.objects.get(document=copy, name="Sao y - 3261-UBND.pdf")
    assert copied.blob_id == outgoing_selectors.official_file(letter).blob_id  # the original's file, as it is
    face = outgoing_selectors.official_file(copy)
    roots, crls = trust_store()
    assert verify_pdf(read(face.blob), trusted_roots=roots, crls=crls) == []
    assert Delivery.objects.get(document=copy).status == DeliveryStatus.SENT


def test_the_copy_form_shows_the_refusal_in_the_layout(db, client, monkeypatch):
    source = founding_letter()

    def refused(*args, **kwargs):
        raise SigningError("chứng thư số đã hết hạn")

    monkeypatch.setattr("documents.signing.pades.sign_top_right", refused)
    client.force_login(user("vanthu.ubnd"))
    url = reverse("documents:copy_new", args=[source.pk])
    data = {"kind": CopyKind.SAO_Y, "signer": user("chutich").pk, "recipient_units": [unit("xa-canh-hoa").pk]}
    response = client.post(url, data)
    assert response.status_code == 400
    assert "Không ký số được bản sao (chứng thư số đã hết hạn)" in html.unescape(response.content.decode())
    assert not Document.objects.filter(copy_of=source).exists()


def test_the_deliveries_wait_for_the_signed_face_like_an_issued_documents(db, monkeypatch):
    """Signed before the number, attached after the commit: until then the deliveries are held (held.py)."""
    attach = outgoing.attach_official_pdf
    monkeypatch.setattr(outgoing, "attach_official_pdf", lambda document: None)
    copy = sao_y(founding_letter())
    delivery = Delivery.objects.get(document=copy)
    assert delivery.status == DeliveryStatus.HELD and outgoing_selectors.official_file(copy) is None

    face = attach(copy)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT and face == outgoing_selectors.official_file(copy)
    assert face.blob_id == IssuedSignedFile.objects.get(document=copy).blob_id
    assert attach(copy) == face and DocumentFile.objects.filter(document=copy, added_by=None).count() == 1


def test_with_a_timestamp_authority_the_copy_is_kept_as_b_lta(db, monkeypatch, timestamper, ca):
    """IDESK_TSA_URL set: the copying agency's signature timestamped, then validation data and a document
    timestamp, as for an issued document (test_agency_retry.py)."""
    from documents.outgoing import signatures
    from documents.signing.models import TrustedRoot

    root = TrustedRoot(name="TSA thử nghiệm")
    root.set_certificate(ca.certificate)
    root.save()
    monkeypatch.setattr(signatures, "timestamper", lambda: timestamper)
    copy = sao_y(founding_letter())
    with IssuedSignedFile.objects.select_related("blob").get(document=copy).blob.content.open("rb") as handle:
        data = handle.read()
    reader = PdfFileReader(io.BytesIO(data), strict=False)
    assert "/DSS" in reader.root
    assert [s.sig_object["/Type"] for s in reader.embedded_signatures] == ["/Sig", "/DocTimeStamp"]
    roots, crls = trust_store()
    assert [(r.valid, r.trusted, r.timestamped) for r in verify_pdf(data, trusted_roots=roots, crls=crls)] == [
        (True, True, True)
    ]
