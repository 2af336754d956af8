from django.test import Client


def _attempt(client, username, password):
    return client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR="10.0.0.7")


def test_wrong_password_shows_a_vietnamese_error(commune_clerk):
    response = _attempt(Client(), commune_clerk.username, "sai-mat-khau")
    assert response.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in response.content.decode()


def test_five_failures_lock_the_username_for_this_address(commune_clerk):
    client = Client()
    for _ in range(4):
        assert _attempt(client, commune_clerk.username, "sai").status_code == 200
    locked = _attempt(client, commune_clerk.username, "sai")
    assert locked.status_code == 429
    assert "tạm thời bị khóa" in locked.content.decode()
    assert "15 phút" in locked.content.decode()
    # Even the right password is refused while locked.
    again = _attempt(client, commune_clerk.username, "idesk-demo")
    assert again.status_code == 429


def test_another_address_is_not_locked(commune_clerk):
    client = Client()
    for _ in range(5):
        _attempt(client, commune_clerk.username, "sai")
    other = client.post(
        "/accounts/login/", {"username": commune_clerk.username, "password": "idesk-demo"}, REMOTE_ADDR="10.0.0.8"
    )
    assert other.status_code == 302


def test_the_lock_lifts_after_fifteen_minutes(commune_clerk):
    import datetime

    import time_machine
    from django.utils import timezone

    client = Client()
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        for _ in range(5):
            _attempt(client, commune_clerk.username, "sai")
    with time_machine.travel(now + datetime.timedelta(minutes=16), tick=False):
        assert _attempt(client, commune_clerk.username, "idesk-demo").status_code == 302


def test_login_logout_and_password_change_pages_are_in_vietnamese(commune_clerk):
    client = Client()
    assert "Đăng nhập" in client.get("/accounts/login/").content.decode()
    client.force_login(commune_clerk)
    page = client.get("/accounts/password/").content.decode()
    assert "Đổi mật khẩu" in page and "Mật khẩu cũ" in page
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/").status_code == 302


# --- The client's address: trusted proxies only (issue 14) ---------------------------------------------------

import datetime  # noqa: E402

import pytest  # noqa: E402
import time_machine  # noqa: E402
from django.test import RequestFactory  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.client_ip import client_ip  # noqa: E402


def _via(client, username, password, peer, forwarded=None):
    extra = {"REMOTE_ADDR": peer}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post("/accounts/login/", {"username": username, "password": password}, **extra)


@pytest.mark.parametrize(
    ("peer", "forwarded", "expected"),
    [
        ("203.0.113.9", "10.9.9.9", "203.0.113.9"),  # untrusted peer: its header is ignored
        ("127.0.0.1", "203.0.113.9", "203.0.113.9"),  # nginx on the host
        ("127.0.0.1", "10.9.9.9, 203.0.113.9", "203.0.113.9"),  # the client's own entry on the left is ignored
        ("127.0.0.1", "203.0.113.9, 10.0.0.2", "203.0.113.9"),  # two trusted proxies
        ("127.0.0.1", "", "127.0.0.1"),
        ("127.0.0.1", "not-an-address", "127.0.0.1"),
        ("::ffff:127.0.0.1", "203.0.113.9:4711", "203.0.113.9"),
        ("::1", "[2001:db8::5]:443", "2001:db8::5"),
    ],
)
def test_client_ip_reads_forwarded_for_only_from_trusted_proxies(settings, peer, forwarded, expected):
    settings.IDESK_TRUSTED_PROXIES = ["127.0.0.1", "::1", "10.0.0.0/24"]
    request = RequestFactory().get("/", REMOTE_ADDR=peer, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_without_trusted_proxies_forwarded_for_is_never_read(settings):
    settings.IDESK_TRUSTED_PROXIES = []
    assert client_ip(RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4")) == "127.0.0.1"


def test_five_failures_from_one_address_do_not_lock_the_user_at_another_behind_the_proxy(settings, commune_clerk):
    settings.IDESK_TRUSTED_PROXIES = ["127.0.0.1"]
    attacker, victim = Client(), Client()
    for _ in range(5):
        _via(attacker, commune_clerk.username, "sai", "127.0.0.1", "198.51.100.66")
    assert _via(attacker, commune_clerk.username, "idesk-demo", "127.0.0.1", "198.51.100.66").status_code == 429
    assert _via(victim, commune_clerk.username, "idesk-demo", "127.0.0.1", "203.0.113.10").status_code == 302


def test_a_forged_forwarded_for_from_an_untrusted_peer_is_ignored(settings, commune_clerk):
    settings.IDESK_TRUSTED_PROXIES = ["127.0.0.1"]
    client = Client()
    # A new made-up address each time does not escape the lock...
    for i in range(5):
        _via(client, commune_clerk.username, "sai", "198.51.100.66", f"10.1.1.{i}")
    assert _via(client, commune_clerk.username, "idesk-demo", "198.51.100.66", "10.1.1.99").status_code == 429
    # ...and naming the victim's address does not lock the victim.
    assert _via(Client(), commune_clerk.username, "idesk-demo", "127.0.0.1", "10.1.1.0").status_code == 302


def test_a_forged_entry_before_the_proxys_own_is_ignored(settings, commune_clerk):
    settings.IDESK_TRUSTED_PROXIES = ["127.0.0.1"]
    for i in range(5):
        _via(Client(), commune_clerk.username, "sai", "127.0.0.1", f"10.1.1.{i}, 198.51.100.66")
    assert _via(Client(), commune_clerk.username, "idesk-demo", "127.0.0.1", "198.51.100.66").status_code == 429
    assert _via(Client(), commune_clerk.username, "idesk-demo", "127.0.0.1", "10.1.1.0").status_code == 302


def test_the_right_password_during_a_lock_does_not_restart_it_and_the_page_says_how_long(commune_clerk):
    client = Client()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _ in range(5):
            _attempt(client, commune_clerk.username, "sai")
    with time_machine.travel(start + datetime.timedelta(minutes=10, seconds=30), tick=False):
        locked = _attempt(client, commune_clerk.username, "idesk-demo")
        assert locked.status_code == 429
        page = locked.content.decode()
        assert "sau 5 phút" in page and "quản trị hệ thống" in page
        assert "idesk-topbar" in page  # in the layout
        assert _attempt(client, commune_clerk.username, "sai").status_code == 429
    # 15 minutes after the fifth failure, not after the attempts made during the lock.
    with time_machine.travel(start + datetime.timedelta(minutes=15, seconds=30), tick=False):
        assert _attempt(client, commune_clerk.username, "idesk-demo").status_code == 302


def test_the_old_proxy_count_setting_is_refused():
    import os
    import subprocess
    import sys

    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env = {**os.environ, "AXES_PROXY_COUNT": "1"}
    out = subprocess.run([sys.executable, "manage.py", "check"], cwd=root, env=env, capture_output=True, text=True)
    assert out.returncode != 0 and "IDESK_TRUSTED_PROXIES" in out.stderr
