import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from idesk.env import envbool, envint, envlist

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_env_readers_parse_and_refuse_bad_values(monkeypatch):
    monkeypatch.setenv("X_BOOL", "0")
    assert envbool("X_BOOL", True) is False
    monkeypatch.setenv("X_BOOL", "maybe")
    with pytest.raises(ImproperlyConfigured):
        envbool("X_BOOL", True)
    monkeypatch.setenv("X_INT", "abc")
    with pytest.raises(ImproperlyConfigured):
        envint("X_INT", 1)
    monkeypatch.setenv("X_LIST", "a.example, b.example")
    assert envlist("X_LIST", []) == ["a.example", "b.example"]


def _run(env_extra, *args):
    drop = {"DATABASE_URL", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(env_extra)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True)


def test_settings_read_the_environment():
    code = (
        "from django.conf import settings as s; "
        "print(s.DATABASES['default']['ENGINE'], s.TIME_ZONE, s.LANGUAGE_CODE, s.DEBUG)"
    )
    out = _run({"DATABASE_URL": "postgres://postgres@127.0.0.1:5432/whatever", "DEBUG": "1"}, "shell", "-c", code)
    assert out.stdout.strip().splitlines()[-1].split() == [
        "django.db.backends.postgresql",
        "Asia/Ho_Chi_Minh",
        "vi",
        "True",
    ]


def test_production_warns_without_a_signing_key():
    # Server-held signing keys must not be encrypted with a key derived from SECRET_KEY in production.
    out = _run(
        {"DEBUG": "0", "SECRET_KEY": "x" * 70, "ALLOWED_HOSTS": "idesk.example.vn"},
        "check", "--deploy", "--fail-level", "WARNING",
    )  # fmt: skip
    assert out.returncode != 0 and "IDESK_SIGNING_KEY" in out.stderr


def test_production_requires_a_secret_key():
    out = _run({"DEBUG": "0", "ALLOWED_HOSTS": "idesk.example.vn"}, "check")
    assert out.returncode != 0 and "SECRET_KEY must be set" in out.stderr


def test_production_passes_the_deploy_check():
    out = _run(
        {
            "DEBUG": "0",
            "SECRET_KEY": "x" * 20 + "a-real-long-random-production-secret-key-1234567890",
            "ALLOWED_HOSTS": "idesk.example.vn",
            "IDESK_SIGNING_KEY": "Yk1hX2tleV9mb3JfdGVzdHNfb25seV8zMmJ5dGVzISE=",  # a Fernet key: 32 bytes, base64
        },
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert out.returncode == 0, out.stderr


def test_time_zone_and_language(settings):
    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh"
    assert settings.LANGUAGE_CODE == "vi"
    assert settings.USE_TZ is True
