"""`manage.py check --deploy --fail-level WARNING` in the documented production settings (README, docs/deploy.md)."""

import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "x" * 20 + "a-real-long-random-production-secret-key-1234567890",
    "ALLOWED_HOSTS": "idesk.example.vn",
    "IDESK_SIGNING_KEY": "Yk1hX2tleV9mb3JfdGVzdHNfb25seV8zMmJ5dGVzISE=",
}


def _check(**env_extra):
    drop = {"DATABASE_URL", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in drop and not k.startswith(("SECURE_", "IDESK_B"))}
    env.pop("USE_X_FORWARDED_PROTO", None)
    env.update(PRODUCTION, **env_extra)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )


@pytest.mark.parametrize(
    "proxy",
    [
        {"IDESK_BEHIND_TLS_PROXY": "1", "SECURE_SSL_REDIRECT": "0", "IDESK_TRUSTED_PROXIES": "127.0.0.1"},
        {"IDESK_BEHIND_TLS_PROXY": "1", "IDESK_TRUSTED_PROXIES": "127.0.0.1"},  # redirect kept: harmless behind it
        {"SECURE_SSL_REDIRECT": "0", "USE_X_FORWARDED_PROTO": "1"},  # the older names
    ],
)
def test_behind_a_tls_proxy_the_deploy_check_passes(proxy):
    out = _check(**proxy)
    assert out.returncode == 0, out.stderr


def test_without_the_proxy_turning_the_redirect_off_is_still_warned():
    out = _check(SECURE_SSL_REDIRECT="0")
    assert out.returncode != 0 and "security.W008" in out.stderr


def test_behind_the_proxy_hsts_and_secure_cookies_stay_on():
    code = (
        "from django.conf import settings as s; "
        "print(s.SECURE_PROXY_SSL_HEADER, s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE)"
    )
    drop = {"DATABASE_URL", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS"}
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(PRODUCTION, IDESK_BEHIND_TLS_PROXY="1", SECURE_SSL_REDIRECT="0")
    out = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert out.stdout.strip().splitlines()[-1] == "('HTTP_X_FORWARDED_PROTO', 'https') 31536000 True True"
