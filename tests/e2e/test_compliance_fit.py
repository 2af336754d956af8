"""The compliance drill-down at 1280 px (issue 18): every table fits its box, nothing scrolls sideways."""

import pytest

from tests.e2e.conftest import screenshot, sign_in
from tests.helpers import user

pytestmark = pytest.mark.e2e

OVERFLOWING = """() => Array.from(document.querySelectorAll('main table')).filter(t => {
  const box = t.closest('.table-responsive') || t.parentElement;
  return t.scrollWidth > box.clientWidth + 1;
}).map(t => t.querySelector('th') ? t.querySelector('th').textContent : t.className)"""


def test_the_drill_down_fits_at_1280(page):
    from idesk import compliance
    from tests.idesk.factories import MON, TUE, WED, assign, at, deliver, document, record, unit, visit

    visit(user("vanthu.canhhien"), TUE, "08:00")
    deliver(
        document("V/v báo cáo nhanh tình hình mưa lũ và thiệt hại trên địa bàn các xã"),
        unit("xa-canh-hien"),
        at(MON, "09:00"),
    )
    assign(
        record(document("V/v rà soát hộ nghèo, hộ cận nghèo năm 2026 theo chuẩn mới"), unit("ubnd")),
        to_unit=unit("xa-canh-hien"),
        due=MON,
    )
    compliance.compute_day(TUE)
    compliance.compute_day(WED)

    sign_in(page, "chutich")
    for width in (1280, 360):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(page.base_url + f"/units/compliance/xa-canh-hien/?from={MON}&to={WED}")
        screenshot(page, f"compliance-unit-{width}")
        if width == 1280:
            assert page.evaluate(OVERFLOWING) == []
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
