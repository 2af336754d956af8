"""Two-factor sign-in (TOTP with django-otp, recovery codes with its static devices).

Whoever has a confirmed authenticator enters a code after the password, before any page. With IDESK_2FA on,
superusers, staff and the roles in IDESK_2FA_REQUIRED_ROLES must have one: without it they are sent to set it up.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django_otp import login as otp_login
from django_otp import verify_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

RECOVERY_CODE_COUNT = 10
TOTP_NAME = "Ứng dụng xác thực"
STATIC_NAME = "Mã dự phòng"
# Whether this session's user has a confirmed authenticator: kept in the session (set at login and whenever it
# changes) so that a request of someone without two-factor costs no query.
SESSION_FLAG = "idesk_2fa_device"
VERIFY, SETUP = "verify", "setup"

_TOTP_CODE = re.compile(r"\d{6}")
_RECOVERY_CODE = re.compile(r"[a-z2-7]{8}")


def required_for(user) -> bool:
    """Must this person use two-factor sign-in (IDESK_2FA on and an administrator or a leader role)?"""
    if not settings.IDESK_2FA or not user.is_authenticated:
        return False
    return user.is_superuser or user.is_staff or user.role in settings.IDESK_2FA_REQUIRED_ROLES


def has_device(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def remember_device(request: HttpRequest, present: bool) -> None:
    request.session[SESSION_FLAG] = present


def _device_flag(request: HttpRequest) -> bool:
    flag = request.session.get(SESSION_FLAG)
    if flag is None:  # a session from before two-factor existed
        flag = has_device(request.user)
        remember_device(request, flag)
    return flag


def is_verified(user) -> bool:
    # Without django-otp's middleware nothing is verified.
    check = getattr(user, "is_verified", None)
    return bool(check and check())


def pending_step(request: HttpRequest) -> str | None:
    """VERIFY when the signed-in person must still enter a code, SETUP when they must first set it up."""
    user = request.user
    if not user.is_authenticated or is_verified(user):
        return None
    if _device_flag(request):
        return VERIFY
    if required_for(user):
        return SETUP
    return None


def normalize(code: str) -> str:
    return re.sub(r"[\s-]", "", code).lower()


def is_code_shaped(code: str) -> bool:
    """Six digits (the app's code) or eight base32 characters (a recovery code)."""
    return bool(_TOTP_CODE.fullmatch(code) or _RECOVERY_CODE.fullmatch(code))


def check_code(user, code: str):
    """The device that accepts this code (each code once; recovery codes are used up), or None.

    django-otp throttles each device: after n failures in a row it refuses every code for 2^(n-1) seconds."""
    code = normalize(code)
    if _TOTP_CODE.fullmatch(code):
        devices = TOTPDevice.objects.filter(user=user, confirmed=True)
    elif _RECOVERY_CODE.fullmatch(code):
        devices = StaticDevice.objects.filter(user=user, confirmed=True)
    else:
        return None
    for device in devices:
        verified = verify_token(user, device.persistent_id, code)
        if verified is not None:
            return verified
    return None


def throttled(user) -> bool:
    """True while every device of this person refuses codes after failures (django-otp's back-off)."""
    devices = [*TOTPDevice.objects.filter(user=user, confirmed=True)]
    return bool(devices) and not any(d.verify_is_allowed()[0] for d in devices)


def pending_device(user) -> TOTPDevice:
    """The authenticator being set up: the same key until it is confirmed, so reloading the page keeps the QR."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)


@transaction.atomic
def confirm(request: HttpRequest, device: TOTPDevice) -> list[str]:
    """Make this authenticator the person's only one, mark the session verified, and return new recovery codes."""
    user = request.user
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = new_recovery_codes(user)
    otp_login(request, device)
    remember_device(request, True)
    return codes


@transaction.atomic
def new_recovery_codes(user) -> list[str]:
    """Replace the person's recovery codes with RECOVERY_CODE_COUNT new ones (shown once, then only stored)."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=STATIC_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


@transaction.atomic
def disable(request: HttpRequest) -> None:
    TOTPDevice.objects.filter(user=request.user).delete()
    StaticDevice.objects.filter(user=request.user).delete()
    remember_device(request, False)


def show_code(code: str) -> str:
    """A recovery code as it is shown: two groups of four."""
    return f"{code[:4]}-{code[4:]}"
