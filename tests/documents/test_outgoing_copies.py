"""Certified copies (sao y, sao lục, trích sao) of a registered incoming or an issued outgoing document:
one copy series per unit and year shared by all kinds, dispatched by the paper rule."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from documents.core.services import ServiceError
from documents.models import AuditEvent, CopyKind, Delivery, DeliveryStatus, DocumentFile, RegisterKind, Secrecy
from documents.outgoing import copies
from documents.outgoing import services as outgoing
from documents.signing.models import SigningCertificate
from tests.documents.conftest import pdf_upload, register, unit, user
from tests.documents.outgoing_builders import issued, last_number, register_of
from tests.helpers import client_as
from units.models import Unit


@pytest.fixture(autouse=True)
def no_pdf(monkeypatch, db):
    """The copy's PDF (its copy block) is tested in test_outgoing_pdf.py, its signature by the copying agency in
    tests/documents/signing/test_signed_copies.py: here the units have no agency certificate (signatures are not
    required in tests), so copies are made unsigned and no face is rendered."""
    monkeypatch.setattr(outgoing, "attach_official_pdf", lambda document: None)
    SigningCertificate.objects.filter(unit__isnull=False).update(active=False)


@pytest.fixture
def province_letter(db):
    """A letter of UBND tỉnh registered by the district's clerk, with its file."""
    return register(
        user("vanthu.ubnd"), number_symbol="282/TB-UBND", summary="Thông báo kết luận về Văn phòng điện tử",
        uploads=[pdf_upload("282-TB-UBND.pdf", marker="copies-282")],
    ).document  # fmt: skip


def copy(source, kind: str, clerk: str = "vanthu.ubnd", signer: str = "chutich", to=("xa-canh-hien",), **extra):
    return copies.make_copy(
        clerk=user(clerk), source=source, kind=kind, signer=user(signer),
        recipient_units=[unit(code) for code in to], **extra,
    )  # fmt: skip


def test_one_copy_series_per_unit_and_year_shared_by_all_kinds(fresh_year, province_letter):
    sao_y = copy(province_letter, CopyKind.SAO_Y)
    sao_luc = copy(province_letter, CopyKind.SAO_LUC)
    trich_sao = copy(province_letter, CopyKind.TRICH_SAO, excerpt="Phần II. Nhiệm vụ của UBND cấp huyện.")

    assert [sao_y.number_symbol, sao_luc.number_symbol, trich_sao.number_symbol] == [
        "01/SY-UBND", "02/SL-UBND", "03/TrS-UBND",
    ]  # fmt: skip
    district = unit("ubnd")
    assert {sao_y.register, sao_luc.register, trich_sao.register} == {register_of(district, RegisterKind.COPY)}
    assert last_number(district, RegisterKind.COPY) == 3
    assert last_number(district) == 0  # the outgoing series is untouched
    for document, kind in [(sao_y, "SY"), (sao_luc, "SL"), (trich_sao, "TrS")]:
        assert (document.copy_kind, document.copy_of, document.year) == (kind, province_letter, fresh_year)
    assert set(province_letter.copies.all()) == {sao_y, sao_luc, trich_sao}


def test_another_unit_has_its_own_copy_series(fresh_year, province_letter):
    copy(province_letter, CopyKind.SAO_Y)
    record = register(user("vanthu.noivu"), summary="Kế hoạch kiểm tra công tác văn thư")
    nv_copy = copy(record.document, CopyKind.SAO_Y, clerk="vanthu.noivu", signer="truong.noivu", to=["xa-canh-vinh"])
    assert nv_copy.number_symbol == "01/SY-NV"


def test_a_copy_of_an_issued_outgoing_document(fresh_year, db):
    original = issued(summary="V/v triển khai iDesk", uploads=[pdf_upload("ke-hoach.pdf", marker="copies-out")])

    sao_y = copy(original, CopyKind.SAO_Y, to=["noi-vu", "xa-canh-hien"])

    assert sao_y.number_symbol == "01/SY-UBND"
    assert (sao_y.copy_of, sao_y.summary, sao_y.issuer_unit) == (original, original.summary, unit("ubnd"))
    assert (sao_y.signer_name, sao_y.signer_title) == ("Trần Kim Vũ", "CHỦ TỊCH")
    assert sao_y.recipients_text == "- Phòng Nội vụ;\n- UBND xã Canh Hiển;"
    # Its files are the original's, by reference.
    original_blobs = list(DocumentFile.objects.filter(document=original).values_list("blob_id", flat=True))
    assert list(DocumentFile.objects.filter(document=sao_y).values_list("blob_id", flat=True)) == original_blobs
    assert all(name.startswith("Sao y - ") for name in sao_y.files.values_list("name", flat=True))


@pytest.mark.parametrize(
    ("kind", "paper_required", "names"),
    [
        (CopyKind.SAO_Y, False, "bản sao y"),
        (CopyKind.SAO_LUC, False, "bản sao lục"),
        (CopyKind.TRICH_SAO, True, "Gửi kèm bản giấy"),
    ],
)
def test_dispatch_follows_the_paper_rule(province_letter, kind, paper_required, names):
    document = copy(province_letter, kind, to=["xa-canh-hien", "noi-vu", "so-noi-vu"], excerpt="Điều 3.")

    deliveries = {d.recipient_unit.code: d for d in document.deliveries.select_related("recipient_unit")}
    assert set(deliveries) == {"xa-canh-hien", "noi-vu", "so-noi-vu"}
    for code in ["xa-canh-hien", "noi-vu"]:
        assert (deliveries[code].electronic, deliveries[code].paper_required) == (True, paper_required)
        assert names in deliveries[code].paper_reason
    off = deliveries["so-noi-vu"]
    assert (off.electronic, off.paper_required) == (False, True)
    assert {d.sender_unit for d in deliveries.values()} == {unit("ubnd")}


def test_a_trich_sao_needs_an_excerpt_and_carries_only_it(province_letter):
    before = last_number(unit("ubnd"), RegisterKind.COPY)
    with pytest.raises(ServiceError) as caught:
        copy(province_letter, CopyKind.TRICH_SAO, excerpt="   ")
    assert "excerpt" in caught.value.message_dict
    assert last_number(unit("ubnd"), RegisterKind.COPY) == before

    trich = copy(province_letter, CopyKind.TRICH_SAO, excerpt="Phần II. Nhiệm vụ của UBND cấp huyện.")

    assert trich.body == "Phần II. Nhiệm vụ của UBND cấp huyện."
    assert not trich.files.exists()  # an excerpt, not the whole file


def test_a_clerk_cannot_copy_a_document_the_unit_does_not_have(province_letter):
    before = last_number(unit("xa-canh-hien"), RegisterKind.COPY)
    with pytest.raises(PermissionDenied):
        copy(province_letter, CopyKind.SAO_Y, clerk="vanthu.canhhien", signer="truong.canhhien", to=["xa-canh-vinh"])
    assert last_number(unit("xa-canh-hien"), RegisterKind.COPY) == before
    assert not province_letter.copies.exists()


def test_only_a_clerk_makes_copies(province_letter):
    for who in ["cv1.ubnd", "pct.kinhte"]:
        with pytest.raises(PermissionDenied):
            copy(province_letter, CopyKind.SAO_Y, clerk=who)
    assert not province_letter.copies.exists()


@pytest.mark.parametrize("signer", ["cv1.ubnd", "truong.noivu", "vanthu.ubnd"])
def test_the_copy_is_signed_by_a_leader_of_the_copying_unit(province_letter, signer):
    with pytest.raises(ServiceError) as caught:
        copy(province_letter, CopyKind.SAO_Y, signer=signer)
    assert "signer" in caught.value.message_dict
    assert not province_letter.copies.exists()


def test_a_copy_needs_recipients_and_a_known_kind(province_letter):
    with pytest.raises(ServiceError):
        copy(province_letter, CopyKind.SAO_Y, to=())
    with pytest.raises(ServiceError):
        copy(province_letter, "BS")
    assert not province_letter.copies.exists()


def test_a_copy_is_not_sent_to_an_inactive_unit(province_letter):
    Unit.objects.filter(code="xa-canh-vinh").update(active=False)
    before = last_number(unit("ubnd"), RegisterKind.COPY)
    with pytest.raises(ServiceError) as caught:
        copy(province_letter, CopyKind.SAO_Y, to=["xa-canh-hien", "xa-canh-vinh"])
    assert "UBND xã Canh Vinh" in str(caught.value)
    assert last_number(unit("ubnd"), RegisterKind.COPY) == before
    assert not province_letter.copies.exists()


def test_a_recalled_document_cannot_be_copied(db):
    original = issued()
    outgoing.recall(leader=user("chutich"), document=original, reason="Sai sót.")
    original.refresh_from_db()
    with pytest.raises(PermissionDenied):
        copy(original, CopyKind.SAO_Y)
    assert not original.copies.exists()


def test_recalling_an_original_recalls_its_copies_and_tells_their_recipients(
    db, enqueued, django_capture_on_commit_callbacks
):
    """A sao y of a document (and a sao lục of that copy) loses its basis when the original is recalled: each is
    recalled with the original named, its deliveries withdrawn and their clerks notified, as the original's are."""
    original = issued(recipient_units=[unit("xa-canh-hien")])
    sao_y = copy(original, CopyKind.SAO_Y, to=("xa-canh-vinh",))
    sao_luc = copy(sao_y, CopyKind.SAO_LUC, to=("xa-canh-thuan",))
    untouched = issued(recipient_units=[unit("xa-canh-hien")])
    with django_capture_on_commit_callbacks(execute=True):
        outgoing.recall(leader=user("chutich"), document=original, reason="Sai ngày hiệu lực.")
    for document in (sao_y, sao_luc):
        document.refresh_from_db()
        assert document.recalled_at is not None
        assert document.recall_reason == f"Bản gốc {original.number_symbol} đã bị thu hồi: Sai ngày hiệu lực."
        assert {d.status for d in document.deliveries.all()} == {DeliveryStatus.RECALLED}
        assert AuditEvent.objects.filter(object_type="document", object_id=document.pk, verb="recalled").exists()
    notified = {ids["delivery_id"] for event, ids in enqueued if event == "recalled"}
    # (The original's own deliveries were still held for its agency signature here: withdrawn unannounced.)
    copies_delivered = Delivery.objects.filter(document__in=[sao_y, sao_luc]).values_list("pk", flat=True)
    assert len(copies_delivered) == 2 and set(copies_delivered) <= notified
    untouched.refresh_from_db()
    assert untouched.recalled_at is None


def test_a_document_whose_number_was_cancelled_cannot_be_copied(db):
    original = issued()
    outgoing.cancel_number(clerk=user("vanthu.ubnd"), document=original, reason="Trùng số.")
    original.refresh_from_db()
    with pytest.raises(PermissionDenied):
        copy(original, CopyKind.SAO_Y)
    assert not original.copies.exists()


def test_a_copy_of_a_confidential_document_is_numbered_in_the_confidential_copy_series(db):
    secret = register(user("vanthu.ubnd"), secrecy=Secrecy.MAT, summary="Báo cáo tình hình an ninh").document
    ordinary_before = last_number(unit("ubnd"), RegisterKind.COPY)

    sao_y = copy(secret, CopyKind.SAO_Y)

    assert sao_y.register == register_of(unit("ubnd"), RegisterKind.COPY, confidential=True)
    assert sao_y.secrecy == Secrecy.MAT
    assert last_number(unit("ubnd"), RegisterKind.COPY) == ordinary_before


def test_a_copy_is_labelled_by_its_kind_on_its_page_and_in_the_register(db, province_letter):
    sao_y = copy(province_letter, CopyKind.SAO_Y)
    clerk = client_as(user("vanthu.ubnd"))
    page = clerk.get(reverse("documents:issued_detail", args=[sao_y.pk])).content.decode()
    register_page = clerk.get(reverse("documents:outgoing_list"), {"tab": "da_phat_hanh"}).content.decode()
    for html in (page, register_page):
        assert '">Sao y</span>' in html and '">SY</span>' not in html
