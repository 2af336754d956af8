"""Builders for the outgoing-document tests (test_outgoing_*.py): drafts at each stage, issued documents.

The usual cast, from the demo district: cv1.vp (staff of Văn phòng HĐND và UBND) drafts for UBND huyện,
truong.vp reviews, chutich signs, vanthu.ubnd issues; the communes receive.
"""

from __future__ import annotations

import datetime
import subprocess
import tempfile

import time_machine
from django.utils import timezone

from accounts.models import User
from documents.models import (
    DocType,
    Document,
    DraftStatus,
    OutgoingDraft,
    RecipientGroup,
    Register,
    RegisterKind,
    StoredFile,
)
from documents.outgoing import selectors as outgoing_selectors
from documents.outgoing import services as outgoing
from documents.outgoing.services import DraftData
from tests.documents.conftest import unit, user
from tests.factories import RegisterFactory
from units.models import Unit, UnitKind


def draft_data(**overrides) -> DraftData:
    """A công văn of UBND huyện to the communes, signed by the Chủ tịch."""
    fields = {
        "doc_type": DocType.CONG_VAN,
        "summary": "V/v triển khai hệ thống Văn phòng điện tử iDesk",
        "body": "Thực hiện kế hoạch của UBND tỉnh, UBND huyện đề nghị các đơn vị triển khai.\nĐề nghị thực hiện./.",
        "signer": user("chutich"),
        "issuer_unit": unit("ubnd"),
        "recipient_groups": [RecipientGroup.COMMUNES],
        "archive_note": "VT, VP",
    }
    fields.update(overrides)
    return DraftData(**fields)


def drafted(author: str | User = "cv1.vp", **overrides) -> OutgoingDraft:
    author = user(author) if isinstance(author, str) else author
    return outgoing.create_draft(author=author, data=draft_data(**overrides))


def signed(author: str = "cv1.vp", head: str = "truong.vp", leader_comment: str = "", **overrides) -> OutgoingDraft:
    """Drafted, submitted, approved by the drafting unit's head (unless the head drafted it) and signed."""
    draft = drafted(author, **overrides)
    draft = outgoing.submit_draft(author=user(author), draft=draft)
    if draft.status == DraftStatus.IN_REVIEW:
        draft = outgoing.review_draft(head=user(head), draft=draft, approve=True)
    return outgoing.sign_draft(leader=draft.signer, draft=draft, approve=True, leader_comment=leader_comment)


def issued(clerk: str = "vanthu.ubnd", **overrides) -> Document:
    draft = signed(**overrides)
    return outgoing.issue(clerk=user(clerk), draft=draft)


def issued_as(number: int, when: datetime.datetime, clerk: str = "vanthu.ubnd", **overrides) -> Document:
    """Issued at `when` as number `number` of its register (the register's last number set just before): a công văn
    of UBND huyện drafted by its own staff is `3261/UBND` (the founding letter's shape, built here, not the demo's)."""
    overrides = {"author": "cv1.ubnd", "head": "chutich", **overrides}
    issuer = overrides.get("issuer_unit") or unit("ubnd")
    RegisterFactory(unit=issuer, year=when.year, kind=RegisterKind.OUTGOING, last_number=number - 1)
    with time_machine.travel(when, tick=False):
        return issued(clerk, **overrides)


def founding_letter(save: bool = True) -> Document:
    """Công văn 3261/UBND of UBND huyện, 05/12/2016, as issued (its text from documents/data/, the letter the demo
    also holds), in the district's 2016 book: no files, no deliveries; unsaved and in no book when `save` is false
    (a module's fixture renders its face)."""
    from documents.demo import founding_letter_parts

    district, chairman, clerk = unit("ubnd"), user("chutich"), user("vanthu.ubnd")
    document = Document(
        issuer_unit=district, issuer_name=district.name, doc_type=DocType.CONG_VAN, number=3261,
        number_symbol="3261/UBND", issued_date=datetime.date(2016, 12, 5), signer_name=chairman.full_name,
        signer_position=chairman.position, signer_title="CHỦ TỊCH", year=2016,
        issued_at=datetime.datetime(2016, 12, 5, 9, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=7))),
        issued_by=clerk, created_by=clerk, **founding_letter_parts(),
    )  # fmt: skip
    if save:
        document.register = RegisterFactory(unit=district, year=2016, kind=RegisterKind.OUTGOING, last_number=3261)
        document.save()
    return document


def register_of(unit_: Unit, kind: str = RegisterKind.OUTGOING, confidential: bool = False, year: int | None = None):
    return Register.objects.filter(
        unit=unit_, kind=kind, confidential=confidential, year=year or timezone.localdate().year
    ).first()


def last_number(unit_: Unit, kind: str = RegisterKind.OUTGOING, confidential: bool = False) -> int:
    register = register_of(unit_, kind, confidential)
    return register.last_number if register else 0


def communes() -> list[Unit]:
    return list(Unit.objects.filter(kind=UnitKind.COMMUNE, active=True))


def departments() -> list[Unit]:
    return list(Unit.objects.filter(kind=UnitKind.DEPARTMENT, active=True))


def clerk_of(unit_: Unit) -> User:
    return User.objects.select_related("unit").get(unit=unit_, role="clerk", is_active=True)


# --- PDF text -------------------------------------------------------------------------------------------------


def blob_bytes(blob: StoredFile) -> bytes:
    with blob.content.open("rb") as f:
        return f.read()


def official_pdf_of(document: Document) -> bytes:
    """The official PDF attached to an issued document (the one file iDesk rendered itself)."""
    files = [f for f in document.files.select_related("blob") if f.blob.content_type == "application/pdf"]
    rendered = [
        f
        for f in files
        if f.name.endswith(".pdf") and f.name.startswith(outgoing_selectors.safe_filename(document.number_symbol))
    ]
    assert len(rendered) == 1, f"expected one official PDF, got {[f.name for f in files]}"
    return blob_bytes(rendered[0].blob)


def pdf_text(pdf: bytes, *args: str) -> str:
    """`pdftotext -layout` (poppler-utils) of the PDF, or of pages chosen with -f/-l."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(pdf)
        f.flush()
        return subprocess.run(
            ["pdftotext", "-layout", *args, f.name, "-"], check=True, capture_output=True, text=True
        ).stdout
