"""Admin registrations of the documents app (each sub-package keeps its own admin module)."""

from documents.core import admin as core_admin  # noqa: F401
from documents.exchange import admin as exchange_admin  # noqa: F401
from documents.meetings import admin as meetings_admin  # noqa: F401
from documents.outgoing import admin as outgoing_admin  # noqa: F401
from documents.signing import admin as signing_admin  # noqa: F401
