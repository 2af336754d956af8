"""What the incoming pages show of the exchange: a replacement or an update that came from a peer and the
document it changes, each with the page this user's unit has for it."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import User
from documents.core.models import Delivery, DeliveryStatus, Document
from documents.exchange.edxml import BusinessDocType
from documents.exchange.models import Direction, Package, PackageState
from documents.incoming.models import IncomingRecord


@dataclass
class Change:
    document: Document
    label: str  # "Văn bản thay thế cho" / "Văn bản cập nhật cho" / "Đã được thay thế bởi" / …
    url: str  # this unit's page for `document` ("" when the unit has none)
    record: IncomingRecord | None = None


def _is_update(document: Document) -> bool:
    return Package.objects.filter(
        direction=Direction.IN, kind="document", state=PackageState.RECEIVED, delivery__document=document,
        business_doc_type=int(BusinessDocType.UPDATE),
    ).exists()  # fmt: skip


def _page_of(document: Document, unit_id: int | None) -> tuple[str, IncomingRecord | None]:
    """The unit's record of the document, else its arrival waiting in Chờ vào sổ."""
    record = IncomingRecord.objects.filter(document=document, unit_id=unit_id).order_by("pk").first()
    if record is not None:
        return record.get_absolute_url(), record
    delivery = (
        Delivery.objects.filter(document=document, recipient_unit_id=unit_id)
        .exclude(status__in=[DeliveryStatus.RETURNED, DeliveryStatus.RECALLED, DeliveryStatus.REGISTERED])
        .first()
    )
    return (reverse("documents:delivery_detail", args=[delivery.pk]), None) if delivery else ("", None)


def changes_of(document: Document, user: User) -> list[Change]:
    """The document this one replaces or updates, and those that replace or update it."""
    changes = []
    if document.replaces_id:
        original = document.replaces
        url, record = _page_of(original, user.unit_id)
        label = _("Văn bản cập nhật cho") if _is_update(document) else _("Văn bản thay thế cho")
        changes.append(Change(original, label, url, record))
    for newer in document.replaced_by.order_by("pk"):
        url, record = _page_of(newer, user.unit_id)
        label = _("Đã được cập nhật bởi") if _is_update(newer) else _("Đã được thay thế bởi")
        changes.append(Change(newer, label, url, record))
    return changes
