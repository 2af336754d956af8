"""Builders for the documents tests: incoming data, registered/submitted/directed records, real small files.

Plain functions rather than factories: each reads as the step a clerk or a leader takes.
"""

from __future__ import annotations

import datetime
import io
import zipfile

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import User
from documents.incoming import services
from documents.incoming.services import AssignmentSpec, IncomingData
from documents.models import AssignmentRole, AuditEvent, Delivery, Document, IncomingRecord, Register, Secrecy
from tests.helpers import VN, unit, user, vn_time  # noqa: F401 (many tests import them from here)
from units.models import Unit

# --- Incoming data and records -----------------------------------------------------------------------------


def incoming_data(**overrides) -> IncomingData:
    """A plain công văn from UBND tỉnh, dated yesterday; no number-symbol unless given (so no duplicate check)."""
    fields = {
        "issuer_name": "UBND tỉnh Bình Định",
        "summary": "V/v triển khai Văn phòng điện tử trên địa bàn tỉnh",
        "issued_date": timezone.localdate() - datetime.timedelta(days=1),
        "signer_name": "Hồ Quốc Dũng",
    }
    fields.update(overrides)
    return IncomingData(**fields)


def register(clerk: User, confirm_duplicate: bool = False, **overrides) -> IncomingRecord:
    return services.register_incoming(clerk=clerk, data=incoming_data(**overrides), confirm_duplicate=confirm_duplicate)


def register_secret(clerk: User, **overrides) -> IncomingRecord:
    return register(clerk, secrecy=Secrecy.MAT, **overrides)


def submitted(clerk: User, leader: User, **overrides) -> IncomingRecord:
    record = register(clerk, **overrides)
    return services.submit(clerk=clerk, record=record, leader=leader)


def lead(who: User | Unit, due_date: datetime.date | None = None) -> AssignmentSpec:
    return _spec(AssignmentRole.LEAD, who, due_date)


def coop(who: User | Unit, due_date: datetime.date | None = None) -> AssignmentSpec:
    return _spec(AssignmentRole.COOPERATE, who, due_date)


def inform(who: User | Unit, due_date: datetime.date | None = None) -> AssignmentSpec:
    return _spec(AssignmentRole.INFORM, who, due_date)


def _spec(role: str, who: User | Unit, due_date) -> AssignmentSpec:
    if isinstance(who, Unit):
        return AssignmentSpec(role=role, unit=who, due_date=due_date)
    return AssignmentSpec(role=role, user=who, due_date=due_date)


def directed(record: IncomingRecord, leader: User, *specs: AssignmentSpec, text: str = "Giao xử lý.") -> IncomingRecord:
    return services.direct(leader=leader, record=record, text=text, assignments=list(specs))


def verbs(record: IncomingRecord) -> list[str]:
    """The record's timeline, oldest first."""
    return list(
        AuditEvent.objects.filter(object_type="incomingrecord", object_id=record.pk)
        .order_by("at", "id")
        .values_list("verb", flat=True)
    )


def fresh_register_year() -> int:
    """A year after today's in which no register exists yet (a test may have filled the current year's)."""
    year = timezone.localdate().year + 1
    used = set(Register.objects.values_list("year", flat=True))
    while year in used:
        year += 1
    return year


@pytest.fixture
def fresh_year(db):
    """Travel to 2 March of a year without registers, so numbering starts from scratch."""
    year = fresh_register_year()
    with time_machine.travel(vn_time(year, 3, 2), tick=False):
        yield year


# --- More personas of the test district (tests/world.py; tests/conftest.py has the main ones) -------------------------


@pytest.fixture
def dept_clerk(db):
    return user("vanthu.noivu")


@pytest.fixture
def dept_deputy(db):
    return user("pho.noivu")


@pytest.fixture
def dept_staff2(db):
    return user("cv2.noivu")


@pytest.fixture
def other_leader(db):
    return user("pct.kinhte")


@pytest.fixture
def commune_head(db):
    return user("truong.canhhien")


@pytest.fixture
def tuphap_head(db):
    return user("truong.tuphap")


# --- Notifications --------------------------------------------------------------------------------------


class Enqueued(list):
    """What documents.notify handed to the queue, as (event, ids) pairs."""

    def events(self) -> list[str]:
        return [event for event, _ in self]


@pytest.fixture
def enqueued(monkeypatch) -> Enqueued:
    """Record what reaches django_q's async_task (notify.later imports it when the on-commit hook runs)."""
    calls = Enqueued()

    def fake_async_task(func, event, ids, **kwargs):
        assert func == "idesk.tasks.handle_event"
        calls.append((event, ids))

    monkeypatch.setattr("django_q.tasks.async_task", fake_async_task)
    return calls


# --- Real small files, built in memory --------------------------------------------------------------------

MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def pdf_bytes(marker: str = "") -> bytes:
    """A tiny valid PDF; `marker` makes its bytes (and so its SHA-256) distinct."""
    return MINIMAL_PDF.replace(b"%%EOF", f"% {marker}\n%%EOF".encode()) if marker else MINIMAL_PDF


def _image_bytes(fmt: str) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 30, 30)).save(out, format=fmt)
    return out.getvalue()


def png_bytes() -> bytes:
    return _image_bytes("PNG")


def jpeg_bytes() -> bytes:
    return _image_bytes("JPEG")


def docx_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'wordprocessingml.document.main+xml"/></Types>',
        )
        z.writestr(
            "word/document.xml",
            '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            "<w:body><w:p><w:r><w:t>Kế hoạch</w:t></w:r></w:p></w:body></w:document>",
        )
    return out.getvalue()


def xlsx_bytes() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.active["A1"] = "Số đến"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def odt_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        z.writestr("content.xml", '<?xml version="1.0"?><office:document-content/>')
        z.writestr("META-INF/manifest.xml", '<?xml version="1.0"?><manifest:manifest/>')
    return out.getvalue()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def pdf_upload(name: str = "van-ban.pdf", marker: str = "") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(marker), content_type="application/pdf")


# --- Electronic deliveries ---------------------------------------------------------------------------------


def make_delivery(
    recipient: Unit,
    sender_code: str = "ubnd",
    number_symbol: str = "3261/UBND",
    secrecy: int = Secrecy.NONE,
    files: tuple[str, ...] = ("3261-UBND.pdf",),
    **document_fields,
) -> Delivery:
    """What the outgoing flow will produce: one issued Document (with its files) and a Delivery to `recipient`."""
    sender = unit(sender_code)
    sender_clerk = User.objects.get(unit=sender, role="clerk", is_active=True)
    fields = {
        "issuer_unit": sender,
        "issuer_name": sender.name,
        "number_symbol": number_symbol,
        "issued_date": timezone.localdate() - datetime.timedelta(days=1),
        "summary": "V/v thực hiện nghiêm túc hệ thống Văn phòng điện tử iDesk",
        "signer_name": "Trần Kim Vũ",
        "signer_position": "Chủ tịch",
        "secrecy": secrecy,
        "created_by": sender_clerk,
    }
    fields.update(document_fields)
    document = Document.objects.create(**fields)
    services.attach_files(
        document, [pdf_upload(name, marker=f"{number_symbol}-{name}") for name in files], sender_clerk
    )
    return Delivery.objects.create(
        document=document, sender_unit=sender, recipient_unit=recipient, sent_by=sender_clerk
    )


@pytest.fixture
def unsigned(db):
    """Without the world's certificates (tests/world.py gives every signer one): drafts are signed off and issued
    unsigned, for the tests of the rendered (unsigned) official PDF; the signed flow is test_signed_flow.py."""
    from documents.signing.models import SigningCertificate

    SigningCertificate.objects.update(active=False)
