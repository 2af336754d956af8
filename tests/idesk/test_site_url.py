"""E-mail links use IDESK_SITE_URL; without it, the development server's address on the port `make run` uses."""

import os
import subprocess
import sys

from django.core import mail

from idesk import tasks
from idesk.models import Notification
from tests.idesk.factories import MON, at, deliver, document, unit

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_an_email_links_to_the_configured_site(db, settings):
    settings.IDESK_SITE_URL = "https://idesk.vancanh.gov.vn"
    Notification.objects.all().delete()
    d = deliver(document(), unit("xa-canh-hien"), at(MON, "09:00"))
    tasks.handle_event("delivered", {"delivery_id": d.pk})
    n = Notification.objects.get(recipient__username="vanthu.canhhien")
    body = mail.outbox[0].body
    assert f"https://idesk.vancanh.gov.vn/notifications/{n.pk}/" in body
    assert "https://idesk.vancanh.gov.vn/notifications/preferences/" in body
    assert "127.0.0.1" not in body


def _site_url(env_extra: dict) -> str:
    env = {k: v for k, v in os.environ.items() if k not in {"IDESK_SITE_URL", "IDESK_PORT"}} | env_extra
    code = "from django.conf import settings; print(settings.IDESK_SITE_URL)"
    out = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    return out.stdout.strip().splitlines()[-1]


def test_the_default_address_follows_the_port_of_make_run():
    assert _site_url({}) == "http://127.0.0.1:8000"
    assert _site_url({"IDESK_PORT": "8101"}) == "http://127.0.0.1:8101"  # `make run PORT=8101` exports IDESK_PORT
    assert _site_url({"IDESK_PORT": "8101", "IDESK_SITE_URL": "https://idesk.vancanh.gov.vn/"}) == (
        "https://idesk.vancanh.gov.vn"
    )
