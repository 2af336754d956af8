from django.conf import settings

from accounts import access


class AccessEventMiddleware:
    """Records visits of signed-in users (see accounts.access), except on IDESK_UNRECORDED_PATHS (the health
    probe): opening those is not using iDesk."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.unrecorded = frozenset(getattr(settings, "IDESK_UNRECORDED_PATHS", ()))

    def __call__(self, request):
        # Static files never get here in production (whitenoise answers first).
        if request.path_info in self.unrecorded:
            return self.get_response(request)
        if request.user.is_authenticated and hasattr(request, "session"):
            access.on_request(request)
        return self.get_response(request)
