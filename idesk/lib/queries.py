"""Reading several things from the database in one round trip."""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet


def count_many(querysets: Mapping[str, QuerySet]) -> dict[str, int]:
    """`{key: qs.count()}` as one statement: `SELECT (SELECT COUNT(*) FROM (q1)), (SELECT COUNT(*) FROM (q2)), …`.

    A page's tab counts are a handful of small counts; asked one by one, each cost a round trip and Django's
    aggregation machinery (about 1.5 ms apiece on a 2-core machine, more than the counting). Each queryset keeps
    its own definition and is only compiled here, so a count always agrees with its list."""
    counts: dict[str, int] = dict.fromkeys(querysets, 0)
    parts: list[str] = []
    params: list = []
    keys: list[str] = []
    db = None
    for key, qs in querysets.items():
        inner = qs.order_by().values("pk")
        try:
            sql, sql_params = inner.query.get_compiler(using=inner.db).as_sql()
        except EmptyResultSet:  # .none() and filters that can match nothing: zero without asking
            continue
        db = db or inner.db
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS counted_{len(keys)})")
        params.extend(sql_params)
        keys.append(key)
    if parts:
        with connections[db].cursor() as cursor:
            cursor.execute("SELECT " + ", ".join(parts), params)
            counts.update(zip(keys, cursor.fetchone(), strict=True))
    return counts
