"""Hostile uploads (issue 14): zip bombs are refused after a few bytes, and a file is accepted only when it is
what it claims to be (a PDF that parses, an image that decodes, an Office file with its required parts)."""

from __future__ import annotations

import functools
import io
import struct
import time
import tracemalloc
import zipfile
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from documents.core import files
from documents.models import DocumentFile, IncomingRecord, StoredFile
from tests.conftest import client_as
from tests.documents.conftest import docx_bytes, jpeg_bytes, odt_bytes, pdf_bytes, png_bytes, xlsx_bytes
from tests.documents.test_incoming_views import form_data

MiB = 1024 * 1024
BOMB_SIZE = 1536 * MiB  # the 1.5 GiB member of the black-box test


@functools.cache
def _zeros_deflated(size: int) -> tuple[bytes, int]:
    """A raw deflate stream of `size` zero bytes and its CRC-32, in little memory: one compressed MiB repeated.

    After a full flush the compressor starts afresh, so every MiB of zeros compresses to the same bytes."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    chunk = bytes(MiB)
    block = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(size // MiB):
        crc = zlib.crc32(chunk, crc)
    return block * (size // MiB) + compressor.flush(), crc


def archive(members: dict[str, bytes], bomb: str | None = None) -> bytes:
    """A zip of `members`, plus (first) a member named `bomb` of 1.5 GiB of zeros, written by hand: zipfile
    would compress the 1.5 GiB for half a minute."""
    entries = []
    if bomb:
        entries.append((bomb, *_zeros_deflated(BOMB_SIZE), BOMB_SIZE))
    for name, data in members.items():
        compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
        entries.append((name, compressor.compress(data) + compressor.flush(), zlib.crc32(data), len(data)))
    out, central = io.BytesIO(), []
    for name, packed, crc, size in entries:
        offset, raw = out.tell(), name.encode()
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, len(packed), size, len(raw), 0))
        out.write(raw + packed)
        central.append(
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                20,
                20,
                0,
                8,
                0,
                0x21,
                crc,
                len(packed),
                size,
                len(raw),
                0,
                0,
                0,
                0,
                0,
                offset,
            )  # fmt: skip
            + raw
        )
    start = out.tell()
    out.write(b"".join(central))
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), out.tell() - start, start, 0))
    return out.getvalue()


CONTENT_TYPES = (
    b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Override PartName="/%s" ContentType="application/vnd.openxmlformats-officedocument.%s"/></Types>'
)
ODF = "application/vnd.oasis.opendocument."

BOMBS = {
    "bom.odt": ({"content.xml": b"<x/>"}, "mimetype"),
    "bom.ods": ({"content.xml": b"<x/>"}, "mimetype"),
    "bom2.odt": ({"mimetype": (ODF + "text").encode()}, "content.xml"),
    "bom.docx": (
        {"[Content_Types].xml": CONTENT_TYPES % (b"word/document.xml", b"wordprocessingml.document.main+xml")},
        "word/document.xml",
    ),
    "bom.xlsx": (
        {"[Content_Types].xml": CONTENT_TYPES % (b"xl/workbook.xml", b"spreadsheetml.sheet.main+xml")},
        "xl/workbook.xml",
    ),
    "bom.pptx": (
        {"[Content_Types].xml": CONTENT_TYPES % (b"ppt/presentation.xml", b"presentationml.presentation.main+xml")},
        "ppt/presentation.xml",
    ),
}


@pytest.fixture(scope="module")
def bombs() -> dict[str, bytes]:
    return {name: archive(members, bomb) for name, (members, bomb) in BOMBS.items()}


def test_the_test_bomb_really_holds_one_and_a_half_gibibytes():
    """GIVEN the hand-written archive WHEN zipfile reads its directory THEN it declares 1.5 GiB in 1.5 MB, and its
    stream really inflates to zeros (checked on the first MiBs only)."""
    data = archive({"content.xml": b"<x/>"}, "mimetype")
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        info = z.getinfo("mimetype")
        assert info.file_size == BOMB_SIZE and info.compress_size < 2 * MiB
        with z.open(info) as member:
            assert member.read(3 * MiB) == bytes(3 * MiB)
        assert z.read("content.xml") == b"<x/>"


@pytest.mark.parametrize("name", list(BOMBS))
def test_a_zip_bomb_is_refused_after_reading_a_few_bytes(bombs, name):
    upload = SimpleUploadedFile(name, bombs[name])
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(ValidationError) as refused:
            files.validate_upload(upload)
        elapsed = time.perf_counter() - started
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert refused.value.code == "bad_type"
    assert peak < 16 * MiB, f"{peak / MiB:.0f} MiB allocated while sniffing"
    assert elapsed < 5, f"{elapsed:.1f} s"


@pytest.mark.django_db
def test_a_zip_bomb_named_odt_is_refused_by_the_registering_form(bombs, district_clerk):
    before = (IncomingRecord.objects.count(), StoredFile.objects.count())
    upload = SimpleUploadedFile("cong-van.odt", bombs["bom.odt"])
    response = client_as(district_clerk).post("/documents/incoming/new/", form_data(uploads=upload))
    assert response.status_code == 400
    assert "không phải tệp hợp lệ" in str(response.context["form"].errors["uploads"])
    assert (IncomingRecord.objects.count(), StoredFile.objects.count()) == before


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return out.getvalue()


def _huge_png_header() -> bytes:
    """A PNG that declares 100,000 × 100,000 pixels (a decompression bomb for whoever decodes it)."""
    ihdr = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 2, 0, 0, 0)
    chunk = struct.pack(">I", len(ihdr)) + b"IHDR" + ihdr + struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    idat = zlib.compress(bytes(10_000))
    data = struct.pack(">I", len(idat)) + b"IDAT" + idat + struct.pack(">I", zlib.crc32(b"IDAT" + idat))
    end = struct.pack(">I", 0) + b"IEND" + struct.pack(">I", zlib.crc32(b"IEND"))
    return b"\x89PNG\r\n\x1a\n" + chunk + data + end


FAKES = [
    ("PDF header, junk, %%EOF", "cong-van.pdf", b"%PDF-1.4\n" + bytes(range(256)) * 16 + b"\n%%EOF\n"),
    ("PDF without a page tree", "cong-van.pdf", b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n%%EOF\n"),
    ("PNG signature and junk", "anh.png", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8),
    ("PNG cut in half", "anh.png", png_bytes()[: len(png_bytes()) // 2]),
    ("PNG of 10 gigapixels", "anh.png", _huge_png_header()),
    ("JPEG markers and junk", "anh.jpg", b"\xff\xd8\xff\xe0" + bytes(range(256)) * 8),
    ("docx without word/document.xml", "du-thao.docx", _zip({"[Content_Types].xml": b"<Types/>", "word/x": b"x"})),
    (
        "docx whose content types name no document",
        "du-thao.docx",
        _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"}),
    ),
    ("xlsx without xl/workbook.xml", "bang.xlsx", _zip({"[Content_Types].xml": b"<Types/>", "xl/x": b"x"})),
    ("odt without content.xml", "van-ban.odt", _zip({"mimetype": (ODF + "text").encode()})),
    ("odt with a 1 kB mimetype", "van-ban.odt", _zip({"mimetype": (ODF + "text").encode() * 25, "content.xml": b"x"})),
]


@pytest.mark.parametrize(("case", "name", "content"), FAKES, ids=[case for case, _n, _c in FAKES])
def test_a_file_that_only_starts_like_its_kind_is_refused(case, name, content):
    with pytest.raises(ValidationError) as refused:
        files.validate_upload(SimpleUploadedFile(name, content))
    assert refused.value.code == "bad_type"
    assert "không phải tệp hợp lệ" in refused.value.messages[0]


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("cong-van.pdf", pdf_bytes(), files.PDF),
        ("anh.png", png_bytes(), files.PNG),
        ("anh.jpg", jpeg_bytes(), files.JPEG),
        ("du-thao.docx", docx_bytes(), files.DOCX),
        ("bang.xlsx", xlsx_bytes(), files.XLSX),
        ("van-ban.odt", odt_bytes(), files.ODT),
    ],
)
def test_real_files_are_still_accepted(name, content, kind):
    assert files.validate_upload(SimpleUploadedFile(name, content)) is kind


@pytest.mark.django_db
def test_a_300_character_file_name_keeps_its_extension(district_clerk):
    name = "Tờ trình về việc " * 18 + "kèm theo.pdf"
    assert len(name) > 300
    upload = SimpleUploadedFile(name, pdf_bytes("ten-dai"), content_type="application/pdf")
    response = client_as(district_clerk).post(reverse("documents:incoming_new"), form_data(uploads=upload))
    assert response.status_code == 302
    stored = DocumentFile.objects.order_by("-id").first()
    assert len(stored.name) == 255
    assert stored.name.endswith(".pdf") and stored.name.startswith("Tờ trình về việc")
