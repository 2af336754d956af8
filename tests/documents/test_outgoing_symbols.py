"""Số, ký hiệu by NĐ30 (DOMAIN.md): every type family, leading zeros, no spaces."""

from __future__ import annotations

import pytest

from documents.models import ABBREVIATIONS, CopyKind, DocType
from documents.outgoing.symbols import build_symbol, format_number

# NĐ30 Appendix III as DOMAIN.md lists it: type name → abbreviation.
NĐ30_ABBREVIATIONS = {
    "Nghị quyết": "NQ",
    "Quyết định": "QĐ",
    "Chỉ thị": "CT",
    "Quy chế": "QC",
    "Quy định": "QyĐ",
    "Thông cáo": "TC",
    "Thông báo": "TB",
    "Hướng dẫn": "HD",
    "Chương trình": "CTr",
    "Kế hoạch": "KH",
    "Phương án": "PA",
    "Đề án": "ĐA",
    "Dự án": "DA",
    "Báo cáo": "BC",
    "Biên bản": "BB",
    "Tờ trình": "TTr",
    "Hợp đồng": "HĐ",
    "Công điện": "CĐ",
    "Bản ghi nhớ": "BGN",
    "Bản thỏa thuận": "BTT",
    "Giấy ủy quyền": "GUQ",
    "Giấy mời": "GM",
    "Giấy giới thiệu": "GGT",
    "Giấy nghỉ phép": "GNP",
    "Phiếu gửi": "PG",
    "Phiếu chuyển": "PC",
    "Phiếu báo": "PB",
}
NAMED_TYPES = [t for t in DocType if t.value in ABBREVIATIONS]


def test_every_type_of_appendix_iii_has_its_abbreviation():
    by_label = {str(t.label): ABBREVIATIONS.get(t.value) for t in DocType}
    assert {label: by_label.get(label) for label in NĐ30_ABBREVIATIONS} == NĐ30_ABBREVIATIONS
    # Công văn and Thư công have none; nothing else is missing one.
    assert {str(t.label) for t in DocType if t.value not in ABBREVIATIONS} == {"Công văn", "Thư công"}


@pytest.mark.parametrize("doc_type", NAMED_TYPES, ids=[t.value for t in NAMED_TYPES])
def test_a_named_type_is_number_slash_type_dash_issuer(doc_type):
    abbreviation = NĐ30_ABBREVIATIONS[str(doc_type.label)]
    assert build_symbol(number=5, doc_type=doc_type, issuer_short="UBND") == f"05/{abbreviation}-UBND"


@pytest.mark.parametrize(
    ("doc_type", "abbreviation"),
    [(DocType.QUY_DINH, "QyĐ"), (DocType.CHUONG_TRINH, "CTr"), (DocType.TO_TRINH, "TTr"), (DocType.GIAY_MOI, "GM")],
)
def test_mixed_case_abbreviations_keep_their_case(doc_type, abbreviation):
    assert build_symbol(number=12, doc_type=doc_type, issuer_short="UBND") == f"12/{abbreviation}-UBND"


def test_the_founding_letter_is_a_cong_van_without_type_part():
    assert build_symbol(number=3261, doc_type=DocType.CONG_VAN, issuer_short="UBND") == "3261/UBND"


def test_a_thu_cong_has_no_type_part_either():
    assert build_symbol(number=7, doc_type=DocType.THU_CONG, issuer_short="UBND") == "07/UBND"


def test_a_cong_van_carries_the_drafting_unit_or_field_after_the_issuer():
    assert build_symbol(number=12, doc_type=DocType.CONG_VAN, issuer_short="UBND", suffix="VX") == "12/UBND-VX"


def test_a_named_type_with_a_drafting_unit():
    assert build_symbol(number=5, doc_type=DocType.KE_HOACH, issuer_short="UBND", suffix="VP") == "05/KH-UBND-VP"


def test_the_plan_named_in_the_founding_letter():
    assert build_symbol(number=5, doc_type=DocType.KE_HOACH, issuer_short="UBND") == "05/KH-UBND"


def test_a_normative_legal_document_carries_the_year():
    symbol = build_symbol(number=36, doc_type=DocType.QUYET_DINH, issuer_short="UBND", year=2016, is_legal=True)
    assert symbol == "36/2016/QĐ-UBND"


def test_the_year_appears_only_for_normative_legal_documents():
    assert build_symbol(number=36, doc_type=DocType.QUYET_DINH, issuer_short="UBND", year=2016) == "36/QĐ-UBND"


@pytest.mark.parametrize(
    ("kind", "expected"),
    [(CopyKind.SAO_Y, "08/SY-UBND"), (CopyKind.SAO_LUC, "08/SL-UBND"), (CopyKind.TRICH_SAO, "08/TrS-UBND")],
)
def test_a_copy_carries_its_kind_instead_of_the_type(kind, expected):
    # A copy of a (legal) decision is numbered in the copy series: no type part, no year.
    symbol = build_symbol(
        number=8, doc_type=DocType.QUYET_DINH, issuer_short="UBND", year=2016, is_legal=True, copy_kind=kind
    )
    assert symbol == expected


@pytest.mark.parametrize("number", range(1, 10))
def test_one_to_nine_have_a_leading_zero(number):
    assert format_number(number) == f"0{number}"
    assert build_symbol(number=number, doc_type=DocType.THONG_BAO, issuer_short="UBND") == f"0{number}/TB-UBND"


@pytest.mark.parametrize(("number", "text"), [(10, "10"), (77, "77"), (100, "100"), (3261, "3261")])
def test_larger_numbers_are_written_as_they_are(number, text):
    assert format_number(number) == text


def test_no_spaces_anywhere_even_when_the_short_names_have_them():
    symbol = build_symbol(number=4, doc_type=DocType.CONG_VAN, issuer_short=" UBND ", suffix=" V X ")
    assert symbol == "04/UBND-VX"
    symbol = build_symbol(number=4, doc_type=DocType.BAO_CAO, issuer_short="LĐ TBXH")
    assert symbol == "04/BC-LĐTBXH"


@pytest.mark.parametrize("doc_type", list(DocType), ids=[t.value for t in DocType])
def test_every_symbol_is_slash_after_the_number_and_dashes_between_groups(doc_type):
    symbol = build_symbol(number=3, doc_type=doc_type, issuer_short="UBND", suffix="VP")
    number, groups = symbol.split("/", 1)
    assert number == "03"
    assert " " not in symbol
    assert groups.split("-")[-2:] == ["UBND", "VP"]
