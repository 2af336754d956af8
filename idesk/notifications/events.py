"""The events documents hands to the worker (documents.core.notify.later), each with its builder."""

from __future__ import annotations

from idesk.models import Notification
from idesk.notifications.document_events import (
    on_assigned,
    on_completed,
    on_confidential_duplicate,
    on_delegated,
    on_delivered,
    on_document_updated,
    on_draft_issued,
    on_draft_returned,
    on_draft_signed,
    on_draft_to_review,
    on_draft_to_sign,
    on_exchange_failed,
    on_incoming_registered,
    on_recalled,
    on_receipt,
    on_reminder,
    on_submitted,
)
from idesk.notifications.meeting_events import (
    on_meeting_cancelled,
    on_meeting_changed,
    on_meeting_deputy,
    on_meeting_invited,
)
from idesk.notifications.store import deliver, log

EVENTS = {
    "incoming_registered": on_incoming_registered,
    "submitted": on_submitted,
    "assigned": on_assigned,
    "delegated": on_delegated,
    "delivered": on_delivered,
    "document_updated": on_document_updated,
    "receipt": on_receipt,
    "completed": on_completed,
    "reminder": on_reminder,
    "recalled": on_recalled,
    "exchange_failed": on_exchange_failed,
    "draft_to_review": on_draft_to_review,
    "draft_to_sign": on_draft_to_sign,
    "draft_returned": on_draft_returned,
    "draft_signed": on_draft_signed,
    "draft_issued": on_draft_issued,
    "meeting_invited": on_meeting_invited,
    "meeting_changed": on_meeting_changed,
    "meeting_cancelled": on_meeting_cancelled,
    "meeting_deputy": on_meeting_deputy,
    "confidential_duplicate": on_confidential_duplicate,
}


def handle_event(event: str, ids: dict, email: bool = True) -> list[Notification]:
    builder = EVENTS.get(event)
    if builder is None:
        # A newer documents app may send events this worker does not know yet: log, do not fail and retry.
        log.warning("unknown notification event %r %r", event, ids)
        return []
    return deliver(builder(**ids), email=email)
