"""Receivers for changes made below documents (accounts cannot import documents, so documents listens).

When a unit's clerk account stops being its clerk (deactivated, or given another role or unit), or a unit gets
a new active clerk or head, the confidential documents its former clerks held pass to its active clerk and head
(handover.hand_over_grants): otherwise nobody active could open or grant them.
"""

from __future__ import annotations

from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from accounts.models import Role, User

_WATCHED = {"is_active", "role", "unit", "unit_id"}


@receiver(pre_save, sender=User, dispatch_uid="documents_user_before")
def remember_role(sender, instance: User, update_fields=None, **kwargs) -> None:
    """Keep what the account was before this save (not for saves that touch none of it, e.g. last_login)."""
    instance._idesk_before = None
    if instance.pk is None or (update_fields is not None and not _WATCHED & set(update_fields)):
        return
    instance._idesk_before = User.objects.filter(pk=instance.pk).values("role", "is_active", "unit_id").first()


@receiver(post_save, sender=User, dispatch_uid="documents_user_hand_over")
def hand_over_on_change(sender, instance: User, created: bool, raw: bool = False, **kwargs) -> None:
    if raw:  # loading fixtures or a restore: the grants come with the data
        return
    before = getattr(instance, "_idesk_before", None)
    if before is None and not created:
        return
    from documents.incoming import handover

    was_clerk = before is not None and before["role"] == Role.CLERK and before["is_active"]
    if was_clerk and before["unit_id"] and not _is(instance, Role.CLERK, before["unit_id"]):
        handover.hand_over_grants(before["unit_id"], former_ids=[instance.pk])
    for role in (Role.CLERK, Role.HEAD):
        already = before is not None and before["role"] == role and before["is_active"]
        if _is(instance, role, instance.unit_id) and not (already and before["unit_id"] == instance.unit_id):
            handover.hand_over_grants(instance.unit_id)


def _is(user: User, role: str, unit_id: int | None) -> bool:
    return user.is_active and user.role == role and unit_id is not None and user.unit_id == unit_id
