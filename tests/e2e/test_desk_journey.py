"""Bàn làm việc per role and the pages that overflowed on a phone, at 1280 and 360 px (issue 18): nothing wider than
the screen; screenshots go to $IDESK_SCREENSHOTS, when it is set, to be looked at."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import login, screenshot, sign_in

pytestmark = pytest.mark.e2e

WIDTHS = (1280, 360)
# The widest element past the viewport's right edge, if any (its tag, classes and text, to say what overflows).
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth <= width) return null;
  for (const el of document.querySelectorAll('main *')) {
    const r = el.getBoundingClientRect();
    if (r.right > width + 1 && !el.closest('.table-responsive'))
      return el.tagName + '.' + el.className + ': ' + (el.innerText || '').slice(0, 60);
  }
  return 'document ' + document.documentElement.scrollWidth + ' > ' + width;
}"""


def look(page, name: str, path: str) -> dict[int, str]:
    overflows = {}
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(page.base_url + path)
        screenshot(page, f"{name}-{width}")
        if found := page.evaluate(OVERFLOW):
            overflows[width] = found
    return overflows


def test_the_public_notices_page_fits_a_phone(page):
    assert look(page, "cong-thong-bao", "/thong-bao/") == {}
    # Its accounts table is not scrolled sideways on a phone: each unit is a block with its labelled fields.
    page.set_viewport_size({"width": 360, "height": 900})
    table = page.locator("table.idesk-stack-xs")
    assert table.evaluate("t => t.scrollWidth <= t.parentElement.clientWidth")
    label = table.locator("tbody tr td").nth(1).evaluate("td => getComputedStyle(td, '::before').content")
    assert label == '"Tài khoản văn thư: "'


@pytest.mark.parametrize(
    "username, first_button",
    [
        ("vanthu.ubnd", "Vào sổ văn bản đến"),
        ("cv1.noivu", "Soạn văn bản"),
        ("truong.noivu", "Soạn văn bản"),
        ("cv1.canhhien", "Soạn văn bản"),  # a commune's staff member, nothing waiting: the empty state
    ],
)
def test_the_desk_of_each_role(page, username, first_button):
    login(page, username)
    assert page.url == page.base_url + "/"
    assert page.get_by_role("heading", name="Việc chờ tôi").is_visible()
    assert page.locator("[data-action]").first.inner_text().strip() == first_button
    if username == "cv1.canhhien":
        assert page.get_by_text("Không có việc nào đang chờ bạn").is_visible()
    assert look(page, f"ban-lam-viec-{username}", "/") == {}


def test_a_long_email_fits_the_preferences_page_on_a_phone(page):
    from accounts.models import User

    User.objects.filter(username="cv1.noivu").update(email="nguyen.thi.thanh.huong.phongnoivu@vancanh.binhdinh.gov.vn")
    sign_in(page, "cv1.noivu")
    assert look(page, "tuy-chon-thong-bao", "/notifications/preferences/") == {}


def test_a_leader_lands_on_cho_xu_ly_and_finds_the_desk(page):
    login(page, "chutich")
    assert page.url.endswith("/documents/incoming/?box=cho_xu_ly")
    # The badges arrive after the page (idesk.views.nav_counts); the current queue stays marked.
    current = page.locator("#sidebar [data-queue=cho_xu_ly]")
    expect(current.get_by_test_id("queue-count")).to_be_attached()
    assert current.get_attribute("aria-current") == "page"
    expect(page.locator("#sidebar [data-queue=cho_ky] [data-testid=queue-count]")).to_be_attached()
    page.get_by_role("link", name="Bàn làm việc").first.click()
    page.wait_for_url(page.base_url + "/")
    assert page.locator("[data-queue=cho_ky]").first.is_visible()
    assert look(page, "ban-lam-viec-chutich", "/") == {}
