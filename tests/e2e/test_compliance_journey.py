"""A leader reads the compliance dashboard and a notification in a real browser (charts drawn, htmx bell)."""

import pytest

from tests.e2e.conftest import login
from tests.helpers import user

pytestmark = pytest.mark.e2e


def test_a_leader_reads_the_dashboard_and_marks_a_notification_read(page):
    from django.utils import timezone

    from idesk import compliance
    from idesk.models import Notification
    from tests.idesk.factories import TUE, WED, at, deliver, document, unit, visit

    visit(user("vanthu.canhhiep"), WED, "08:00", "14:00")
    deliver(document("V/v báo cáo nhanh tình hình mưa lũ"), unit("xa-canh-hien"), at(TUE, "09:00"))
    compliance.compute_day(TUE)
    compliance.compute_day(WED)
    chairman = user("chutich")
    Notification.objects.filter(recipient=chairman).delete()
    Notification.objects.create(
        recipient=chairman,
        kind="breach",
        title="Ngày 18/11/2026: 1 đơn vị vi phạm",
        dedup_key="e2e",
        created_at=timezone.now(),
    )

    login(page, "chutich")
    assert page.locator("#bell .badge").inner_text() == "1"
    page.goto(page.base_url + f"/units/compliance/?from={TUE}&to={WED}")
    rows = page.locator("table.table-compliance tbody tr")
    assert "UBND xã Canh Hiển" in rows.first.inner_text() and "Vi phạm" in rows.first.inner_text()
    page.wait_for_function("() => Chart.getChart('trend-chart') !== undefined")

    rows.first.get_by_role("link", name="UBND xã Canh Hiển").click()
    page.wait_for_url("**/units/compliance/xa-canh-hien/**")
    assert "V/v báo cáo nhanh tình hình mưa lũ" in page.content()
    page.wait_for_function("() => Chart.getChart('unit-chart') !== undefined")

    page.goto(page.base_url + "/notifications/")
    page.get_by_role("button", name="Đánh dấu đã đọc").first.click()
    page.locator("#bell .badge").wait_for(state="detached")  # the bell refreshed through htmx
    assert Notification.objects.get(recipient=chairman).read_at is not None
