"""The policy's answers kept for one request, on request.user (which lives exactly as long).

PolicyCacheMiddleware turns it on for each request; outside a request (services called by the worker, commands,
tests that change state between checks) there is no memo and every question is asked afresh."""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import QuerySet

_ATTR = "_idesk_policy_memo"


def of(user) -> dict | None:
    return getattr(user, _ATTR, None)


def start(user) -> None:
    setattr(user, _ATTR, {})


def queryset(user, key: tuple, build: Callable[[], QuerySet]) -> QuerySet:
    """`build()` once a request for this user as they are now (role, unit), kept unevaluated and handed out as a
    fresh copy: every read still asks the database, and no read's results reach the next caller. Without a memo,
    built each time."""
    answers = of(user)
    if answers is None:
        return build()
    key = (*key, user.pk, user.role, user.unit_id)
    if key not in answers:
        answers[key] = build()
    return answers[key].all()


def forget(user) -> None:
    """Drop the request's answers (after a change the same request goes on to show)."""
    memo = of(user)
    if memo is not None:
        memo.clear()


class PolicyCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            start(user)
        return self.get_response(request)
