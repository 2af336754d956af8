"""The second step of signing in, setting it up, and the person's own page to manage it."""

from __future__ import annotations

import segno
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.two_factor import core as two_factor
from accounts.two_factor.forms import CodeForm
from accounts.views import lock_minutes_left  # the password lock's own arithmetic

CODES_SESSION_KEY = "idesk_2fa_new_codes"
NEXT_SESSION_KEY = "idesk_2fa_next"


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("home")


def _lock_credentials(user) -> dict:
    # Wrong codes are counted by django-axes under their own name (no username has a space), per address like
    # passwords: a right password, which resets the password's count, does not reset the codes'.
    return {settings.AXES_USERNAME_FORM_FIELD: f"{user.get_username()} [2FA]"}


def _locked(request: HttpRequest, credentials: dict) -> HttpResponse:
    """The person is signed out and told how long the lock lasts; the password alone gets them nowhere meanwhile."""
    minutes = lock_minutes_left(request, credentials)
    logout(request)
    message = _(
        "Bạn đã nhập sai mã xác thực %(n)d lần liên tiếp nên tài khoản tạm thời bị khóa từ địa chỉ này. Vui lòng "
        "thử lại sau %(m)d phút. Nếu không còn điện thoại có ứng dụng xác thực, hãy dùng một mã dự phòng hoặc liên "
        "hệ quản trị hệ thống."
    ) % {"n": settings.AXES_FAILURE_LIMIT, "m": minutes}
    return render(request, "accounts/two_factor/locked.html", {"lockout_message": message}, status=429)


def _count_failure(request: HttpRequest, credentials: dict) -> bool:
    """Record a wrong code with django-axes; True when it locks."""
    user_login_failed.send(sender=__name__, credentials=credentials, request=request)
    locked = bool(getattr(request, "axes_locked_out", False))
    request.axes_locked_out = False  # answered here, not by the password page's lockout response
    return locked


@login_required
def verify(request: HttpRequest) -> HttpResponse:
    """After the password: the authenticator's code or a recovery code, before any page."""
    user = request.user
    if two_factor.is_verified(user):
        return redirect(_next(request))
    if not two_factor.has_device(user):  # removed meanwhile (by an administrator)
        two_factor.remember_device(request, False)
        return redirect(_next(request))
    credentials = _lock_credentials(user)
    if AxesProxyHandler.is_locked(request, credentials):
        return _locked(request, credentials)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if two_factor.throttled(user):
            form.wait()
        else:
            device = two_factor.check_code(user, form.cleaned_data["code"])
            if device is not None:
                otp_login(request, device)
                AxesProxyHandler.reset_attempts(
                    username=credentials[settings.AXES_USERNAME_FORM_FIELD], ip_address=request.axes_ip_address
                )
                if device.persistent_id.startswith("otp_static."):
                    left = two_factor.recovery_codes_left(user)
                    messages.warning(
                        request,
                        _("Bạn vừa dùng một mã dự phòng; còn lại %(n)d mã. Hãy tạo mã mới khi còn ít.") % {"n": left},
                    )
                return redirect(_next(request))
            form.refuse()
            if _count_failure(request, credentials):
                return _locked(request, credentials)
    elif request.method == "POST" and _count_failure(request, credentials):
        return _locked(request, credentials)
    return render(request, "accounts/two_factor/verify.html", {"form": form, "next": _next(request)})


def _qr_data_uri(device: TOTPDevice) -> str:
    # A data: URI for an <img>: the CSP allows images from data: but no inline style or script.
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2, dark="#000", light="#fff")


def _secret(device: TOTPDevice) -> str:
    import base64

    secret = base64.b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@login_required
def setup(request: HttpRequest) -> HttpResponse:
    """Scan the QR code, type the app's code to confirm, then see the recovery codes once."""
    user = request.user
    if two_factor.has_device(user):
        if two_factor.is_verified(user):
            return redirect("accounts:two_factor")
        return redirect(f"{reverse('accounts:two_factor_verify')}?next={_next(request)}")
    device = two_factor.pending_device(user)
    form = CodeForm(request.POST or None, recovery=False)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
            allowed = device.verify_is_allowed()[0]  # django-otp's back-off after a wrong code
            accepted = allowed and device.verify_token(form.cleaned_data["code"])
        if accepted:
            codes = two_factor.confirm(request, device)
            request.session[CODES_SESSION_KEY] = codes
            request.session[NEXT_SESSION_KEY] = _next(request)
            return redirect("accounts:two_factor_codes")
        if allowed:
            form.refuse()
        else:
            form.wait()
    context = {
        "form": form,
        "qr": _qr_data_uri(device),
        "secret": _secret(device),
        "required": two_factor.required_for(user),
        "next": _next(request),
    }
    return render(request, "accounts/two_factor/setup.html", context)


@login_required
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """The new recovery codes, shown once: they leave the session as they are shown."""
    codes = request.session.pop(CODES_SESSION_KEY, None)
    target = request.session.pop(NEXT_SESSION_KEY, None) or reverse("accounts:two_factor")
    if not codes:
        messages.info(request, _("Mã dự phòng chỉ hiện một lần. Nếu đã mất, hãy tạo bộ mã mới."))
        return redirect("accounts:two_factor")
    shown = [two_factor.show_code(c) for c in codes]
    return render(request, "accounts/two_factor/recovery_codes.html", {"codes": shown, "next": target})


def _manage_context(request: HttpRequest, **forms) -> dict:
    user = request.user
    enabled = two_factor.has_device(user)
    context = {
        "enabled": enabled,
        "required": two_factor.required_for(user),
        "codes_left": two_factor.recovery_codes_left(user) if enabled else 0,
        "device": TOTPDevice.objects.filter(user=user, confirmed=True).first(),
        "disable_form": CodeForm(prefix="disable"),
        "codes_form": CodeForm(prefix="codes"),
    }
    context.update(forms)
    return context


@login_required
def manage(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/two_factor/manage.html", _manage_context(request))


def _checked_code(request: HttpRequest, prefix: str) -> tuple[CodeForm, HttpResponse | None]:
    """The form with a current code checked (wrong codes count toward the lock like at sign-in)."""
    form = CodeForm(request.POST, prefix=prefix)
    if form.is_valid():
        if two_factor.throttled(request.user):
            form.wait()
        elif two_factor.check_code(request.user, form.cleaned_data["code"]) is None:
            form.refuse()
            credentials = _lock_credentials(request.user)
            if _count_failure(request, credentials):
                return form, _locked(request, credentials)
    return form, None


@login_required
@require_POST
def disable(request: HttpRequest) -> HttpResponse:
    if two_factor.required_for(request.user):
        messages.error(request, _("Vai trò của bạn bắt buộc dùng xác thực hai bước nên không thể tắt."))
        return redirect("accounts:two_factor")
    if not two_factor.has_device(request.user):
        return redirect("accounts:two_factor")
    form, locked = _checked_code(request, "disable")
    if locked:
        return locked
    if form.errors:
        return render(request, "accounts/two_factor/manage.html", _manage_context(request, disable_form=form))
    two_factor.disable(request)
    request.session.pop(DEVICE_ID_SESSION_KEY, None)
    messages.success(request, _("Đã tắt xác thực hai bước. Lần đăng nhập sau chỉ cần mật khẩu."))
    return redirect("accounts:two_factor")


@login_required
@require_POST
def new_codes(request: HttpRequest) -> HttpResponse:
    if not two_factor.has_device(request.user):
        return redirect("accounts:two_factor")
    form, locked = _checked_code(request, "codes")
    if locked:
        return locked
    if form.errors:
        return render(request, "accounts/two_factor/manage.html", _manage_context(request, codes_form=form))
    request.session[CODES_SESSION_KEY] = two_factor.new_recovery_codes(request.user)
    request.session[NEXT_SESSION_KEY] = reverse("accounts:two_factor")
    return redirect("accounts:two_factor_codes")
