"""The tab strips of Văn bản đến, Chờ vào sổ and Văn bản đi (issue 18): at 1280 px every tab shows; at 360 px they
are one row that scrolls sideways, with the current tab in view and each other tab reachable by scrolling to it
or by the keyboard, never hidden."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import TABS_COUNTED, sign_in

pytestmark = pytest.mark.e2e

STRIP = "nav ul.idesk-tabs"
# Per tab: its label, and whether it lies inside the strip's visible box (not under its edges).
TABS = """strip => {
  const box = strip.getBoundingClientRect();
  return [...strip.querySelectorAll('a.nav-link')].map(a => {
    const r = a.getBoundingClientRect();
    return {label: a.innerText.replace(/\\s+/g, ' ').trim(), current: a.getAttribute('aria-current') === 'page',
            inside: r.left >= box.left - 1 && r.right <= box.right + 1, height: r.height};
  });
}"""

CASES = [
    ("vanthu.ubnd", "/documents/incoming/?box=de_biet", "Để biết"),
    ("vanthu.ubnd", "/documents/incoming/arrivals/", "Chờ vào sổ"),
    ("chutich", "/documents/outgoing/?tab=da_phat_hanh", "Sổ văn bản đi"),
    ("vanthu.canhhien", "/documents/incoming/?box=qua_han", "Quá hạn"),
]


def open_counted(page, url: str) -> None:
    page.goto(url)
    page.wait_for_function(TABS_COUNTED)


@pytest.mark.parametrize("username, path, current", CASES)
def test_tab_strips_are_one_scrolling_row_on_a_phone(page, username, path, current):
    sign_in(page, username)
    page.set_viewport_size({"width": 1280, "height": 900})
    open_counted(page, page.base_url + path)
    strip = page.locator(STRIP)
    wide = strip.evaluate(TABS)
    assert len(wide) >= 4 and all(t["inside"] for t in wide), wide

    page.set_viewport_size({"width": 360, "height": 800})
    open_counted(page, page.base_url + path)
    strip = page.locator(STRIP)
    tabs = strip.evaluate(TABS)
    assert [t["label"] for t in tabs] == [t["label"] for t in wide]  # the same tabs, none dropped
    # One row: the strip is no taller than its tallest tab (plus its border), and scrolls sideways.
    assert strip.bounding_box()["height"] <= max(t["height"] for t in tabs) + 4
    assert strip.evaluate("s => s.scrollWidth > s.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    # The current tab is the one opened, and it is brought into view.
    (shown,) = [t for t in tabs if t["current"]]
    assert shown["label"].startswith(current) and shown["inside"], tabs
    # Every tab is reachable: the keyboard brings each into the strip's view in turn.
    strip.locator("a.nav-link").first.focus()
    for i in range(len(tabs)):
        if i:
            page.keyboard.press("Tab")
        focused = strip.evaluate(TABS)
        assert focused[i]["inside"], (i, focused)
        assert strip.locator("a.nav-link").nth(i).evaluate("a => a === document.activeElement")


@pytest.mark.parametrize("width", [1280, 360])
def test_the_tabs_keep_their_place_when_their_counts_arrive(page, width):
    """The counts come after the page (the badges' request): until then each empty badge keeps a one-digit count's
    room, so a tab whose count has one digit does not move, nor push the tabs after it, when its count arrives."""
    sign_in(page, "vanthu.ubnd")
    page.set_viewport_size({"width": width, "height": 900})
    held = []
    page.route("**/dieu-huong/dem/**", lambda route: held.append(route))
    with page.expect_request("**/dieu-huong/dem/**"):  # sent after the page's load, then held
        page.goto(page.base_url + "/documents/incoming/?box=all")
    page.wait_for_function("() => document.querySelectorAll('nav ul.idesk-tabs a.nav-link').length >= 4")
    place = "s => [...s.querySelectorAll('a.nav-link')].map(a => [a.offsetLeft, a.offsetWidth, a.innerText.trim()])"
    before = page.locator(STRIP).evaluate(place)
    assert held, "the counts were not asked for"
    for route in held:
        route.continue_()
    page.unroute("**/dieu-huong/dem/**")
    page.wait_for_function(TABS_COUNTED)
    after = page.locator(STRIP).evaluate(place)
    assert len(after) == len(before) >= 4
    for (left, wide, _), (left_after, wide_after, label) in zip(before, after, strict=True):
        digits = sum(ch.isdigit() for ch in label)
        assert digits >= 1, label  # each tab shows its count now
        if digits == 1:
            assert abs(wide_after - wide) <= 2, (label, wide, wide_after)
        assert abs(left_after - left) <= 2 * len(after), (label, left, left_after)
