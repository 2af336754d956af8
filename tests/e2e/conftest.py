"""Headless Chromium (Debian's) driven by Playwright against Django's live server."""

from __future__ import annotations

import os
import shutil

import pytest

from tests.helpers import user

CHROMIUM = os.environ.get("IDESK_CHROMIUM", "/usr/bin/chromium")
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
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, seeded):
    context = browser.new_context(
        locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(15000)
    page = context.new_page()
    page.base_url = live_server.url
    yield page
    context.close()


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
