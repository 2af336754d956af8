"""Security headers on every response (issue 14).

Django 5.2 has no Content-Security-Policy of its own (6.0 has), and django-csp is not a dependency: the policy is
one fixed string. Everything the pages use is served from here (static/vendor), with no inline script or style,
so the policy allows only this origin.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",  # Bootstrap's form controls draw their icons as data: SVG
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors {ancestors}",
    ]
)
# Nothing iDesk does needs these; a page that is tricked into asking gets a refusal without a prompt.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    )
)


class SecurityHeadersMiddleware:
    """CSP, Permissions-Policy and Referrer-Policy everywhere; nothing cached of what a signed-in person sees."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # A view that may be framed by our own pages (PDF previews) says so with X-Frame-Options; CSP would
        # otherwise override it.
        ancestors = "'self'" if response.get("X-Frame-Options", "").upper() == "SAMEORIGIN" else "'none'"
        # Django's debug pages (DEBUG=1 only) are styled and scripted inline: readable for the developer.
        if not (settings.DEBUG and response.status_code >= 400):
            response.setdefault("Content-Security-Policy", CSP.format(ancestors=ancestors))
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.setdefault("Referrer-Policy", "same-origin")
        # Pages and files behind the login must not stay in a shared computer's cache or a proxy's.
        user = getattr(request, "user", None)  # absent for static files (whitenoise answers first)
        if user is not None and user.is_authenticated:
            response["Cache-Control"] = "private, no-store"
            response.headers.pop("Expires", None)
        response.headers.pop("Server", None)
        return response
