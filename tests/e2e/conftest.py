"""Headless Chromium (Debian's) driven by Playwright against Django's live server.

Debian's `chromium-headless-shell` when installed: Chromium's headless build without the desktop browser around it,
the one Playwright itself runs headless tests in. The journeys take ~40 % less CPU in it than in the full browser's
headless mode (measured in docs/performance.md); `/usr/bin/chromium` otherwise, or IDESK_CHROMIUM."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from tests.helpers import user

CHROMIUM = os.environ.get("IDESK_CHROMIUM") or next(
    (path for path in ("/usr/bin/chromium-headless-shell", "/usr/bin/chromium") if os.path.exists(path)),
    "/usr/bin/chromium",
)
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        if os.environ.get("IDESK_REQUIRE_E2E"):
            pytest.fail(f"Chromium not found at {CHROMIUM}; .ci/run installs it")
        pytest.skip("Chromium is not installed (apt-get install chromium-headless-shell)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield browser
        browser.close()


def new_page(browser, base_url: str, *, locale: str = "vi-VN", width: int = 1280, height: int = 900, **options):
    """A page in a browser context of its own (its own cookies), as a browser in Vietnam opens it."""
    context = browser.new_context(
        locale=locale, timezone_id="Asia/Ho_Chi_Minh", viewport={"width": width, "height": height}, **options
    )
    context.set_default_timeout(15000)
    page = context.new_page()
    page.base_url = base_url
    return page


@pytest.fixture
def page(browser, live_server, seeded):
    page = new_page(browser, live_server.url)
    yield page
    page.context.close()


def as_person(browser, base_url: str, username: str, path: str = "/vao/", **options):
    """A page of its own signed in as `username` (sign_in), opened at `path`: by default where the login form
    would have landed them. The form itself is walked through by the journeys that start at it."""
    page = new_page(browser, base_url, **options)
    sign_in(page, username)
    page.goto(base_url + path)
    return page


# A list's tab counts arrive after the page, with the navigation's badges (idesk.views.nav_counts).
TABS_COUNTED = "() => [...document.querySelectorAll('.idesk-tabs [id^=tab-count-]')].every(b => b.textContent !== '')"


def open_tab(page, name: str) -> None:
    """Click a list's tab once its counts are in: a count of two digits or more widens its tab when it arrives
    (an empty badge keeps one digit's room), and a click aimed before then can land on the tab next to it."""
    page.wait_for_function(TABS_COUNTED)
    page.locator("main").get_by_role("link", name=re.compile(name)).click()


def screenshot(page, name: str) -> None:
    """The whole page into $IDESK_SCREENSHOTS as name.png, when it is set, for a person to look at (a full-page
    shot costs ~0.15 s: none otherwise)."""
    if folder := os.environ.get("IDESK_SCREENSHOTS"):
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def login(page, username: str, password: str = "idesk-demo") -> None:
    page.goto(page.base_url + "/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    # Each role lands on its work: Bàn làm việc, or Chờ xử lý for a district leader (idesk.desk.landing_url).
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def sign_in(page, username: str) -> None:
    """A signed-in session without the form, for tests about the pages behind it (the form has its own journeys):
    the session cookie of Django's test client, whose force_login sends the same user_logged_in signal."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user(username))
    name = settings.SESSION_COOKIE_NAME
    page.context.add_cookies([{"name": name, "value": client.cookies[name].value, "url": page.base_url}])
