"""Cập nhật văn bản đã phát hành (edXML BussinessDocType 2) on this server: the issuing clerk adds a missing
appendix with a reason; the signed official PDF stays; the communes see the notice and the new file."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.test import Client
from django.urls import reverse
from pypdf import PdfWriter

from documents.core.services import ServiceError
from documents.models import AuditEvent, Delivery, DocumentFile, DocumentUpdate, IncomingRecord
from documents.outgoing import selectors as outgoing_selectors
from documents.outgoing import services as outgoing
from documents.outgoing import updates
from documents.signing.models import IssuedSignedFile, trust_store
from documents.signing.verify import verify_pdf
from idesk.models import Notification
from tests.documents.conftest import unit, user
from tests.documents.outgoing_builders import issued


def pdf_upload(name: str, marker: str) -> SimpleUploadedFile:
    """A small, well-formed PDF (the agency signs it: a file with bytes after %%EOF would be refused)."""
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.add_metadata({"/Title": marker})
    out = io.BytesIO()
    writer.write(out)
    return SimpleUploadedFile(name, out.getvalue(), content_type="application/pdf")


@pytest.fixture
def letter(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return issued()  # UBND huyện to the communes, signed by the Chủ tịch and the agency


def send(document, reason="Bổ sung phụ lục danh sách đại biểu", uploads=None, clerk="vanthu.ubnd"):
    uploads = [pdf_upload("phu-luc-dai-bieu.pdf", marker="update-1")] if uploads is None else uploads
    return updates.send_update(clerk=user(clerk), document=document, reason=reason, uploads=uploads)


def commune_delivery(document, code="xa-canh-hien") -> Delivery:
    return document.deliveries.get(recipient_unit=unit(code))


def page(login: str, path: str) -> str:
    client = Client()
    client.force_login(user(login))
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def test_an_update_adds_the_appendix_beside_the_unchanged_official_pdf_and_the_communes_see_it(
    letter, django_capture_on_commit_callbacks
):
    official = outgoing_selectors.official_file(letter)
    with django_capture_on_commit_callbacks(execute=True):
        update = send(letter)
    assert update.document == letter and update.created_by == user("vanthu.ubnd")
    added = DocumentFile.objects.get(update=update)
    assert added.document == letter and added.name == "phu-luc-dai-bieu.pdf"
    assert outgoing_selectors.official_file(letter).blob_id == official.blob_id  # the signed face is as it was
    event = AuditEvent.objects.filter(verb="document_updated", object_id=letter.pk).get()
    assert event.data["reason"] == "Bổ sung phụ lục danh sách đại biểu" and event.data["files"] == [added.name]

    # A commune still waiting (Chờ vào sổ) sees the notice and the file; its clerk is told.
    delivery = commune_delivery(letter)
    waiting = page("vanthu.canhhien", reverse("documents:delivery_detail", args=[delivery.pk]))
    assert "Văn bản đã được cập nhật" in waiting and "Bổ sung phụ lục danh sách đại biểu" in waiting
    assert f'href="{reverse("documents:file", args=[added.pk])}"' in waiting
    told = Notification.objects.get(recipient=user("vanthu.canhhien"), dedup_key=f"updated:{delivery.pk}:{update.pk}")
    assert "cập nhật văn bản" in told.title and "Bổ sung phụ lục" in told.body

    # Once registered, the record shows the same.
    from documents.incoming import services as incoming

    with django_capture_on_commit_callbacks(execute=True):
        record = incoming.register_delivery(clerk=user("vanthu.canhhien"), delivery=delivery)
    shown = page("vanthu.canhhien", record.get_absolute_url())
    assert "Văn bản đã được cập nhật" in shown and "phu-luc-dai-bieu.pdf" in shown
    # The sender's page lists the update too.
    assert "Bổ sung phụ lục danh sách đại biểu" in page(
        "vanthu.ubnd", reverse("documents:issued_detail", args=[letter.pk])
    )


def test_the_appendix_carries_the_agencys_block_when_the_document_was_issued_signed(letter):
    if not IssuedSignedFile.objects.filter(document=letter).exists():
        pytest.skip("the demo's certificates are not seeded in this database")
    update = send(letter)
    blob = DocumentFile.objects.select_related("blob").get(update=update).blob
    with blob.content.open("rb") as handle:
        data = handle.read()
    roots, crls = trust_store()
    (agency,) = verify_pdf(data, trusted_roots=roots, crls=crls)
    assert agency.valid and agency.signer == unit("ubnd").name


@pytest.mark.parametrize(
    ("reason", "uploads", "field", "message"),
    [
        ("   ", None, "reason", "Hãy nêu lý do cập nhật."),
        ("Bổ sung phụ lục", [], "files", "Hãy chọn tệp bổ sung"),
        ("Bổ sung phụ lục", [SimpleUploadedFile("phu-luc.pdf", b"MZ not a pdf at all")], "files", "không phải tệp"),
    ],
    ids=["no-reason", "no-file", "fake-pdf"],
)
def test_a_bad_update_is_refused_with_a_reason_and_nothing_saved(letter, reason, uploads, field, message):
    files_before = letter.files.count()
    with pytest.raises(ServiceError) as refused:
        send(letter, reason=reason, uploads=uploads)
    assert message in " ".join(refused.value.message_dict[field])
    assert not DocumentUpdate.objects.exists() and letter.files.count() == files_before


def test_only_the_issuing_clerk_updates_a_live_document(letter):
    for who in ("chutich", "cv1.vp", "vanthu.canhhien"):  # the commune's clerk does not even see it as issued
        with pytest.raises((PermissionDenied, Http404)):
            send(letter, clerk=who)
    outgoing.recall(leader=user("chutich"), document=letter, reason="Sai địa điểm")
    with pytest.raises(PermissionDenied):
        send(letter)
    assert not DocumentUpdate.objects.exists()


def test_the_issued_page_offers_the_form_and_shows_the_services_messages(letter, client):
    url = reverse("documents:issued_action", args=[letter.pk, "cap-nhat"])
    client.force_login(user("vanthu.ubnd"))
    detail = client.get(reverse("documents:issued_detail", args=[letter.pk])).content.decode()
    assert 'data-testid="update-form"' in detail and f'action="{url}"' in detail

    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 400
    body = refused.content.decode()
    assert "Hãy nêu lý do cập nhật." in body and "Hãy chọn tệp bổ sung" in body
    assert not DocumentUpdate.objects.exists()

    upload = pdf_upload("phu-luc.pdf", marker="view-update")
    done = client.post(url, {"reason": "Bổ sung phụ lục", "files": [upload]}, follow=True)
    assert done.status_code == 200
    assert "Đã gửi cập nhật văn bản" in done.content.decode()
    assert DocumentUpdate.objects.get().files.get().name == "phu-luc.pdf"

    # Nobody else gets the form, nor may post it.
    other = Client()
    other.force_login(user("chutich"))
    assert (
        'data-testid="update-form"'
        not in other.get(reverse("documents:issued_detail", args=[letter.pk])).content.decode()
    )
    assert other.post(url, {"reason": "x", "files": [pdf_upload("b.pdf", marker="x")]}).status_code == 403
    assert DocumentUpdate.objects.count() == 1 and not IncomingRecord.objects.filter(document=letter).exists()
