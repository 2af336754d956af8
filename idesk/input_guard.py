"""Hostile request input handled once, before any view: control characters in the query string and form
posts whose body is not a form.

A NUL byte in a filter reached PostgreSQL, which refuses it in text (DataError, a 500). No filter, search or
export needs a control character, so they are dropped from every query parameter and the person is told."""

from __future__ import annotations

import re

from django.contrib import messages
from django.http import HttpRequest, QueryDict
from django.utils.translation import gettext as _

# C0 controls and DEL, except tab, line feed and carriage return (harmless, and typed into text areas).
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def without_controls(value: str) -> str:
    return CONTROL.sub("", value)


def clean_query(query: QueryDict) -> QueryDict | None:
    """The query without control characters, or None when it had none."""
    if not any(CONTROL.search(key) or any(CONTROL.search(v) for v in values) for key, values in query.lists()):
        return None
    cleaned = QueryDict(mutable=True)
    for key, values in query.lists():
        cleaned.setlist(without_controls(key), [without_controls(v) for v in values])
    return QueryDict(cleaned.urlencode())  # immutable, as request.GET is


class InputGuardMiddleware:
    """After MessageMiddleware: it tells the person what was dropped or not understood."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        cleaned = clean_query(request.GET)
        if cleaned is not None:
            request.GET = cleaned
            request.META["QUERY_STRING"] = cleaned.urlencode()  # links built from the query stay clean too
            messages.warning(
                request,
                _("Địa chỉ trang có ký tự không hợp lệ; iDesk đã bỏ các ký tự đó."),
                fail_silently=True,
            )
        if request.method in ("POST", "PUT", "PATCH") and request.META.get("CONTENT_LENGTH") not in (None, "", "0"):
            content_type = request.content_type or ""
            if content_type not in FORM_TYPES:
                # The view sees an empty form and shows it again; say why its content was not read.
                messages.error(
                    request,
                    _(
                        "Nội dung gửi lên không phải biểu mẫu (kiểu “%(type)s”) nên không được đọc. "
                        "Hãy nhập và gửi lại từ trang iDesk."
                    )
                    % {"type": without_controls(content_type)[:100] or _("không rõ")},
                    fail_silently=True,
                )
        return self.get_response(request)
