"""django-q2 entry points: small, idempotent, called with ids."""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)


def handle_event(event: str, ids: dict) -> None:
    """Turn a domain event from documents (see documents/notify.py) into notifications."""
    log.info("event %s %s", event, ids)
