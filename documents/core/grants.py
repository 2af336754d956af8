"""Confidential grants, one mechanism for confidential documents and confidential meeting materials: a
django-guardian object permission `view_confidential` in the model's direct-foreign-key table
(DocumentUserObjectPermission, MeetingMaterialUserObjectPermission), written with guardian's `assign_perm_to_many`
(many users at once) and `remove_perm`. Every grant and revoke writes an audit event.

The policies read grants through `granted_ids` (a subquery for visible_to) and `has` (one object; answered for a
whole page at once by `prime`)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models
from django.db.models import QuerySet
from guardian.shortcuts import get_users_with_perms, remove_perm
from guardian.utils import get_user_obj_perms_model

from accounts.models import User
from documents.core import audit, memo

VIEW_CONFIDENTIAL = "view_confidential"


def _perm(obj: models.Model) -> str:
    return f"{obj._meta.app_label}.{VIEW_CONFIDENTIAL}"


def _table(obj_or_model) -> type[models.Model]:
    return get_user_obj_perms_model(obj_or_model)


def _people(users: User | Iterable[User]) -> list[User]:
    return [users] if isinstance(users, User) else list(users)


def grant(
    actor: User | None, users: User | Iterable[User], obj: models.Model, *, verb: str = "granted", on=None, **data
) -> None:
    """Give `users` the confidential grant on `obj` (already holding it is fine) and record it: one audit event
    `verb` about `on` (default `obj`; a record's grant is told on the record, a material's on its meeting)."""
    people = list({p.pk: p for p in _people(users)}.values())
    if not people:
        return
    # guardian's bulk path: one INSERT … ON CONFLICT DO NOTHING for all of them (its assign_perm shortcut
    # would refuse a second grant to someone who holds one).
    _table(obj).objects.assign_perm_to_many(VIEW_CONFIDENTIAL, people, obj, ignore_conflicts=True)
    for p in people:
        _forget(p, obj)
    data.setdefault("to", [p.full_name for p in people])
    audit.record(actor, verb, on if on is not None else obj, **data)


def revoke(actor: User | None, users: User | Iterable[User], obj: models.Model, *, on=None, **data) -> None:
    people = _people(users)
    if not people:
        return
    remove_perm(_perm(obj), User.objects.filter(pk__in=[p.pk for p in people]), obj)
    for p in people:
        _forget(p, obj)
    data.setdefault("to", [p.full_name for p in people])
    audit.record(actor, "grant_revoked", on if on is not None else obj, **data)


def holders(obj: models.Model) -> QuerySet[User]:
    """Who holds the grant on `obj` (directly: iDesk gives no grants to groups)."""
    return get_users_with_perms(
        obj, only_with_perms_in=[VIEW_CONFIDENTIAL], with_superusers=False, with_group_users=False
    ).order_by("full_name")


def granted_ids(user: User, model: type[models.Model]) -> QuerySet:
    """Subquery of the ids of `model` objects granted to the user (guardian's direct table, one indexed lookup)."""
    return (
        _table(model)
        .objects.filter(user_id=user.pk, permission__codename=VIEW_CONFIDENTIAL)
        .values("content_object_id")
    )


def _forget(user: User, obj: models.Model) -> None:
    memo.forget(user)


def prime(user: User, objs: Iterable[models.Model]) -> None:
    """Answer `has` for all these objects (of one model) with one query: a page's list of materials (kept only
    within a request, like every policy answer)."""
    objs = list(objs)
    if not objs:
        return
    model = type(objs[0])
    pks = [o.pk for o in objs]
    found = set(granted_ids(user, model).filter(content_object_id__in=pks).values_list("content_object_id", flat=True))
    held = memo.of(user)
    if held is None:
        return
    for pk in pks:
        held[("grant", model._meta.label, pk)] = pk in found


def has(user: User, obj: models.Model) -> bool:
    """Does the user hold the grant on `obj`? (Not guardian's ObjectPermissionChecker.has_perm, which answers yes
    to every superuser: a grant here is for a person, whatever their admin rights.)"""
    if not user.is_authenticated or not user.is_active:
        return False
    key = ("grant", obj._meta.label, obj.pk)
    held = memo.of(user)
    if held is not None and key in held:
        return held[key]
    found = granted_ids(user, type(obj)).filter(content_object_id=obj.pk).exists()
    if held is not None:
        held[key] = found
    return found
