"""The one shape of every part's policy. Each kind of object (incoming record, draft, issued document, delivery,
meeting, material) has a `Policy` with

- `visible_to(user, qs=None)`: the queryset lists, search, counts and exports read;
- `can(user, action, obj)`: may the user do `action` now (False for what they may not see);
- `require(user, action, obj)`: Http404 when the object is hidden from the user, PermissionDenied when only the
  action is refused.

`can` answers "view" from `visible_to` itself, so a list never shows what the detail refuses; every other action
is a rule in the policy's `rules` dict (an explicit dict, never a name built from a string). Role predicates are
in documents/core/roles.py; confidential grants (django-guardian) in documents/core/grants.py.

Each part's policy.py exposes the same three functions over its kinds (see `Part`).

Some actions have no object to ask about yet, or are judged by a service under its lock before the object's own
state is checked with its own message (registering into one's unit, creating a meeting, posting a delivery's paper
copy): those are the policy's `unit_rules` (action → predicate on the user and a unit id), asked through
`can_for_unit(user, action, unit_id)` / `require_for_unit(…)` (PermissionDenied: a unit is never hidden); without
`unit_id`, of the user's own unit (an anonymous user has none: False). Where an object rule says the same of the
object's unit, it calls the unit rule, so the two never drift.

Whether the user sees an object is asked by a page many times (each action it may offer): the answer is kept
for the request on the user object (documents/core/memo.py), keyed by the object's own state so a change the
request itself makes is not answered from before it. `prime(user, objs)` answers a whole list
with one query.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404

from accounts.models import User
from documents.core import grants, memo, roles
from documents.core.models import Delivery, DeliveryStatus, Document, Register

VIEW = "view"
VIEW_CONFIDENTIAL = grants.VIEW_CONFIDENTIAL
_SEEN = "_idesk_seen_by"
OWN_UNIT = object()  # can_for_unit's default: the user's own unit

Rule = Callable[[User, Any], bool]
UnitRule = Callable[[User, "int | None"], bool]


class Policy:
    """One kind of object's policy. Subclasses set `model`, `rules` (action → predicate, "view" excluded),
    `_visible(user, qs)` and optionally `state(obj)`: the fields whose change may change who sees it."""

    model: type[Model]
    rules: dict[str, Rule] = {}
    unit_rules: dict[str, UnitRule] = {}

    def _visible(self, user: User, qs: QuerySet) -> QuerySet:
        raise NotImplementedError

    def state(self, obj) -> tuple:
        return ()

    def visible_to(self, user: User, qs: QuerySet | None = None) -> QuerySet:
        if qs is not None:
            return self._visible(user, qs) if user.is_authenticated and user.is_active else qs.none()
        if not user.is_authenticated or not user.is_active:
            return self.model.objects.none()
        # Built once a request: Bàn làm việc asks a kind's visibility for its count and again for its list.
        return memo.queryset(
            user, (type(self).__name__, "visible_to"), lambda: self._visible(user, self.model.objects.all())
        )

    def _key(self, user: User, obj) -> tuple:
        # The policy's own class, not only the model: two policies may judge one model (an issued Document, any
        # Document whose files are asked for) and must not take each other's answer.
        return (type(self).__name__, obj.pk, self.state(obj), user.pk, user.role, user.unit_id, user.is_active)

    def sees(self, user: User, obj) -> bool:
        if not user.is_authenticated or obj is None or obj.pk is None:
            return False
        key = self._key(user, obj)
        if getattr(obj, _SEEN, None) == key:
            return True  # read through visible_to for this user (get_visible_or_404, prime)
        answers = memo.of(user)
        if answers is not None and key in answers:
            return answers[key]
        seen = self.visible_to(user).filter(pk=obj.pk).exists()
        if answers is not None:
            answers[key] = seen
        return seen

    def mark_seen(self, user: User, obj) -> None:
        setattr(obj, _SEEN, self._key(user, obj))

    def prime(self, user: User, objs: Iterable) -> None:
        """Answer `sees` for all these objects with one query (a page's list of materials, say)."""
        objs = [o for o in objs if o.pk is not None]
        if not objs:
            return
        seen = set(self.visible_to(user).filter(pk__in=[o.pk for o in objs]).values_list("pk", flat=True))
        answers = memo.of(user)
        for obj in objs:
            if obj.pk in seen:
                self.mark_seen(user, obj)
            elif answers is not None:
                answers[self._key(user, obj)] = False

    def can(self, user: User, action: str, obj) -> bool:
        if action != VIEW and action not in self.rules:
            raise ValueError(f"unknown action {action!r} for {self.model.__name__}")
        if not self.sees(user, obj):
            return False
        return action == VIEW or self.rules[action](user, obj)

    def require(self, user: User, action: str, obj) -> None:
        if not self.sees(user, obj):
            raise Http404
        if not self.can(user, action, obj):
            raise PermissionDenied

    def can_for_unit(self, user: User, action: str, unit_id: int | None | object = OWN_UNIT) -> bool:
        """May the user do `action` in (or for) this unit, by default their own: see the module's docstring."""
        if action not in self.unit_rules:
            raise ValueError(f"unknown unit action {action!r} for {self.model.__name__}")
        if not user.is_authenticated:
            return False
        return self.unit_rules[action](user, user.unit_id if unit_id is OWN_UNIT else unit_id)

    def require_for_unit(self, user: User, action: str, unit_id: int | None | object = OWN_UNIT) -> None:
        if not self.can_for_unit(user, action, unit_id):
            raise PermissionDenied

    def get_visible_or_404(self, user: User, pk, qs: QuerySet | None = None):
        # Seen or not is asked apart from the page's joins, whose planning together with the visibility's union cost
        # more than two plain queries; by its pk, one row at most, read without ORDER BY … LIMIT (which slowed the
        # planning too): docs/performance.md, "Constants".
        if not self.visible_to(user).filter(pk=pk).exists():
            raise Http404
        found = list((qs if qs is not None else self.model.objects.all()).filter(pk=pk).order_by())
        if not found:
            raise Http404
        obj = found[0]
        # The page then asks can() for each action it might offer: each would repeat this visibility query.
        self.mark_seen(user, obj)
        return obj


class Part:
    """A part's three entry points over its kinds, dispatched on the model through an explicit dict."""

    def __init__(self, *policies: Policy):
        self.by_model: dict[type[Model], Policy] = {p.model: p for p in policies}
        self.main = policies[0]
        self.by_unit_action: dict[str, Policy] = {}
        for p in policies:
            for action in p.unit_rules:
                if action in self.by_unit_action:
                    raise ValueError(f"unit action {action!r} in two policies of one part")
                self.by_unit_action[action] = p

    def policy_for(self, model_or_obj) -> Policy:
        model = model_or_obj if isinstance(model_or_obj, type) else type(model_or_obj)
        try:
            return self.by_model[model]
        except KeyError:
            raise TypeError(f"no policy for {model.__name__} here") from None

    def visible_to(self, user: User, of: type[Model] | QuerySet | None = None) -> QuerySet:
        """The user's visible objects of `of` (a model, or a queryset to narrow); without it, of the part's first
        kind (meetings, drafts, incoming records)."""
        if of is None:
            return self.main.visible_to(user)
        if isinstance(of, QuerySet):
            return self.policy_for(of.model).visible_to(user, of)
        return self.policy_for(of).visible_to(user)

    def can(self, user: User, action: str, obj) -> bool:
        return self.policy_for(obj).can(user, action, obj)

    def require(self, user: User, action: str, obj) -> None:
        self.policy_for(obj).require(user, action, obj)

    def _unit_policy(self, action: str) -> Policy:
        try:
            return self.by_unit_action[action]
        except KeyError:
            raise ValueError(f"unknown unit action {action!r} here") from None

    def can_for_unit(self, user: User, action: str, unit_id: int | None | object = OWN_UNIT) -> bool:
        return self._unit_policy(action).can_for_unit(user, action, unit_id)

    def require_for_unit(self, user: User, action: str, unit_id: int | None | object = OWN_UNIT) -> None:
        self._unit_policy(action).require_for_unit(user, action, unit_id)


# --- Confidential grants as a subquery ---------------------------------------------------------------------


def granted_document_ids(user: User):
    """Subquery of documents explicitly granted to the user (guardian's direct table, one indexed lookup)."""
    return grants.granted_ids(user, Document)


# --- Electronic arrivals (Chờ vào sổ) ------------------------------------------------------------------


RECEIVE = "receive"
# Acknowledge or refuse a sender's recall of a delivery (a recalled delivery is no longer in "Chờ vào sổ").
ANSWER_RECALL = "answer_recall"


class DeliveryPolicy(Policy):
    """Deliveries waiting in the clerk's "Chờ vào sổ": only the receiving unit's clerk sees them, and receives;
    the same clerk answers a recall. By unit (`recipient_unit_id`): a service checks the delivery's status itself,
    under its lock and with its own message."""

    model = Delivery
    unit_rules = {RECEIVE: roles.is_clerk_of, ANSWER_RECALL: roles.is_clerk_of}
    rules = {RECEIVE: lambda user, delivery: DeliveryPolicy.unit_rules[RECEIVE](user, delivery.recipient_unit_id)}

    def _visible(self, user: User, qs: QuerySet) -> QuerySet:
        if not roles.is_clerk(user):
            return qs.none()
        return qs.filter(
            recipient_unit_id=user.unit_id, electronic=True, status__in=[DeliveryStatus.SENT, DeliveryStatus.OPENED]
        )

    def state(self, obj) -> tuple:
        return (obj.status, obj.recipient_unit_id, obj.electronic)


deliveries = DeliveryPolicy()


# --- Register books -----------------------------------------------------------------------------------------

# The unit's register as a whole: its list (the "Sổ" tab of Văn bản đến, "Đã phát hành" of Văn bản đi) and the
# books printed from it (incoming, outgoing, follow-up, postal).
READ_REGISTER = "read_register"


def reads_register(user: User, unit_id: int | None) -> bool:
    return roles.sees_unit_register(user) and unit_id is not None and user.unit_id == unit_id


class RegisterPolicy(Policy):
    """A unit's registers: seen by its clerk, heads and (for UBND huyện) the district leaders."""

    model = Register
    unit_rules = {READ_REGISTER: reads_register}

    def _visible(self, user: User, qs: QuerySet) -> QuerySet:
        return qs.filter(unit_id=user.unit_id) if roles.sees_unit_register(user) else qs.none()


registers = RegisterPolicy()
