"""The dashboard /units/compliance/, the drill-down and the exports: who sees what, in what order, at what cost."""

import datetime
import io

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from guardian.shortcuts import assign_perm

from documents.models import Secrecy
from idesk import compliance
from tests.idesk.factories import MON, TUE, WED, assign, at, deliver, document, record, unit, user, visit
from tests.idesk.test_compliance import add_units

SECRET = "V/v kế hoạch bảo vệ an ninh dịp Tết Nguyên đán"


@pytest.fixture
def two_days(db):
    """Tue and Wed computed: Canh Hiển in breach, Canh Hiệp compliant, everyone else not compliant."""
    visit(user("vanthu.canhhiep"), TUE, "08:00", "14:00")
    visit(user("vanthu.canhhiep"), WED, "08:00", "14:00")
    visit(user("vanthu.canhhien"), TUE, "08:00")
    deliver(document("V/v báo cáo tình hình thiên tai"), unit("xa-canh-hien"), at(MON, "09:00"))
    deliver(document(SECRET, secrecy=Secrecy.MAT), unit("xa-canh-hien"), at(MON, "09:30"))
    assign(record(document("V/v rà soát hộ nghèo"), unit("ubnd")), to_unit=unit("xa-canh-hien"), due=MON)
    compliance.compute_day(TUE)
    compliance.compute_day(WED)


RANGE = f"?from={TUE.isoformat()}&to={WED.isoformat()}"


def test_staff_and_clerks_may_not_see_it(two_days, dept_staff, commune_clerk, as_user):
    for person in (dept_staff, commune_clerk):
        assert as_user(person).get("/units/compliance/").status_code == 403
        assert as_user(person).get("/units/compliance/xa-canh-hien/").status_code == 403
        assert as_user(person).get("/units/compliance/tuan-thu.xlsx").status_code == 403


def test_a_leader_sees_every_unit_breaches_first(two_days, chairman, as_user):
    page = as_user(chairman).get("/units/compliance/" + RANGE).content.decode()
    assert page.index("UBND xã Canh Hiển") < page.index("Phòng Nội vụ") < page.index("UBND xã Canh Hiệp")
    assert "Xu hướng toàn huyện" in page and "chart.umd.min.js" in page
    assert "từ ngày 17/11/2026 đến ngày 18/11/2026" in page
    assert "Ngày đạt" in page  # a range shows days met


def test_a_head_sees_only_their_own_unit(two_days, dept_head, as_user):
    client = as_user(dept_head)
    response = client.get("/units/compliance/" + RANGE)
    assert response.status_code == 302 and response["Location"] == "/units/compliance/noi-vu/" + RANGE
    page = client.get(response["Location"]).content.decode()
    assert "Phòng Nội vụ" in page and "UBND xã Canh Hiển" not in page
    assert client.get("/units/compliance/xa-canh-hien/" + RANGE).status_code == 403
    xlsx = client.get("/units/compliance/tuan-thu.xlsx" + RANGE)
    assert "Phòng Nội vụ" in _xlsx_text(xlsx.content) and "Canh Hi" not in _xlsx_text(xlsx.content)
    assert client.get("/units/compliance/tuan-thu.pdf" + RANGE + "&unit=xa-canh-hien").status_code == 403


def test_a_leader_exports_one_units_record(two_days, chairman, as_user):
    response = as_user(chairman).get("/units/compliance/tuan-thu.xlsx" + RANGE + "&unit=xa-canh-hien")
    assert "tuan-thu-xa-canh-hien-2026-11-17-den-2026-11-18.xlsx" in response["Content-Disposition"]
    rows = _xlsx_text(response.content).splitlines()
    assert len(rows) == 3 and "UBND xã Canh Hiển" in rows[2]


def test_without_dates_it_shows_the_latest_computed_day(two_days, chairman, as_user):
    page = as_user(chairman).get("/units/compliance/").content.decode()
    assert "ngày 18/11/2026" in page and "30 ngày gần nhất" in page


def test_a_bad_date_in_the_url_is_explained_not_a_crash(two_days, chairman, as_user):
    response = as_user(chairman).get("/units/compliance/?from=32/13/2026")
    assert response.status_code == 200
    assert "Ngày không hợp lệ" in response.content.decode()


def test_days_without_results_have_an_empty_state(two_days, chairman, as_user):
    page = as_user(chairman).get("/units/compliance/?from=2026-10-03&to=2026-10-04").content.decode()
    assert "Chưa có số liệu" in page and "18:00" in page


def test_the_drill_down_names_what_was_late_but_not_confidential_documents(two_days, chairman, as_user):
    page = as_user(chairman).get("/units/compliance/xa-canh-hien/" + RANGE).content.decode()
    assert "V/v báo cáo tình hình thiên tai" in page
    assert "V/v rà soát hộ nghèo" in page
    assert SECRET not in page and "Văn bản mật" in page
    assert "vanthu.canhhien" in page and "Lượt truy cập của văn thư theo ngày" in page


def test_the_drill_down_links_an_overdue_assignment_to_its_record(two_days, chairman, as_user):
    from documents.models import IncomingRecord

    overdue = IncomingRecord.objects.get(document__summary="V/v rà soát hộ nghèo")
    page = as_user(chairman).get("/units/compliance/xa-canh-hien/" + RANGE).content.decode()
    assert f'<a href="/documents/incoming/{overdue.pk}/">V/v rà soát hộ nghèo</a>' in page


def test_a_grant_on_the_confidential_document_lets_it_be_named(two_days, chairman, as_user):
    from documents.models import Document

    assign_perm("documents.view_confidential", chairman, Document.objects.get(summary=SECRET))
    page = as_user(chairman).get("/units/compliance/xa-canh-hien/" + RANGE).content.decode()
    assert SECRET in page


def _xlsx_text(content: bytes) -> str:
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(content)).active
    return "\n".join(" | ".join("" if c is None else str(c) for c in row) for row in ws.iter_rows(values_only=True))


def test_excel_export_of_the_range(two_days, chairman, as_user):
    response = as_user(chairman).get("/units/compliance/tuan-thu.xlsx" + RANGE)
    assert response.status_code == 200
    assert "tuan-thu-2026-11-17-den-2026-11-18.xlsx" in response["Content-Disposition"]
    text = _xlsx_text(response.content)
    assert "từ ngày 17/11/2026 đến ngày 18/11/2026" in text
    lines = text.splitlines()
    assert lines[1].startswith("STT | Cơ quan, đơn vị")
    assert lines[2].startswith("1 | UBND xã Canh Hiển | vanthu.canhhien | 2 | 0 | 2 | 2 | 1 |")
    assert lines[2].endswith("| 2 | 1 | 0 | Vi phạm")


def test_pdf_export_is_a_report_the_chairman_can_sign(two_days, chairman, as_user):
    from pypdf import PdfReader

    # Signed on a later day than the month it reports on: the heading names the period, the date line today.
    with time_machine.travel(at(datetime.date(2027, 1, 4), "09:00"), tick=False):
        response = as_user(chairman).get("/units/compliance/tuan-thu.pdf?from=2026-11-01&to=2026-11-30")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    page = reader.pages[0]
    assert page.mediabox.width > page.mediabox.height  # landscape
    text = "\n".join(p.extract_text() for p in reader.pages)
    for expected in [
        "BÁO CÁO",
        "Tháng 11 năm 2026",  # the period under the title
        "ngày 04 tháng 01 năm 2027",  # the date line
        "UBND xã Canh Hiển",
        "Vi phạm",
        "CHỦ TỊCH",
        "Trần Kim Vũ",
        "Trang 1/",
    ]:
        assert expected in text, expected


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_dashboard_reads_a_constant_number_of_queries(two_days, chairman, as_user):
    client = as_user(chairman)
    client.get("/")  # settle the session
    before = _queries(client, "/units/compliance/" + RANGE)
    before_unit = _queries(client, "/units/compliance/xa-canh-hien/" + RANGE)
    add_units(12)
    compliance.compute_day(TUE)
    compliance.compute_day(WED)
    assert _queries(client, "/units/compliance/" + RANGE) == before
    assert _queries(client, "/units/compliance/xa-canh-hien/" + RANGE) == before_unit
    assert before <= 14


def test_the_dashboard_reads_only_stored_results(two_days, chairman, as_user):
    """GIVEN stored results WHEN new visits arrive THEN the page does not change until the day is recomputed."""
    client = as_user(chairman)
    visit(user("vanthu.canhhien"), WED, "09:00", "15:00")
    page = client.get(f"/units/compliance/?from={WED}&to={WED}").content.decode()
    assert page.index("UBND xã Canh Hiển") < page.index("Phòng Nội vụ")  # still in breach
    compliance.compute_day(WED)
    page = client.get(f"/units/compliance/?from={WED}&to={WED}").content.decode()
    assert page.index("Phòng Nội vụ") < page.index("UBND xã Canh Hiển")


def test_ranges_are_capped_and_future_dates_clamped(two_days, chairman, as_user):
    today = datetime.date.today()
    page = as_user(chairman).get(f"/units/compliance/?from=2020-01-01&to={today + datetime.timedelta(days=30)}")
    assert page.status_code == 200
    assert "Chỉ xem tối đa 366 ngày một lần" in page.content.decode()


def test_the_drill_down_lists_unexcused_meeting_absences(db, chairman, as_user):
    from documents.models import Attendance, MeetingInvitee
    from tests.idesk.test_compliance import meeting_at

    MeetingInvitee.objects.create(meeting=meeting_at(TUE), unit=unit("xa-canh-hien"), attendance=Attendance.UNEXCUSED)
    compliance.compute_day(TUE)
    page = as_user(chairman).get(f"/units/compliance/xa-canh-hien/?from={TUE}&to={TUE}").content.decode()
    assert "Vắng họp không có lý do chính đáng" in page and "Họp giao ban tháng 11" in page
    dashboard = as_user(chairman).get(f"/units/compliance/?from={TUE}&to={TUE}").content.decode()
    assert dashboard.index("UBND xã Canh Hiển") < dashboard.index("Phòng Nội vụ")  # in breach through the absence


def _table(page: str) -> str:
    return page[page.index('<table class="table table-sm') : page.index("</table>")]


MONTH = "?from=2026-11-01&to=2026-11-30"


def test_a_month_reads_its_summary_and_shows_what_its_days_show(two_days, chairman, as_user):
    client = as_user(chairman)
    from_days = client.get("/units/compliance/" + MONTH).content.decode()
    compliance.summarize_month(TUE)
    assert compliance.summarized_month(*compliance.month_bounds(TUE))
    from_summary = client.get("/units/compliance/" + MONTH).content.decode()
    assert _table(from_summary) == _table(from_days)
    table = _table(from_summary)
    assert "UBND xã Canh Hiển" in table and "0/2" in table and "Vi phạm · 2 ngày" in table
    assert 'href="/units/compliance/xa-canh-hien/?from=2026-11-01&amp;to=2026-11-' in table
    assert "2 chậm mở" in table and "1 quá hạn" in table  # each late item once over the two days
    xlsx = _xlsx_text(client.get("/units/compliance/tuan-thu.xlsx" + MONTH).content).splitlines()
    assert xlsx[2].startswith("1 | UBND xã Canh Hiển | vanthu.canhhien | 2 | 0 | 2 | 2 | 1 |")
    assert xlsx[2].endswith("| 2 | 1 | 0 | Vi phạm")


def test_a_summarized_month_reads_a_constant_number_of_queries(two_days, chairman, as_user):
    client = as_user(chairman)
    client.get("/")
    compliance.summarize_month(TUE)
    before = _queries(client, "/units/compliance/" + MONTH)
    add_units(12)
    compliance.compute_days([TUE, WED])
    assert compliance.summarized_month(*compliance.month_bounds(TUE))
    assert _queries(client, "/units/compliance/" + MONTH) == before
