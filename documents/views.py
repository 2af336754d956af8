"""Views over every part: a document's files (whichever part brought the document). The register books of a unit
are in documents/register_books.py."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET

from documents.core import files
from documents.core.models import DocumentFile
from documents.outgoing import policy as outgoing_policy


@login_required
@require_GET
@xframe_options_sameorigin
def file_download(request: HttpRequest, pk: int) -> HttpResponse:
    attached = DocumentFile.objects.select_related("blob", "document").filter(pk=pk).first()
    if attached is None:
        raise Http404
    outgoing_policy.documents.require(request.user, outgoing_policy.VIEW_FILE, attached.document)
    return files.download(request, attached.blob, attached.name, inline=request.GET.get("xem") == "1")
