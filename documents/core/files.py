"""Uploaded files: recognised by their bytes (never by the name), size-limited, stored once by SHA-256."""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from documents.core.models import StoredFile

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .doc / .xls


@dataclass(frozen=True)
class Kind:
    label: str
    content_type: str
    extensions: tuple[str, ...]


PDF = Kind("PDF", "application/pdf", ("pdf",))
PNG = Kind("PNG", "image/png", ("png",))
JPEG = Kind("JPEG", "image/jpeg", ("jpg", "jpeg"))
DOC = Kind("Word", "application/msword", ("doc",))
XLS = Kind("Excel", "application/vnd.ms-excel", ("xls",))
DOCX = Kind("Word", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ("docx",))
XLSX = Kind("Excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ("xlsx",))
ODT = Kind("OpenDocument", "application/vnd.oasis.opendocument.text", ("odt",))
ODS = Kind("OpenDocument", "application/vnd.oasis.opendocument.spreadsheet", ("ods",))

ALLOWED_HINT = "PDF, DOC/DOCX, XLS/XLSX, ODT, JPG/PNG"


# Bounds on what sniffing may read or decompress: a 1.5 GiB `mimetype` member (a zip bomb named .odt) took
# the web process to 3.4 GB when it was read whole.
MAX_MEMBERS = 5000
MAX_UNPACKED = 512 * 1024 * 1024  # declared total of an Office archive
MAX_RATIO = 200  # declared size over compressed size, for members above RATIO_FROM
RATIO_FROM = 16 * 1024 * 1024
HEAD_BYTES = 64 * 1024  # what is read of a required part
MAX_PIXELS = 40_000_000  # about a 600 dpi A4 scan; decoding one costs up to 160 MB

OOXML_MAIN = {
    DOCX: ("word/document.xml", b"wordprocessingml.document.main+xml"),
    XLSX: ("xl/workbook.xml", b"spreadsheetml.sheet.main+xml"),
}
ODF_TYPES = {ODT.content_type: ODT, ODS.content_type: ODS}


def _member_head(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int = HEAD_BYTES) -> bytes:
    """At most `limit` bytes of a member, whatever its header claims: never the whole of it."""
    with archive.open(info) as member:
        return member.read(limit)


def _zip_kind(upload) -> Kind | None:
    """An OpenDocument or OOXML file with its required parts, read in bounded pieces."""
    try:
        with zipfile.ZipFile(upload) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_MEMBERS:
                return None
            if sum(i.file_size for i in infos) > MAX_UNPACKED:
                return None
            for info in infos:
                if info.file_size > RATIO_FROM and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                    return None
            by_name = {i.filename: i for i in infos}
            if "mimetype" in by_name:
                mimetype_info = by_name["mimetype"]
                if mimetype_info.file_size > 100 or "content.xml" not in by_name:
                    return None
                mimetype = _member_head(archive, mimetype_info, 100).decode("ascii", "replace").strip()
                return ODF_TYPES.get(mimetype)
            types = by_name.get("[Content_Types].xml")
            if types is None:
                return None
            declared = _member_head(archive, types)
            for kind, (part, main_type) in OOXML_MAIN.items():
                if part in by_name and main_type in declared:
                    head = _member_head(archive, by_name[part], 1024).lstrip(b"\xef\xbb\xbf").lstrip()
                    return kind if head.startswith(b"<") else None
    except Exception:  # BadZipFile, zlib.error, RuntimeError (an encrypted member), …: not a file we accept
        return None
    return None


def _pdf_parses(upload, tail: bytes) -> bool:
    """pypdf reads its catalog and its page tree (pages counted, not rendered)."""
    import logging

    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # its warnings on odd files are not ours to log
    source = upload
    if b"startxref" not in tail:
        # Without the pointer pypdf does not start; given one, it rebuilds the table from the objects, as viewers do.
        upload.seek(0)
        source = io.BytesIO(upload.read() + b"\nstartxref\n0\n%%EOF\n")
    try:
        reader = PdfReader(source, strict=False)
        if reader.is_encrypted:
            return True  # a password-protected PDF is still a PDF; its pages cannot be read without the key
        return len(reader.pages) >= 0
    except Exception:  # pypdf raises many kinds on a damaged file; any of them means "not a PDF we accept"
        return False


def _image_decodes(upload, kind: Kind) -> bool:
    """Pillow decodes it, within a pixel limit (a JPEG at 1/8 scale, which still decodes every block)."""
    from PIL import Image

    try:
        with Image.open(upload, formats=[kind.label]) as image:
            width, height = image.size
            if width * height > MAX_PIXELS or not width or not height:
                return False
            if kind is JPEG:
                image.draft("RGB", (max(1, width // 8), max(1, height // 8)))
            image.load()
        return True
    except Exception:  # Pillow's errors on a damaged image: OSError, SyntaxError, ValueError, DecompressionBombError
        return False


def sniff(upload) -> Kind | None:
    """The file's real kind from its content, or None when it is not an accepted kind.

    Every read is bounded: an archive's parts are read in pieces of known size, a PDF's pages are counted by
    pypdf, an image is decoded by Pillow only under a pixel limit."""
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    kind: Kind | None = None
    if head.startswith(b"%PDF-"):
        kind = PDF
    elif head.startswith(b"\x89PNG\r\n\x1a\n"):
        kind = PNG
    elif head.startswith(b"\xff\xd8\xff"):
        kind = JPEG
    elif head.startswith(OLE2):
        name = (getattr(upload, "name", "") or "").lower()
        kind = XLS if name.endswith(".xls") else DOC
    elif head.startswith(b"PK\x03\x04"):
        kind = _zip_kind(upload)
    if kind is PDF:
        # A real PDF ends with %%EOF near its tail; random bytes after a %PDF- prefix do not.
        upload.seek(max(0, upload.size - 2048) if hasattr(upload, "size") else 0)
        tail = upload.read()
        upload.seek(0)
        if b"%%EOF" not in tail or not _pdf_parses(upload, tail):
            kind = None
    elif kind in (PNG, JPEG) and not _image_decodes(upload, kind):
        kind = None
    upload.seek(0)
    return kind


def validate_upload(upload) -> Kind:
    """Raise a Vietnamese ValidationError for a file that is too big, unknown, or not what its name says."""
    limit_mb = settings.IDESK_MAX_UPLOAD_MB
    if upload.size > limit_mb * 1024 * 1024:
        raise ValidationError(
            _("Tệp “%(name)s” quá lớn (%(size).1f MB); giới hạn là %(limit)d MB.")
            % {"name": upload.name, "size": upload.size / 1024 / 1024, "limit": limit_mb},
            code="too_big",
        )
    if upload.size == 0:
        raise ValidationError(_("Tệp “%(name)s” rỗng.") % {"name": upload.name}, code="empty")
    kind = sniff(upload)
    if kind is None:
        raise ValidationError(
            _("Tệp “%(name)s” không phải tệp hợp lệ. Chỉ nhận %(allowed)s.")
            % {"name": upload.name, "allowed": ALLOWED_HINT},
            code="bad_type",
        )
    extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    if extension not in kind.extensions:
        raise ValidationError(
            _("Tệp “%(name)s” có nội dung %(kind)s nhưng phần mở rộng là “.%(ext)s”.")
            % {"name": upload.name, "kind": kind.label, "ext": extension},
            code="mismatch",
        )
    return kind


def store(upload) -> StoredFile:
    """Store the bytes once by SHA-256 (call validate_upload first). Safe against a concurrent twin."""
    kind = sniff(upload)
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks() if hasattr(upload, "chunks") else iter(lambda: upload.read(1 << 20), b""):
        digest.update(chunk)
    sha = digest.hexdigest()
    existing = StoredFile.objects.filter(sha256=sha).first()
    if existing:
        if not in_store(existing):  # a row that outlived its file (a lost or partly restored store): write it again
            upload.seek(0)
            name = existing.content.storage.save(
                existing.content.name or existing.content.field.generate_filename(existing, sha), File(upload)
            )
            if name != existing.content.name:
                StoredFile.objects.filter(pk=existing.pk).update(content=name)
                existing.content.name = name
        return existing
    upload.seek(0)
    blob = StoredFile(
        sha256=sha, size=upload.size, content_type=kind.content_type if kind else "application/octet-stream"
    )
    try:
        with transaction.atomic():
            blob.content.save(sha, File(upload), save=False)
            blob.save()
    except IntegrityError:
        return StoredFile.objects.get(sha256=sha)
    return blob


def in_store(blob: StoredFile) -> bool:
    """Is the blob's file in the file store?"""
    return bool(blob.content.name) and blob.content.storage.exists(blob.content.name)


INLINE_TYPES = ("application/pdf", "image/png", "image/jpeg")


def download(
    request, blob: StoredFile, name: str, *, inline: bool = False, missing_page: str = "documents/file_missing.html"
):
    """A stored file as a download (or shown in the browser when `inline` and the kind allows it).

    A file gone from the store (a lost disk, a half-restored backup) gets `missing_page` with 404 and an error in
    the log for the administrator, instead of a server error."""
    import logging

    from django.http import FileResponse
    from django.shortcuts import render

    try:
        handle = blob.content.open("rb")
    except FileNotFoundError:
        logging.getLogger(__name__).error(
            "Stored file %s (%s, %s) missing from the file store", blob.pk, name, blob.content.name
        )
        return render(request, missing_page, {"name": name}, status=404)
    inline = inline and blob.content_type in INLINE_TYPES
    response = FileResponse(handle, as_attachment=not inline, filename=name, content_type=blob.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response
