"""Role predicates, in one place: the parts' policies (and the services validating whom a step names, e.g. the
leader a record is forwarded to) ask these instead of comparing `user.role` themselves."""

from __future__ import annotations

from django.db.models import Q

from accounts.models import Role, User

REGISTER_ROLES = frozenset({Role.CLERK, Role.HEAD, Role.DEPUTY_HEAD, Role.LEADER})
LEADING_ROLES = frozenset({Role.HEAD, Role.DEPUTY_HEAD, Role.LEADER})
# Who acts for a unit in a meeting: answers its invitation, organises on its behalf.
OFFICER_ROLES = REGISTER_ROLES
ORGANISER_ROLES = frozenset({Role.LEADER, Role.HEAD, Role.DEPUTY_HEAD, Role.CLERK, Role.STAFF})


def _in_unit(user: User) -> bool:
    return user.is_active and user.unit_id is not None


def sees_unit_register(user: User) -> bool:
    return _in_unit(user) and user.role in REGISTER_ROLES


def leads_unit(user: User) -> bool:
    """Thủ trưởng/phó or a district leader: may direct and assign within the unit."""
    return _in_unit(user) and user.role in LEADING_ROLES


def leads(user: User, unit_id: int | None) -> bool:
    """Leads this very unit."""
    return leads_unit(user) and unit_id is not None and user.unit_id == unit_id


def is_leader(user: User) -> bool:
    """A leader of the district (Chủ tịch, Phó Chủ tịch): may sign and chair."""
    return user.is_active and user.role in LEADING_ROLES


def is_district_leader(user: User) -> bool:
    return user.role == Role.LEADER


def is_unit_head(user: User) -> bool:
    """Thủ trưởng or phó thủ trưởng of a unit (not a district leader)."""
    return user.role in (Role.HEAD, Role.DEPUTY_HEAD)


def is_clerk(user: User) -> bool:
    """A unit's văn thư (active, in a unit)."""
    return _in_unit(user) and user.role == Role.CLERK


def is_clerk_of(user: User, unit_id: int | None) -> bool:
    return is_clerk(user) and unit_id is not None and user.unit_id == unit_id


def is_head_of(user: User, unit_id: int | None) -> bool:
    return _in_unit(user) and user.role == Role.HEAD and user.unit_id == unit_id


def acts_for_unit(user: User) -> bool:
    """Clerk or leader of their unit: answers its meeting invitations, organises on its behalf."""
    return _in_unit(user) and user.role in OFFICER_ROLES


def may_organise(user: User) -> bool:
    return _in_unit(user) and user.role in ORGANISER_ROLES


def may_be_granted(user: User) -> bool:
    """An administrator's account is for the site, not for reading documents."""
    return user.role != Role.ADMIN


# --- The same predicates over people, for querysets (whom to offer, whom to notify) ------------------------------


def readers() -> Q:
    """People who may be granted documents (may_be_granted)."""
    return ~Q(role=Role.ADMIN)


def administrators() -> Q:
    """Active accounts that run the site (the admin role, or Django's superuser): told when the system fails."""
    return Q(is_active=True) & (Q(role=Role.ADMIN) | Q(is_superuser=True))


def clerks() -> Q:
    """Active văn thư accounts (is_clerk); narrow further by unit."""
    return Q(role=Role.CLERK, is_active=True, unit__isnull=False)
