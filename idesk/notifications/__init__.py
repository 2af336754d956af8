"""Notifications: who is told what about each event, in-app and (by preference) by e-mail.

Everything here runs in the worker, never in the request that caused it. Each message carries a dedup key
naming the event it came from; a (recipient, key) pair is stored once, so a task that runs twice, or is retried
after a failure, adds nothing and sends no second e-mail. E-mails are claimed row by row before sending.

Confidential documents (độ mật) are never named in a notification: title and body say only that there is a
confidential document, and the e-mail says only "Có văn bản mật mới" with the link.
"""

from idesk.notifications.daily import (  # noqa: F401
    REMINDER_BATCH,
    breach_report,
    daily_reminders,
)
from idesk.notifications.document_events import (  # noqa: F401
    on_assigned,
    on_completed,
    on_confidential_duplicate,
    on_delegated,
    on_delivered,
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
from idesk.notifications.events import (  # noqa: F401
    EVENTS,
    handle_event,
)
from idesk.notifications.meeting_events import (  # noqa: F401
    meeting_reminders,
    on_meeting_cancelled,
    on_meeting_changed,
    on_meeting_deputy,
    on_meeting_invited,
)
from idesk.notifications.store import (  # noqa: F401
    CONFIDENTIAL_TITLE,
    Message,
    absolute,
    deliver,
    email_channels,
    email_for,
    log,
    mark_all_read,
    mark_read,
    openable,
    preferences_of,
    save_preferences,
    send_pending_emails,
    unread_count,
)
from idesk.notifications.words import (  # noqa: F401
    doc_label,
    record_url,
)
