"""Liên thông on the incoming pages: a replacement or update and the document it changes (documents/exchange)."""

from __future__ import annotations

from django import template

register = template.Library()


@register.inclusion_tag("exchange/_changes.html", takes_context=True)
def exchange_changes(context, document) -> dict:
    from documents.exchange.selectors import changes_of

    return {"changes": changes_of(document, context["request"].user)}
