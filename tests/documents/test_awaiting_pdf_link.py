"""An issued document "chưa ký số cơ quan" (issue 16/18) has no official PDF: its page offers no PDF button that
would lead to the 409 page, and says why; once signed again the button is back."""

from __future__ import annotations

import pytest
from django.urls import reverse

from documents.outgoing import services as outgoing
from documents.outgoing import signatures
from documents.signing.errors import SigningError
from tests.documents.conftest import user
from tests.documents.signing.test_agency_retry import signed_draft


@pytest.fixture(autouse=True)
def required(settings):
    settings.IDESK_SIGNATURES_REQUIRED = True


def failing(*args, **kwargs):
    raise SigningError("Dịch vụ ký số từ xa không trả lời.")


def test_no_official_pdf_button_while_the_agency_has_not_signed(db, client, monkeypatch):
    clerk = user("vanthu.ubnd")
    draft = signed_draft()
    with monkeypatch.context() as patched:
        patched.setattr(signatures, "issue_signed", failing)
        document = outgoing.issue(clerk=clerk, draft=draft)
    client.force_login(clerk)
    pdf_link = reverse("documents:issued_pdf", args=[document.pk])

    page = client.get(reverse("documents:issued_detail", args=[document.pk])).content.decode()
    assert 'data-testid="awaiting-agency"' in page
    assert f'href="{pdf_link}"' not in page and 'data-testid="no-official-pdf"' in page

    client.post(reverse("documents:issued_action", args=[document.pk, "ky-lai"]))
    assert not signatures.awaiting_agency(document)
    page = client.get(reverse("documents:issued_detail", args=[document.pk])).content.decode()
    assert f'href="{pdf_link}"' in page and 'data-testid="no-official-pdf"' not in page
