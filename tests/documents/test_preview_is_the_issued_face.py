"""The draft preview is the face of the document issue() creates: same text but for the number (issue 13).

It used to be built field by field apart from the issued document and dropped the MẬT mark, so the signer did
not see what was issued.
"""

from __future__ import annotations

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from documents.models import DocType, Secrecy, Urgency
from documents.outgoing import services as outgoing
from documents.outgoing.models import SigningCapacity
from tests.conftest import client_as
from tests.documents.conftest import user
from tests.documents.outgoing_builders import official_pdf_of, pdf_text, signed

# A Tuesday morning in Vân Canh: preview and issue fall on the same day.
MORNING = datetime.datetime(2026, 3, 10, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


def words(pdf: bytes) -> str:
    return " ".join(pdf_text(pdf).split())


@pytest.mark.parametrize("capacity", [SigningCapacity.NONE, SigningCapacity.KT, SigningCapacity.TM])
@pytest.mark.parametrize("urgency", [Urgency.NORMAL, Urgency.HOA_TOC])
@pytest.mark.parametrize("secrecy", [Secrecy.NONE, Secrecy.MAT, Secrecy.TUYET_MAT])
def test_the_preview_reads_as_the_issued_pdf_but_for_the_number(db, secrecy, urgency, capacity):
    with time_machine.travel(MORNING, tick=False):
        draft = signed(
            doc_type=DocType.KE_HOACH,
            summary="Kế hoạch kiểm tra công tác văn thư, lưu trữ năm 2026",
            secrecy=secrecy,
            urgency=urgency,
            signing_capacity=capacity,
        )
        response = client_as(user("chutich")).get(reverse("documents:draft_preview", args=[draft.pk]))
        assert response.status_code == 200
        preview = words(b"".join(response.streaming_content))
        document = outgoing.issue(clerk=user("vanthu.ubnd"), draft=draft)
        # The agency's signature, added at issue, shows its name and signing time: a date, like the number.
        stamp = rf"\s*{re.escape(document.issuer_name)} \d{{4}}-\d\d-\d\dT[\d:.]+[+-]\d\d:\d\d"
        official = re.sub(stamp, "", words(official_pdf_of(document)))

    # A confidential plan is numbered in the confidential series: …/KH-UBND(M) (issue 15).
    unnumbered = "…" + document.number_symbol.removeprefix(f"{document.number:02d}")
    assert unnumbered == ("…/KH-UBND(M)" if secrecy else "…/KH-UBND")
    assert f"Số: {unnumbered}" in preview and f"Số: {document.number_symbol}" in official
    assert preview.replace(unnumbered, document.number_symbol) == official
    for label in filter(None, [secrecy and Secrecy(secrecy).label, urgency and Urgency(urgency).label]):
        assert re.search(rf"\b{label.upper()}\b", preview), label  # the marks the signer must see
    if capacity:
        assert capacity in preview
