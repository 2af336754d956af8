from accounts import access


class AccessEventMiddleware:
    """Records visits of signed-in users (see accounts.access)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Static files never get here in production (whitenoise answers first).
        if request.user.is_authenticated and hasattr(request, "session"):
            access.on_request(request)
        return self.get_response(request)
