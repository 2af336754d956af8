"""Cập nhật văn bản đã phát hành across systems (edXML BussinessDocType 2): what we send to a peer recipient that
got the document, read back by edxml, and what the receiving code makes of it on the recipient's record."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter

from documents.core.models import DocumentUpdate
from documents.exchange import edxml
from documents.exchange.edxml import BusinessDocType, Organ
from documents.exchange.models import Direction, Package
from documents.incoming import services as incoming
from documents.outgoing import updates
from tests.documents.conftest import unit, user
from tests.documents.exchange.test_exchange import (
    PROVINCE,
    act,
    invitation_to_province,
    page_as_commune_clerk,
    post,
    run_after_commit,  # noqa: F401 (an autouse fixture: imported, it runs here too)
)


def appendix(marker: str) -> SimpleUploadedFile:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.add_metadata({"/Title": marker})
    out = io.BytesIO()
    writer.write(out)
    return SimpleUploadedFile(f"{marker}.pdf", out.getvalue(), content_type="application/pdf")


def _update(document, reason: str, marker: str):
    return act(
        updates.send_update, clerk=user("vanthu.ubnd"), document=document, reason=reason, uploads=[appendix(marker)]
    )


def test_an_update_goes_to_the_peer_as_type_2_with_the_same_document_id_and_the_new_file(peer, fake_peer):
    document = invitation_to_province()
    update = _update(document, "Bổ sung phụ lục danh sách đại biểu", "phu-luc-dai-bieu")
    original, sent = fake_peer.packages()
    assert original.business.doc_type == BusinessDocType.NEW
    assert sent.business.doc_type == BusinessDocType.UPDATE
    assert sent.business.reason == "Bổ sung phụ lục danh sách đại biểu"
    assert (sent.business.document_info, sent.business.document_receiver) == ("1", "0")
    assert sent.document_id == original.document_id == document.deliveries.get().exchange.document_id
    assert sent.business.replaces == []  # an update names the document by its own DocumentId
    # The signed official PDF first, as it was; the appendix after it, described as added by the update.
    assert sent.attachments[0].data == original.attachments[0].data
    assert [a.name for a in sent.attachments] == [a.name for a in original.attachments] + ["phu-luc-dai-bieu.pdf"]
    assert sent.attachments[-1].description.startswith("Tệp bổ sung")
    kept = Package.objects.get(direction=Direction.OUT, business_doc_type=2)
    assert kept.update_key == f"u{update.pk}" and kept.state == "sent"
    # The worker running the task again sends nothing more.
    from documents.exchange import tasks

    assert act(tasks.send_update, update.pk) == "nothing to send"
    assert len(fake_peer.posts) == 2


def test_round_trip_our_update_read_back_and_received_shows_on_the_recipients_record(peer, fake_peer):
    """Our two packages (the document, then its update) read back by edxml and received by the receiving code,
    as the province's iDesk would receive them: here the same packages are re-addressed from the province to a
    commune of this server, because one database cannot be both ends."""
    document = invitation_to_province()
    _update(document, "Bổ sung phụ lục danh sách đại biểu", "phu-luc-dai-bieu")
    commune = unit("xa-canh-hien")

    def as_received(package: edxml.DocumentPackage) -> bytes:
        package.from_organ = Organ(PROVINCE, "UBND tỉnh Bình Định")
        package.to_organs = [Organ(commune.organ_id, commune.name)]
        return edxml.build(package)

    original, update = (edxml.parse(body) for _headers, body in fake_peer.posts)
    assert post(as_received(original)).status_code == 200
    record = act(incoming.register_delivery, clerk=user("vanthu.canhhien"), delivery=_arrival(original.document_id))
    files_before = set(record.document.files.values_list("name", flat=True))

    data = as_received(update)
    assert post(data).status_code == 200
    assert post(data).status_code == 200  # a resent update is acknowledged, not applied twice
    [received] = DocumentUpdate.objects.filter(document=record.document)
    assert received.reason == "Bổ sung phụ lục danh sách đại biểu" and received.created_by is None
    assert set(record.document.files.values_list("name", flat=True)) == files_before | {"phu-luc-dai-bieu.pdf"}
    assert [f.name for f in received.files.all()] == ["phu-luc-dai-bieu.pdf"]
    page = page_as_commune_clerk(record.get_absolute_url())
    assert "Văn bản đã được cập nhật" in page and "Bổ sung phụ lục danh sách đại biểu" in page
    assert "phu-luc-dai-bieu.pdf" in page
    # No second arrival in Chờ vào sổ for the update.
    assert record.document.deliveries.count() == 1

    # A second update of the same document is applied too (not taken for a repeat of the first).
    _update(document, "Sửa phụ lục: bổ sung 2 đại biểu", "phu-luc-sua")
    assert post(as_received(edxml.parse(fake_peer.posts[-1][1]))).status_code == 200
    assert DocumentUpdate.objects.filter(document=record.document).count() == 2
    assert "phu-luc-sua.pdf" in page_as_commune_clerk(record.get_absolute_url())


def _arrival(document_id: str):
    from documents.exchange.models import Link

    return Link.objects.get(direction=Direction.IN, document_id=document_id).delivery
