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

from documents.models import StoredFile

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


def _zip_kind(head: bytes, data: io.BufferedIOBase) -> Kind | None:
    try:
        with zipfile.ZipFile(data) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
                return {ODT.content_type: ODT, ODS.content_type: ODS}.get(mimetype)
            if "[Content_Types].xml" in names:
                if any(n.startswith("word/") for n in names):
                    return DOCX
                if any(n.startswith("xl/") for n in names):
                    return XLSX
    except (zipfile.BadZipFile, OSError, KeyError):
        return None
    return None


def sniff(upload) -> Kind | None:
    """The file's real kind from its content, or None when it is not an accepted kind."""
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
        kind = _zip_kind(head, upload)
        upload.seek(0)
    if kind is PDF:
        # A real PDF ends with %%EOF near its tail; random bytes after a %PDF- prefix do not.
        upload.seek(max(0, upload.size - 2048) if hasattr(upload, "size") else 0)
        tail = upload.read()
        upload.seek(0)
        if b"%%EOF" not in tail:
            return None
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
