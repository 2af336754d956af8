"""The policy's answers kept for one request, on request.user (which lives exactly as long).

PolicyCacheMiddleware turns it on for each request; outside a request (services called by the worker, commands,
tests that change state between checks) there is no memo and every question is asked afresh."""

from __future__ import annotations

_ATTR = "_idesk_policy_memo"


def of(user) -> dict | None:
    return getattr(user, _ATTR, None)


def start(user) -> None:
    setattr(user, _ATTR, {})


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
