"""The agency's signature failing after the number committed (issue 16): the document is issued but has no official
PDF; nothing unsigned is served in its place; the issuing clerk sees "chưa ký số cơ quan — ký lại" and retries.
With a timestamp authority configured the issued file is kept as PAdES B-LTA."""

from __future__ import annotations

import pytest
from django.urls import reverse

from documents.core.models import AuditEvent
from documents.outgoing import selectors as outgoing_selectors
from documents.outgoing import services as outgoing
from documents.outgoing import signatures
from documents.signing.errors import SigningError
from documents.signing.models import IssuedSignedFile, trust_store
from documents.signing.verify import verify_pdf
from tests.documents.conftest import user
from tests.documents.outgoing_builders import drafted

pytestmark = pytest.mark.usefixtures("signatures_required")


def signed_draft():
    draft = outgoing.submit_draft(author=user("cv1.vp"), draft=drafted())
    draft = outgoing.review_draft(head=user("truong.vp"), draft=draft, approve=True)
    return outgoing.sign_draft(leader=user("chutich"), draft=draft, approve=True)


def failing(*args, **kwargs):
    raise SigningError("Dịch vụ ký số từ xa không trả lời.")


def test_a_failure_after_the_number_leaves_no_official_pdf_and_the_clerk_signs_again(db, client, monkeypatch):
    clerk = user("vanthu.ubnd")
    draft = signed_draft()
    with monkeypatch.context() as patched:
        patched.setattr(signatures, "issue_signed", failing)
        document = outgoing.issue(clerk=clerk, draft=draft)  # issued: the number is not taken back
    assert document.number and not IssuedSignedFile.objects.filter(document=document).exists()
    assert outgoing_selectors.official_file(document) is None and signatures.awaiting_agency(document)
    failed = AuditEvent.objects.get(object_type="document", object_id=document.pk, verb="agency_signing_failed")
    assert "không trả lời" in failed.data["reason"]

    client.force_login(clerk)
    pdf = client.get(reverse("documents:issued_pdf", args=[document.pk]))
    assert pdf.status_code == 409 and not pdf.content.startswith(b"%PDF")
    assert "chưa ký số cơ quan" in pdf.content.decode()
    page = client.get(reverse("documents:issued_detail", args=[document.pk])).content.decode()
    assert 'data-testid="awaiting-agency"' in page and "không trả lời" in page
    assert reverse("documents:issued_action", args=[document.pk, "ky-lai"]) in page

    # Failing again: still nothing attached, the reason shown.
    with monkeypatch.context() as patched:
        patched.setattr(signatures, "issue_signed", failing)
        response = client.post(reverse("documents:issued_action", args=[document.pk, "ky-lai"]), follow=True)
    assert "không trả lời" in response.content.decode() and signatures.awaiting_agency(document)

    response = client.post(reverse("documents:issued_action", args=[document.pk, "ky-lai"]))
    assert response.status_code == 302 and not signatures.awaiting_agency(document)
    signed = IssuedSignedFile.objects.select_related("blob").get(document=document)
    with signed.blob.content.open("rb") as handle:
        data = handle.read()
    roots, crls = trust_store()
    assert [r.valid and r.trusted for r in verify_pdf(data, trusted_roots=roots, crls=crls)] == [True, True]
    served = client.get(reverse("documents:issued_pdf", args=[document.pk]))
    assert b"".join(served.streaming_content) == data
    assert AuditEvent.objects.filter(object_id=document.pk, verb="agency_signed_again", actor=clerk).exists()
    page = client.get(reverse("documents:issued_detail", args=[document.pk])).content.decode()
    assert 'data-testid="awaiting-agency"' not in page


def test_only_the_issuing_clerk_signs_again(db, client, monkeypatch):
    with monkeypatch.context() as patched:
        patched.setattr(signatures, "issue_signed", failing)
        document = outgoing.issue(clerk=user("vanthu.ubnd"), draft=signed_draft())
    client.force_login(user("chutich"))
    page = client.get(reverse("documents:issued_detail", args=[document.pk])).content.decode()
    assert 'data-testid="awaiting-agency"' in page and "ky-lai" not in page
    response = client.post(reverse("documents:issued_action", args=[document.pk, "ky-lai"]))
    assert response.status_code == 403 and signatures.awaiting_agency(document)


def test_with_a_timestamp_authority_the_issued_document_is_kept_as_b_lta(db, monkeypatch, timestamper, ca):
    """IDESK_TSA_URL set: both signatures timestamped (B-T), then validation data and a document timestamp."""
    import io

    from pyhanko.pdf_utils.reader import PdfFileReader

    from documents.signing.models import TrustedRoot

    root = TrustedRoot(name="TSA thử nghiệm")
    root.set_certificate(ca.certificate)
    root.save()
    monkeypatch.setattr(signatures, "timestamper", lambda: timestamper)
    document = outgoing.issue(clerk=user("vanthu.ubnd"), draft=signed_draft())
    signed = IssuedSignedFile.objects.select_related("blob").get(document=document)
    with signed.blob.content.open("rb") as handle:
        data = handle.read()
    reader = PdfFileReader(io.BytesIO(data), strict=False)
    assert "/DSS" in reader.root and len(reader.root["/DSS"]["/Certs"]) >= 2
    assert len(reader.embedded_signatures) == 3  # the leader's, the agency's, the document timestamp
    assert reader.embedded_signatures[-1].sig_object["/Type"] == "/DocTimeStamp"
    roots, crls = trust_store()
    results = verify_pdf(data, trusted_roots=roots, crls=crls)
    assert [(r.valid, r.trusted, r.timestamped) for r in results] == [(True, True, True)] * 2
