"""Admin registrations of the documents app (each sub-package keeps its own admin module)."""

from documents.signing import admin as signing_admin  # noqa: F401
