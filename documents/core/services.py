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
from documents.core.models import Document, DocumentUserObjectPermission
from documents.core.policy import VIEW_CONFIDENTIAL


class ServiceError(ValidationError):
    """A refused action, with a message for the user."""


# --- Grants for confidential documents ---------------------------------------------------------------------


def view_confidential_id() -> int:
    # Looked up each time, not cached in the process: the row's id changes when the table is rebuilt
    # (flush between transactional tests, a restored backup) and a stale id breaks every grant.
    return Permission.objects.get(codename=VIEW_CONFIDENTIAL, content_type__app_label="documents").pk


def grant_confidential(users: Iterable[User], document: Document) -> None:
    if not document.is_confidential:
        return
    perm_id = view_confidential_id()
    # One INSERT … ON CONFLICT DO NOTHING for all of them, where get_or_create took four statements a person.
    DocumentUserObjectPermission.objects.bulk_create(
        [
            DocumentUserObjectPermission(user_id=user_id, permission_id=perm_id, content_object=document)
            for user_id in {user.pk for user in users}
        ],
        ignore_conflicts=True,
    )
