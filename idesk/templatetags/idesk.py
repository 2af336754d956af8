"""Template helpers shared by every page."""

from django import template
from django.utils.formats import date_format
from django.utils.timezone import localtime

register = template.Library()


@register.simple_tag(takes_context=True)
def active(context, prefix: str) -> str:
    """'active' when the current view name starts with `prefix` (for the navigation)."""
    match = getattr(context.get("request"), "resolver_match", None)
    if match is None:
        return ""
    name = match.view_name or ""
    return "active" if name == prefix or name.startswith(prefix) else ""


@register.simple_tag
def nav_counts(user) -> dict:
    """Counts of what waits for the user, shown beside the navigation (one cheap query each)."""
    from documents import selectors  # idesk sits on top and may read every app

    return selectors.nav_counts(user) if hasattr(selectors, "nav_counts") else {}


@register.filter
def vndate(value) -> str:
    """dd/mm/yyyy, in local time for datetimes."""
    if not value:
        return ""
    if hasattr(value, "tzinfo") and hasattr(value, "hour"):
        value = localtime(value)
    return date_format(value, "d/m/Y")


@register.filter
def vndatetime(value) -> str:
    if not value:
        return ""
    return date_format(localtime(value), "d/m/Y H:i")


@register.simple_tag(takes_context=True)
def query_with(context, **kwargs) -> str:
    """The current query string with some parameters replaced (for sorting and pagination links)."""
    params = context["request"].GET.copy()
    for key, value in kwargs.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"
