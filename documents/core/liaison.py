"""The hooks the incoming and outgoing flows call so that documents exchanged with other systems (liên thông,
documents/exchange) follow them, and the paper rule the incoming flow asks of documents/outgoing. Those parts build
on the flows (the package of an issued document; a direction's paper copy), so the flows cannot import them (the
import contracts forbid the cycle): the app connects them here once it is ready (documents/apps.py), and each
hook is a plain call on what was connected. Each exchange hook does nothing for a delivery that never left this
server.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from documents.core.models import Delivery, Document
from units.models import Unit


class Exchange(Protocol):
    """What the flows ask of documents.exchange.services."""

    def reached_by_peer(self, units: list[Unit]) -> set[int]: ...
    def came_from_peer(self, delivery: Delivery) -> bool: ...
    def dispatch(self, document: Document, deliveries: Sequence[Delivery], *, held: bool = False) -> None: ...
    def release(self, document: Document) -> list[int]: ...
    def status_changed(self, delivery: Delivery, code: str, description: str = "") -> None: ...
    def recalled(self, document: Document) -> None: ...
    def updated(self, document: Document, update) -> None: ...


@dataclass(frozen=True)
class Parts:
    # Called when first needed (the web's first request, a command's first flow), not at start-up: importing
    # the exchange (lxml, pyHanko) is not every management command's business.
    exchange: Callable[[], Exchange]
    paper_decision: Callable[[], Callable]


_parts: Parts | None = None


def connect(parts: Parts) -> None:
    """documents/apps.py, once the app is ready."""
    global _parts
    _parts = parts


def _connected() -> Parts:
    if _parts is None:
        raise RuntimeError("documents.core.liaison is not connected: the documents app is not ready")
    return _parts


def exchange() -> Exchange:
    return _connected().exchange()


def paper_decision() -> Callable:
    """documents.outgoing.paper.decide: whether a unit gets a paper copy too (founding letter R3)."""
    return _connected().paper_decision()


def reached_by_peer(units: Iterable[Unit]) -> set[int]:
    """Ids of the given units that a peer system reaches: for the paper rule they are on the system."""
    # Only a body with a mã định danh can be addressed in a package (and then no query for the others).
    candidates = [u for u in units if u.organ_id and not u.is_on_system()]
    return exchange().reached_by_peer(candidates) if candidates else set()


def on_system(unit: Unit, on: datetime.date, document: Document | None = None) -> bool:
    """On the e-office on `on`, here or through a peer (classified content never crosses to a peer)."""
    if unit.is_on_system(on):
        return True
    return not (document is not None and document.is_confidential) and bool(reached_by_peer([unit]))


def came_from_peer(delivery: Delivery) -> bool:
    """Whether a delivery arrived from a peer system: asked before a number is taken, so that nothing but the
    status package's own writes follows the number while the register row is locked."""
    return delivery.pk is not None and exchange().came_from_peer(delivery)


def record_changed(record, code: str, description: str = "") -> None:
    """The same for an incoming record (04 directed, 05 in progress, 06 done), through its delivery if any."""
    status_changed(getattr(record, "delivery", None), code, description)


def dispatched(document: Document, deliveries: Sequence[Delivery], *, held: bool = False) -> None:
    """Deliveries just created: those to a unit behind a peer are sent as edXML packages from the worker. Held
    (the agency's signature to come): linked now, sent only when `released`."""
    exchange().dispatch(document, deliveries, held=held)


def released(document: Document) -> list[int]:
    """The agency signed a document whose deliveries were held: those to a peer go to the worker now. Returns
    their ids (the caller releases the others)."""
    return exchange().release(document)


def status_changed(delivery: Delivery | None, code: str, description: str = "") -> None:
    """A delivery that came from a peer changed state here (03 registered, 02 returned, 04, 05, 06): tell the
    sender. Inside the caller's transaction: the status package is stored with the change or not at all."""
    if delivery is not None and delivery.pk is not None:
        exchange().status_changed(delivery, code, description)


def recalled(document: Document) -> None:
    """An issued document was recalled: peers get the revocation package and status 13."""
    exchange().recalled(document)


def updated(document: Document, update) -> None:
    """An issued document was updated (a DocumentUpdate): peers that got it are sent the update package."""
    exchange().updated(document, update)


def recall_acknowledged(delivery: Delivery) -> None:
    """The recipient's clerk agreed to a peer's recall (status 15)."""
    status_changed(delivery, "15")
