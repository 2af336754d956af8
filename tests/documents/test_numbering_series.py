"""The series an issuer numbers in, and their symbols (issue 15, NĐ30 Art. 15; DOMAIN.md "Numbering details").

The administrative series, the confidential one and the QPPL one each start from 01 on 1 January, so one issuer
gives the same number three times a year: the symbols must still differ (number and symbol unique in the year), and
a recipient's duplicate check (issuer, number-symbol, date) must not take one for another.
"""

from __future__ import annotations

from collections import Counter

import pytest

from documents.core.services import ServiceError
from documents.incoming import services as incoming
from documents.models import DocType, Document, RegisterKind, Secrecy
from documents.outgoing import copies
from documents.outgoing.forms import DraftForm
from documents.outgoing.registers import outgoing_register_book
from documents.outgoing.symbols import CONFIDENTIAL_MARK
from tests.documents.conftest import unit, user
from tests.documents.outgoing_builders import drafted, issued, register_of

CANH_HIEN = "xa-canh-hien"


def invitation(**overrides) -> Document:
    fields = {"doc_type": DocType.GIAY_MOI, "summary": "Mời dự họp giao ban", "recipient_groups": []}
    fields["recipient_units"] = [unit(CANH_HIEN)]
    fields.update(overrides)
    return issued(**fields)


# --- Confidential series ------------------------------------------------------------------------------------


def test_the_confidential_series_numbers_apart_and_marks_its_symbols(fresh_year):
    ordinary = invitation()
    secret = invitation(summary="Mời dự họp về công tác bảo đảm an ninh", secrecy=Secrecy.MAT)

    assert ordinary.number == secret.number == 1  # two series, each from 01
    assert secret.register == register_of(unit("ubnd"), confidential=True, year=fresh_year)
    assert ordinary.number_symbol == "01/GM-UBND"
    assert secret.number_symbol == f"01/GM-UBND{CONFIDENTIAL_MARK}" == "01/GM-UBND(M)"


@pytest.mark.parametrize("secrecy", [Secrecy.TOI_MAT, Secrecy.TUYET_MAT])
def test_every_degree_of_secrecy_takes_the_confidential_mark(fresh_year, secrecy):
    document = invitation(secrecy=secrecy)
    assert document.number_symbol == "01/GM-UBND(M)"


def test_the_recipient_registers_both_without_a_false_duplicate_warning(fresh_year, commune_clerk):
    """GIVEN UBND huyện issued the ordinary invitation 01 and the confidential invitation 01 the same day
    WHEN Canh Hiển's clerk registers both deliveries
    THEN neither is taken for the other: two records, two arrival numbers."""
    ordinary = invitation()
    secret = invitation(summary="Mời dự họp về công tác bảo đảm an ninh", secrecy=Secrecy.MAT)
    assert ordinary.issued_date == secret.issued_date

    first = incoming.register_delivery(clerk=commune_clerk, delivery=ordinary.deliveries.get())
    second = incoming.register_delivery(clerk=commune_clerk, delivery=secret.deliveries.get())

    assert (first.document, second.document) == (ordinary, secret)
    assert second.confidential and not first.confidential


def test_the_recipient_still_flags_the_same_confidential_document_typed_in_from_paper(fresh_year, commune_clerk):
    secret = invitation(secrecy=Secrecy.MAT)
    incoming.register_delivery(clerk=commune_clerk, delivery=secret.deliveries.get())

    with pytest.raises(incoming.DuplicateDocument):
        incoming.register_incoming(
            clerk=commune_clerk,
            data=incoming.IncomingData(
                issuer_name="",
                issuer_unit=unit("ubnd"),
                summary=secret.summary,
                doc_type=DocType.GIAY_MOI,
                number_symbol="01/GM-UBND (M)",
                issued_date=secret.issued_date,
                secrecy=Secrecy.MAT,
            ),
        )


# --- QPPL series --------------------------------------------------------------------------------------------


def decision(**overrides) -> Document:
    return issued(doc_type=DocType.QUYET_DINH, summary="Ban hành Quy chế làm việc", **overrides)


def test_normative_legal_documents_are_numbered_apart_from_the_administrative_series(fresh_year):
    first = decision()
    legal = decision(is_legal=True)
    second = decision()

    assert (first.number_symbol, second.number_symbol) == ("01/QĐ-UBND", "02/QĐ-UBND")  # no gap for the QPPL
    assert legal.number_symbol == f"01/{fresh_year}/QĐ-UBND"
    assert legal.register.kind == RegisterKind.LEGAL
    assert first.register.kind == second.register.kind == RegisterKind.OUTGOING


def test_the_outgoing_register_lists_the_qppl_after_the_administrative_series(fresh_year):
    decision()
    decision(is_legal=True)
    decision()

    book = outgoing_register_book(unit=unit("ubnd"), year=fresh_year)

    assert [row.number_symbol for row in book.rows] == ["01/QĐ-UBND", "02/QĐ-UBND", f"01/{fresh_year}/QĐ-UBND"]
    assert (book.first_number, book.last_number) == (1, 2)


def test_a_cong_van_cannot_be_a_normative_legal_document(db):
    with pytest.raises(ServiceError) as caught:
        drafted(doc_type=DocType.CONG_VAN, is_legal=True)
    assert "quy phạm pháp luật" in caught.value.message_dict["is_legal"][0]


@pytest.mark.parametrize("doc_type", [DocType.CONG_VAN, DocType.KE_HOACH, DocType.GIAY_MOI])
def test_the_draft_form_refuses_qppl_on_a_type_that_cannot_be_one(db, doc_type):
    author = user("cv1.vp")
    data = {
        "doc_type": doc_type,
        "is_legal": "on",
        "summary": "V/v thử",
        "archive_note": "VT",
        "recipient_units": [unit(CANH_HIEN).pk],
        "urgency": "0",
        "secrecy": "0",
        "signer": user("chutich").pk,
    }
    form = DraftForm(data, user=author)

    assert not form.is_valid()
    assert "Chỉ nghị quyết hoặc quyết định mới có thể là văn bản quy phạm pháp luật" in form.errors["is_legal"][0]


def test_the_draft_form_accepts_a_qppl_decision(db):
    data = {
        "doc_type": DocType.QUYET_DINH,
        "is_legal": "on",
        "summary": "Ban hành Quy chế",
        "archive_note": "VT",
        "recipient_units": [unit(CANH_HIEN).pk],
        "urgency": "0",
        "secrecy": "0",
        "signer": user("chutich").pk,
    }
    form = DraftForm(data, user=user("cv1.vp"))
    assert form.is_valid(), form.errors


# --- The drafting unit's part ---------------------------------------------------------------------------------


def test_a_cong_van_left_blank_carries_the_drafting_units_abbreviation(fresh_year):
    document = issued(author="cv1.noivu", head="truong.noivu", recipient_groups=[], recipient_units=[unit(CANH_HIEN)])
    assert document.number_symbol == "01/UBND-NV"


def test_a_typed_drafting_part_wins_over_the_default(fresh_year):
    document = issued(author="cv1.noivu", head="truong.noivu", symbol_suffix="VX")
    assert document.number_symbol == "01/UBND-VX"


def test_a_named_type_does_not_get_the_drafting_part_by_default(fresh_year):
    document = issued(author="cv1.noivu", head="truong.noivu", doc_type=DocType.KE_HOACH, summary="Kế hoạch")
    assert document.number_symbol == "01/KH-UBND"


def test_a_body_drafting_its_own_cong_van_has_no_drafting_part(fresh_year):
    document = issued(
        "vanthu.noivu", author="cv1.noivu", head="truong.noivu", signer=user("truong.noivu"), issuer_unit=unit("noi-vu")
    )
    assert document.number_symbol == "01/NV"


# --- The invariant --------------------------------------------------------------------------------------------


def test_no_two_documents_share_a_number_and_symbol_at_one_issuer_in_a_year(fresh_year):
    """Every series at once, each at 01: ordinary, confidential, QPPL, confidential QPPL, and their copies."""
    for secrecy in (Secrecy.NONE, Secrecy.MAT):
        invitation(secrecy=secrecy)
        decision(secrecy=secrecy)
        legal = decision(secrecy=secrecy, is_legal=True)
        copies.make_copy(
            clerk=user("vanthu.ubnd"),
            source=legal,
            kind="SY",
            signer=user("chutich"),
            recipient_units=[unit(CANH_HIEN)],
        )

    issued_here = Document.objects.filter(issuer_unit=unit("ubnd"), year=fresh_year, register__isnull=False)
    symbols = Counter(issued_here.values_list("number_symbol", flat=True))
    assert len(symbols) == 8
    assert [s for s, n in symbols.items() if n > 1] == []
    assert set(issued_here.values_list("number", flat=True)) == {1, 2}
