"""Liên thông: sending our documents and statuses to peer systems as edXML packages, and receiving theirs.

The part's one services module (views, admin and tasks call it; documents/apps.py connects it to the flows'
hooks, documents/core/liaison.py); the work is split by concern: store (peers, packages kept), sending (documents,
retries), statuses (01–16, recall) and receiving (the inbox). Every package, either way, is stored before
anything else happens to it.
"""

from __future__ import annotations

from documents.exchange.receiving import Answer, receive, refuse_recall
from documents.exchange.sending import (
    CLAIM_SECONDS,
    MAX_ATTEMPTS,
    RETRY_DELAYS,
    SEND_TIMEOUT,
    dispatch,
    failure_recipients,
    prepare_document,
    release,
    resend,
    send_due,
    send_package,
)
from documents.exchange.statuses import (
    ONCE_CODES,
    came_from_peer,
    queue_status,
    recalled,
    send_recall,
    send_update,
    status_changed,
    updated,
)
from documents.exchange.store import TASKS, peer_by_token, peer_for, reached_by_peer

__all__ = [
    "CLAIM_SECONDS",
    "MAX_ATTEMPTS",
    "ONCE_CODES",
    "RETRY_DELAYS",
    "SEND_TIMEOUT",
    "TASKS",
    "Answer",
    "came_from_peer",
    "dispatch",
    "failure_recipients",
    "peer_by_token",
    "peer_for",
    "prepare_document",
    "queue_status",
    "reached_by_peer",
    "recalled",
    "receive",
    "refuse_recall",
    "release",
    "resend",
    "send_due",
    "send_package",
    "send_recall",
    "send_update",
    "status_changed",
    "updated",
]
