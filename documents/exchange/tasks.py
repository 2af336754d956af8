"""django-q2 entry points of the exchange (called by dotted name, with ids): build and send packages."""

from __future__ import annotations

from documents.exchange import services


def send_document(document_pk: int) -> str:
    """Build the packages of an issued document's peer deliveries and make a first attempt at each."""
    ready = services.prepare_document(document_pk)
    return ", ".join(services.send_package(pk) for pk in ready) or "nothing to send"


def send_recall(document_pk: int) -> str:
    ready = services.send_recall(document_pk)
    return ", ".join(services.send_package(pk) for pk in ready) or "nothing to send"


def send_update(update_pk: int) -> str:
    ready = services.send_update(update_pk)
    return ", ".join(services.send_package(pk) for pk in ready) or "nothing to send"


def send_package(package_pk: int) -> str:
    return services.send_package(package_pk)


def send_due() -> int:
    return services.send_due()
