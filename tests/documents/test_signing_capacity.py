"""Signing capacities on the official face (NĐ30 Art. 13, Appendix I; issue 15): the three-line block of a deputy
signing for the committee, and TL./TUQ. signed by the head of a phòng, ban in the name of the body above it."""

from __future__ import annotations

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from documents.core.services import ServiceError
from documents.models import DocType, RegisterKind, Secrecy
from documents.outgoing import pdf as official_pdf
from documents.outgoing import services as outgoing
from documents.outgoing.forms import DraftForm
from documents.outgoing.models import SigningCapacity
from tests.conftest import client_as
from tests.documents.conftest import unit, user
from tests.documents.outgoing_builders import drafted, issued, official_pdf_of, pdf_text, signed

MORNING = datetime.datetime(2026, 3, 10, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
THREE_LINES = ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]


def block_of(pdf: bytes, first: str, count: int) -> list[str]:
    """The signature block's lines as the PDF prints them, from its first line on: the text of the right half of
    the page (pdftotext -layout puts Nơi nhận on the same lines, on the left)."""
    cells = [
        cell.group()
        for line in pdf_text(pdf, "-l", "1").splitlines()
        for cell in re.finditer(r"\S+(?: \S+)*", line)
        if cell.start() >= 40
    ]
    start = cells.index(first)
    return cells[start : start + count]


def test_a_deputy_signs_for_the_committee_in_three_lines(db):
    document = issued(signer=user("pct.kinhte"), signing_capacity=SigningCapacity.TM_KT)

    assert official_pdf.face_context(document)["signer_lines"] == THREE_LINES
    assert block_of(official_pdf_of(document), THREE_LINES[0], 3) == THREE_LINES
    assert document.signing_capacity == "TM.KT."


def test_the_preview_of_a_three_line_block_is_the_issued_face(db):
    with time_machine.travel(MORNING, tick=False):
        draft = signed(
            doc_type=DocType.KE_HOACH,
            summary="Kế hoạch bảo đảm an ninh dịp Tết",
            signer=user("pct.kinhte"),
            signing_capacity=SigningCapacity.TM_KT,
            secrecy=Secrecy.MAT,
        )
        response = client_as(user("pct.kinhte")).get(reverse("documents:draft_preview", args=[draft.pk]))
        preview = b"".join(response.streaming_content)
        document = outgoing.issue(clerk=user("vanthu.ubnd"), draft=draft)

    assert block_of(preview, THREE_LINES[0], 3) == THREE_LINES
    assert "Số: …/KH-UBND(M)" in pdf_text(preview)
    assert block_of(official_pdf_of(document), THREE_LINES[0], 3) == THREE_LINES


@pytest.mark.parametrize(
    ("signer", "capacity", "lines", "symbol_part"),
    [
        ("truong.noivu", SigningCapacity.TUQ, ["TUQ. CHỦ TỊCH", "TRƯỞNG PHÒNG NỘI VỤ"], "UBND-NV"),
        ("truong.vp", SigningCapacity.TL, ["TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG"], "UBND-VP"),
    ],
)
def test_the_head_of_a_department_signs_tl_or_tuq_for_the_district(db, signer, capacity, lines, symbol_part):
    """GIVEN a công văn of UBND huyện signed by the head of a phòng 'TUQ. CHỦ TỊCH' (or the Chánh Văn phòng 'TL.')
    THEN it is issued by UBND's clerk in UBND's register, and the block names the signer's own unit."""
    author = "cv1.noivu" if signer == "truong.noivu" else "cv1.vp"
    document = issued(author=author, head=signer, signer=user(signer), signing_capacity=capacity)

    assert document.issuer_unit == unit("ubnd")
    assert document.register.unit == unit("ubnd") and document.register.kind == RegisterKind.OUTGOING
    assert document.number_symbol.endswith(f"/{symbol_part}")
    assert official_pdf.face_context(document)["signer_lines"] == lines
    assert block_of(official_pdf_of(document), lines[0], 2) == lines


def test_the_form_makes_a_tuq_draft_a_document_of_the_body_above(db):
    data = {
        "doc_type": DocType.CONG_VAN,
        "summary": "V/v tuyển dụng công chức xã",
        "archive_note": "VT, NV",
        "recipient_units": [unit("xa-canh-hien").pk],
        "urgency": "0",
        "secrecy": "0",
        "signer": user("truong.noivu").pk,
        "signing_capacity": SigningCapacity.TUQ,
    }
    form = DraftForm(data, user=user("cv1.noivu"))
    assert form.is_valid(), form.errors
    assert form.to_data().issuer_unit == unit("ubnd")

    data["signing_capacity"] = ""  # signing directly: the document of Phòng Nội vụ itself
    form = DraftForm(data, user=user("cv1.noivu"))
    assert form.is_valid(), form.errors
    assert form.to_data().issuer_unit == unit("noi-vu")


@pytest.mark.parametrize(
    ("author", "signer", "capacity", "field"),
    [
        ("cv1.noivu", "truong.noivu", SigningCapacity.KT, "signer"),  # KT. is for the body's own deputies
        ("cv1.noivu", "truong.noivu", SigningCapacity.NONE, "signer"),
        ("cv1.canhhien", "truong.canhhien", SigningCapacity.TUQ, "signer"),  # a commune is not a phòng of UBND
    ],
)
def test_outside_signers_are_refused_unless_tl_or_tuq_from_a_department(db, author, signer, capacity, field):
    with pytest.raises(ServiceError) as caught:
        drafted(author, signer=user(signer), signing_capacity=capacity, issuer_unit=unit("ubnd"))
    assert field in caught.value.message_dict


def test_tm_is_only_for_a_peoples_committee(db):
    with pytest.raises(ServiceError) as caught:
        drafted(
            "cv1.noivu", signer=user("truong.noivu"), signing_capacity=SigningCapacity.TM, issuer_unit=unit("noi-vu")
        )
    assert "Ủy ban nhân dân" in caught.value.message_dict["signing_capacity"][0]
