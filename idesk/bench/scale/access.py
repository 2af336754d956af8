"""Access events for the dataset: each person's visits on working days, in time order (BRIN-friendly)."""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterator, Sequence

from django.utils import timezone


def access_events(
    rng: random.Random, days: Sequence[datetime.date], per_day: int, user_unit: Sequence[tuple[int, int]]
) -> Iterator[tuple[int, int, datetime.datetime, str]]:
    """(user, unit, at, kind) of `per_day` events a working day between 7:00 and 18:00, in time order. Each event
    takes its rank in the day as microseconds, so `at` stays unique for a user."""
    for day in days:
        base = timezone.make_aware(datetime.datetime.combine(day, datetime.time(7, 0)))
        stamps = sorted(rng.randrange(11 * 3600) for _ in range(per_day))
        for n, second in enumerate(stamps):
            user_id, unit_id = user_unit[rng.randrange(len(user_unit))]
            yield (
                user_id,
                unit_id,
                base + datetime.timedelta(seconds=second, microseconds=n),
                "visit" if n % 3 else "login",
            )


def access_event_lines(
    rng: random.Random, days: Sequence[datetime.date], per_day: int, user_unit: Sequence[tuple[int, int]]
) -> Iterator[tuple[str, int]]:
    """The events of access_events(), drawn the same way, as COPY text a day at a time (lines, count): 10M rows
    formatted one by one by psycopg, datetimes included, cost more than drawing them."""
    assert per_day < 1_000_000, "an event's microseconds are its rank in the day"
    prefixes = [f"{user_id}\t{unit_id}\t" for user_id, unit_id in user_unit]
    clock = [f"{7 + s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}" for s in range(11 * 3600)]
    kinds = ["\tlogin\n", "\tvisit\n", "\tvisit\n"]
    for day in days:
        base = timezone.make_aware(datetime.datetime.combine(day, datetime.time(7, 0)))
        date, offset = f"{day.isoformat()} ", base.isoformat()[19:]
        stamps = sorted(rng.randrange(11 * 3600) for _ in range(per_day))
        lines = [
            f"{prefixes[rng.randrange(len(prefixes))]}{date}{clock[second]}.{n:06d}{offset}{kinds[n % 3]}"
            for n, second in enumerate(stamps)
        ]
        yield "".join(lines), len(lines)
