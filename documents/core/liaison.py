"""The hooks the incoming and outgoing flows call so that documents exchanged with other systems (liên thông,
documents/exchange) follow them. documents.exchange builds on outgoing (the package of an issued document), so the
flows name its services instead of importing them (the import contracts forbid the cycle); each hook is one call
that does nothing for a delivery that never left this server.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence

from django.utils.module_loading import import_string

from documents.core.models import Delivery, Document
from units.models import Unit

SERVICES = "documents.exchange.services"


def _service(name: str):
    return import_string(f"{SERVICES}.{name}")


def reached_by_peer(units: Iterable[Unit]) -> set[int]:
    """Ids of the given units that a peer system reaches: for the paper rule they are on the system."""
    # Only a body with a mã định danh can be addressed in a package (and then no query for the others).
    candidates = [u for u in units if u.organ_id and not u.is_on_system()]
    return _service("reached_by_peer")(candidates) if candidates else set()


def on_system(unit: Unit, on: datetime.date, document: Document | None = None) -> bool:
    """On the e-office on `on`, here or through a peer (classified content never crosses to a peer)."""
    if unit.is_on_system(on):
        return True
    return not (document is not None and document.is_confidential) and bool(reached_by_peer([unit]))


def came_from_peer(delivery: Delivery) -> bool:
    """Whether a delivery arrived from a peer system: asked before a number is taken, so that nothing but the
    status package's own writes follows the number while the register row is locked."""
    return delivery.pk is not None and _service("came_from_peer")(delivery)


def record_changed(record, code: str, description: str = "") -> None:
    """The same for an incoming record (04 directed, 05 in progress, 06 done), through its delivery if any."""
    status_changed(getattr(record, "delivery", None), code, description)


def dispatched(document: Document, deliveries: Sequence[Delivery], *, held: bool = False) -> None:
    """Deliveries just created: those to a unit behind a peer are sent as edXML packages from the worker. Held
    (the agency's signature to come): linked now, sent only when `released`."""
    _service("dispatch")(document, deliveries, held=held)


def released(document: Document) -> list[int]:
    """The agency signed a document whose deliveries were held: those to a peer go to the worker now. Returns
    their ids (the caller releases the others)."""
    return _service("release")(document)


def status_changed(delivery: Delivery | None, code: str, description: str = "") -> None:
    """A delivery that came from a peer changed state here (03 registered, 02 returned, 04, 05, 06): tell the
    sender. Inside the caller's transaction: the status package is stored with the change or not at all."""
    if delivery is not None and delivery.pk is not None:
        _service("status_changed")(delivery, code, description)


def recalled(document: Document) -> None:
    """An issued document was recalled: peers get the revocation package and status 13."""
    _service("recalled")(document)


def updated(document: Document, update) -> None:
    """An issued document was updated (a DocumentUpdate): peers that got it are sent the update package."""
    _service("updated")(document, update)


def recall_acknowledged(delivery: Delivery) -> None:
    """The recipient's clerk agreed to a peer's recall (status 15)."""
    status_changed(delivery, "15")
