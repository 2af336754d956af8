"""Saving and deleting one's own searches. A saved search is a person's bookmark, not an act on a document:
it leaves no audit event (the audit trail records what happens to documents)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import User
from documents.search.models import SavedSearch
from documents.search.selectors import MAX_QUERY, words

MAX_SAVED = 50


@transaction.atomic
def save_search(user: User, name: str, q: str) -> SavedSearch:
    """Save `q` under `name` for `user`; saving a name again replaces its words."""
    if not user.is_authenticated:
        raise PermissionDenied
    typed = words(q).typed
    name = " ".join((name or "").split())[:100] or typed[:100]
    if not words(q).key:
        raise ValidationError(_("Nhập từ khóa trước khi lưu tìm kiếm."))
    existing = SavedSearch.objects.select_for_update().filter(user_id=user.pk, name=name).first()
    if existing:
        existing.query = typed[:MAX_QUERY]
        existing.save(update_fields=["query"])
        return existing
    if SavedSearch.objects.filter(user_id=user.pk).count() >= MAX_SAVED:
        raise ValidationError(_("Mỗi người lưu được tối đa %(n)d tìm kiếm: hãy xóa bớt.") % {"n": MAX_SAVED})
    try:
        with transaction.atomic():
            return SavedSearch.objects.create(user=user, name=name, query=typed[:MAX_QUERY])
    except IntegrityError:  # the same name saved at the same moment from another tab
        raise ValidationError(_("Đã có tìm kiếm mang tên này.")) from None


@transaction.atomic
def delete_search(user: User, pk: int) -> None:
    """Only the owner deletes a saved search; another person's is as if it did not exist."""
    deleted, _ = SavedSearch.objects.filter(pk=pk, user_id=user.pk).delete()
    if not deleted:
        raise SavedSearch.DoesNotExist
