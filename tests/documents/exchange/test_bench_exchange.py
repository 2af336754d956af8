"""The liên thông benchmark (idesk/bench/exchange.py) on small sizes: every package it posts lands, its figures are
filled in, and it leaves nothing behind (its transaction is rolled back, its files deleted)."""

from __future__ import annotations

from documents.core.models import Delivery, StoredFile
from documents.exchange.models import Package, Peer
from idesk.bench.exchange import RECEIVER, measure_exchange
from units.models import Unit


def test_the_exchange_benchmark_receives_every_package_and_leaves_nothing(db):
    blobs = StoredFile.objects.count()

    out = measure_exchange(runs=2, batch=3, big_mb=1.0, small_kb=20)

    assert out["landed"] == 1 + 2 + 1 + 3  # warm-up, timed, traced, batch
    assert 0.9 <= out["package_mb"] <= 1.1
    assert out["receive_10mb"]["median"] > 0 and out["receive_10mb"]["runs"] == 2
    assert out["peak_mb"] > 0.5  # the package itself is read into memory once at least
    assert out["packages_per_min"] > 0 and out["batch"] == 3
    assert isinstance(out["pass"], bool)
    # The sending side: every package built, sent by the worker's task, received by the loopback peer.
    send = out["send"]
    assert send["batch"] == 3 and send["sent"] == 3 and send["received_by_peer"] == 3 and send["all_sent"]
    assert send["packages_per_min"] > 0
    assert not Unit.objects.filter(organ_id=RECEIVER).exists()
    assert not Peer.objects.filter(name__startswith="Bench").exists()
    assert not Package.objects.exists() and not Delivery.objects.filter(recipient_unit__organ_id=RECEIVER).exists()
    assert StoredFile.objects.count() == blobs
