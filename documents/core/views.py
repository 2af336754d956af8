"""What every part's views share."""

from __future__ import annotations

from django.conf import settings


def page_size() -> int:
    """Rows per list page (settings.IDESK_PAGE_SIZE)."""
    return settings.IDESK_PAGE_SIZE
