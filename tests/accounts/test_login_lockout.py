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
