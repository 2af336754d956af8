"""Hand events to the background queue after the transaction commits, by id, never inline.

documents sits below idesk, so it names the task instead of importing it (DESIGN.md).
"""

from __future__ import annotations

from django.db import transaction

EVENT_TASK = "idesk.tasks.handle_event"


def later(event: str, **ids: int | str | None) -> None:
    """Enqueue `event` with the given ids once the current transaction commits (nothing if it rolls back)."""

    def enqueue() -> None:
        from django_q.tasks import async_task

        async_task(EVENT_TASK, event, ids, task_name=f"{event}")

    transaction.on_commit(enqueue)
