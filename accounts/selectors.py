"""Reads for the directory (Danh bạ) and the public account list. Constant query counts."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch, Q

from accounts.models import Role, User
from units.models import Unit, UnitKind
from units.text import fold

# Heads first, then deputies, the clerk, staff; within a role by sort order and name.
ROLE_ORDER = {Role.LEADER: 0, Role.HEAD: 1, Role.DEPUTY_HEAD: 2, Role.CLERK: 3, Role.STAFF: 4, Role.ADMIN: 5}


@dataclass
class DirectoryEntry:
    unit: Unit
    depth: int
    people: list[User] = field(default_factory=list)

    @property
    def head(self) -> User | None:
        return next((p for p in self.people if p.role in (Role.HEAD, Role.LEADER)), None)

    @property
    def clerk(self) -> User | None:
        return next((p for p in self.people if p.role == Role.CLERK), None)


def _tree_order(units: list[Unit]) -> list[tuple[Unit, int]]:
    children: dict[int | None, list[Unit]] = {}
    ids = {u.id for u in units}
    for unit in units:
        parent = unit.parent_id if unit.parent_id in ids else None
        children.setdefault(parent, []).append(unit)
    ordered: list[tuple[Unit, int]] = []

    def walk(parent: int | None, depth: int) -> None:
        for unit in children.get(parent, []):
            ordered.append((unit, depth))
            walk(unit.id, depth + 1)

    walk(None, 0)
    return ordered


def directory(query: str = "") -> list[DirectoryEntry]:
    """The internal units as a tree with their active people; filtered accent-insensitively.

    A unit whose name matches shows all its people; a unit matched only through a person shows those people.
    Two queries whatever the size of the district.
    """
    key = fold(query)
    people_qs = User.objects.filter(is_active=True)
    units_qs = Unit.objects.internal().filter(active=True)
    if key:
        people_qs = people_qs.filter(Q(search_key__contains=key) | Q(unit__search_key__contains=key))
        units_qs = units_qs.filter(
            Q(search_key__contains=key) | Q(users__search_key__contains=key, users__is_active=True)
        ).distinct()
    units = list(units_qs.prefetch_related(Prefetch("users", queryset=people_qs, to_attr="active_people")))
    return [
        DirectoryEntry(
            unit=unit,
            depth=depth,
            people=sorted(unit.active_people, key=lambda p: (ROLE_ORDER.get(p.role, 9), p.sort_order, p.full_name)),
        )
        for unit, depth in _tree_order(units)
    ]


def external_units() -> list[Unit]:
    return list(Unit.objects.filter(kind=UnitKind.EXTERNAL, active=True))


@dataclass
class PublicAccount:
    unit_name: str
    clerk_username: str | None
    head_name: str | None
    head_position: str | None


def public_accounts() -> list[PublicAccount]:
    """The published account list (R5): unit, clerk username, head's name and position. Nothing private."""
    rows = []
    for entry in directory():
        if not entry.unit.is_on_system():
            continue
        head, clerk = entry.head, entry.clerk
        rows.append(
            PublicAccount(
                unit_name=entry.unit.name,
                clerk_username=clerk.username if clerk else None,
                head_name=head.full_name if head else None,
                head_position=head.position if head else None,
            )
        )
    return rows
