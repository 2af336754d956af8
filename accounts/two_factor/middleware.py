from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.urls import reverse

from accounts.two_factor import core as two_factor


class TwoFactorMiddleware:
    """No page for a signed-in person who still owes the second step: they are sent to enter their code, or to set
    up an authenticator when their role requires one. The login, logout and the second step's own pages, the
    public notices and the health probe stay open."""

    def __init__(self, get_response):
        self.get_response = get_response
        self._open: tuple[str, ...] | None = None

    def _open_paths(self) -> tuple[str, ...]:
        if self._open is None:  # reverse() needs the URLconf, which is not loaded when middleware is built
            self._open = (
                reverse("accounts:login"),
                reverse("accounts:logout"),
                reverse("accounts:two_factor_verify"),
                reverse("accounts:two_factor_setup"),
                reverse("public:index"),
                "/healthz",
                "/" + settings.STATIC_URL.lstrip("/"),
            )
        return self._open

    def __call__(self, request):
        if request.user.is_authenticated and not request.path_info.startswith(self._open_paths()):
            step = two_factor.pending_step(request)
            if step is not None:
                return self._send_to(request, step)
        return self.get_response(request)

    def _send_to(self, request, step: str) -> HttpResponse:
        url = reverse("accounts:two_factor_verify" if step == two_factor.VERIFY else "accounts:two_factor_setup")
        back = request.get_full_path() if request.method == "GET" else reverse("home")
        if getattr(request, "htmx", False):
            # A fragment request (the bell's polling) must not get the page swapped in: the whole page moves.
            response = HttpResponse(status=204)
            response["HX-Redirect"] = url
            return response
        return redirect_to_login(back, url)
