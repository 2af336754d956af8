"""Hand events to the background queue after the transaction commits, by id, never inline.

documents sits below idesk, so it names the task instead of importing it (DESIGN.md).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction

EVENT_TASK = "idesk.tasks.handle_event"

# While set, committed events are appended here instead of queued (see `collected`).
_collected: ContextVar[list[tuple[str, dict]] | None] = ContextVar("documents_notify_collected", default=None)


def later(event: str, **ids: int | str | None) -> None:
    """Enqueue `event` with the given ids once the current transaction commits (nothing if it rolls back)."""
    events = _collected.get()

    def enqueue() -> None:
        if events is not None:
            events.append((event, ids))
            return
        from django_q.tasks import async_task

        async_task(EVENT_TASK, event, ids, task_name=f"{event}")

    transaction.on_commit(enqueue)


@contextmanager
def collected() -> Iterator[list[tuple[str, dict]]]:
    """Keep the events committed inside the block in a list instead of queueing them: the demo seeding handles
    them itself, so that a first `make run` finds its notifications in the bell and no e-mail in the queue."""
    events: list[tuple[str, dict]] = []
    token = _collected.set(events)
    try:
        yield events
    finally:
        _collected.reset(token)
