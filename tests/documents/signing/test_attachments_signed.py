"""Attachments in separate files get the agency's block at the top right of their first page at issue (issue 16):
number and symbol, time, agency; the draft keeps its own unsigned copy; one that cannot be signed is left as it is
and said so on the timeline."""

from __future__ import annotations

import io

import pytest
from django.core.files.base import ContentFile
from pyhanko.pdf_utils.reader import PdfFileReader

from documents.core import files
from documents.core.models import AuditEvent, DocumentFile, StoredFile
from documents.outgoing import services as outgoing
from documents.outgoing.models import DraftFile
from documents.signing import pades
from documents.signing.models import trust_store
from documents.signing.verify import verify_pdf
from tests.documents.conftest import unit, user
from tests.documents.outgoing_builders import drafted

pytestmark = pytest.mark.usefixtures("signatures_required")


def read(blob) -> bytes:
    with blob.content.open("rb") as handle:
        return handle.read()


def test_a_pdf_attachment_is_signed_by_the_agency_at_the_top_right(db, plain_pdf):
    draft = drafted()
    appendix = files.store(ContentFile(plain_pdf, name="phu-luc.pdf"))
    broken = files.store(ContentFile(b"%PDF-1.4\nnot really a pdf\n%%EOF\n", name="hong.pdf"))
    StoredFile.objects.filter(pk=broken.pk).update(content_type="application/pdf")  # past the upload's checks
    DraftFile.objects.create(draft=draft, blob=appendix, name="phu-luc.pdf")
    DraftFile.objects.create(draft=draft, blob=broken, name="hong.pdf")
    draft = outgoing.submit_draft(author=user("cv1.vp"), draft=draft)
    draft = outgoing.review_draft(head=user("truong.vp"), draft=draft, approve=True)
    draft = outgoing.sign_draft(leader=user("chutich"), draft=draft, approve=True)
    document = outgoing.issue(clerk=user("vanthu.ubnd"), draft=draft)

    issued = {f.name: f for f in DocumentFile.objects.filter(document=document).select_related("blob")}
    data = read(issued["phu-luc.pdf"].blob)
    assert data.startswith(plain_pdf) and data != plain_pdf  # an incremental update of the drafter's file
    assert read(DraftFile.objects.get(draft=draft, name="phu-luc.pdf").blob) == plain_pdf  # the draft's is kept
    roots, crls = trust_store()
    (result,) = verify_pdf(data, trusted_roots=roots, crls=crls)
    assert result.valid and result.trusted and result.signer == unit("ubnd").name

    # The block is at the top right of page 1 and says the number and symbol and the agency.
    reader = PdfFileReader(io.BytesIO(data), strict=False)
    (signature,) = reader.embedded_signatures
    widget = signature.sig_field["/Kids"][0] if "/Kids" in signature.sig_field else signature.sig_field
    x1, y1, x2, y2 = (float(v) for v in widget["/Rect"])
    width, height = pades.page_size(plain_pdf)
    assert x1 > width / 2 and y1 > height - 40 * pades.MM and x2 <= width and y2 <= height
    assert pades.top_right_box(plain_pdf).box == pytest.approx((x1, y1, x2, y2), abs=0.1)
    assert widget["/AP"]["/N"].get_object().data  # the visible appearance is drawn

    # The damaged one: left as it was, on the timeline.
    assert issued["hong.pdf"].blob_id == broken.pk
    event = AuditEvent.objects.get(object_type="document", object_id=document.pk, verb="attachment_unsigned")
    assert event.data["file"] == "hong.pdf"
