"""Template helpers shared by every page."""

from django import template
from django.utils.timezone import localtime

register = template.Library()


@register.simple_tag(takes_context=True)
def active(context, *prefixes: str) -> str:
    """'active' when the current view name starts with one of `prefixes` (for the navigation)."""
    match = getattr(context.get("request"), "resolver_match", None)
    if match is None:
        return ""
    name = match.view_name or ""
    return "active" if any(name.startswith(prefix) for prefix in prefixes) else ""


@register.filter
def vndate(value) -> str:
    """dd/mm/yyyy, in local time for datetimes. (Formatted directly: lists call it a few times a row, and
    date_format's locale machinery cost more than the rest of the row.)"""
    if not value:
        return ""
    if hasattr(value, "tzinfo") and hasattr(value, "hour"):
        value = localtime(value)
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"


@register.filter
def vndatetime(value) -> str:
    if not value:
        return ""
    value = localtime(value)
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d} {value.hour:02d}:{value.minute:02d}"


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


_URGENCY = {3: ("badge-hoatoc", "Hỏa tốc"), 2: ("badge-thuongkhan", "Thượng khẩn"), 1: ("badge-khan", "Khẩn")}
_SECRECY = {1: "Mật", 2: "Tối mật", 3: "Tuyệt mật"}


@register.simple_tag
def doc_badges(urgency: int, secrecy: int) -> str:
    """Urgency and secrecy badges with the regulation's words (cheap: no template include per row)."""
    from django.utils.html import format_html
    from django.utils.safestring import mark_safe
    from django.utils.translation import gettext

    parts = []
    if urgency in _URGENCY:
        css, label = _URGENCY[urgency]
        parts.append(format_html('<span class="badge {}">{}</span>', css, gettext(label)))
    if secrecy in _SECRECY:
        parts.append(
            format_html(
                '<span class="badge badge-mat"><i class="bi bi-lock-fill" aria-hidden="true"></i> {}</span>',
                gettext(_SECRECY[secrecy]),
            )
        )
    return mark_safe(" ".join(parts))


@register.simple_tag
def due_class(due, today, status: str = "") -> str:
    from documents.core.selectors import due_css

    return due_css(due, today, status)


@register.simple_tag
def tab_count(key: str, count=None, oob: bool = False) -> str:
    """A list tab's count badge: empty (Bootstrap hides it) until the badges' request (idesk.views.nav_counts)
    replaces it out of band, unless the page counted it (its own list). A tag: an include per tab cost more."""
    from django.utils.html import format_html
    from django.utils.safestring import mark_safe

    from idesk.navigation import tab_badge

    return format_html(
        '<span id="tab-count-{}" class="badge {}"{}>{}</span>',
        key,
        tab_badge(key, count),
        mark_safe(' hx-swap-oob="true"') if oob else "",
        "" if count is None else count,
    )


@register.filter
def get_item(mapping, key):
    return mapping.get(key, "") if hasattr(mapping, "get") else ""


@register.filter
def subject(document) -> str:
    """A document's or draft's trích yếu as listed: a công văn's with its "V/v" (documents.core.models)."""
    from documents.core.models import listed_summary

    return listed_summary(getattr(document, "doc_type", ""), getattr(document, "summary", "") or "")


@register.filter
def body_html(text) -> str:
    """A draft's or document's body as its official PDF shows it (bold, lists), safely escaped."""
    from documents.outgoing.pdf import render_body

    return render_body(text or "")
