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
