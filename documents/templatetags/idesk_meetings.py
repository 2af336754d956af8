"""Meeting materials on the outgoing pages (Bản giấy cần gửi): documents.outgoing cannot import documents.meetings
(meetings builds on outgoing), so the paper list asks for them here, in its template."""

from __future__ import annotations

from django import template

register = template.Library()


@register.inclusion_tag("documents/meetings/_paper_copies.html")
def meeting_paper_copies(user) -> dict:
    from documents.meetings import selectors

    return {"meetings": selectors.paper_materials_to_send(user)}
