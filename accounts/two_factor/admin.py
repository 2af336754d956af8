from django.contrib import admin

from accounts.two_factor import core as two_factor


class AdminSite(admin.AdminSite):
    """The admin site: staff who owe the second step (a code, or setting up an authenticator) are not let in, even
    where the middleware that sends them there would be bypassed."""

    def has_permission(self, request) -> bool:
        return super().has_permission(request) and two_factor.pending_step(request) is None
