"""django-q2 entry points of outgoing documents (called by dotted name)."""

from __future__ import annotations

import datetime
import logging

from django.utils import timezone

from documents.core.models import DeliveryStatus, Document
from documents.outgoing import held, services

logger = logging.getLogger(__name__)

# Issuing signs and releases within seconds of its commit; a delivery still held this long after that has lost the
# process that was doing it.
STRANDED_AFTER = datetime.timedelta(minutes=10)


def release_signed() -> int:
    """Deliveries still held for a document that carries the agency's signature: the process that signed it
    stopped (a restart, a crash) between the commit and attaching the signed face or releasing them. The face is
    attached as at issue (never signed again: the signed bytes are kept) and the deliveries go out once. A document
    still waiting for the signature itself keeps them for the clerk's "Ký lại". Returns how many documents."""
    stranded = (
        Document.objects.filter(
            deliveries__status=DeliveryStatus.HELD,
            deliveries__sent_at__lt=timezone.now() - STRANDED_AFTER,
            signed_file__isnull=False,
            cancelled_at__isnull=True,  # withdrawn meanwhile: held.withdraw keeps them from going out
            recalled_at__isnull=True,
        )
        .distinct()
        .order_by("pk")
    )
    count = 0
    for document in stranded:
        services.attach_official_pdf(document)
        held.release(document)  # when the face was attached already, attach_official_pdf released nothing
        logger.info("released the held deliveries of document %s", document.pk)
        count += 1
    return count
