"""The psycopg connection pool across fork().

The django-q2 cluster forks its workers from a process that has used the database (the scheduler runs there),
and a forked child inherits that process's pool: the pool's threads are gone in the child and its connections'
sockets are shared with the parent. A child that took one would talk over the parent's socket. So each child
forgets the inherited pools and opens its own on first use.
"""

import os

_inherited: list = []  # kept, never closed: closing would end the parent's sessions over the shared sockets


def _forget_pools() -> None:
    from django.db.backends.postgresql.base import DatabaseWrapper

    pools = DatabaseWrapper._connection_pools
    _inherited.extend(pools.values())
    pools.clear()


def install() -> None:
    os.register_at_fork(after_in_child=_forget_pools)
