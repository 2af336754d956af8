"""Production logging and error reports: a request id in each line and on the response, the task in the worker's
lines, server errors mailed to ADMINS (and the 500 page saying so only then), Sentry only with a DSN."""

import io
import logging
import os
import re
import subprocess
import sys
from contextlib import contextmanager

import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.urls import path
from django_q.tasks import async_task

from idesk.observability import parse_admins

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HEX_ID = re.compile(r"[0-9a-f]{32}")


def boom(request):
    raise RuntimeError("a bug in a view")


urlpatterns = [path("boom/", boom)]
handler500 = "idesk.views.error_500"


def logs_a_warning():
    logging.getLogger("idesk.tasks").warning("working on it")


@contextmanager
def console():
    """The configured console handler (one instance, shared by every logger), writing into a buffer for the test:
    its format and filters are the production ones."""
    handler = next(h for h in logging.getLogger().handlers if h.name == "console")
    buffer = io.StringIO()
    previous = handler.setStream(buffer)
    try:
        yield buffer
    finally:
        handler.setStream(previous)


def test_every_response_carries_a_request_id_and_a_proxys_well_formed_one_is_kept(db):
    client = Client()
    generated = client.get("/accounts/login/")["X-Request-ID"]
    assert HEX_ID.fullmatch(generated)
    assert client.get("/accounts/login/")["X-Request-ID"] != generated
    given = "7f3c2a9e-1b44-4c1e-9d0a-5b6f0c2e8a11"
    assert client.get("/accounts/login/", HTTP_X_REQUEST_ID=given)["X-Request-ID"] == given
    for hostile in ("short", "two words here", "x" * 200, "id\r\nSet-Cookie: a=b"):
        assert HEX_ID.fullmatch(client.get("/accounts/login/", HTTP_X_REQUEST_ID=hostile)["X-Request-ID"])


def test_a_log_line_written_during_a_request_carries_its_id(db):
    with console() as out:
        response = Client().get("/no-such-page/", HTTP_X_REQUEST_ID="req-0123456789abcdef")
    assert response.status_code == 404
    assert response["X-Request-ID"] == "req-0123456789abcdef"
    line = next(line for line in out.getvalue().splitlines() if "Not Found: /no-such-page/" in line)
    assert "[req=req-0123456789abcdef] django.request:" in line


def test_the_workers_log_lines_name_the_task(db):
    with console() as out:
        async_task("tests.idesk.test_observability.logs_a_warning", task_name="bell-for-chutich")  # sync in tests
        logging.getLogger("idesk").warning("between tasks")
    lines = out.getvalue().splitlines()
    inside = next(line for line in lines if "working on it" in line)
    assert "[task=tests.idesk.test_observability.logs_a_warning bell-for-chutich] idesk.tasks:" in inside
    assert any("processing bell-for-chutich" in line for line in lines)  # django-q2's own line, at INFO
    after = next(line for line in lines if "between tasks" in line)
    assert "[-] idesk:" in after


@pytest.mark.urls(__name__)
def test_a_server_error_is_mailed_to_admins_and_the_page_says_so(db, settings):
    settings.ADMINS = [("Quản trị iDesk", "quantri@vancanh.gov.vn")]
    response = Client(raise_request_exception=False).get("/boom/", HTTP_X_REQUEST_ID="err-0123456789abcdef")
    assert response.status_code == 500
    page = response.content.decode()
    assert "Quản trị hệ thống đã được thông báo qua thư điện tử" in page
    assert "err-0123456789abcdef" in page and response["X-Request-ID"] == "err-0123456789abcdef"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["quantri@vancanh.gov.vn"]
    assert "a bug in a view" in mail.outbox[0].body


@pytest.mark.urls(__name__)
def test_without_admins_the_500_page_does_not_claim_anyone_was_told(db, settings):
    settings.ADMINS = []
    response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "đã được thông báo" not in page
    assert "Lỗi đã được ghi vào nhật ký hệ thống" in page
    assert mail.outbox == []


def test_admins_are_read_from_one_variable():
    assert parse_admins("") == []
    assert parse_admins("Nguyễn Văn A <a@vancanh.gov.vn>, b@vancanh.gov.vn") == [
        ("Nguyễn Văn A", "a@vancanh.gov.vn"),
        ("", "b@vancanh.gov.vn"),
    ]
    with pytest.raises(ImproperlyConfigured):
        parse_admins("Nguyễn Văn A")


def _settings_in_a_process(env_extra: dict) -> list[str]:
    drop = {"SENTRY_DSN", "ADMINS", "LOG_LEVEL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in drop} | env_extra
    code = (
        "import sentry_sdk; from django.conf import settings as s; c = sentry_sdk.get_client(); "
        "print(c.is_active(), c.options.get('send_default_pii') if c.is_active() else '-', s.ADMINS, "
        "s.LOGGING['root']['level'], sep='|')"
    )
    out = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    return out.stdout.strip().splitlines()[-1].split("|")


def test_sentry_only_with_a_dsn_and_settings_from_the_environment():
    active, pii, admins, level = _settings_in_a_process({})
    assert (active, admins, level) == ("False", "[]", "WARNING")
    # A DSN on a closed loopback port: the client starts, nothing leaves the machine.
    active, pii, admins, level = _settings_in_a_process(
        {
            "SENTRY_DSN": "http://public@127.0.0.1:9/1",
            "ADMINS": "Quản trị <quantri@vancanh.gov.vn>",
            "LOG_LEVEL": "info",
        }
    )
    assert (active, pii) == ("True", "False")
    assert admins == "[('Quản trị', 'quantri@vancanh.gov.vn')]"
    assert level == "INFO"
