"""The official PDF of an outgoing document, in the layout of NĐ30 Appendix I, cached by content hash."""

from __future__ import annotations

import hashlib
import io
import json
import logging
import re

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from documents.core import faces, files
from documents.core.models import ABBREVIATIONS, DocType, Document, DocumentFile, Secrecy, Urgency
from documents.outgoing.models import CopyKind, PdfCache
from idesk.lib import reports

logger = logging.getLogger(__name__)

TEMPLATE = "documents/outgoing/official/document.html"
STYLESHEET = "documents/outgoing/official/document.css"
TEMPLATE_VERSION = "5"  # bump when the template changes, so cached PDFs are rendered anew

_BOLD = re.compile(r"\*\*(.+?)\*\*")
_ITALIC = re.compile(r"(?<!\*)\*(?!\*)(.+?)(?<!\*)\*(?!\*)")
_ANGLE_URL = re.compile(r"<(https?://[^>\s]+)>")


def render_body(text: str) -> SafeString:
    """Plain text with light marks → HTML, for the PDF and for every page that shows a body (the same look): one
    line is one paragraph; **bold**, *italic*; consecutive '- '/'+ ' lines are one list (the dash kept, as NĐ30
    writes it). Everything is escaped before the marks become tags: the text can't inject HTML."""
    blocks: list[str] = []
    items: list[str] = []
    for raw in (text or "").splitlines():
        line = raw.strip()
        if not line:
            continue
        html = escape(_ANGLE_URL.sub(r"\1", line))
        html = _BOLD.sub(r"<strong>\1</strong>", html)
        html = _ITALIC.sub(r"<em>\1</em>", html)
        if line.startswith(("- ", "+ ")):
            items.append(f"<li>{html}</li>")
            continue
        if items:
            blocks.append('<ul class="items">' + "".join(items) + "</ul>")
            items = []
        blocks.append(f"<p>{html}</p>")
    if items:
        blocks.append('<ul class="items">' + "".join(items) + "</ul>")
    return mark_safe("\n".join(blocks))


def _list_lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def face_context(document: Document) -> dict:
    """Everything the face shows, as plain values (also the cache key's input)."""
    unit = document.issuer_unit
    parent, issuer_lines = faces.issuer_block(unit) if unit else (None, [document.issuer_name.upper()])
    named = document.doc_type != DocType.CONG_VAN and document.doc_type in ABBREVIATIONS
    return {
        "parent_line": parent,
        "issuer_lines": issuer_lines,
        "number_symbol": document.number_symbol,
        "date_line": faces.date_line(
            faces.place_name(unit) if unit else settings.IDESK_PLACE_NAME, document.issued_date
        ),
        "named": named,
        "type_title": document.get_doc_type_display().upper() if named else "",
        "summary": document.summary,
        "vv_summary": re.sub(r"^\s*V/v\s*", "", document.summary),
        "urgency": Urgency(document.urgency).label.upper() if document.urgency else "",
        "secrecy": Secrecy(document.secrecy).label.upper() if document.secrecy else "",
        "kinh_gui": _list_lines(document.kinh_gui),
        "body": document.body,
        "signer_lines": faces.signer_block(unit, document.signing_capacity, document.signer_position) if unit else [],
        "signer_name": document.signer_name,
        "recipients": _list_lines(document.recipients_text),
        "archive": document.archive_note,
        "copy": None,
    }


def _key(context: dict) -> str:
    payload = json.dumps({"v": TEMPLATE_VERSION, **context}, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


def render(context: dict) -> bytes:
    return reports.pdf_bytes(TEMPLATE, {**context, "body_html": render_body(context["body"])}, stylesheet=STYLESHEET)


def page_count(pdf: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


def official_pdf(document: Document, extra: dict | None = None) -> PdfCache:
    """The cached rendering for this document's face (rendered once per distinct content).

    A cached rendering whose file is gone from the store (a lost or partly restored MEDIA_ROOT) is rendered and
    stored again: it is only a cache. The copy attached to an issued document is not: see `serve`."""
    context = face_context(document)
    if extra:
        context.update(extra)
    key = _key(context)
    cached = PdfCache.objects.select_related("blob").filter(key=key).first()
    if cached and files.in_store(cached.blob):
        return cached
    pdf = render(context)
    # files.store writes the file again when the bytes' row outlived it.
    blob, pages = files.store(ContentFile(pdf, name="official.pdf")), page_count(pdf)
    if cached:
        logger.warning("Official PDF cache %s: its file %s was missing, rendered again", key, cached.blob.content.name)
        PdfCache.objects.filter(pk=cached.pk).update(blob=blob, pages=pages)
        cached.blob, cached.pages = blob, pages
        return cached
    try:
        with transaction.atomic():
            return PdfCache.objects.create(key=key, blob=blob, pages=pages)
    except IntegrityError:
        return PdfCache.objects.select_related("blob").get(key=key)


def face_pdf(document: Document, extra: dict | None = None) -> bytes:
    """A face not stored (a draft's preview), kept in Django's cache rather than the database: a GET writes no
    row. The same face_context and template as the issued document's attached PDF."""
    context = face_context(document)
    if extra:
        context.update(extra)
    key = f"idesk:preview-pdf:{_key(context)}"
    pdf = cache.get(key)
    if pdf is None:
        pdf = render(context)
        cache.set(key, pdf, timeout=3600)
    return pdf


def serve(request: HttpRequest, attached: DocumentFile) -> HttpResponse:
    """An attached official PDF, inline. Its file missing from the store, a page that says so (404): that copy is
    the document as issued, so it is never rendered again in its place; the administrator restores it."""
    missing = "documents/outgoing/official/missing.html"
    return files.download(request, attached.blob, attached.name, inline=True, missing_page=missing)


def copy_context(document: Document) -> dict | None:
    """The copy mark block for a copy's PDF (NĐ30: kind, copying body, number, place and date, signer)."""
    if not document.copy_kind:
        return None
    unit = document.issuer_unit
    parent, lines = faces.issuer_block(unit)
    copy_ctx = {
        "kind_label": CopyKind(document.copy_kind).label.upper(),
        "copier_parent": parent or "",
        "copier": " ".join(lines),
        "number_symbol": document.number_symbol,
        "date_line": faces.date_line(faces.place_name(unit), document.issued_date),
        "signer_lines": faces.signer_block(unit, document.signing_capacity, document.signer_position),
        "signer_name": document.signer_name,
        "recipients": [line for line in document.recipients_text.splitlines() if line.strip()],
        "electronic_mark": True,  # made from an electronic original and sent as one: Appendix I's electronic block
        "signed_at": timezone.localtime(document.issued_at).isoformat(timespec="seconds") if document.issued_at else "",
    }
    # A sao lục is made from a copy: show the original's face, and the nearest excerpt when one was taken.
    source, body = document.copy_of, document.body
    while source.copy_kind and source.copy_of_id is not None:
        body = body or source.body
        source = source.copy_of
    face = face_context(source)
    face["body"] = body or source.body
    face["copy"] = copy_ctx
    return face
