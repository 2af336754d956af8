"""A province-sized, reproducible dataset for benchmarks, loaded in bulk (COPY on PostgreSQL).

Shape: one province (UBND tỉnh) with districts, their departments and communes; users with roles (one clerk
per unit); incoming and outgoing documents over several years with deliveries and assignments in every state,
the leaders' directions and each record's timeline (audit events); drafts before issue and meetings with their
invited units (work.py); Vietnamese trích yếu with diacritics; access events on working days, written in time
order (BRIN-friendly).

On PostgreSQL the whole load is one transaction that drops the big tables' secondary indexes and constraints and
builds them again after the rows: run it on a database nobody else is using, since those tables stay locked until
it commits.
"""

from idesk.bench.scale.access import (  # noqa: F401
    access_event_lines,
    access_events,
)
from idesk.bench.scale.bulk import (  # noqa: F401
    LOADED_TABLES,
    Progress,
)
from idesk.bench.scale.load import (  # noqa: F401
    Sizes,
    generate,
)
from idesk.bench.scale.words import (  # noqa: F401
    FAMILY,
    GIVEN,
    MIDDLE,
    PLACES,
    SUBJECTS,
    TYPES,
    VERBS,
)
from idesk.bench.scale.work import (  # noqa: F401
    generate_work,
)
