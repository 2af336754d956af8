"""What every part's services share: the refusal they raise, and confidential grants (django-guardian rows
on the Document).

Business-rule violations raise ServiceError (a ValidationError with a Vietnamese message); a permission
failure raises PermissionDenied, or Http404 when the object is hidden from the user.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError

from accounts.models import User
from documents.core import grants
from documents.core.grants import VIEW_CONFIDENTIAL
from documents.core.models import Document


class ServiceError(ValidationError):
    """A refused action, with a message for the user."""


# --- Grants for confidential documents ---------------------------------------------------------------------


def view_confidential_id() -> int:
    # Looked up each time, not cached in the process: the row's id changes when the table is rebuilt
    # (flush between transactional tests, a restored backup) and a stale id breaks every grant.
    return Permission.objects.get(
        codename=VIEW_CONFIDENTIAL, content_type__app_label="documents", content_type__model="document"
    ).pk


def grant_confidential(users: Iterable[User], document: Document, actor: User | None = None) -> None:
    """The grants the flow gives (the registering clerk, the leader a record goes to, those assigned…): through
    documents/core/grants.py like every grant, so each is in the audit trail (about the document)."""
    if not document.is_confidential:
        return
    grants.grant(actor, users, document)
