"""Reads for the directory (Danh bạ) and the public account list. Constant query counts."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Count, Prefetch, Q

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


def _tree_order(units: list) -> list[tuple]:
    """Units (anything with id and parent_id) depth-first under their parents, keeping their order."""
    children: dict[int | None, list] = {}
    ids = {u.id for u in units}
    for unit in units:
        parent = unit.parent_id if unit.parent_id in ids else None
        children.setdefault(parent, []).append(unit)
    ordered: list[tuple] = []

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


DIRECTORY_PAGE_PEOPLE = 150
DIRECTORY_UNIT_FIELDS = ("id", "parent_id", "name", "code", "short_name", "eoffice_since", "sort_order")


@dataclass
class DirectoryPage:
    entries: list[DirectoryEntry]
    page: Page  # of groups of whole units; its paginator gives the navigation
    units: int  # in the whole directory (or search)
    people: int


def directory_page(query: str = "", number=None, per_page: int | None = None) -> DirectoryPage:
    """One page of the directory: whole units in tree order, about `per_page` people, and the totals.

    A province has 500 units and 10,000 people: one page of all of them took a second to render. The tree with
    each unit's number of people comes from one query, the page's people from another."""
    per_page = per_page or DIRECTORY_PAGE_PEOPLE
    key = fold(query)
    counted = Q(users__is_active=True)
    if key:
        counted &= Q(users__search_key__contains=key) | Q(search_key__contains=key)
    units_qs = Unit.objects.internal().filter(active=True).annotate(n_people=Count("users", filter=counted))
    if key:
        units_qs = units_qs.filter(Q(search_key__contains=key) | Q(n_people__gt=0))
    tree = list(units_qs.order_by("sort_order", "name").only(*DIRECTORY_UNIT_FIELDS))
    groups: list[list[tuple[Unit, int]]] = [[]]
    in_group = 0
    for node, depth in _tree_order(tree):
        if in_group >= per_page:
            groups.append([])
            in_group = 0
        groups[-1].append((node, depth))
        in_group += node.n_people
    page = Paginator(groups, 1).get_page(number)
    shown = page.object_list[0] if page.object_list else []
    people_qs = User.objects.filter(is_active=True, unit__in=[unit for unit, _depth in shown])
    if key:
        people_qs = people_qs.filter(Q(search_key__contains=key) | Q(unit__search_key__contains=key))
    people: dict[int, list[User]] = {}
    for person in people_qs:
        people.setdefault(person.unit_id, []).append(person)
    entries = [
        DirectoryEntry(
            unit=unit,
            depth=depth,
            people=sorted(
                people.get(unit.id, []), key=lambda p: (ROLE_ORDER.get(p.role, 9), p.sort_order, p.full_name)
            ),
        )
        for unit, depth in shown
    ]
    return DirectoryPage(entries, page, units=len(tree), people=sum(unit.n_people for unit in tree))


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
