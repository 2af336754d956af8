"""The bell's unread count (one indexed COUNT; only where the bell is drawn)."""

from django import template

register = template.Library()


@register.simple_tag
def unread_notifications(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    from idesk.notifications import unread_count

    return unread_count(user)


@register.filter
def badge_count(n: int) -> str:
    return "99+" if n > 99 else str(n)
