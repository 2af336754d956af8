"""The verification code and QR of an issued document's signed file, for the issued page."""

from __future__ import annotations

from django import template

register = template.Library()


@register.inclusion_tag("documents/signing/_code.html", takes_context=True)
def verification_code(context, document) -> dict:
    from documents.signing import public
    from documents.signing.models import IssuedSignedFile

    signed = None if document.is_confidential else IssuedSignedFile.objects.filter(document=document).first()
    if signed is None:
        return {"signed": None}
    url = public.entry_url(context["request"], signed.code)
    return {"signed": signed, "url": url, "qr": public.qr_data_uri(url)}


@register.inclusion_tag("documents/signing/_awaiting.html", takes_context=True)
def agency_signature_pending(context, document) -> dict:
    """The "chưa ký số cơ quan — ký lại" state of an issued document whose agency signature failed (issue 16)."""
    from documents.core.models import AuditEvent
    from documents.outgoing import held, signatures
    from documents.outgoing import policy as outgoing_policy

    if not signatures.awaiting_agency(document):
        return {"awaiting": False}
    failed = (
        AuditEvent.objects.filter(object_type="document", object_id=document.pk, verb="agency_signing_failed")
        .order_by("-at", "-id")
        .first()
    )
    user = context["request"].user
    return {
        "awaiting": True,
        "doc": document,
        "reason": failed.data.get("reason", "") if failed else "",
        "held": held.pending(document),  # deliveries created but not sent until the agency signs
        "can_retry": outgoing_policy.issued.can_for_unit(
            user, outgoing_policy.RESIGN, outgoing_policy.issuer_unit(document)
        ),
        "csrf_token": context.get("csrf_token"),
    }
