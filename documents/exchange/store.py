"""Liên thông, the shared ground: which peer reaches which unit, and every package kept (Package, its XML in the
file store) before anything else happens to it."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from typing import BinaryIO

from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.db import transaction

from documents.core import files
from documents.exchange.models import Package, Peer
from units.models import Unit

TASKS = "documents.exchange.tasks"


# --- Peers ---------------------------------------------------------------------------------------------------


def active_peers() -> list[Peer]:
    return list(Peer.objects.filter(active=True).prefetch_related("units").order_by("pk"))


def peer_for(unit: Unit, peers: Sequence[Peer] | None = None) -> Peer | None:
    for peer in active_peers() if peers is None else peers:
        if any(u.pk == unit.pk for u in peer.units.all()) or (unit.organ_id and unit.organ_id in peer.listed_codes()):
            return peer
    return None


def reached_by_peer(units: Iterable[Unit]) -> set[int]:
    """Ids of the units an active peer reaches (they count as on the system for the paper rule)."""
    units = list(units)
    if not units:
        return set()
    peers = active_peers()
    return {u.pk for u in units if peer_for(u, peers) is not None}


def peer_by_token(raw: str) -> Peer | None:
    from documents.exchange.models import hash_token

    if not raw:
        return None
    return Peer.objects.filter(active=True, inbound_token_hash=hash_token(raw)).first()


# --- Storing packages ----------------------------------------------------------------------------------------


def _store_xml(data: bytes | BinaryIO, name: str):
    if isinstance(data, bytes):
        return files.store(SimpleUploadedFile(name, data, content_type="application/xml"))
    return files.store(UploadedFile(data, name, "application/xml", size_of(data)))


def size_of(stream: BinaryIO) -> int:
    at = stream.seek(0, os.SEEK_END)
    stream.seek(0)
    return at


def keep(
    *, direction: str, data: bytes | BinaryIO, state: str, peer: Peer | None, kind: str, document_id: str = "", **fields
) -> Package:
    """A package kept as its XML, from its bytes or (a received one) the temporary file the inbox wrote."""
    size = len(data) if isinstance(data, bytes) else size_of(data)
    package = Package(
        direction=direction,
        peer=peer,
        kind=kind,
        document_id=document_id[:255],
        blob=_store_xml(data, "goi-tin.xml") if size else None,
        size=size,
        state=state,
        **fields,
    )
    package.save(force_insert=True)
    return package


def enqueue_send(package: Package) -> None:
    pk = package.pk

    def enqueue() -> None:
        from django_q.tasks import async_task

        async_task(f"{TASKS}.send_package", pk, task_name=f"exchange-send-{pk}")

    transaction.on_commit(enqueue)
