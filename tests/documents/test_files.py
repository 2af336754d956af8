"""Uploaded files: recognised by their bytes, never by the name; size-limited; stored once by SHA-256."""

from __future__ import annotations

import hashlib
import random

import pytest
from django.core.exceptions import ValidationError

from documents.core import files
from documents.incoming import services
from documents.models import Document, DocumentFile, StoredFile
from tests.documents.conftest import (
    docx_bytes,
    jpeg_bytes,
    odt_bytes,
    pdf_bytes,
    png_bytes,
    register,
    upload,
    user,
    xlsx_bytes,
)


def noise(n: int, seed: int = 30) -> bytes:
    """Random-looking bytes, the same on every run."""
    return random.Random(seed).randbytes(n)


def _refusal(name: str, content: bytes) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        files.validate_upload(upload(name, content))
    return caught.value


@pytest.mark.parametrize(
    "name, content, kind",
    [
        ("cong-van.pdf", pdf_bytes(), files.PDF),
        ("CONG-VAN.PDF", pdf_bytes(), files.PDF),
        ("anh-chup.png", png_bytes(), files.PNG),
        ("anh-chup.jpg", jpeg_bytes(), files.JPEG),
        ("anh-chup.jpeg", jpeg_bytes(), files.JPEG),
        ("du-thao.docx", docx_bytes(), files.DOCX),
        ("bang-tong-hop.xlsx", xlsx_bytes(), files.XLSX),
        ("van-ban.odt", odt_bytes(), files.ODT),
    ],
)
def test_real_files_of_the_accepted_kinds_are_accepted(name, content, kind):
    assert files.validate_upload(upload(name, content)) is kind


def test_random_bytes_named_pdf_are_refused_in_vietnamese():
    error = _refusal("cong-van.pdf", noise(2048))

    assert error.code == "bad_type"
    assert error.messages == [
        "Tệp “cong-van.pdf” không phải tệp hợp lệ. Chỉ nhận PDF, DOC/DOCX, XLS/XLSX, ODT, JPG/PNG."
    ]


def test_a_truncated_pdf_is_refused():
    """A %PDF- header alone does not make a PDF: the tail must carry %%EOF."""
    error = _refusal("cat-do.pdf", b"%PDF-1.4\n" + noise(4096))

    assert error.code == "bad_type"


def test_a_png_named_pdf_is_refused_as_a_mismatch():
    error = _refusal("scan.pdf", png_bytes())

    assert error.code == "mismatch"
    assert error.messages == ["Tệp “scan.pdf” có nội dung PNG nhưng phần mở rộng là “.pdf”."]


@pytest.mark.parametrize(
    "name, content",
    [
        ("van-ban.docx", pdf_bytes()),
        ("van-ban.pdf", docx_bytes()),
        ("bang.xlsx", docx_bytes()),
        ("van-ban.docx", odt_bytes()),
        ("anh.png", jpeg_bytes()),
        ("khong-duoi", pdf_bytes()),
    ],
)
def test_content_that_contradicts_the_extension_is_refused(name, content):
    assert _refusal(name, content).code == "mismatch"


@pytest.mark.parametrize(
    "name, content",
    [
        ("virus.exe", b"MZ\x90\x00" + noise(512)),
        ("trang.html", b"<html><script>alert(1)</script></html>"),
        ("nen.zip", b"PK\x03\x04" + noise(256)),
        ("van-ban.txt", "Kế hoạch số 05".encode()),
    ],
)
def test_other_kinds_of_content_are_refused(name, content):
    assert _refusal(name, content).code == "bad_type"


def test_an_empty_file_is_refused():
    error = _refusal("rong.pdf", b"")

    assert error.code == "empty"
    assert error.messages == ["Tệp “rong.pdf” rỗng."]


def test_a_file_over_the_size_limit_is_refused(settings):
    settings.IDESK_MAX_UPLOAD_MB = 1
    big = pdf_bytes().replace(b"%%EOF", b"%" + b"x" * (1024 * 1024) + b"\n%%EOF")

    error = _refusal("qua-lon.pdf", big)

    assert error.code == "too_big"
    assert error.messages == ["Tệp “qua-lon.pdf” quá lớn (1.0 MB); giới hạn là 1 MB."]


def _pdf_of_size(size: int) -> bytes:
    content = pdf_bytes()
    padded = content.replace(b"%%EOF", b"%" + b"x" * (size - len(content) - 2) + b"\n%%EOF")
    assert len(padded) == size
    return padded


def test_a_file_exactly_at_the_size_limit_is_accepted_and_one_byte_more_refused(settings):
    settings.IDESK_MAX_UPLOAD_MB = 1

    assert files.validate_upload(upload("vua-du.pdf", _pdf_of_size(1024 * 1024))) is files.PDF
    assert _refusal("qua-1-byte.pdf", _pdf_of_size(1024 * 1024 + 1)).code == "too_big"


def test_the_same_bytes_uploaded_twice_under_two_names_are_stored_once(dept_clerk, commune_clerk):
    content = pdf_bytes("ke-hoach-05")
    blobs_before = StoredFile.objects.count()

    first = register(dept_clerk, uploads=[upload("KH 05.pdf", content)])
    second = register(commune_clerk, uploads=[upload("ke-hoach-05-kh-ubnd.pdf", content)])

    assert StoredFile.objects.count() == blobs_before + 1
    blob = StoredFile.objects.get(sha256=hashlib.sha256(content).hexdigest())
    rows = DocumentFile.objects.filter(blob=blob).order_by("id")
    assert [(r.document_id, r.name) for r in rows] == [
        (first.document_id, "KH 05.pdf"),
        (second.document_id, "ke-hoach-05-kh-ubnd.pdf"),
    ]
    assert blob.size == len(content)
    assert blob.content_type == "application/pdf"
    with blob.content.open("rb") as stored:
        assert stored.read() == content


def test_different_bytes_are_stored_separately(dept_clerk):
    register(dept_clerk, uploads=[upload("a.pdf", pdf_bytes("a")), upload("b.pdf", pdf_bytes("b"))])

    assert StoredFile.objects.filter(sha256__in=[hashlib.sha256(pdf_bytes(m)).hexdigest() for m in "ab"]).count() == 2


def test_storing_the_same_bytes_twice_returns_the_same_row(db):
    content = png_bytes()
    first = files.store(upload("a.png", content))
    second = files.store(upload("b.png", content))

    assert first.pk == second.pk


def test_storing_bytes_whose_row_outlived_its_file_writes_the_file_again(db):
    content = png_bytes()
    first = files.store(upload("a.png", content))
    first.content.storage.delete(first.content.name)
    assert not files.in_store(first)

    again = files.store(upload("b.png", content))

    assert again.pk == first.pk and files.in_store(again)
    with again.content.open("rb") as handle:
        assert handle.read() == content


def test_a_twin_stored_concurrently_is_reused_rather_than_failing(db, monkeypatch):
    """GIVEN the bytes were stored by another request between our lookup and our insert
    WHEN the unique constraint refuses our row
    THEN store() returns the row already there."""
    content = jpeg_bytes()
    twin = files.store(upload("twin.jpg", content))
    monkeypatch.setattr(StoredFile.objects, "filter", lambda **kw: StoredFile.objects.none())

    assert files.store(upload("late.jpg", content)).pk == twin.pk
    assert [b.pk for b in StoredFile.objects.all() if b.sha256 == twin.sha256] == [twin.pk]


def test_a_bad_file_among_good_ones_refuses_the_whole_registration(dept_clerk):
    documents_before = Document.objects.count()

    with pytest.raises(ValidationError) as caught:
        register(dept_clerk, uploads=[upload("tot.docx", docx_bytes()), upload("xau.docx", png_bytes())])

    assert caught.value.code == "mismatch"
    assert Document.objects.count() == documents_before


def test_files_added_by_hand_keep_their_names_and_adder(dept_clerk):
    document = register(dept_clerk).document

    attached = services.attach_files(document, [upload("Báo cáo tháng 11.xlsx", xlsx_bytes())], user("cv1.noivu"))

    assert [(f.name, f.added_by.username) for f in attached] == [("Báo cáo tháng 11.xlsx", "cv1.noivu")]
    assert attached[0].blob.content_type == files.XLSX.content_type
