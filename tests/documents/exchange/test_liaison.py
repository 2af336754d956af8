"""The flows call the exchange and the paper rule through documents/core/liaison.py, connected by the app: what
they call must be what those parts define, parameter for parameter (a renamed or reshaped function fails here,
not in the first liên thông of a server)."""

from __future__ import annotations

import inspect

from documents.core import liaison
from documents.exchange import services
from documents.outgoing import paper


def _parameters(fn) -> list[tuple[str, object]]:
    return [(p.name, p.kind) for p in inspect.signature(fn).parameters.values() if p.name != "self"]


def test_the_app_connects_the_exchange_services_and_the_paper_rule():
    assert liaison.exchange() is services
    assert liaison.paper_decision() is paper.decide


def test_every_hook_the_flows_call_is_the_exchange_services_own_function():
    hooks = [name for name, _ in inspect.getmembers(liaison.Exchange, inspect.isfunction) if not name.startswith("_")]
    assert len(hooks) == 7
    for name in hooks:
        assert _parameters(getattr(liaison.Exchange, name)) == _parameters(getattr(services, name)), name
