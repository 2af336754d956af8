"""Digital signatures in the outgoing flow (issue 16): the leader signs at "Ký duyệt", the agency at issue.

The leader signs the official face rendered without number and date: those two lines are empty text fields
(documents/signing/formfields.py). Issuing fills them and adds the agency's signature, both as incremental
updates, so the leader's signature keeps verifying. The signed bytes are the document from then on: never
rendered again, delivered and downloaded as they are.
"""

from __future__ import annotations

import gc
import logging
import secrets
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from documents.core import audit, faces, files
from documents.core.models import Document, DocumentFile, StoredFile
from documents.outgoing import held
from documents.outgoing import pdf as official_pdf
from documents.outgoing import policy as outgoing_policy
from documents.outgoing.models import CopyKind, OutgoingDraft
from documents.signing.errors import SigningError
from documents.signing.models import IssuedSignedFile, SealImage, SignatureImage, SigningCertificate
from idesk.lib import reports

if TYPE_CHECKING:
    from documents.signing import pades

# pyHanko (documents.signing.pades, formfields) is imported by the functions that sign, not here: it adds ~30 MB
# to a process, and the web process imports this module with its URLs while most requests never sign.

logger = logging.getLogger(__name__)

# Elements of the face (official/document.html) whose places the signatures need, and the PDF fields made there.
FIELD_IDS = {"so-ky-hieu": "SoKyHieu", "ngay-thang": "NgayThang"}
SIGNATURE_ID = "chu-ky"
LEADER_FIELD = "ChuKyLanhDao"
AGENCY_FIELD = "ChuKyCoQuan"
COPY_FIELD = "ChuKyBanSao"  # + the copy's id: a copied file may carry an earlier copy's
PX = 0.75  # CSS px to PDF points
IMAGE_MM = (50, 22)  # the leader's signature image, centred in the signature space (26 mm high)
AWAITING_PAGE = "documents/signing/awaiting_agency.html"  # in place of the official PDF until the agency signs
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud or typed from paper


def required() -> bool:
    """With IDESK_SIGNATURES_REQUIRED (the default) nothing is signed off or issued without certificates."""
    return getattr(settings, "IDESK_SIGNATURES_REQUIRED", True)


def timestamper():
    """PAdES B-T with the configured timestamp authority (IDESK_TSA_URL), else None: B-B."""
    url = getattr(settings, "IDESK_TSA_URL", "")
    if not url:
        return None
    from pyhanko.sign.timestamps import HTTPTimeStamper

    return HTTPTimeStamper(url, timeout=10)


def _latest(qs):
    qs = qs.filter(active=True).select_related("user", "unit")
    return qs.usable().order_by("-not_after").first() or qs.order_by("-not_after").first()


def person_certificate(user) -> SigningCertificate | None:
    return _latest(SigningCertificate.objects.for_user(user))


def agency_certificate(unit) -> SigningCertificate | None:
    return _latest(SigningCertificate.objects.for_unit(unit))


def check_leader(draft: OutgoingDraft, leader) -> SigningCertificate | None:
    """The leader's certificate, checked (SigningError with the reason otherwise); None when there is none and
    signatures are not required."""
    if leader.pk != draft.signer_id:
        raise SigningError(
            _("Chỉ người ký của dự thảo (%(name)s) mới ký số được văn bản này.") % {"name": draft.signer.full_name}
        )
    cert = person_certificate(leader)
    if cert is None:
        if not required():
            return None
        raise SigningError(
            _("%(name)s chưa có chứng thư số để ký: quản trị viên cần thêm chứng thư số (tệp PKCS#12) trước khi ký.")
            % {"name": leader.full_name}
        )
    cert.check_usable()
    return cert


def check_agency(unit) -> SigningCertificate | None:
    cert = agency_certificate(unit)
    if cert is None:
        if not required():
            return None
        raise SigningError(
            _("%(unit)s chưa có chứng thư số cơ quan để ký phát hành: quản trị viên cần thêm chứng thư số.")
            % {"unit": unit.name}
        )
    cert.check_usable()
    return cert


def render_for_signing(context: dict) -> tuple[bytes, dict[str, pades.Placement]]:
    """The face without number and date (their lines left empty) and where the laid-out pages put the elements
    named in FIELD_IDS and SIGNATURE_ID, in PDF points from the page's bottom left.

    Read from WeasyPrint's boxes (as documents/core/pdf.py does for register books), so the places follow the
    layout whatever the length of the body, and the signature block may fall on any page."""
    from django.template.loader import render_to_string
    from weasyprint import HTML

    from documents.signing import pades

    context = {**context, "fields": True, "number_symbol": "", "date_line": ""}
    html = render_to_string(official_pdf.TEMPLATE, {**context, "body_html": official_pdf.render_body(context["body"])})
    wanted = {*FIELD_IDS, SIGNATURE_ID}
    boxes: dict[str, pades.Placement] = {}
    with reports.collecting_by_hand():
        document = HTML(string=html, base_url=str(settings.BASE_DIR)).render(
            stylesheets=[reports.parsed_stylesheet(official_pdf.STYLESHEET)], font_config=reports.font_config()
        )
        for index, page in enumerate(document.pages):
            stack = [page._page_box]
            while stack:
                box = stack.pop()
                element = getattr(box, "element", None)
                ident = element.get("id") if element is not None else None
                if ident in wanted and ident not in boxes and getattr(box, "element_tag", "") == "div":
                    x, y = box.border_box_x() * PX, box.border_box_y() * PX
                    w, h = box.border_width() * PX, box.border_height() * PX
                    top = page.height * PX
                    boxes[ident] = pades.Placement(index, (x, top - y - h, x + w, top - y))
                stack.extend(reversed(getattr(box, "children", ())))
        pdf = document.write_pdf()
        del document
        gc.collect()
    missing = wanted - set(boxes)
    if missing:
        message = _("Không tìm thấy chỗ ký trên trang văn bản (%(ids)s).")
        raise SigningError(message % {"ids": ", ".join(sorted(missing))})
    return pdf, boxes


def leader_box(space: pades.Placement) -> pades.Placement:
    from documents.signing import pades

    x1, y1, x2, y2 = space.box
    width, height = IMAGE_MM[0] * pades.MM, IMAGE_MM[1] * pades.MM
    cx, cy = (x1 + x2) / 2, (y1 + y2) / 2
    return pades.Placement(space.page, (cx - width / 2, cy - height / 2, cx + width / 2, cy + height / 2))


def _png(model, **owner) -> bytes | None:
    row = model.objects.filter(**owner).only("png").first()
    return bytes(row.png) if row else None


def sign_face(document: Document, leader, cert: SigningCertificate) -> bytes:
    """The leader's PAdES signature on `document`'s face (unsaved is fine), number and date left as fields."""
    from documents.signing import formfields, pades

    signer = cert.signer(description=_("Ký duyệt: %(s)s") % {"s": document.summary[:200]})
    pdf, boxes = render_for_signing(official_pdf.face_context(document))
    pdf = formfields.add_text_fields(pdf, {FIELD_IDS[ident]: boxes[ident] for ident in FIELD_IDS})
    signed = pades.sign_as_leader(
        pdf,
        signer,
        placement=leader_box(boxes[SIGNATURE_ID]),
        signature_image=_png(SignatureImage, user=leader),
        location=faces.place_name(document.issuer_unit) if document.issuer_unit_id else "",
        timestamper=timestamper(),
        field_name=LEADER_FIELD,
    )
    collect_garbage()
    return signed


def collect_garbage() -> None:
    """One full collection after a document is signed (Ký duyệt, Cấp số và phát hành): left to the automatic
    collector, the cyclic garbage of rendering and signing stayed and a web process grew with each signed document
    (docs/performance.md, "Constants"). A full walk of the objects, once per signed document."""
    gc.collect()


def store_pdf(data: bytes, name: str) -> StoredFile:
    return files.store(ContentFile(data, name=name))


def issue_signed(document: Document, signed_face: bytes, cert: SigningCertificate | None) -> bytes:
    """Number and date into the fields and the agency's signature with its seal over the leader's image."""
    from documents.signing import formfields, pades

    unit = document.issuer_unit
    date_line = faces.date_line(faces.place_name(unit), document.issued_date)
    values = {"SoKyHieu": (f"Số: {document.number_symbol}", 13, False), "NgayThang": (date_line, 14, True)}
    if cert is None:
        return formfields.fill_text_fields(signed_face, values)
    stamper = timestamper()
    # The number, the date and the agency's signature in one incremental update (the fields keep their boxes).
    signed = pades.sign_as_agency(
        signed_face,
        cert.signer(description=_("Phát hành: %(s)s") % {"s": document.number_symbol}),
        leader_placement=formfields.field_rects(signed_face)[LEADER_FIELD],
        seal_image=_png(SealImage, unit=unit),
        agency_name=unit.name,
        location=faces.place_name(unit),
        timestamper=stamper,
        field_name=AGENCY_FIELD,
        prepare=lambda writer: formfields.fill_fields(writer, values),
    )
    return signed if stamper is None else long_term(signed, stamper, document)


def long_term(pdf: bytes, stamper, document: Document) -> bytes:
    """PAdES B-LTA for keeping (a timestamp authority configured): the validation data of both signatures
    (certificates, the administrator's CRLs) and a document timestamp over the whole file. When that cannot be
    done (the authority does not answer) the file stays B-T, two valid timestamped signatures: logged, not
    refused, since the number is taken already and the signatures hold without it."""
    from documents.signing import pades
    from documents.signing.models import trust_store
    from documents.signing.verify import validation_context

    roots, crls = trust_store()
    try:
        return pades.make_long_term(
            pdf, timestamper=stamper, validation_context=validation_context(trusted_roots=roots, crls=crls)
        )
    except SigningError as exc:
        logger.warning("document %s kept as PAdES B-T, not B-LTA: %s", document.pk, exc.message)
        return pdf


def new_code() -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
        if not IssuedSignedFile.objects.filter(code=code).exists():
            return code


def attach_signed(document: Document, name: str) -> DocumentFile:
    """Sign the issued document for its agency and attach the result once (under the draft's lock: two requests
    never sign twice). Refused (SigningError) when the agency cannot sign; nothing is attached then, the failure
    is on the document's timeline, and the document waits for the clerk's "Ký lại" (see `awaiting_agency`)."""
    try:
        attached = _attach_signed(document, name)
    except SigningError as exc:
        logger.warning("agency signature of document %s failed: %s", document.pk, exc.message)
        # Under the name of the clerk who issued it, whose step it completes (the timeline names an actor).
        audit.record(document.issued_by, "agency_signing_failed", document, reason=exc.message[:500])
        raise
    collect_garbage()
    return attached


def _attach_signed(document: Document, name: str) -> DocumentFile:
    with transaction.atomic():
        draft = (
            OutgoingDraft.objects.select_for_update(of=("self",)).select_related("signed_pdf").get(document=document)
        )
        done = IssuedSignedFile.objects.filter(document=document).select_related("blob").first()
        if done is not None:  # signed already: the signed bytes are the document, never signed again
            attached = DocumentFile.objects.filter(document=document, blob=done.blob).first()
            return attached or DocumentFile.objects.create(document=document, blob=done.blob, name=name)
        cert = check_agency(document.issuer_unit)
        with draft.signed_pdf.content.open("rb") as handle:
            face = handle.read()
        attached = _attach(document, issue_signed(document, face, cert), name)
        if cert is not None:
            sign_attachments(document, cert)
        return attached


def sign_attachments(document: Document, cert: SigningCertificate) -> None:
    """Attachments in separate PDF files get the agency's block at the top right of their first page (number and
    symbol, time, agency: NĐ30 Appendix I); the issued document's file row then holds the signed copy, the draft
    keeps its own. Other formats cannot carry a PAdES signature and stay as they are. An attachment that cannot be
    signed (a damaged or locked PDF from the drafter) stays unsigned, on the timeline: it does not hold back the
    main document, whose number is taken already."""
    stamper = timestamper()
    rows = DocumentFile.objects.filter(
        document=document, added_by__isnull=False, blob__content_type="application/pdf"
    ).select_related("blob")
    for row in rows:
        try:
            with row.blob.content.open("rb") as handle:
                data = handle.read()
            signed = sign_attachment(document, data, cert, stamper)
        except Exception as exc:  # pyHanko and the PDF readers raise many kinds on a malformed file
            reason = exc.message if isinstance(exc, SigningError) else str(exc)
            logger.warning("attachment %s of document %s left unsigned: %s", row.name, document.pk, reason)
            audit.record(document.issued_by, "attachment_unsigned", document, file=row.name, reason=reason[:500])
            continue
        DocumentFile.objects.filter(pk=row.pk).update(blob=store_pdf(signed, row.name))


def sign_attachment(
    document: Document, data: bytes, cert: SigningCertificate, stamper=None, *, copy_label: str = ""
) -> bytes:
    """One PDF with the agency's block at the top right of its first page (NĐ30 Appendix I): an attachment (first
    line: the number and symbol) or, with `copy_label` (e.g. "SAO Y"), an electronic copy's file (the kind of
    copy; `document` is then the copy, its issuer the copying agency). A copied file may carry signatures already
    (the original's agency's, an earlier copy's): the copy's field is named after the copy, never one of theirs."""
    from documents.signing import pades

    unit = document.issuer_unit
    if copy_label:
        source = document.copy_of.number_symbol  # signed before the copy has its number
        description, first_line = _("%(k)s: %(s)s") % {"k": copy_label, "s": source}, copy_label
        reason, field_name = copy_label.capitalize(), f"{COPY_FIELD}{document.pk}"
    else:
        description = _("Phát hành phụ lục: %(s)s") % {"s": document.number_symbol}
        first_line, reason, field_name = document.number_symbol, "Phát hành văn bản", AGENCY_FIELD
    return pades.sign_top_right(
        data,
        cert.signer(description=description),
        first_line=first_line,
        agency_name=unit.name,
        reason=reason,
        location=faces.place_name(unit),
        timestamper=stamper,
        field_name=field_name,
    )


def sign_copy(copy: Document, cert: SigningCertificate, copied: Sequence[DocumentFile]) -> list[DocumentFile]:
    """An electronic copy (sao y, sao lục, trích sao: NĐ30 Art. 25-27) signed by the copying agency: its face
    (rendered once, without the unsigned top-right lines: the signature's visible block says them) and each copied
    PDF (`copied`: the copy's unsaved rows, still holding the source's files) get the agency's block at the top
    right of page 1 — the kind of copy, the agency, the signing time. Returns the unsaved rows, the face first (its
    row named once the copy has its number: see attach_signed_copy); sets `copy.pages` (unsaved).

    The face is signed first: if that fails (SigningError: the certificate, the remote provider) it raises before
    anything is stored, and the caller's transaction saves nothing. Other formats cannot carry a PAdES signature
    and are copied as they are; so is a copied PDF that cannot be signed (damaged or locked, as it came from the
    original's sender), said on the copy's timeline — as for an issued document's attachments. With a timestamp
    authority the face is kept as PAdES B-LTA, like an issued document's."""
    label = CopyKind(copy.copy_kind).label.upper()
    stamper = timestamper()
    context = official_pdf.copy_context(copy)
    context["copy"]["signed"] = True
    face = DocumentFile(document=copy)
    face_pdf = sign_attachment(copy, official_pdf.render(context), cert, stamper, copy_label=label)
    if stamper is not None:  # the copy is a document of its own (its number, its register): kept as B-LTA too
        face_pdf = long_term(face_pdf, stamper, copy)
    signed = [(face, face_pdf)]
    copy.pages = official_pdf.page_count(signed[0][1])
    for row in copied:
        if row.blob.content_type != "application/pdf":
            continue  # not a PDF: no place for a signature, copied as it is
        try:
            with row.blob.content.open("rb") as handle:
                signed.append((row, sign_attachment(copy, handle.read(), cert, stamper, copy_label=label)))
        except Exception as exc:  # pyHanko and the PDF readers raise many kinds on a malformed file
            reason = exc.message if isinstance(exc, SigningError) else str(exc)
            logger.warning("copied file %s of copy %s left unsigned: %s", row.name, copy.pk, reason)
            audit.record(copy.issued_by, "attachment_unsigned", copy, file=row.name, reason=reason[:500])
    for row, data in signed:
        row.blob = store_pdf(data, row.name)
    return [face, *copied]


def attach_signed_copy(document: Document, name: str) -> DocumentFile | None:
    """After the commit: attach a signed copy's face (signed in copies.make_copy, before its number) under its
    official name, verify what the recipients will open, and release the deliveries held for it. None for a
    document that is not a signed copy. Safe to call twice."""
    done = IssuedSignedFile.objects.filter(document=document, document__copy_kind__gt="").select_related("blob")
    done = done.first()
    if done is None:
        return None
    attached = DocumentFile.objects.filter(document=document, blob=done.blob).first()
    attached = attached or DocumentFile.objects.create(document=document, blob=done.blob, name=name)
    for row in DocumentFile.objects.filter(document=document, blob__content_type="application/pdf").select_related(
        "blob"
    ):
        verify_arrival(row.blob)  # the copy's signature on each, and the original's
    held.release(document)
    return attached


def _attach(document: Document, signed: bytes, name: str) -> DocumentFile:
    blob = store_pdf(signed, name)
    attached = DocumentFile.objects.create(document=document, blob=blob, name=name)
    pages = official_pdf.page_count(signed)
    Document.objects.filter(pk=document.pk).update(pages=pages)
    document.pages = pages
    IssuedSignedFile.objects.create(document=document, blob=blob, code=new_code(), signed_at=timezone.now())
    return attached


def awaiting_agency(document: Document) -> bool:
    """Issued from a draft the leader signed, but the agency's signature is not on it yet (it failed after the
    number committed: a certificate expired, a remote provider refused). Such a document has no official PDF:
    the leader-only face is never served as the original, nor is a fresh rendering."""
    return (
        OutgoingDraft.objects.filter(document=document, signed_pdf__isnull=False).exists()
        and not IssuedSignedFile.objects.filter(document=document).exists()
    )


def sign_again(*, clerk, document: Document, name: str) -> DocumentFile:
    """Ký lại: the issuing unit's clerk retries the agency's signature of a document `awaiting_agency`, attached
    as `name` like at issue. SigningError (nothing attached) when it fails again; the reason is for the clerk."""
    outgoing_policy.issued.require_for_unit(clerk, outgoing_policy.RESIGN, outgoing_policy.issuer_unit(document))
    document.refresh_from_db(fields=["cancelled_at", "recalled_at"])  # as it is now, not as the caller read it
    if document.cancelled_at or document.recalled_at:
        raise SigningError(_("Văn bản đã bị hủy số hoặc thu hồi: không ký lại."))
    if not awaiting_agency(document):
        raise SigningError(_("Văn bản đã có chữ ký số của cơ quan."))
    attached = attach_signed(document, name)
    verify_arrival(attached.blob)
    audit.record(clerk, "agency_signed_again", document)
    held.release(document, by=clerk)  # the deliveries go out now, once
    return attached


def sign_issued(document: Document, leader, name: str) -> DocumentFile | None:
    """Both signatures at once, for a document recorded as issued outside the flow (the demo's founding letter).
    None when the leader or the agency has no certificate."""
    cert, agency = person_certificate(leader), agency_certificate(document.issuer_unit)
    if cert is None or agency is None:
        return None
    cert.check_usable()
    agency.check_usable()
    with transaction.atomic():
        return _attach(document, issue_signed(document, sign_face(document, leader, cert), agency), name)


def verify_arrival(blob: StoredFile):
    """What every recipient receives is verified once (the same bytes for all of them)."""
    from documents.signing import intake

    return intake.verify_stored(blob)
