"""Leadership comments reach units through their clerk (issue 15): the Chủ tịch directs the district's incoming
document to other units; each arrives in the unit's "Chờ vào sổ" with the comment (a Delivery per unit), the
unit's clerk registers it under the unit's own số đến, the unit handles it, and the district sees it done."""

from __future__ import annotations

import datetime
import html
import io

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from pypdf import PdfWriter

from documents.core import policy as core_policy
from documents.incoming import directions, services
from documents.incoming.forms import DirectForm
from documents.models import (
    Assignment,
    AssignmentRole,
    AssignmentStatus,
    AuditEvent,
    Delivery,
    DeliveryStatus,
    IncomingRecord,
    IncomingStatus,
)
from tests.documents.conftest import coop, directed, lead, submitted, unit, upload, user, vn_time
from tests.helpers import client_as

COMMENT = "Giao Phòng Nội vụ chủ trì, Phòng Tư pháp phối hợp tham mưu UBND huyện triển khai; báo cáo trước hạn."


@pytest.fixture(autouse=True)
def _clock():
    # A Tuesday after the paper rule took effect (the letter's exception applies) and the units joined.
    with time_machine.travel(vn_time(2026, 12, 8, 9), tick=False):
        yield


@pytest.fixture
def district_record(district_clerk, chairman):
    """The province's công văn registered by the district, directed by the Chủ tịch to two departments."""
    record = submitted(
        district_clerk,
        chairman,
        number_symbol="1234/UBND-VX",
        issued_date=datetime.date(2026, 12, 4),
        due_date=datetime.date(2026, 12, 18),
    )
    return directed(
        record,
        chairman,
        lead(unit("noi-vu"), datetime.date(2026, 12, 15)),
        coop(unit("tu-phap"), datetime.date(2026, 12, 16)),
        text=COMMENT,
    )


def _delivery(record: IncomingRecord, code: str) -> Delivery:
    return Delivery.objects.get(document=record.document, recipient_unit__code=code)


def _register(record: IncomingRecord, code: str) -> IncomingRecord:
    delivery = _delivery(record, code)
    return services.register_delivery(clerk=user(f"vanthu.{code.replace('-', '')}"), delivery=delivery)


# --- Sent to each unit's clerk ---------------------------------------------------------------------------------


def test_each_directed_unit_gets_a_delivery_into_its_clerks_queue_with_the_comment(district_record):
    deliveries = Delivery.objects.filter(document=district_record.document).select_related("recipient_unit")
    assert sorted(d.recipient_unit.code for d in deliveries) == ["noi-vu", "tu-phap"]
    for d in deliveries:
        assert d.sender_unit_id == district_record.unit_id
        assert d.status == DeliveryStatus.SENT and d.electronic
        clerk = user(f"vanthu.{d.recipient_unit.code.replace('-', '')}")
        assert d in core_policy.deliveries.visible_to(clerk)
        assert d not in core_policy.deliveries.visible_to(user("vanthu.canhhien"))
    carried = directions.directed_from([d.pk for d in deliveries])
    by_unit = {d.recipient_unit.code: carried[d.pk] for d in deliveries}
    assert by_unit["noi-vu"].direction.text == COMMENT
    assert by_unit["noi-vu"].assignment.role == AssignmentRole.LEAD
    assert by_unit["noi-vu"].assignment.due_date == datetime.date(2026, 12, 15)
    assert by_unit["tu-phap"].assignment.role == AssignmentRole.COOPERATE
    assert by_unit["tu-phap"].district_record == district_record
    sent = AuditEvent.objects.filter(object_type="incomingrecord", object_id=district_record.pk, verb="sent_to_unit")
    assert sorted(e.data["assignee"] for e in sent) == ["Phòng Nội vụ", "Phòng Tư pháp"]


def test_the_letters_leadership_comment_exception_keeps_a_paper_copy_with_that_reason(district_record):
    for code in ("noi-vu", "tu-phap"):
        d = _delivery(district_record, code)
        assert d.paper_required
        assert "ý kiến của lãnh đạo UBND huyện" in d.paper_reason


def test_a_person_of_the_district_gets_no_delivery(district_clerk, chairman):
    record = submitted(district_clerk, chairman)
    directed(record, chairman, lead(user("cv1.ubnd")), coop(unit("noi-vu")))
    assert list(Delivery.objects.filter(document=record.document).values_list("recipient_unit__code", flat=True)) == [
        "noi-vu"
    ]


# --- Registered in each unit's own book --------------------------------------------------------------------------


def test_each_clerk_registers_it_with_the_units_own_number_and_no_duplicate_warning(district_record):
    before = {
        code: IncomingRecord.objects.filter(unit__code=code, year=2026, secrecy=0)
        .order_by("-arrival_number")
        .values_list("arrival_number", flat=True)
        .first()
        or 0
        for code in ("noi-vu", "tu-phap")
    }
    nv = _register(district_record, "noi-vu")
    tp = _register(district_record, "tu-phap")  # no DuplicateDocument: another unit's book

    assert nv.unit.code == "noi-vu" and tp.unit.code == "tu-phap"
    assert nv.document_id == tp.document_id == district_record.document_id
    assert nv.arrival_number == before["noi-vu"] + 1
    assert tp.arrival_number == before["tu-phap"] + 1
    assert nv.register_id != tp.register_id != district_record.register_id
    assert _delivery(district_record, "noi-vu").record == nv
    progress = directions.unit_progress(district_record)
    labels = sorted(p.label for p in progress.values())
    assert labels == sorted(f"Số đến {r.arrival_number} của đơn vị — Đã vào sổ" for r in (nv, tp))


# --- Handled in the unit, reported back ----------------------------------------------------------------------------


def _handle(record: IncomingRecord, code: str, result: str) -> IncomingRecord:
    slug = code.replace("-", "")
    clerk, head, staff = user(f"vanthu.{slug}"), user(f"truong.{slug}"), user(f"cv1.{slug}")
    own = _register(record, code)
    own = services.submit(clerk=clerk, record=own, leader=head)
    own = directed(own, head, lead(staff), text="Giao đồng chí chủ trì tham mưu.")
    own = IncomingRecord.objects.get(pk=own.pk)
    return services.complete(user=staff, record=own, result=result)


def test_the_units_head_directing_shows_the_district_the_unit_at_work(district_record):
    own = _register(district_record, "tu-phap")
    own = services.submit(clerk=user("vanthu.tuphap"), record=own, leader=user("truong.tuphap"))
    directed(own, user("truong.tuphap"), lead(user("cv1.tuphap")))

    part = district_record.assignments.get(assignee_unit__code="tu-phap")
    assert part.status == AssignmentStatus.IN_PROGRESS
    assert district_record.assignments.get(assignee_unit__code="noi-vu").status == AssignmentStatus.PENDING


def test_each_unit_finishing_completes_its_part_and_the_chu_tri_completes_the_district_record(district_record):
    _handle(district_record, "tu-phap", "Đã rà soát, góp ý dự thảo kế hoạch.")
    district_record.refresh_from_db()
    part = district_record.assignments.get(assignee_unit__code="tu-phap")
    assert part.status == AssignmentStatus.DONE and part.result == "Đã rà soát, góp ý dự thảo kế hoạch."
    assert district_record.status == IncomingStatus.IN_PROGRESS  # the chủ trì has not finished

    _handle(district_record, "noi-vu", "Đã tham mưu Kế hoạch số 12/KH-UBND.")
    district_record.refresh_from_db()
    lead_part = district_record.assignments.get(role=AssignmentRole.LEAD)
    assert lead_part.status == AssignmentStatus.DONE and lead_part.result == "Đã tham mưu Kế hoạch số 12/KH-UBND."
    assert district_record.status == IncomingStatus.DONE
    assert {a.status for a in district_record.assignments.all()} == {AssignmentStatus.DONE}
    done = AuditEvent.objects.filter(object_type="incomingrecord", object_id=district_record.pk, verb="unit_completed")
    assert sorted(e.data["assignee"] for e in done) == ["Phòng Nội vụ", "Phòng Tư pháp"]
    assert all("Đã xong" in p.label for p in directions.unit_progress(district_record).values())


# --- A department head directs within the department ---------------------------------------------------------------


@pytest.mark.parametrize("target", ["ubnd", "tu-phap", "cv1.tuphap"])
def test_a_department_head_cannot_make_the_district_or_another_department_chu_tri(district_record, target):
    own = _register(district_record, "noi-vu")
    head = user("truong.noivu")
    own = services.submit(clerk=user("vanthu.noivu"), record=own, leader=head)
    who = user(target) if "." in target else unit(target)

    with pytest.raises(ValidationError) as refused:
        directed(own, head, lead(who))
    assert "không thể giao UBND huyện hay phòng, ban khác chủ trì" in " ".join(refused.value.messages)
    own.refresh_from_db()
    assert own.status == IncomingStatus.SUBMITTED and not own.assignments.exists()

    # The form says it next to the field (it offers people of the unit only, so a person elsewhere is no choice).
    choice = f"p:{who.pk}" if "." in target else f"u:{who.pk}"
    form = DirectForm({"text": "Giao xử lý.", "lead": choice}, record=own, leader=head)
    assert not form.is_valid() and form.errors["lead"]
    if "." not in target:
        assert "không thể giao UBND huyện hay phòng, ban khác chủ trì" in " ".join(form.errors["lead"])


def test_a_department_heads_direction_sends_nothing_to_other_units(district_record):
    own = _register(district_record, "noi-vu")
    head = user("truong.noivu")
    own = services.submit(clerk=user("vanthu.noivu"), record=own, leader=head)
    directed(own, head, lead(user("cv1.noivu")), coop(unit("tc-kh")))
    assert not Delivery.objects.filter(document=own.document, recipient_unit__code="tc-kh").exists()


# --- Pages ---------------------------------------------------------------------------------------------------------


def test_the_pages_show_the_comment_to_the_clerk_and_the_units_progress_to_the_district(district_record, chairman):
    clerk = client_as(user("vanthu.noivu"))
    queue = clerk.get(reverse("documents:deliveries")).content.decode()
    assert COMMENT in queue and "chủ trì" in queue
    delivery = _delivery(district_record, "noi-vu")
    arrival = clerk.get(reverse("documents:delivery_detail", args=[delivery.pk])).content.decode()
    assert "Ý kiến chỉ đạo của UBND huyện Vân Canh" in arrival and COMMENT in arrival
    assert 'value="15/12/2026"' in arrival  # the unit's deadline, prefilled
    assert "ý kiến của lãnh đạo UBND huyện" in arrival  # the paper decision's reason

    response = clerk.post(reverse("documents:delivery_detail", args=[delivery.pk]), {"do": "register"})
    own = IncomingRecord.objects.get(unit__code="noi-vu", document=district_record.document)
    assert response.status_code == 302 and response["Location"] == own.get_absolute_url()
    page = client_as(user("truong.noivu")).get(own.get_absolute_url()).content.decode()
    assert COMMENT in page

    district = client_as(chairman).get(district_record.get_absolute_url()).content.decode()
    assert f"Số đến {own.arrival_number} của đơn vị — Đã vào sổ" in district
    assert "Chờ văn thư đơn vị vào sổ" in district  # Phòng Tư pháp has not registered it yet


def test_a_department_heads_direction_to_another_department_is_refused_on_the_page(district_record):
    own = _register(district_record, "noi-vu")
    head = user("truong.noivu")
    services.submit(clerk=user("vanthu.noivu"), record=own, leader=head)

    response = client_as(head).post(
        reverse("documents:incoming_action", args=[own.pk, "direct"]),
        {"text": "Giao Phòng Tư pháp chủ trì.", "lead": f"u:{unit('tu-phap').pk}"},
    )
    assert response.status_code == 400
    assert "không thể giao UBND huyện hay phòng, ban khác chủ trì" in response.content.decode()
    assert not own.assignments.exists()


def _scan_pdf() -> bytes:
    """A well-formed one-page PDF with no signature, as a scanner makes."""
    writer, out = PdfWriter(), io.BytesIO()
    writer.add_blank_page(width=595, height=842)
    writer.write(out)
    return out.getvalue()


def test_a_forwarded_paper_scan_is_shown_unsigned_not_as_a_fault_to_return(district_clerk, chairman):
    """The district's record is often a paper document's scan: its arrival at a directed unit says it carries no
    signature, without the red fault nor a return reason filled in, which would push the clerk to send back a
    legitimate document. The same file on an arrival that is not a direction is flagged."""
    record = submitted(district_clerk, chairman, uploads=[upload("cv-so-noi-vu.pdf", _scan_pdf())])
    directed(record, chairman, lead(unit("noi-vu"), datetime.date(2026, 12, 15)), text=COMMENT)
    delivery = _delivery(record, "noi-vu")
    clerk = client_as(user("vanthu.noivu"))
    url = reverse("documents:delivery_detail", args=[delivery.pk])

    page = html.unescape(clerk.get(url).content.decode())
    assert 'data-testid="signature-none"' in page and "không có chữ ký số" in page
    assert 'data-testid="signature-problem"' not in page and "Tệp PDF không có chữ ký số nào." not in page
    assert '<details class="card" open>' not in page

    Assignment.objects.filter(delivery=delivery).update(delivery=None)  # the same file, no direction carrying it
    page = html.unescape(clerk.get(url).content.decode())
    assert 'data-testid="signature-problem"' in page and 'data-testid="signature-none"' not in page
    assert '<details class="card" open>' in page and "Tệp cv-so-noi-vu.pdf: Tệp PDF không có chữ ký số nào." in page


def test_a_unit_returning_it_shows_the_district_why(district_record):
    delivery = _delivery(district_record, "tu-phap")
    services.return_delivery(clerk=user("vanthu.tuphap"), delivery=delivery, reason="Không thuộc lĩnh vực của phòng.")

    progress = directions.unit_progress(district_record)
    part = district_record.assignments.get(assignee_unit__code="tu-phap")
    assert progress[part.pk].label == "Đơn vị trả lại: Không thuộc lĩnh vực của phòng."
    assert part.status == AssignmentStatus.PENDING  # the district decides again; nothing closed for it


def test_the_paper_list_row_of_a_direction_opens_the_district_record(district_record, district_clerk):
    page = client_as(district_clerk).get(reverse("documents:paper_list"))
    assert page.status_code == 200
    rows = [d for d in page.context["page"].object_list if d.document_id == district_record.document_id]
    assert rows  # the letter's exception keeps a paper copy for each directed unit
    html = page.content.decode()
    assert reverse("documents:incoming_detail", args=[district_record.pk]) in html
    assert reverse("documents:issued_detail", args=[district_record.document_id]) not in html
    assert (
        client_as(district_clerk).get(reverse("documents:incoming_detail", args=[district_record.pk])).status_code
        == 200
    )


def test_the_units_processing_slip_carries_the_districts_direction(district_record):
    import subprocess

    own = _register(district_record, "noi-vu")
    response = client_as(user("truong.noivu")).get(reverse("documents:processing_slip", args=[own.pk]))
    assert response.status_code == 200
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=response.content, capture_output=True, check=True
    ).stdout.decode()
    assert "Ý KIẾN CHỈ ĐẠO CỦA UBND HUYỆN VÂN CANH" in text.upper()  # headings print in capitals
    assert " ".join(COMMENT.split()[:4]) in " ".join(text.split())
