"""Logging context and error reporting: a request id on every web log line, the task on every worker log line,
ADMINS from the environment, Sentry when SENTRY_DSN is set.

Imported by settings, so it imports nothing from Django at module level that needs settings.
"""

from __future__ import annotations

import contextvars
import logging
import re
import uuid
from email.utils import getaddresses

from django.core.exceptions import ImproperlyConfigured

# What the current log line belongs to: "req=<id>" in the web process, "task=<func> <name>" in the worker.
_context: contextvars.ContextVar[str] = contextvars.ContextVar("idesk_log_context", default="-")
_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("idesk_request_id", default="")

# A proxy's id is taken as is only when it cannot break a log line or a header: nginx's $request_id, UUIDs.
_WELL_FORMED = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{7,127}")

LOG_FORMAT = "%(asctime)s %(levelname)s %(process)d [%(context)s] %(name)s: %(message)s"


class RequestIdMiddleware:
    """First in MIDDLEWARE: every request gets an id (the proxy's X-Request-ID when well-formed), every log line
    written while answering it carries that id, and the response says it, so a user's report finds its lines."""

    header = "HTTP_X_REQUEST_ID"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.META.get(self.header, "")
        request_id = given if _WELL_FORMED.fullmatch(given) else uuid.uuid4().hex
        request.request_id = request_id
        # Kept until the response is closed (request_finished): Django logs 4xx responses after the middleware.
        _request_id.set(request_id)
        _context.set(f"req={request_id}")
        response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response


def request_finished(sender, **kwargs) -> None:
    """The thread's next lines (a runserver thread, a gunicorn worker between requests) belong to no request."""
    _request_id.set("")
    _context.set("-")


class ContextFilter(logging.Filter):
    """Puts the request id or the worker's task into each record as %(context)s."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "context"):
            record.context = _context.get()
        return True


def task_started(sender, func=None, task=None, **kwargs) -> None:
    """django-q2's pre_execute, in the worker process: log lines until the task ends name it."""
    from django_q.utils import get_func_repr

    task = task or {}
    _context.set(f"task={get_func_repr(task.get('func') or func)} {task.get('name', '')}".rstrip())


def task_finished(sender, **kwargs) -> None:
    """django-q2's post_execute_in_worker: the worker's own lines between tasks carry no task."""
    _context.set("-")


def connect_signals() -> None:
    from django.core.signals import request_finished as finished
    from django_q.signals import post_execute_in_worker, pre_execute

    finished.connect(request_finished, dispatch_uid="idesk.observability.request_finished")
    pre_execute.connect(task_started, dispatch_uid="idesk.observability.task_started")
    post_execute_in_worker.connect(task_finished, dispatch_uid="idesk.observability.task_finished")


def parse_admins(raw: str) -> list[tuple[str, str]]:
    """ADMINS="Tên <a@b.vn>, c@d.vn" → [("Tên", "a@b.vn"), ("", "c@d.vn")]; refuses what is not an address."""
    admins = []
    for name, address in getaddresses([raw]):
        if not address and not name:
            continue
        if "@" not in address or " " in address:
            raise ImproperlyConfigured(f"ADMINS must be addresses like 'Tên <a@b.vn>, c@d.vn', got {raw!r}")
        admins.append((name, address))
    return admins


def logging_config(level: str, worker_level: str) -> dict:
    """Console lines with their context; server errors (django.request, 5xx) also mailed to ADMINS when DEBUG=0."""
    level = level.upper()
    for value in (level, worker_level.upper()):
        if value not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ImproperlyConfigured(f"LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL, got {value!r}")
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "context": {"()": "idesk.observability.ContextFilter"},
            "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
        },
        "formatters": {"line": {"format": LOG_FORMAT}},
        "handlers": {
            "console": {"class": "logging.StreamHandler", "filters": ["context"], "formatter": "line"},
            "mail_admins": {
                "class": "django.utils.log.AdminEmailHandler",
                "level": "ERROR",
                "filters": ["require_debug_false"],
            },
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # django.request's 5xx and django.security's errors propagate here; mailed only when ADMINS is set.
            "django": {"handlers": ["console", "mail_admins"], "level": level, "propagate": False},
            # The worker says which task each process takes and how it ended.
            "django-q": {"handlers": ["console"], "level": worker_level.upper(), "propagate": False},
        },
    }


def init_sentry(dsn: str, environment: str, traces_sample_rate: float) -> bool:
    """Errors to Sentry (the web process and the worker both read settings); nothing at all without a DSN."""
    if not dsn:
        return False
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration
    from sentry_sdk.integrations.logging import LoggingIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment or None,
        # The worker's failed tasks are logged at ERROR by django-q2: the logging integration reports them.
        integrations=[DjangoIntegration(), LoggingIntegration(level=logging.INFO, event_level=logging.ERROR)],
        send_default_pii=False,
        traces_sample_rate=traces_sample_rate,
    )
    return True
