"""With DEBUG on (make run), a page not found is still iDesk's Vietnamese page in the layout, not Django's English
technical page (which lists every URL pattern). A server error keeps Django's debug page: that one helps."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404
from django.urls import Resolver404, resolve


class Debug404Middleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.DEBUG and response.status_code == 404 and not getattr(response, "idesk_page", False):
            try:
                resolve(request.path_info)
            except Resolver404:  # no URL matched: the technical page was rendered in place of handler404
                return self._page(request)
        return response

    def process_exception(self, request, exception):
        if settings.DEBUG and isinstance(exception, Http404):
            return self._page(request)
        return None

    @staticmethod
    def _page(request):
        from idesk.views import error_404

        response = error_404(request)
        response.idesk_page = True
        return response
