"""The signed flow (issue 16) with IDESK_SIGNATURES_REQUIRED on: the test district's certificates (tests/world.py,
of a throwaway CA) sign at "Ký duyệt" and at issue; what is downloaded and delivered is the signed file byte for
byte."""

from __future__ import annotations

import datetime
import shutil
import subprocess
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from documents.core.services import ServiceError
from documents.models import Document, DraftStatus, OutgoingDraft
from documents.outgoing import selectors as outgoing_selectors
from documents.outgoing import services as outgoing
from documents.signing.models import IssuedSignedFile, PdfVerification, SigningCertificate, trust_store
from documents.signing.verify import verify_pdf
from tests.documents.conftest import unit, user
from tests.documents.outgoing_builders import drafted, issued_as, last_number

NOW = datetime.datetime(2026, 11, 25, 9, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


@pytest.fixture(autouse=True)
def required(settings):
    settings.IDESK_SIGNATURES_REQUIRED = True
    with time_machine.travel(NOW, tick=True):
        yield


def to_sign() -> OutgoingDraft:
    draft = drafted()
    draft = outgoing.submit_draft(author=user("cv1.vp"), draft=draft)
    return outgoing.review_draft(head=user("truong.vp"), draft=draft, approve=True)


def read(blob) -> bytes:
    with blob.content.open("rb") as handle:
        return handle.read()


def test_draft_approve_sign_issue_gives_two_valid_signatures(db, client, tmp_path):
    chairman, clerk = user("chutich"), user("vanthu.ubnd")
    draft = outgoing.sign_draft(leader=chairman, draft=to_sign(), approve=True)
    assert draft.status == DraftStatus.SIGNED and draft.signed_pdf_id
    roots, crls = trust_store()
    face = read(draft.signed_pdf)
    (leader_only,) = verify_pdf(face, trusted_roots=roots, crls=crls)
    assert leader_only.valid and leader_only.trusted and leader_only.signer == chairman.full_name

    document = outgoing.issue(clerk=clerk, draft=draft)
    signed = IssuedSignedFile.objects.select_related("blob").get(document=document)
    data = read(signed.blob)
    assert data.startswith(face)  # incremental updates: the leader's bytes are kept as they were
    leader, agency = verify_pdf(data, trusted_roots=roots, crls=crls)
    assert leader.signer == chairman.full_name and leader.valid and leader.trusted and leader.intact
    assert not leader.covers_whole_file  # number, date and the agency's signature came after it
    assert agency.signer == unit("ubnd").name and agency.valid and agency.trusted and agency.covers_whole_file
    assert f"Số: {document.number_symbol}".encode() not in face

    # The official file is the signed one, and it is verified as delivered.
    official = outgoing_selectors.official_file(document)
    assert official.blob_id == signed.blob_id
    assert PdfVerification.objects.get(blob=signed.blob).ok

    # Downloaded byte for byte, never rendered again.
    client.force_login(clerk)
    response = client.get(reverse("documents:issued_pdf", args=[document.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == data

    # One byte changed in the signed range breaks both.
    tampered = bytearray(data)
    at = data.index(b"/Type /Page") + 1
    tampered[at] ^= 0x01
    assert not any(r.valid for r in verify_pdf(bytes(tampered), trusted_roots=roots, crls=crls))

    if shutil.which("pdfsig"):
        path = tmp_path / "issued.pdf"
        path.write_bytes(data)
        out = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, check=False).stdout
        assert out.count("Signature Validation: Signature is Valid.") == 2, out
        assert chairman.full_name in out and unit("ubnd").name in out


def test_a_leader_without_a_certificate_is_refused_and_nothing_is_signed_off(db):
    chairman = user("chutich")
    SigningCertificate.objects.filter(user=chairman).update(active=False)
    draft = to_sign()
    with pytest.raises(ServiceError) as refused:
        outgoing.sign_draft(leader=chairman, draft=draft, approve=True)
    assert "chưa có chứng thư số" in " ".join(refused.value.messages)
    draft.refresh_from_db()
    assert draft.status == DraftStatus.TO_SIGN and draft.signed_pdf_id is None


def test_an_agency_without_a_certificate_is_refused_before_a_number_is_taken(db):
    ubnd = unit("ubnd")
    draft = outgoing.sign_draft(leader=user("chutich"), draft=to_sign(), approve=True)
    SigningCertificate.objects.filter(unit=ubnd).update(active=False)
    before, documents = last_number(ubnd), Document.objects.count()
    with pytest.raises(ServiceError) as refused:
        outgoing.issue(clerk=user("vanthu.ubnd"), draft=draft)
    assert "chưa có chứng thư số cơ quan" in " ".join(refused.value.messages)
    draft.refresh_from_db()
    assert draft.status == DraftStatus.SIGNED and draft.document_id is None
    assert last_number(ubnd) == before and Document.objects.count() == documents


def test_an_expired_certificate_is_refused_at_signing(db):
    draft = to_sign()
    with time_machine.travel(datetime.datetime(2046, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))):
        with pytest.raises(ServiceError) as refused:
            outgoing.sign_draft(leader=user("chutich"), draft=draft, approve=True)
    assert "hết hạn" in " ".join(refused.value.messages) or "hiệu lực" in " ".join(refused.value.messages)
    draft.refresh_from_db()
    assert draft.status == DraftStatus.TO_SIGN


def test_a_letter_issued_on_its_day_in_2016_is_issued_signed(db):
    document = issued_as(3261, datetime.datetime(2016, 12, 5, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")))
    assert document.number_symbol == "3261/UBND"
    signed = IssuedSignedFile.objects.select_related("blob").get(document=document)
    roots, crls = trust_store()
    results = verify_pdf(read(signed.blob), trusted_roots=roots, crls=crls)
    assert [r.valid and r.trusted for r in results] == [True, True]
    assert outgoing_selectors.official_file(document).blob_id == signed.blob_id


def test_issuing_a_signed_draft_renders_nothing(db, monkeypatch):
    """The leader-signed bytes become the document: issuing fills and signs them, it never renders a face."""
    from documents.outgoing import pdf as official_pdf
    from documents.outgoing import signatures

    draft = outgoing.sign_draft(leader=user("chutich"), draft=to_sign(), approve=True)
    renders = []
    monkeypatch.setattr(official_pdf, "render", lambda *a, **k: renders.append(1))
    monkeypatch.setattr(signatures, "render_for_signing", lambda *a, **k: renders.append(1))
    document = outgoing.issue(clerk=user("vanthu.ubnd"), draft=draft)
    assert renders == [] and IssuedSignedFile.objects.filter(document=document).exists()
