"""Two-factor sign-in (issue 14): TOTP codes computed here from the device's key with the clock pinned."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client, RequestFactory
from django_otp import login as otp_login
from django_otp.middleware import OTPMiddleware
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.helpers import user as who

NOW = datetime.datetime(2025, 3, 12, 9, 0, tzinfo=datetime.UTC)
ADDRESS = "10.0.0.21"
LOGIN = "/accounts/login/"
VERIFY = "/accounts/xac-thuc/"
SETUP = "/accounts/xac-thuc-hai-buoc/thiet-lap/"
MANAGE = "/accounts/xac-thuc-hai-buoc/"
CODES = "/accounts/xac-thuc-hai-buoc/ma-du-phong/"


@pytest.fixture
def required(settings):
    settings.IDESK_2FA = True
    settings.IDESK_2FA_REQUIRED_ROLES = ["leader", "head", "deputy_head", "admin"]


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def _wrong(device: TOTPDevice) -> str:
    # Not the code of this step nor of the neighbouring ones the device tolerates.
    near = {f"{totp(device.bin_key, step=device.step, t0=device.t0 + shift * device.step):06d}" for shift in (-1, 0, 1)}
    return next(c for c in ("123456", "654321", "111111", "999999") if c not in near)


def _login(user, client=None, address=ADDRESS) -> Client:
    client = client or Client()
    response = client.post(LOGIN, {"username": user.username, "password": "idesk-demo"}, REMOTE_ADDR=address)
    assert response.status_code == 302, response.content.decode()[:500]
    return client


def _device(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Ứng dụng xác thực", confirmed=True)


def _recovery(user, codes=("abcd2345", "efgh6723")) -> StaticDevice:
    device = StaticDevice.objects.create(user=user, name="Mã dự phòng", confirmed=True)
    for code in codes:
        device.token_set.create(token=code)
    return device


def _no_inline(html: str) -> None:
    # The Content-Security-Policy refuses inline style and script.
    assert " style=" not in html
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)


# --- Who must set it up ---------------------------------------------------------------------------------------


def test_a_leader_without_a_device_is_sent_to_set_up_before_any_page(required, clock, chairman):
    client = _login(chairman)
    for path in ("/", "/documents/incoming/", "/notifications/", "/admin/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith(SETUP + "?next=")
    page = client.get(SETUP)
    html = page.content.decode()
    assert page.status_code == 200
    assert "Thiết lập xác thực hai bước" in html and "bắt buộc" in html
    assert 'src="data:image/svg+xml' in html  # the QR code, allowed by img-src data:
    device = TOTPDevice.objects.get(user=chairman, confirmed=False)
    assert html.count("<svg") == 0 and device.config_url  # an <img>, not markup to inline
    _no_inline(html)
    # The same key on reload, so a QR scanned a moment ago still matches.
    client.get(SETUP)
    assert TOTPDevice.objects.filter(user=chairman).count() == 1


def test_set_up_with_the_apps_code_shows_ten_recovery_codes_once(required, clock, chairman):
    client = _login(chairman)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=chairman, confirmed=False)
    response = client.post(SETUP, {"code": _code(device), "next": "/documents/incoming/"})
    assert response.status_code == 302 and response["Location"] == CODES
    device.refresh_from_db()
    assert device.confirmed
    page = client.get(CODES).content.decode()
    stored = set(StaticToken.objects.filter(device__user=chairman).values_list("token", flat=True))
    assert len(stored) == 10
    for code in stored:
        assert f"{code[:4]}-{code[4:]}" in page
    assert 'href="/documents/incoming/"' in page
    # Shown once only.
    again = client.get(CODES)
    assert again.status_code == 302
    assert not any(f"{c[:4]}-{c[4:]}" in client.get(MANAGE).content.decode() for c in stored)
    # This session is verified: pages open.
    assert client.get("/").status_code == 200
    assert client.get("/documents/incoming/").status_code == 200


def test_a_wrong_or_malformed_code_is_refused_at_set_up(required, clock, chairman):
    client = _login(chairman)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=chairman, confirmed=False)
    wrong = client.post(SETUP, {"code": _wrong(device)})
    assert wrong.status_code == 200
    assert "Mã xác thực không đúng" in wrong.content.decode()
    assert 'aria-invalid="true"' in wrong.content.decode()
    malformed = client.post(SETUP, {"code": "12ab"})
    assert "Mã xác thực gồm 6 chữ số." in malformed.content.decode()
    # Right after a wrong code django-otp's back-off refuses even the right one, and says to wait.
    hurried = client.post(SETUP, {"code": _code(device)})
    assert hurried.status_code == 200 and "đợi một lát" in hurried.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert client.get("/").status_code == 302
    clock.shift(2)
    assert client.post(SETUP, {"code": _code(device)})["Location"] == CODES


def test_an_ordinary_staff_member_is_not_forced(required, clock, dept_staff, commune_clerk):
    for person in (dept_staff, commune_clerk):
        client = _login(person)
        assert client.get("/").status_code == 200
        assert client.get("/documents/incoming/").status_code == 200


def test_with_two_factor_off_a_leader_signs_in_with_the_password_alone(settings, clock, chairman):
    settings.IDESK_2FA = False  # development and the demo (DEBUG=1) unless IDESK_2FA=1
    client = _login(chairman)
    assert client.get("/").status_code == 200


def test_the_required_roles_are_a_setting(required, settings, clock, chairman, dept_staff):
    settings.IDESK_2FA_REQUIRED_ROLES = ["staff"]
    assert _login(dept_staff).get("/").status_code == 302
    assert _login(chairman).get("/").status_code == 200


# --- The second step at sign-in -------------------------------------------------------------------------------


def test_with_a_device_the_code_is_asked_after_the_password_and_each_code_works_once(required, clock, chairman):
    device = _device(chairman)
    client = _login(chairman)
    response = client.get("/documents/incoming/")
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)
    page = client.get(response["Location"]).content.decode()
    assert "Xác thực hai bước" in page and "Mã xác thực" in page and 'autocomplete="one-time-code"' in page
    assert 'id="main"' in page and "Văn bản đến" not in page  # no menus before the second step
    _no_inline(page)
    wrong = client.post(VERIFY, {"code": _wrong(device), "next": "/documents/incoming/"}, REMOTE_ADDR=ADDRESS)
    assert wrong.status_code == 200 and "Mã xác thực không đúng" in wrong.content.decode()
    assert client.get("/").status_code == 302
    clock.shift(2)  # past django-otp's back-off after one failure
    code = _code(device)
    right = client.post(VERIFY, {"code": code, "next": "/documents/incoming/"}, REMOTE_ADDR=ADDRESS)
    assert right.status_code == 302 and right["Location"] == "/documents/incoming/"
    assert client.get("/documents/incoming/").status_code == 200
    # The same code again (another sign-in within its 30 seconds) is refused.
    other = _login(chairman)
    replay = other.post(VERIFY, {"code": code}, REMOTE_ADDR=ADDRESS)
    assert replay.status_code == 200 and "đã được dùng" in replay.content.decode()


def test_an_optional_device_is_asked_for_even_when_two_factor_is_not_required(settings, clock, dept_staff):
    settings.IDESK_2FA = False
    device = _device(dept_staff)
    client = _login(dept_staff)
    assert client.get("/").status_code == 302
    assert client.post(VERIFY, {"code": _code(device)}, REMOTE_ADDR=ADDRESS).status_code == 302
    assert client.get("/").status_code == 200


def test_a_recovery_code_works_once(required, clock, chairman):
    _device(chairman)
    _recovery(chairman)
    client = _login(chairman)
    used = client.post(VERIFY, {"code": "ABCD-2345", "next": "/"}, REMOTE_ADDR=ADDRESS, follow=True)
    assert used.redirect_chain[0] == ("/", 302)
    assert "còn lại 1 mã" in used.content.decode()
    assert client.get("/documents/incoming/").status_code == 200
    again = _login(chairman)
    refused = again.post(VERIFY, {"code": "abcd2345"}, REMOTE_ADDR=ADDRESS)
    assert refused.status_code == 200 and "Mã xác thực không đúng" in refused.content.decode()
    assert StaticToken.objects.filter(device__user=chairman).count() == 1


def test_a_fragment_request_moves_the_whole_page(required, clock, chairman):
    _device(chairman)
    client = _login(chairman)
    response = client.get("/notifications/bell/", HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert response["HX-Redirect"] == VERIFY


# --- Lockout --------------------------------------------------------------------------------------------------


def _wrong_codes(client, device, count: int, clock):
    responses = []
    for _ in range(count):
        responses.append(client.post(VERIFY, {"code": _wrong(device)}, REMOTE_ADDR=ADDRESS))
        device.refresh_from_db()
        clock.shift(2**device.throttling_failure_count)  # past django-otp's back-off: each code is checked, counted
    return responses


def test_five_wrong_codes_lock_the_second_step_and_the_password_does_not_unlock_it(required, clock, chairman):
    device = _device(chairman)
    client = _login(chairman)
    responses = _wrong_codes(client, device, 5, clock)
    assert [r.status_code for r in responses] == [200, 200, 200, 200, 429]
    locked = responses[-1].content.decode()
    assert "nhập sai mã xác thực 5 lần" in locked and "phút" in locked
    # Signed out: the lock cannot be waited out in this session.
    assert client.get("/").status_code == 302 and client.get("/")["Location"].startswith(LOGIN)
    # The password still works (it is another count), but the second step stays locked, right code included.
    again = _login(chairman)
    assert again.post(VERIFY, {"code": _code(device)}, REMOTE_ADDR=ADDRESS).status_code == 429
    assert again.get("/").status_code == 302
    # After the cool-off the right code is accepted.
    clock.shift(16 * 60)
    later = _login(chairman)
    assert later.post(VERIFY, {"code": _code(device)}, REMOTE_ADDR=ADDRESS).status_code == 302
    assert later.get("/").status_code == 200


def test_signing_in_again_does_not_reset_the_count_of_wrong_codes(required, clock, chairman):
    device = _device(chairman)
    assert [r.status_code for r in _wrong_codes(_login(chairman), device, 3, clock)] == [200] * 3
    assert [r.status_code for r in _wrong_codes(_login(chairman), device, 2, clock)] == [200, 429]


def test_django_otp_throttles_codes_sent_too_fast(required, clock, chairman):
    device = _device(chairman)
    client = _login(chairman)
    client.post(VERIFY, {"code": _wrong(device)}, REMOTE_ADDR=ADDRESS)
    fast = client.post(VERIFY, {"code": _code(device)}, REMOTE_ADDR=ADDRESS)
    assert fast.status_code == 200 and "đợi một lát" in fast.content.decode()


# --- The admin site -------------------------------------------------------------------------------------------


def test_the_admin_site_requires_a_verified_session(required, clock, db):
    from django.contrib.admin import site

    admin = who("admin")
    request = RequestFactory().get("/admin/")
    request.user = admin
    request.session = SessionStore()
    OTPMiddleware(lambda r: None)(request)
    # Even without the middleware that sends people to the second step, the admin's own check refuses.
    assert not site.has_permission(request)
    device = _device(admin)
    request.session["idesk_2fa_device"] = True
    assert not site.has_permission(request)
    otp_login(request, device)
    assert site.has_permission(request)


def test_an_administrator_reaches_the_admin_after_the_code(required, clock, db):
    admin = who("admin")
    device = _device(admin)
    client = _login(admin)
    assert client.get("/admin/")["Location"].startswith(VERIFY)
    client.post(VERIFY, {"code": _code(device)}, REMOTE_ADDR=ADDRESS)
    assert client.get("/admin/").status_code == 200


# --- The person's own page: enabling, new codes, disabling ----------------------------------------------------


def test_anyone_can_enable_it_from_their_settings(required, clock, dept_staff):
    client = _login(dept_staff)
    preferences = client.get("/notifications/preferences/").content.decode()
    assert "Xác thực hai bước" in preferences and f'href="{MANAGE}"' in preferences
    manage = client.get(MANAGE).content.decode()
    assert "Đang tắt" in manage and f'href="{SETUP}"' in manage
    setup = client.get(SETUP).content.decode()
    assert "bắt buộc" not in setup and "Để sau" in setup
    device = TOTPDevice.objects.get(user=dept_staff, confirmed=False)
    assert client.post(SETUP, {"code": _code(device)})["Location"] == CODES
    assert client.get(CODES).status_code == 200
    assert "Đang bật" in client.get(MANAGE).content.decode()


def test_disabling_requires_a_current_code(required, clock, dept_staff):
    device = _device(dept_staff)
    _recovery(dept_staff)
    client = _login(dept_staff)
    client.post(VERIFY, {"code": _code(device)}, REMOTE_ADDR=ADDRESS)
    clock.shift(30)  # the next code
    refused = client.post(MANAGE + "tat/", {"disable-code": _wrong(device)}, REMOTE_ADDR=ADDRESS)
    assert refused.status_code == 200 and "Mã xác thực không đúng" in refused.content.decode()
    assert TOTPDevice.objects.filter(user=dept_staff).exists()
    clock.shift(30)
    done = client.post(MANAGE + "tat/", {"disable-code": _code(device)}, REMOTE_ADDR=ADDRESS)
    assert done.status_code == 302
    assert not TOTPDevice.objects.filter(user=dept_staff).exists()
    assert not StaticDevice.objects.filter(user=dept_staff).exists()
    assert _login(dept_staff).get("/").status_code == 200  # the password alone again


def test_a_leader_cannot_disable_it(required, clock, chairman):
    device = _device(chairman)
    client = _login(chairman)
    client.post(VERIFY, {"code": _code(device)}, REMOTE_ADDR=ADDRESS)
    assert "bắt buộc" in client.get(MANAGE).content.decode()
    clock.shift(30)
    client.post(MANAGE + "tat/", {"disable-code": _code(device)}, REMOTE_ADDR=ADDRESS)
    assert TOTPDevice.objects.filter(user=chairman, confirmed=True).exists()


def test_new_recovery_codes_need_a_code_and_replace_the_old_ones(required, clock, dept_staff):
    device = _device(dept_staff)
    _recovery(dept_staff)
    client = _login(dept_staff)
    client.post(VERIFY, {"code": _code(device)}, REMOTE_ADDR=ADDRESS)
    clock.shift(30)
    assert client.post(MANAGE + "ma-du-phong/moi/", {"codes-code": "abcd2345"})["Location"] == CODES
    tokens = set(StaticToken.objects.filter(device__user=dept_staff).values_list("token", flat=True))
    assert len(tokens) == 10 and "efgh6723" not in tokens
    shown = client.get(CODES).content.decode()
    assert all(f"{t[:4]}-{t[4:]}" in shown for t in tokens)
    assert "Còn 10 mã" in client.get(MANAGE).content.decode()


def test_a_misspelt_required_role_is_a_configuration_error(settings):
    from accounts.two_factor.checks import required_roles_exist

    assert required_roles_exist(None) == []
    settings.IDESK_2FA_REQUIRED_ROLES = ["leaders", "admin"]
    assert [e.id for e in required_roles_exist(None)] == ["accounts.E201"]
