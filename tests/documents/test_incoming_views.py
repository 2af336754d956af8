"""Incoming documents through their pages: the registering form, detail actions, lists and inboxes,
confidential records kept out of sight, file downloads, electronic arrivals, and query counts that do not
grow with the number of rows.

Personas come from tests/conftest.py (the demo district); the few extra people are looked up by username.
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Role, User
from documents.incoming import policy, services
from documents.models import (
    Assignment,
    AssignmentRole,
    AssignmentStatus,
    AuditEvent,
    Delivery,
    DeliveryStatus,
    Document,
    DocumentFile,
    DocumentUserObjectPermission,
    IncomingRecord,
    IncomingStatus,
    Secrecy,
    Urgency,
)
from tests.documents import conftest as builders
from tests.helpers import client_as, unit
from tests.helpers import user as who
from units.models import Unit

NEW_URL = "/documents/incoming/new/"
LIST_URL = "/documents/incoming/"

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def pdf(name: str = "van-ban.pdf", marker: str = "", pad: int = 0) -> SimpleUploadedFile:
    """A small valid PDF; `marker` makes its bytes distinct, `pad` makes it bigger (still a valid PDF)."""
    body = PDF.replace(b"%%EOF", b"% " + marker.encode() + b"\n" + b"%" * pad + b"\n%%EOF")
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def today() -> datetime.date:
    return timezone.localdate()


def dmy(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


def register(clerk: User, summary: str = "V/v triển khai Văn phòng điện tử", **extra) -> IncomingRecord:
    """tests/documents/conftest.py's register, from Sở Nội vụ with no signer named, past the duplicate check."""
    extra = {"issuer_name": "Sở Nội vụ tỉnh Bình Định", "signer_name": "", **extra}
    return builders.register(clerk, confirm_duplicate=True, summary=summary, **extra)


def submitted(clerk: User, leader: User, summary: str = "V/v triển khai Văn phòng điện tử", **extra) -> IncomingRecord:
    return services.submit(clerk=clerk, record=register(clerk, summary, **extra), leader=leader)


def directed(record: IncomingRecord, leader: User, lead, coop=(), inform=(), due=None) -> IncomingRecord:
    def spec(role, x, due_date=None):
        return services.AssignmentSpec(
            role=role,
            unit=x if isinstance(x, Unit) else None,
            user=x if isinstance(x, User) else None,
            due_date=due_date,
        )

    specs = [spec(AssignmentRole.LEAD, lead, due)]
    specs += [spec(AssignmentRole.COOPERATE, x, due) for x in coop]
    specs += [spec(AssignmentRole.INFORM, x) for x in inform]
    return services.direct(leader=leader, record=record, text="Giao xử lý, báo cáo kết quả.", assignments=specs)


def link(record: IncomingRecord) -> str:
    return f'href="/documents/incoming/{record.pk}/"'


def html(response) -> str:
    return response.content.decode()


def shown_count(response) -> int:
    """The '<n> văn bản' / '<n> việc đang mở' count every list shows."""
    match = re.search(r'role="status">\s*(\d+) (?:văn bản|việc đang mở)', html(response))
    assert match, "the list shows no count"
    return int(match.group(1))


def revoke(user: User, record: IncomingRecord) -> None:
    """As if the person had never been granted this confidential document (e.g. a head appointed later)."""
    DocumentUserObjectPermission.objects.filter(user=user, content_object=record.document).delete()


@pytest.fixture
def chairman2(db):
    return who("pct.kinhte")


@pytest.fixture
def vp_head(db):
    return who("truong.vp")


@pytest.fixture
def vp_staff(db):
    return who("cv1.vp")


@pytest.fixture
def district_staff(db):
    return who("cv1.ubnd")


# --- The registering form -------------------------------------------------------------------------------


def form_data(**overrides) -> dict:
    data = {
        "issuer_unit": "",
        "issuer_name": "Sở Nội vụ tỉnh Bình Định",
        "number_symbol": "",
        "issued_date": dmy(today() - datetime.timedelta(days=2)),
        "doc_type": "cv",
        "summary": "V/v rà soát tài khoản Văn phòng điện tử của các đơn vị",
        "signer_name": "Trần Thị Hồng",
        "urgency": "0",
        "secrecy": "0",
        "pages": "2",
        "due_date": dmy(today() + datetime.timedelta(days=7)),
        "note": "Bản giấy nhận qua bưu điện",
    }
    data.update(overrides)
    return data


def test_the_registering_form_shows_the_registers_field_labels(district_clerk):
    response = client_as(district_clerk).get(NEW_URL)

    assert response.status_code == 200
    page = html(response)
    for label in ["Tác giả", "Số, ký hiệu", "Ngày tháng văn bản", "Loại văn bản", "Trích yếu", "Người ký", "Độ khẩn",
                  "Độ mật", "Số trang", "Hạn xử lý", "Ghi chú", "Tệp văn bản"]:  # fmt: skip
        assert f"{label}" in page, label
    assert 'placeholder="dd/mm/yyyy"' in page
    assert "Hỏa tốc" in page and "Tuyệt mật" in page
    assert "UBND tỉnh Bình Định" in page  # external bodies offered in Tác giả


def test_a_clerk_registers_a_paper_document_with_a_pdf(district_clerk):
    issued, due = today() - datetime.timedelta(days=3), today() + datetime.timedelta(days=10)
    data = form_data(
        issuer_unit=str(unit("so-tttt").pk), issuer_name="", number_symbol="1520/STTTT-BCVT", issued_date=dmy(issued),
        due_date=dmy(due), urgency=str(Urgency.KHAN), uploads=pdf("cong-van-1520.pdf", "views-1"),
    )  # fmt: skip

    client = client_as(district_clerk)
    response = client.post(NEW_URL, data)

    record = IncomingRecord.objects.select_related("document").latest("id")
    assert response.status_code == 302
    assert response["Location"] == record.get_absolute_url()
    assert record.unit == district_clerk.unit and record.registered_by == district_clerk
    assert record.document.issuer_name == "Sở Thông tin và Truyền thông tỉnh Bình Định"
    assert record.document.number_symbol == "1520/STTTT-BCVT"
    assert record.document.issued_date == issued and record.due_date == due
    assert record.urgency == Urgency.KHAN and record.status == IncomingStatus.REGISTERED
    assert [f.name for f in record.document.files.all()] == ["cong-van-1520.pdf"]
    detail = client.get(response["Location"])
    assert f"Đã vào sổ văn bản đến số {record.arrival_number} (sổ văn bản đến)." in html(detail)
    assert "cong-van-1520.pdf" in html(detail)


def test_a_confidential_document_is_announced_in_the_confidential_register(district_clerk):
    response = client_as(district_clerk).post(NEW_URL, form_data(secrecy=str(Secrecy.MAT)), follow=True)

    record = IncomingRecord.objects.latest("id")
    assert record.confidential and record.register.confidential
    assert f"Đã vào sổ văn bản đến số {record.arrival_number} (sổ văn bản mật)." in html(response)


def _assert_refused(response, field: str, message: str, before: int) -> str:
    """400, the message right after the field, nothing saved; returns the page."""
    assert response.status_code == 400
    page = html(response)
    assert "Vui lòng sửa các lỗi dưới đây." in page
    field_at = page.index(f'name="{field}"')
    error_at = page.index(message)
    assert 0 < error_at - field_at < 1500, f"the error for {field} is not next to it"
    assert f'invalid-feedback d-block">{message}' in page
    assert IncomingRecord.objects.count() == before
    return page


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"summary": ""}, "summary", "Trường này là bắt buộc."),
        ({"issuer_unit": "", "issuer_name": "  "}, "issuer_name", "Hãy chọn hoặc nhập tác giả (cơ quan ban hành)."),
        ({"issued_date": "@tomorrow"}, "issued_date", "Ngày tháng văn bản không thể ở tương lai."),
        ({"due_date": "@yesterday"}, "due_date", "Hạn xử lý không thể trước ngày đến (hôm nay)."),
        ({"issued_date": "31/02/2026"}, "issued_date", "Nhập một ngày hợp lệ."),
    ],
    ids=["no-summary", "no-issuer", "issued-in-future", "due-before-today", "impossible-date"],
)
def test_bad_input_is_refused_next_to_the_field_and_the_rest_is_kept(district_clerk, overrides, field, message):
    dates = {
        "@tomorrow": dmy(today() + datetime.timedelta(days=1)),
        "@yesterday": dmy(today() - datetime.timedelta(days=1)),
    }
    overrides = {k: dates.get(v, v) for k, v in overrides.items()}
    before = IncomingRecord.objects.count()

    response = client_as(district_clerk).post(NEW_URL, form_data(**overrides))

    page = _assert_refused(response, field, message, before)
    # What was typed is still there.
    kept = form_data(**overrides)
    if field != "summary":
        assert "V/v rà soát tài khoản Văn phòng điện tử của các đơn vị" in page
    if field != "issued_date":
        assert f'value="{kept["issued_date"]}"' in page
    assert 'value="Trần Thị Hồng"' in page
    assert "Bản giấy nhận qua bưu điện" in page


def test_random_bytes_named_pdf_are_refused_and_the_form_is_kept(district_clerk):
    before = IncomingRecord.objects.count()
    fake = SimpleUploadedFile("quyet-dinh.pdf", bytes(range(256)) * 8, content_type="application/pdf")

    response = client_as(district_clerk).post(NEW_URL, form_data(uploads=fake))

    page = _assert_refused(response, "uploads", "Tệp “quyet-dinh.pdf” không phải tệp hợp lệ.", before)
    assert "V/v rà soát tài khoản Văn phòng điện tử của các đơn vị" in page
    assert "vui lòng chọn lại tệp văn bản" in page  # files cannot be kept: the clerk is told to choose them again
    assert not Document.objects.filter(summary__startswith="V/v rà soát tài khoản").exists()


def test_an_oversize_file_is_refused_with_the_limit_read_at_validation_time(district_clerk, settings):
    settings.IDESK_MAX_UPLOAD_MB = 1
    before = IncomingRecord.objects.count()
    big = pdf("ho-so-day.pdf", "big", pad=1024 * 1024 + 10)

    response = client_as(district_clerk).post(NEW_URL, form_data(uploads=big))

    page = _assert_refused(response, "uploads", "Tệp “ho-so-day.pdf” quá lớn (1.0 MB); giới hạn là 1 MB.", before)
    assert 'value="Trần Thị Hồng"' in page
    settings.IDESK_MAX_UPLOAD_MB = 2
    assert (
        client_as(district_clerk)
        .post(NEW_URL, form_data(uploads=pdf("ho-so-day.pdf", "big", pad=1024 * 1024 + 10)))
        .status_code
        == 302
    )


def test_a_possible_duplicate_is_flagged_and_the_clerk_may_confirm_it(district_clerk):
    first = register(district_clerk, issuer_name="Sở Nội vụ tỉnh Bình Định", number_symbol="215/KH-SNV",
                     issued_date=today() - datetime.timedelta(days=2))  # fmt: skip
    before = IncomingRecord.objects.count()
    # Same body, same number-symbol (typed with a space and lower case), same date.
    data = form_data(number_symbol="215/kh-snv ", issuer_name="so noi vu tinh Binh Dinh")

    warned = client_as(district_clerk).post(NEW_URL, data)

    assert warned.status_code == 400
    page = html(warned)
    assert "Có thể trùng văn bản đã vào sổ" in page
    assert f"Số đến {first.arrival_number}" in page and link(first) in page
    assert 'name="confirm_duplicate"' in page
    assert IncomingRecord.objects.count() == before

    confirmed = client_as(district_clerk).post(NEW_URL, {**data, "confirm_duplicate": "on"})

    assert confirmed.status_code == 302
    assert IncomingRecord.objects.count() == before + 1
    event = AuditEvent.objects.filter(object_type="incomingrecord", verb="registered").latest("id")
    assert event.data["confirmed_duplicate"] is True


@pytest.mark.parametrize("username", ["chutich", "truong.noivu", "cv1.noivu", "admin"])
def test_only_a_clerk_may_open_the_registering_form(db, username):
    for response in (client_as(who(username)).get(NEW_URL), client_as(who(username)).post(NEW_URL, form_data())):
        assert response.status_code == 403
        assert "Không có quyền truy cập" in html(response) and "Bàn làm việc" in html(response)


# --- Hidden and unknown records --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/documents/incoming/987654/",
        "/documents/incoming/987654/phieu-xu-ly.pdf",
        "/documents/files/987654/",
        "/documents/incoming/arrivals/987654/",
        "/documents/incoming/99999999999999999999/",  # past any integer column
        "/documents/files/99999999999999999999/",
        "/documents/incoming/arrivals/99999999999999999999/",
    ],
)
def test_unknown_ids_give_a_404_page_in_the_layout(commune_clerk, url):
    response = client_as(commune_clerk).get(url)

    assert response.status_code == 404
    assert "Không tìm thấy trang" in html(response)
    assert "Bàn làm việc" in html(response)  # the layout, with its navigation


def test_another_units_record_is_a_404_for_its_pages_and_actions(district_clerk, commune_clerk, dept_head):
    record = register(district_clerk, "V/v hồ sơ chỉ của UBND huyện")
    for user in (commune_clerk, dept_head):
        client = client_as(user)
        assert client.get(record.get_absolute_url()).status_code == 404
        assert client.get(f"/documents/incoming/{record.pk}/phieu-xu-ly.pdf").status_code == 404
        assert client.post(f"/documents/incoming/{record.pk}/submit/", {"leader": "1"}).status_code == 404
    assert "V/v hồ sơ chỉ của UBND huyện" not in html(client_as(commune_clerk).get(LIST_URL))


def test_unknown_actions_and_gets_on_actions_are_refused(district_clerk):
    record = register(district_clerk)
    client = client_as(district_clerk)

    assert client.post(f"/documents/incoming/{record.pk}/xoa/").status_code == 404
    assert client.get(f"/documents/incoming/{record.pk}/submit/").status_code == 405


# --- Actions ------------------------------------------------------------------------------------------------


def act(user: User, record: IncomingRecord, action: str, data=None, **kwargs):
    return client_as(user).post(f"/documents/incoming/{record.pk}/{action}/", data or {}, **kwargs)


def test_the_clerk_submits_to_a_leader_and_others_cannot(district_clerk, chairman, district_staff, commune_clerk):
    record = register(district_clerk)

    assert act(district_staff, record, "submit", {"leader": chairman.pk}).status_code == 404  # hidden from staff
    assert act(commune_clerk, record, "submit", {"leader": chairman.pk}).status_code == 404
    assert act(chairman, record, "submit", {"leader": chairman.pk}).status_code == 403  # sees it, not his act
    response = act(
        district_clerk, record, "submit", {"leader": chairman.pk, "note": "Kính trình Chủ tịch"}, follow=True
    )

    record.refresh_from_db()
    assert record.status == IncomingStatus.SUBMITTED and record.submitted_to == chairman
    assert f"Đã trình {chairman.full_name}." in html(response)


def test_submitting_to_someone_who_is_not_a_leader_of_the_unit_is_refused(district_clerk, dept_head):
    record = register(district_clerk)

    response = act(district_clerk, record, "submit", {"leader": dept_head.pk})

    assert response.status_code == 400
    assert 'invalid-feedback d-block">Hãy chọn một lựa chọn hợp lệ.' in html(response)
    record.refresh_from_db()
    assert record.status == IncomingStatus.REGISTERED


def test_the_leader_directs_and_assigns_a_unit_and_co_handlers(district_clerk, chairman, chairman2):
    record = submitted(district_clerk, chairman)
    data = {
        "text": "Giao Văn phòng chủ trì, Phòng VHTT phối hợp.",
        "lead": f"u:{unit('vp').pk}",
        "lead_due": dmy(today() + datetime.timedelta(days=5)),
        "cooperate": [f"u:{unit('vh-tt').pk}"],
        "inform": [f"u:{unit('noi-vu').pk}"],
    }

    assert act(chairman2, record, "direct", data).status_code == 403  # sees the register, not submitted to him
    response = act(chairman, record, "direct", data, follow=True)

    record.refresh_from_db()
    assert record.status == IncomingStatus.IN_PROGRESS
    roles = {(a.role, a.assignee_unit.code, a.due_date) for a in record.assignments.select_related("assignee_unit")}
    assert roles == {
        ("lead", "vp", today() + datetime.timedelta(days=5)),
        ("coop", "vh-tt", None),
        ("info", "noi-vu", None),
    }
    page = html(response)
    assert "Đã ghi ý kiến chỉ đạo và phân công xử lý." in page
    assert "Giao Văn phòng chủ trì, Phòng VHTT phối hợp." in page


def test_directing_without_a_lead_or_with_a_past_deadline_is_refused_next_to_the_field(district_clerk, chairman):
    record = submitted(district_clerk, chairman)

    no_lead = act(chairman, record, "direct", {"text": "Giao xử lý", "lead": ""})
    past = act(chairman, record, "direct", {"text": "Giao xử lý", "lead": f"u:{unit('vp').pk}",
                                             "lead_due": dmy(today() - datetime.timedelta(days=1))})  # fmt: skip

    assert no_lead.status_code == 400 and past.status_code == 400
    assert 'invalid-feedback d-block">Trường này là bắt buộc.' in html(no_lead)
    page = html(past)
    error = 'invalid-feedback d-block">Hạn xử lý không thể trước ngày đến'
    assert error in page
    assert 0 < page.index(error) - page.index('name="lead_due"') < 1000
    record.refresh_from_db()
    assert record.status == IncomingStatus.SUBMITTED and not record.assignments.exists()


def test_a_leader_forwards_to_another_leader(district_clerk, chairman, chairman2, district_staff):
    record = submitted(district_clerk, chairman)

    assert act(district_clerk, record, "forward", {"to_leader": chairman2.pk}).status_code == 403
    response = act(chairman, record, "forward", {"to_leader": chairman2.pk, "note": "Nhờ anh Hải xử lý"}, follow=True)

    record.refresh_from_db()
    assert record.submitted_to == chairman2
    assert f"Đã chuyển văn bản cho {chairman2.full_name}." in html(response)


def _clerk_away(code: str) -> None:
    """A unit without an active clerk: a district direction stays on the district record (issue 15)."""
    User.objects.filter(unit=unit(code), role=Role.CLERK).update(is_active=False)


def test_the_head_of_the_lead_unit_delegates_to_one_of_its_people(
    district_clerk, chairman, vp_head, vp_staff, dept_head
):
    _clerk_away("vp")  # the old path (with a clerk: test_directed_units_handling.py)
    record = directed(submitted(district_clerk, chairman), chairman, lead=unit("vp"))
    assignment = record.assignments.get()
    data = {"assignment": assignment.pk, "to_user": vp_staff.pk}

    assert act(vp_staff, record, "delegate", data).status_code == 404  # not theirs yet
    assert act(dept_head, record, "delegate", data).status_code == 404  # another department
    assert act(chairman, record, "delegate", data).status_code == 403  # sees it, does not head Văn phòng
    response = act(vp_head, record, "delegate", data, follow=True)

    assignment.refresh_from_db()
    assert assignment.assignee_user == vp_staff
    assert f"Đã giao {vp_staff.full_name} xử lý." in html(response)
    assert client_as(vp_staff).get(record.get_absolute_url()).status_code == 200


def test_the_handler_adds_a_progress_note_with_a_file_and_completes(
    district_clerk, chairman, district_staff, commune_clerk
):
    record = directed(submitted(district_clerk, chairman), chairman, lead=district_staff)

    assert act(commune_clerk, record, "note", {"text": "x"}).status_code == 404
    assert act(chairman, record, "note", {"text": "x"}).status_code == 403
    noted = act(
        district_staff,
        record,
        "note",
        {"text": "Đã dự thảo báo cáo.", "uploads": pdf("du-thao.pdf", "note")},
        follow=True,
    )

    assert "Đã cập nhật tiến độ." in html(noted)
    note = record.notes.get()
    assert note.text == "Đã dự thảo báo cáo." and [f.name for f in note.files.all()] == ["du-thao.pdf"]
    assert record.assignments.get().status == AssignmentStatus.IN_PROGRESS
    file_url = f"/documents/note-files/{note.files.get().pk}/"
    assert file_url in html(noted)
    assert client_as(district_staff).get(file_url).status_code == 200
    assert client_as(commune_clerk).get(file_url).status_code == 404

    assert act(chairman, record, "complete", {"result": "x"}).status_code == 403
    done = act(district_staff, record, "complete", {"result": "Đã báo cáo UBND tỉnh."}, follow=True)

    record.refresh_from_db()
    assert record.status == IncomingStatus.DONE
    assert "Đã hoàn thành xử lý văn bản." in html(done)
    assert act(district_staff, record, "complete", {"result": "lần nữa"}).status_code == 403  # already done


def test_a_bad_note_file_is_shown_in_the_open_note_form(district_clerk, chairman, district_staff):
    record = directed(submitted(district_clerk, chairman), chairman, lead=district_staff)
    fake = SimpleUploadedFile("bao-cao.pdf", b"not a pdf at all" * 10)

    response = act(district_staff, record, "note", {"text": "Kèm báo cáo", "uploads": fake})

    assert response.status_code == 400
    page = html(response)
    assert "Tệp “bao-cao.pdf” không phải tệp hợp lệ." in page
    # The form holding the error is open, not folded away in a closed <details>.
    assert re.search(r'<details[^>]*id="act-note"[^>]*\sopen', page)
    assert not record.notes.exists()


def test_a_co_handler_notes_but_cannot_complete(district_clerk, chairman, district_staff):
    cv2 = who("cv2.ubnd")
    record = directed(submitted(district_clerk, chairman), chairman, lead=district_staff, coop=[cv2])

    assert act(cv2, record, "note", {"text": "Đã góp ý"}).status_code == 302
    assert act(cv2, record, "complete", {"result": "Xong"}).status_code == 403
    record.refresh_from_db()
    assert record.status == IncomingStatus.IN_PROGRESS


@pytest.mark.parametrize(
    ("state", "username", "action", "data"),
    [
        ("registered", "vanthu.ubnd", "complete", {"result": "Xong"}),
        ("registered", "chutich", "direct", {"text": "Giao", "lead": "@vp"}),
        ("registered", "vanthu.ubnd", "note", {"text": "Tiến độ"}),
        ("in_progress", "vanthu.ubnd", "submit", {"leader": "@chutich"}),
        ("in_progress", "chutich", "direct", {"text": "Giao lại", "lead": "@vp"}),
    ],
)
def test_illegal_transitions_are_refused_without_a_500(district_clerk, chairman, state, username, action, data):
    record = register(district_clerk)
    if state == "in_progress":
        directed(services.submit(clerk=district_clerk, record=record, leader=chairman), chairman, lead=unit("vp"))
    refs = {"@vp": f"u:{unit('vp').pk}", "@chutich": str(chairman.pk)}
    before = list(
        AuditEvent.objects.filter(object_type="incomingrecord", object_id=record.pk).values_list("verb", flat=True)
    )

    response = act(who(username), record, action, {k: refs.get(v, v) for k, v in data.items()})

    assert response.status_code == 403
    assert "Không có quyền truy cập" in html(response)
    record.refresh_from_db()
    assert record.status == state
    after = list(
        AuditEvent.objects.filter(object_type="incomingrecord", object_id=record.pk).values_list("verb", flat=True)
    )
    assert after == before


def test_the_clerk_grants_a_confidential_document_to_a_named_person(district_clerk, district_staff, chairman):
    record = register(district_clerk, "Báo cáo tình hình an ninh", secrecy=Secrecy.MAT)
    assert client_as(district_staff).get(record.get_absolute_url()).status_code == 404

    assert act(chairman, record, "grant", {"users": [district_staff.pk]}).status_code == 404  # not granted himself
    response = act(district_clerk, record, "grant", {"users": [district_staff.pk]}, follow=True)

    assert "Đã cấp quyền xem văn bản mật." in html(response)
    assert client_as(district_staff).get(record.get_absolute_url()).status_code == 200
    assert act(district_staff, record, "grant", {"users": [chairman.pk]}).status_code == 403  # may read, not share


def test_a_leader_reminds_an_open_assignment(district_clerk, chairman, vp_head, commune_clerk):
    record = directed(submitted(district_clerk, chairman), chairman, lead=unit("vp"))
    assignment = record.assignments.get()

    assert act(commune_clerk, record, "remind", {"assignment": assignment.pk}).status_code == 404
    assert act(vp_head, record, "remind", {"assignment": assignment.pk}).status_code == 403
    response = act(chairman, record, "remind", {"assignment": assignment.pk}, follow=True)

    assert "Đã gửi nhắc việc (đôn đốc) tới Văn phòng HĐND và UBND huyện." in html(response)
    assert AuditEvent.objects.filter(object_type="incomingrecord", object_id=record.pk, verb="reminded").exists()


def test_no_reminder_on_a_recalled_document(district_clerk, chairman):
    """The service asks the policy's REMIND, which refuses a withdrawn record: it no longer judged the leader's
    role by itself (and let a reminder through on a recalled document)."""
    record = directed(submitted(district_clerk, chairman), chairman, lead=unit("vp"))
    assignment = record.assignments.get()
    record.document.recalled_at = timezone.now()
    record.document.save(update_fields=["recalled_at"])

    assert act(chairman, record, "remind", {"assignment": assignment.pk}).status_code == 403
    assert not AuditEvent.objects.filter(object_type="incomingrecord", object_id=record.pk, verb="reminded").exists()


@pytest.mark.parametrize("value", ["", "abc", "987654"])
def test_reminding_a_missing_or_malformed_assignment_is_a_404(district_clerk, chairman, value):
    record = directed(submitted(district_clerk, chairman), chairman, lead=unit("vp"))

    assert act(chairman, record, "remind", {"assignment": value}).status_code == 404


def test_opening_a_record_leaves_a_read_receipt_in_the_timeline(district_clerk, chairman, district_staff):
    record = directed(submitted(district_clerk, chairman), chairman, lead=district_staff)

    client_as(district_staff).get(record.get_absolute_url())
    page = html(client_as(district_staff).get(record.get_absolute_url()))

    assert record.assignments.get().first_opened_at is not None
    timeline = page[page.index('data-testid="timeline"') :]
    assert f"{district_staff.full_name}</strong>: Đã xem" in timeline
    assert AuditEvent.objects.filter(object_id=record.pk, object_type="incomingrecord", verb="opened",
                                     actor=district_staff).count() == 1  # fmt: skip


# --- Lists and filters ---------------------------------------------------------------------------------------


@pytest.fixture
def varied(district_clerk, chairman, district_staff):
    """Records of UBND huyện that differ in one way each, for the filters."""
    past = timezone.now() - datetime.timedelta(days=40)
    r = {
        "plan": register(district_clerk, "Kế hoạch tổ chức Hội nghị tổng kết năm", doc_type="kh",
                         issuer_name="Sở Thông tin và Truyền thông tỉnh Bình Định", number_symbol="88/KH-STTTT"),
        "urgent": register(district_clerk, "Công điện ứng phó bão số 9", urgency=Urgency.HOA_TOC,
                           issuer_name="UBND tỉnh Bình Định", doc_type="cd"),
        "old": register(district_clerk, "V/v báo cáo số liệu cũ", issuer_name="Công an huyện Vân Canh"),
        "handled": directed(submitted(district_clerk, chairman, "V/v chuẩn bị họp giao ban"), chairman,
                            lead=district_staff, due=today() + datetime.timedelta(days=3)),
        "late": directed(submitted(district_clerk, chairman, "V/v nộp báo cáo quý"), chairman, lead=unit("vp"),
                         due=today() + datetime.timedelta(days=1)),
    }  # fmt: skip
    IncomingRecord.objects.filter(pk=r["old"].pk).update(arrived_at=past)
    IncomingRecord.objects.filter(pk=r["late"].pk).update(arrived_at=past)
    r["late"].assignments.update(due_date=today() - datetime.timedelta(days=2))
    return r


def listed(user: User, query: str = "", url: str = LIST_URL):
    response = client_as(user).get(url + query)
    assert response.status_code == 200
    return response


def names_in(response, records: dict) -> set[str]:
    page = html(response)
    return {name for name, record in records.items() if link(record) in page}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"plan", "urgent", "old", "handled", "late"}),
        ("?status=in_progress", {"handled", "late"}),
        ("?status=registered", {"plan", "urgent", "old"}),
        (f"?urgency={Urgency.HOA_TOC}", {"urgent"}),
        ("?secrecy=mat", set()),
        ("?secrecy=thuong", {"plan", "urgent", "old", "handled", "late"}),
        ("?q=ke+hoach", {"plan"}),
        ("?q=KẾ HOẠCH tổ chức", {"plan"}),
        ("?q=88/kh-sttt", {"plan"}),
        ("?q=cong+an+huyen", {"old"}),
        ("?issuer=so+thong+tin", {"plan"}),
        ("?issuer=ubnd+tinh+binh+dinh", {"urgent"}),
        ("?doc_type=cd", {"urgent"}),
        ("?assignee=vp", {"late"}),
        ("?assignee=cv1.ubnd", {"handled"}),
        ("?overdue=on", {"late"}),
        ("?date_from=@40&date_to=@40", {"old", "late"}),
        ("?date_from=@1", {"plan", "urgent", "handled"}),
        ("?date_to=@1", {"old", "late"}),
        ("?date_from=31/02/2026&q=ke+hoach", {"plan"}),  # a hand-edited bad date does not break the list
    ],
)
def test_the_list_filters_in_the_url(district_clerk, varied, query, expected):
    query = query.replace("@40", dmy(today() - datetime.timedelta(days=40))).replace(
        "@1", dmy(today() - datetime.timedelta(days=1))
    )

    response = listed(district_clerk, query)

    assert names_in(response, varied) == expected
    if query:  # every row shown is counted, and the count matches what the filters kept
        demo_rows = len(re.findall(r'href="/documents/incoming/\d+/"', html(response)))
        assert shown_count(response) == demo_rows


def test_a_date_filter_takes_whole_days_of_vietnam_time(district_clerk):
    """The dates are days in Vietnam (UTC+7), filtered as a range of arrival times: a record that arrived at
    23:30 on the 10th is in "to 10/03", one that arrived at 00:10 on the 11th (still the 10th in UTC) is not."""
    vn = datetime.timezone(datetime.timedelta(hours=7))
    late_evening = register(district_clerk, "V/v đến lúc 23 giờ 30")
    just_after_midnight = register(district_clerk, "V/v đến lúc 0 giờ 10")
    IncomingRecord.objects.filter(pk=late_evening.pk).update(
        arrived_at=datetime.datetime(2026, 3, 10, 23, 30, tzinfo=vn)
    )
    IncomingRecord.objects.filter(pk=just_after_midnight.pk).update(
        arrived_at=datetime.datetime(2026, 3, 11, 0, 10, tzinfo=vn)
    )
    records = {"evening": late_evening, "midnight": just_after_midnight}

    assert names_in(listed(district_clerk, "?date_to=10/03/2026"), records) == {"evening"}
    assert names_in(listed(district_clerk, "?date_from=11/03/2026&date_to=11/03/2026"), records) == {"midnight"}
    assert names_in(listed(district_clerk, "?date_from=10/03/2026&date_to=11/03/2026"), records) == set(records)


def test_the_list_shows_its_count_and_urgent_documents_first(district_clerk, varied):
    response = listed(district_clerk, "?sort=so_den")

    page = html(response)
    expected = policy.visible_to(district_clerk).filter(unit=district_clerk.unit).count()
    assert expected == IncomingRecord.objects.filter(unit=district_clerk.unit).count()  # the clerk holds every grant
    assert shown_count(response) == expected
    assert f"{expected} văn bản" in page
    # Hỏa tốc before everything else, whatever the chosen order.
    first_row = re.search(r'href="/documents/incoming/(\d+)/"', page).group(1)
    urgencies = IncomingRecord.objects.filter(unit=district_clerk.unit).values_list("urgency", flat=True)
    assert IncomingRecord.objects.get(pk=first_row).urgency == max(urgencies)
    assert page.index(link(varied["urgent"])) < page.index(link(varied["plan"]))


@pytest.fixture
def pages_of_50(settings):
    """The page size these tests count with (a setting, so a deployment may change it)."""
    settings.IDESK_PAGE_SIZE = 50


def test_the_list_is_paginated_keeping_its_filters(commune_clerk, pages_of_50):
    for i in range(53):
        register(commune_clerk, f"V/v đợt kiểm tra số {i:02d}")
    register(commune_clerk, "V/v việc khác")

    first = listed(commune_clerk, "?q=dot+kiem+tra")
    second = listed(commune_clerk, "?q=dot+kiem+tra&page=2")

    assert shown_count(first) == 53
    assert len(re.findall(r'href="/documents/incoming/\d+/"', html(first))) == 50
    assert len(re.findall(r'href="/documents/incoming/\d+/"', html(second))) == 3
    assert "Trang 1/2" in html(first) and "Trang 2/2" in html(second)
    assert "q=dot+kiem+tra&amp;page=2" in html(first)
    assert listed(commune_clerk, "?q=dot+kiem+tra&page=99").status_code == 200  # past the end: the last page


def test_an_empty_list_says_why(commune_clerk):
    response = listed(commune_clerk, "?q=khong+co+van+ban+nao")

    assert "0 văn bản" in html(response)
    assert "Không có văn bản nào khớp bộ lọc" in html(response)


def test_a_filter_request_from_htmx_gets_only_the_results(district_clerk, varied):
    for url in (LIST_URL, "/documents/search/"):
        response = client_as(district_clerk).get(url + "?q=ke+hoach", HTTP_HX_REQUEST="true")

        page = html(response)
        assert response.status_code == 200
        assert link(varied["plan"]) in page
        assert "<html" not in page and "idesk-sidebar" not in page, url


def test_search_finds_across_everything_the_user_may_see(district_staff, district_clerk, chairman, varied):
    response = listed(district_clerk, "?q=ke+hoach", url="/documents/search/")
    assert link(varied["plan"]) in html(response)
    # The staff member only sees what was assigned to them.
    page = html(listed(district_staff, "?q=v/v", url="/documents/search/"))
    assert link(varied["handled"]) in page and link(varied["old"]) not in page


# --- Inbox tabs for a handler ------------------------------------------------------------------------------


def test_the_inbox_tabs_hold_the_right_records_for_a_handler(district_clerk, chairman, district_staff):
    cv2 = who("cv2.ubnd")
    due = today() + datetime.timedelta(days=4)

    def handled(summary: str, lead: User, **extra) -> IncomingRecord:
        return directed(submitted(district_clerk, chairman, summary), chairman, lead=lead, **extra)

    r = {
        "waiting": handled("V/v chờ xử lý", district_staff, due=due),
        "doing": handled("V/v đang xử lý", district_staff, due=due),
        "coop": handled("V/v phối hợp", cv2, coop=[district_staff], due=due),
        "late": handled("V/v quá hạn", district_staff, due=due),
        "done": handled("V/v đã xong", district_staff, due=due),
        "info": handled("V/v để biết", cv2, inform=[district_staff]),
        "other": handled("V/v của người khác", cv2),
    }
    services.add_note(user=district_staff, record=r["doing"], text="Đang làm")
    IncomingRecord.objects.filter(pk=r["late"].pk).update(arrived_at=timezone.now() - datetime.timedelta(days=10))
    r["late"].assignments.update(due_date=today() - datetime.timedelta(days=1))
    services.complete(user=district_staff, record=r["done"], result="Xong")

    expected = {
        "cho_xu_ly": {"waiting", "coop", "late"},
        "dang_xu_ly": {"doing"},
        "qua_han": {"late"},
        "da_xong": {"done"},
        "de_biet": {"info"},
    }
    # The other tabs' badges come with the navigation's badges after the page (idesk.views.nav_counts).
    badges = client_as(district_staff).get("/dieu-huong/dem/", {"tabs": "incoming"}).content.decode()
    for box, names in expected.items():
        response = listed(district_staff, f"?box={box}")
        assert names_in(response, r) == names, box
        assert shown_count(response) == len(names), box
        tab = re.search(
            rf'\?box={box}">[^<]*<span id="tab-count-{box}" class="badge[^"]*">(\d+)</span>', html(response)
        )
        assert tab and int(tab.group(1)) == len(names), box
        late = "text-bg-danger" if box == "qua_han" else "text-bg-light border"
        assert f'<span id="tab-count-{box}" class="badge {late}" hx-swap-oob="true">{len(names)}</span>' in badges, box
    # A staff member's default tab is "Chờ xử lý" and there is no register tab.
    default = listed(district_staff)
    assert names_in(default, r) == expected["cho_xu_ly"]
    assert "?box=so" not in html(default)


def test_the_leader_finds_what_was_submitted_to_him_in_cho_xu_ly(district_clerk, chairman, chairman2):
    mine = submitted(district_clerk, chairman, "V/v trình Chủ tịch")
    theirs = submitted(district_clerk, chairman2, "V/v trình Phó Chủ tịch")

    response = listed(chairman, "?box=cho_xu_ly")

    assert link(mine) in html(response) and link(theirs) not in html(response)


# --- Confidential records stay out of sight ------------------------------------------------------------


def _chrome(page: str) -> str:
    """The parts of a page that carry counts: sidebar and tabs (the CSRF token varies between requests)."""
    sidebar = re.search(r'<nav id="sidebar".*?</nav>', page, re.S).group(0)
    tabs = re.search(r'<ul class="nav nav-tabs.*?</ul>', page, re.S)
    return sidebar + (tabs.group(0) if tabs else "")


def test_confidential_records_never_show_without_a_grant(district_clerk, chairman, vp_head):
    chairman_before = {url: client_as(chairman).get(url) for url in ("/", LIST_URL, LIST_URL + "?box=cho_xu_ly")}
    head_tasks_before = client_as(vp_head).get("/documents/tasks/")

    # Submitted to the Chủ tịch and assigned to Văn phòng, then the grants are gone (as for people who
    # take office later): the relations remain, the grant does not.
    secret = register(district_clerk, "Báo cáo mật về công tác bảo vệ bí mật nhà nước", secrecy=Secrecy.TOI_MAT,
                      number_symbol="12/BC-CAH")  # fmt: skip
    services.submit(clerk=district_clerk, record=secret, leader=chairman)
    directed(secret, chairman, lead=unit("vp"), due=today() + datetime.timedelta(days=2))
    IncomingRecord.objects.filter(pk=secret.pk).update(status=IncomingStatus.SUBMITTED)  # also waiting for him
    revoke(chairman, secret)
    revoke(vp_head, secret)
    for prefix in ("bao ve bi mat", "12/BC-CAH", "mật"):
        response = client_as(chairman).get("/documents/search/", {"q": prefix})
        assert link(secret) not in html(response), prefix
        assert "Báo cáo mật về công tác" not in html(response)

    for url, before in chairman_before.items():
        after = client_as(chairman).get(url)
        assert "Báo cáo mật về công tác" not in html(after), url
        assert _chrome(html(after)) == _chrome(html(before)), f"counts on {url} reveal the confidential record"
        if url != "/":
            assert shown_count(after) == shown_count(before)
    tasks_after = client_as(vp_head).get("/documents/tasks/")
    assert "Báo cáo mật về công tác" not in html(tasks_after)
    assert shown_count(tasks_after) == shown_count(head_tasks_before)
    assert client_as(vp_head).get("/").content.decode().count("Báo cáo mật") == 0
    assert client_as(chairman).get(secret.get_absolute_url()).status_code == 404

    # With the grant back, it shows everywhere it belongs.
    services.grant_access(granter=district_clerk, record=secret, users=[chairman])
    assert link(secret) in html(client_as(chairman).get(LIST_URL))
    assert link(secret) in html(client_as(chairman).get("/documents/search/", {"q": "bao ve bi mat"}))


def test_the_confidential_filter_only_lists_granted_records(district_clerk, chairman):
    secret = register(district_clerk, "Báo cáo mật thứ hai", secrecy=Secrecy.MAT)

    assert link(secret) in html(client_as(district_clerk).get(LIST_URL + "?secrecy=mat"))
    assert link(secret) not in html(client_as(chairman).get(LIST_URL + "?secrecy=mat"))
    assert (
        shown_count(client_as(chairman).get(LIST_URL + "?secrecy=mat"))
        == IncomingRecord.objects.filter(secrecy__gt=0, document__documentuserobjectpermission__user=chairman)
        .distinct()
        .count()
    )


# --- Files ---------------------------------------------------------------------------------------------------


def test_a_file_is_served_only_to_those_who_may_see_its_record(district_clerk, commune_clerk, district_staff, chairman):
    record = register(district_clerk, uploads=[pdf("to-trinh.pdf", "download")])
    attached = DocumentFile.objects.get(document=record.document)
    url = f"/documents/files/{attached.pk}/"

    for stranger in (commune_clerk, district_staff):
        assert client_as(stranger).get(url).status_code == 404
    response = client_as(district_clerk).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-1.4")
    assert "attachment" in response["Content-Disposition"] and "to-trinh.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    inline = client_as(chairman).get(url + "?xem=1")
    assert inline.status_code == 200 and inline["Content-Type"] == "application/pdf"
    assert inline["Content-Disposition"].startswith("inline")


def test_a_file_lost_from_the_store_gets_a_page_saying_so_not_a_server_error(district_clerk, caplog):
    record = register(district_clerk, uploads=[pdf("mat-tep.pdf", "lost-file")])
    attached = DocumentFile.objects.get(document=record.document)
    Path(attached.blob.content.path).unlink()

    response = client_as(district_clerk).get(f"/documents/files/{attached.pk}/")

    assert response.status_code == 404
    assert "Không mở được tệp" in response.content.decode() and "mat-tep.pdf" in response.content.decode()
    assert "missing from the file store" in caplog.text


def test_a_confidential_documents_file_needs_the_grant(district_clerk, chairman):
    record = register(
        district_clerk, "Văn bản mật có tệp", secrecy=Secrecy.MAT, uploads=[pdf("mat.pdf", "secret-file")]
    )
    url = f"/documents/files/{record.document.files.get().pk}/"

    assert client_as(chairman).get(url).status_code == 404
    services.grant_access(granter=district_clerk, record=record, users=[chairman])
    assert client_as(chairman).get(url).status_code == 200


# --- Electronic arrivals (Chờ vào sổ) ----------------------------------------------------------------------


@pytest.fixture
def arrival(district_clerk, commune_clerk):
    """A district plan sent through iDesk to xã Canh Hiển, built as the outgoing side will build it."""
    district = unit("ubnd")
    document = Document.objects.create(
        issuer_unit=district, issuer_name=district.name, doc_type="kh", number=17, number_symbol="17/KH-UBND",
        issued_date=today() - datetime.timedelta(days=1), summary="Kế hoạch phòng chống thiên tai năm nay",
        signer_name="Trần Kim Vũ", urgency=Urgency.THUONG_KHAN, created_by=district_clerk,
    )  # fmt: skip
    services.attach_files(document, [pdf("ke-hoach-17.pdf", "arrival")], district_clerk)
    return Delivery.objects.create(
        document=document, sender_unit=district, recipient_unit=commune_clerk.unit, sent_by=district_clerk
    )


ARRIVALS = "/documents/incoming/arrivals/"


def test_the_commune_clerk_sees_the_arrival_and_opens_it(commune_clerk, arrival):
    listing = client_as(commune_clerk).get(ARRIVALS)

    assert listing.status_code == 200
    page = html(listing)
    assert f'href="{ARRIVALS}{arrival.pk}/"' in page and "17/KH-UBND" in page and "Thượng khẩn" in page
    assert (
        shown_count(listing)
        == Delivery.objects.filter(recipient_unit=commune_clerk.unit, status__in=["sent", "opened"]).count()
    )
    # Urgent arrivals stand first.
    assert re.search(r'href="/documents/incoming/arrivals/(\d+)/"', page).group(1) == str(arrival.pk)

    detail = client_as(commune_clerk).get(f"{ARRIVALS}{arrival.pk}/")

    assert detail.status_code == 200
    assert "Kế hoạch phòng chống thiên tai năm nay" in html(detail) and "ke-hoach-17.pdf" in html(detail)
    arrival.refresh_from_db()
    assert arrival.status == DeliveryStatus.OPENED and arrival.opened_by == commune_clerk
    file_url = f"/documents/files/{arrival.document.files.get().pk}/"
    assert client_as(commune_clerk).get(file_url).status_code == 200


def test_the_commune_clerk_registers_the_arrival_without_retyping(commune_clerk, arrival):
    due = today() + datetime.timedelta(days=5)

    client = client_as(commune_clerk)
    response = client.post(f"{ARRIVALS}{arrival.pk}/", {"do": "register", "due_date": dmy(due)})

    arrival.refresh_from_db()
    record = arrival.record
    assert response.status_code == 302 and response["Location"] == record.get_absolute_url()
    assert arrival.status == DeliveryStatus.REGISTERED
    assert record.unit == commune_clerk.unit and record.document == arrival.document and record.due_date == due
    assert record.urgency == Urgency.THUONG_KHAN
    page = html(client.get(response["Location"]))
    assert f"Đã vào sổ văn bản đến số {record.arrival_number}; đơn vị gửi đã được báo." in page
    assert "ke-hoach-17.pdf" in page
    assert f'href="{ARRIVALS}{arrival.pk}/"' not in html(client_as(commune_clerk).get(ARRIVALS))
    assert client_as(commune_clerk).get(f"{ARRIVALS}{arrival.pk}/").status_code == 404  # no longer waiting


def test_registering_an_arrival_with_a_past_deadline_is_refused(commune_clerk, arrival):
    response = client_as(commune_clerk).post(
        f"{ARRIVALS}{arrival.pk}/", {"do": "register", "due_date": dmy(today() - datetime.timedelta(days=1))}
    )

    assert response.status_code == 400
    assert "Hạn xử lý không thể trước ngày đến" in html(response)
    arrival.refresh_from_db()
    assert arrival.status == DeliveryStatus.OPENED and arrival.record is None


def test_the_commune_clerk_returns_a_wrong_arrival_with_a_reason(commune_clerk, arrival):
    url = f"{ARRIVALS}{arrival.pk}/"

    no_reason = client_as(commune_clerk).post(url, {"do": "return", "reason": "  "})

    assert no_reason.status_code == 400
    assert 'invalid-feedback d-block">Trường này là bắt buộc.' in html(no_reason)
    assert re.search(r"<details[^>]*\sopen", html(no_reason))
    arrival.refresh_from_db()
    assert arrival.status == DeliveryStatus.OPENED

    returned = client_as(commune_clerk).post(url, {"do": "return", "reason": "Gửi nhầm đơn vị"}, follow=True)

    arrival.refresh_from_db()
    assert returned.redirect_chain[-1][0] == ARRIVALS
    assert "Đã trả lại văn bản cho đơn vị gửi." in html(returned)
    assert arrival.status == DeliveryStatus.RETURNED and arrival.returned_reason == "Gửi nhầm đơn vị"
    assert not IncomingRecord.objects.filter(document=arrival.document).exists()


def test_the_clerks_desk_shows_what_waits_in_cho_vao_so(commune_clerk, arrival):
    page = html(client_as(commune_clerk).get("/"))

    assert f'href="{ARRIVALS}{arrival.pk}/"' in page and "Kế hoạch phòng chống thiên tai năm nay" in page
    assert "Không có văn bản đến nào đang chờ bạn." not in page


def test_arrivals_belong_to_the_receiving_clerk_only(arrival, dept_head, chairman):
    other_clerk = who("vanthu.canhvinh")
    url = f"{ARRIVALS}{arrival.pk}/"

    assert client_as(other_clerk).get(url).status_code == 404
    assert client_as(other_clerk).post(url, {"do": "register"}).status_code == 404
    assert f'href="{url}"' not in html(client_as(other_clerk).get(ARRIVALS))
    for user in (dept_head, chairman, who("cv1.canhhien")):
        assert client_as(user).get(ARRIVALS).status_code == 403
        assert client_as(user).get(url).status_code == 403
    arrival.refresh_from_db()
    assert arrival.status == DeliveryStatus.SENT


# --- Query counts do not grow with the rows ------------------------------------------------------------


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx)


def assert_same_queries(client, url: str, add_rows, django_assert_num_queries, check=None) -> None:
    """Same number of queries with a few rows as with many (no per-row query anywhere on the page)."""
    client.get(url)  # first visit: session and access event
    few = queries_for(client, url)
    add_rows()
    with django_assert_num_queries(few):
        response = client.get(url)
    assert response.status_code == 200
    if check:
        check(response)


def _commune_records(n: int, start: int = 0) -> list[IncomingRecord]:
    clerk = who("vanthu.canhhien")
    urgencies = [Urgency.NORMAL, Urgency.KHAN, Urgency.HOA_TOC]
    return [
        register(clerk, f"V/v số liệu đợt {start + i}", urgency=urgencies[i % 3], number_symbol=f"{start + i}/UBND",
                 due_date=today() + datetime.timedelta(days=i % 5), uploads=[])
        for i in range(n)
    ]  # fmt: skip


def test_the_incoming_list_runs_the_same_queries_with_3_and_60_rows(
    commune_clerk, django_assert_num_queries, pages_of_50
):
    client = client_as(commune_clerk)
    already = shown_count(client.get(LIST_URL))  # the demo's own records of the commune (3261/UBND of 2016)
    _commune_records(3)

    def check(response):
        assert shown_count(response) == already + 63
        assert len(re.findall(r'href="/documents/incoming/\d+/"', html(response))) == 50

    assert_same_queries(client, LIST_URL, lambda: _commune_records(60, start=3), django_assert_num_queries, check)


def _tasks_for(handler: User, n: int, start: int = 0) -> None:
    clerk, head = who("vanthu.canhhien"), who("truong.canhhien")
    due = today() + datetime.timedelta(days=3)
    for i, record in enumerate(_commune_records(n, start)):
        services.submit(clerk=clerk, record=record, leader=head)
        specs = [services.AssignmentSpec(role="lead", user=handler, due_date=due)]
        if i % 2:  # every other one with a co-handling unit, so rows differ in what they join
            specs.append(services.AssignmentSpec(role="coop", unit=unit("vp")))
        services.direct(leader=head, record=record, text="Giao xử lý", assignments=specs)


def test_the_tasks_page_runs_the_same_queries_with_3_and_60_rows(db, django_assert_num_queries):
    handler = who("cv1.canhhien")
    _tasks_for(handler, 3)

    def check(response):
        assert shown_count(response) == 63

    assert_same_queries(
        client_as(handler), "/documents/tasks/", lambda: _tasks_for(handler, 60, 3), django_assert_num_queries, check
    )


@pytest.mark.parametrize("username", ["cv1.canhhien", "truong.canhhien", "vanthu.canhhien"])
def test_the_home_page_runs_the_same_queries_with_3_and_60_rows(db, django_assert_num_queries, username):
    handler = who("cv1.canhhien")
    _tasks_for(handler, 3)

    def add():
        _tasks_for(handler, 60, 3)
        _commune_records(10, 100)  # waiting in the register
        head = who("truong.canhhien")
        for record in _commune_records(10, 200):
            services.submit(clerk=who("vanthu.canhhien"), record=record, leader=head)
        deliveries_to(who("vanthu.canhhien"), 10)

    assert_same_queries(client_as(who(username)), "/", add, django_assert_num_queries)


def deliveries_to(clerk: User, n: int, start: int = 0) -> None:
    district = unit("ubnd")
    for i in range(n):
        doc = Document.objects.create(
            issuer_unit=district, issuer_name=district.name, number_symbol=f"{start + i}/UBND-VP",
            issued_date=today(), summary=f"V/v gửi số liệu đợt {start + i}", urgency=i % 4,
        )  # fmt: skip
        Delivery.objects.create(
            document=doc, sender_unit=district, recipient_unit=clerk.unit, opened_by=clerk if i % 2 else None
        )


def test_the_arrivals_page_runs_the_same_queries_with_3_and_60_rows(db, django_assert_num_queries):
    clerk = who("vanthu.canhhiep")
    deliveries_to(clerk, 3)

    def check(response):
        assert shown_count(response) == 63

    assert_same_queries(
        client_as(clerk), ARRIVALS, lambda: deliveries_to(clerk, 60, 3), django_assert_num_queries, check
    )


def test_the_detail_page_runs_the_same_queries_with_1_and_12_assignments(
    district_clerk, chairman, django_assert_num_queries
):
    """Not a list, but the same rule: a record with many assignments and notes costs no more queries."""
    few = directed(submitted(district_clerk, chairman, "V/v ít phân công"), chairman, lead=unit("vp"))
    units = list(Unit.objects.on_system().internal().exclude(pk=chairman.unit_id).exclude(code="vp")[:11])
    many = directed(submitted(district_clerk, chairman, "V/v nhiều phân công"), chairman, lead=unit("vp"), coop=units)
    client = client_as(chairman)
    client.get(few.get_absolute_url())
    client.get(many.get_absolute_url())
    n = queries_for(client, few.get_absolute_url())
    with django_assert_num_queries(n):
        client.get(many.get_absolute_url())
    assert Assignment.objects.filter(record=many).count() == 12


@pytest.mark.parametrize(
    "query",
    ["?page=abc", "?page=-3", "?urgency=abc", "?box=xyz", "?sort=xyz", "?date_from=2026-13-45", "?status=nope",
     "?secrecy=tuyet", "?overdue=maybe", "?q=" + "a" * 300, "?doc_type=zz&assignee=%00"],
)  # fmt: skip
def test_hand_edited_list_urls_never_break_the_list(district_clerk, query):
    for url in (LIST_URL, "/documents/search/"):
        assert client_as(district_clerk).get(url + query).status_code == 200, url


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"pages": "-1"}, "pages"),
        ({"pages": "mười"}, "pages"),
        ({"issuer_unit": "999999", "issuer_name": ""}, "issuer_unit"),
        ({"urgency": "9"}, "urgency"),
        ({"secrecy": "mat"}, "secrecy"),
        ({"doc_type": "xx"}, "doc_type"),
        ({"summary": "x" * 2001}, "summary"),
    ],
)
def test_garbage_in_the_registering_form_is_a_400_with_the_field_marked(district_clerk, overrides, field):
    before = IncomingRecord.objects.count()

    response = client_as(district_clerk).post(NEW_URL, form_data(**overrides))

    assert response.status_code == 400
    assert re.search(
        rf'<(input|select|textarea)[^>]*name="{field}"[^>]*class="[^"]*is-invalid', html(response)
    ) or re.search(rf'<(input|select|textarea)[^>]*class="[^"]*is-invalid[^"]*"[^>]*name="{field}"', html(response))
    assert IncomingRecord.objects.count() == before


def test_choices_outside_the_record_are_refused_by_the_action_forms(district_clerk, chairman, vp_head, dept_staff):
    record = submitted(district_clerk, chairman)
    outsider_person = f"p:{dept_staff.pk}"  # not a person of UBND huyện
    external = f"u:{unit('ubnd-tinh').pk}"  # not on the system

    for lead in (outsider_person, external, "u:999999", "p:abc", "nonsense"):
        response = act(chairman, record, "direct", {"text": "Giao", "lead": lead})
        assert response.status_code == 400, lead
    record.refresh_from_db()
    assert record.status == IncomingStatus.SUBMITTED

    _clerk_away("vp")  # the old path: Văn phòng's head delegates on the district record
    directed(record, chairman, lead=unit("vp"))
    assignment = record.assignments.get()
    for data in (
        {"assignment": assignment.pk, "to_user": dept_staff.pk},
        {"assignment": 999999, "to_user": vp_head.pk},
    ):
        assert act(vp_head, record, "delegate", data).status_code == 400
    assignment.refresh_from_db()
    assert assignment.assignee_user is None


def test_an_unknown_arrival_step_changes_nothing(commune_clerk, arrival):
    response = client_as(commune_clerk).post(f"{ARRIVALS}{arrival.pk}/", {"do": "xoa"})

    assert response.status_code == 400
    arrival.refresh_from_db()
    assert arrival.status == DeliveryStatus.OPENED


def test_a_cong_van_is_listed_with_its_vv_as_its_page_shows_it(commune_clerk):
    """A công văn issued here keeps its trích yếu without "V/v" (the official face prints it under the number); the
    receiver's lists and its page both show "V/v …" (issue 18), other kinds of document as they are."""
    letter = register(commune_clerk, "tổng kiểm tra tài khoản văn phòng điện tử", doc_type="cv")
    plan = register(commune_clerk, "Kế hoạch chuyển đổi số năm 2027", doc_type="kh")

    page = html(listed(commune_clerk, "?box=so"))
    found = html(listed(commune_clerk, "?q=tong+kiem+tra"))

    assert "V/v tổng kiểm tra tài khoản văn phòng điện tử" in page
    assert "V/v tổng kiểm tra tài khoản văn phòng điện tử" in found
    assert "V/v Kế hoạch" not in page and "Kế hoạch chuyển đổi số năm 2027" in page
    assert "V/v tổng kiểm tra" in html(client_as(commune_clerk).get(f"{LIST_URL}{letter.pk}/"))
    assert plan.document.summary in html(client_as(commune_clerk).get(f"{LIST_URL}{plan.pk}/"))
