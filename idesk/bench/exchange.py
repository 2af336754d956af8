"""Liên thông benchmarks (issue 17): receiving edXML packages end to end, as a peer posts them.

Each package goes through the inbox view with the test client (token check, reading the body, parsing, checking the
attachments by content, storing, the PDF's verification, landing in Chờ vào sổ with its 01 queued). Budgets from the
issue: a 10 MB package ≤ 1 s; ≥ 100 packages a minute; memory within 150 MB (here: the Python heap's peak during the
10 MB receive, by tracemalloc, on top of what the process already holds).

Everything runs in one transaction rolled back at the end, with a receiving unit, a sender and a peer of its own,
so the dataset other sections measure stays as generated; the files stored meanwhile are deleted afterwards.
`measure_exchange()` returns a dict for the bench report.

The sending side ("100 packages a minute through the worker") is measured in the same transaction: each package is
built (edXML with its PDF base64), kept as the outgoing evidence, and sent by the worker's task
(`documents.exchange.tasks.send_package`: claim, read back, HTTP POST, mark sent) to a peer on loopback that reads
the body and answers 200 as an inbox would.
"""

from __future__ import annotations

import datetime
import io
import os
import statistics
import threading
import time
import tracemalloc
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

BUDGETS = {"receive_10mb_ms": 1000.0, "packages_per_min": 100.0, "peak_mb": 150.0}
TOKEN = "bench-exchange-token"
RECEIVER, SENDER = "000.99.98.H99", "000.99.99.H99"
INBOX = "/lien-thong/goi-tin/"
_DAY = datetime.date(2026, 12, 5)


class _Rollback(Exception):
    pass


def _pdf(padding: int) -> bytes:
    """A one-page PDF carrying `padding` random (incompressible) bytes as an embedded file."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    if padding:
        writer.add_attachment("phu-luc.bin", os.urandom(padding))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _package(number: int, pdf: bytes) -> bytes:
    from documents.exchange import edxml

    day = _DAY
    return edxml.build(
        edxml.DocumentPackage(
            from_organ=edxml.Organ(SENDER, "Bench: cơ quan gửi"),
            to_organs=[edxml.Organ(RECEIVER)],
            document_id=edxml.make_document_id(SENDER, day, f"{number}/BENCH-LT"),
            code_number=str(number),
            code_notation="BENCH-LT",
            promulgation_date=day,
            document_type="2",
            document_type_name="Giấy mời",
            subject=f"Bench: gói tin liên thông số {number}",
            signer=edxml.SignerInfo(position="Phó Chủ tịch", full_name="Nguyễn Văn A"),
            attachments=[edxml.Attachment(f"{number}-BENCH-LT.pdf", "application/pdf", pdf, "1")],
        )
    )


def _setup():
    from documents.exchange.models import Peer
    from units.models import Unit, UnitKind

    Unit.objects.create(code="bench-exchange-in", name="Bench: đơn vị nhận liên thông", kind=UnitKind.COMMUNE,
                        organ_id=RECEIVER)  # fmt: skip
    sender = Unit.objects.create(
        code="bench-exchange-out", name="Bench: cơ quan gửi liên thông", kind=UnitKind.EXTERNAL, organ_id=SENDER
    )
    peer = Peer.objects.create(name="Bench: hệ thống gửi", base_url="http://127.0.0.1:9/lien-thong/goi-tin/")
    peer.set_inbound_token(TOKEN)
    peer.save()
    peer.units.add(sender)


class _Inbox(BaseHTTPRequestHandler):
    """A peer's inbox on loopback: reads the whole package, counts it, answers 01."""

    received = 0

    def do_POST(self):  # noqa: N802
        self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received += 1
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"status": "01"}')

    def log_message(self, *args):
        pass


def _measure_sending(batch: int, pdf: bytes) -> dict:
    """`batch` packages built, kept and sent by the worker's send task to a loopback peer, one after another."""
    from documents.exchange import edxml, tasks
    from documents.exchange.models import Direction, Package, PackageState, Peer
    from documents.exchange.store import keep

    server = ThreadingHTTPServer(("127.0.0.1", 0), _Inbox)
    # shutdown() waits for the loop's next look at its flag (every 0.5 s by default).
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()
    _Inbox.received = 0
    try:
        peer = Peer.objects.create(
            name="Bench: hệ thống nhận",
            base_url=f"http://127.0.0.1:{server.server_address[1]}/lien-thong/goi-tin/",
            outbound_token="bench-out",
        )
        results = []
        t0 = time.perf_counter()
        for i in range(batch):
            data = _package(10_000 + i, pdf)
            package = keep(
                direction=Direction.OUT, data=data, state=PackageState.PENDING, peer=peer, kind="document",
                document_id=edxml.make_document_id(SENDER, _DAY, f"{10_000 + i}/BENCH-LT"),
                from_organ=SENDER, to_organ=RECEIVER,
            )  # fmt: skip
            results.append(tasks.send_package(package.pk))
        seconds = time.perf_counter() - t0
        sent = Package.objects.filter(peer=peer, state=PackageState.SENT).count()
    finally:
        server.shutdown()
        server.server_close()
    return {
        "batch": batch,
        "seconds": round(seconds, 2),
        "packages_per_min": round(batch / seconds * 60),
        "sent": sent,
        "received_by_peer": _Inbox.received,
        "all_sent": results.count("sent") == batch,
    }


def _post(client, data: bytes) -> None:
    response = client.post(INBOX, data=data, content_type="application/xml", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200, response.content[:500]


def measure_exchange(runs: int = 5, batch: int = 30, big_mb: float = 10.0, small_kb: int = 200) -> dict:
    """`runs` receives of a `big_mb` MB package (a fresh DocumentId each time), the peak heap of one of them, and
    `batch` typical packages of about `small_kb` KB received one after another (packages per minute)."""
    from django.db import transaction
    from django.test import Client

    from documents.core.models import Delivery, StoredFile

    client = Client(HTTP_HOST="localhost")
    # Base64 grows the PDF by 4/3: pad it so the whole package is big_mb.
    big_pdf = _pdf(int(big_mb * 1024 * 1024 * 3 / 4) - 4096)
    small_pdf = _pdf(small_kb * 1024 * 3 // 4)
    first_blob = (StoredFile.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    out: dict = {}
    stored_names: list[str] = []
    try:
        with transaction.atomic():
            _setup()
            number = 1
            # Warm-up: imports, the first query plans, the view's code paths.
            _post(client, _package(number, small_pdf))
            big = [], []
            for _ in range(runs):
                number += 1
                data = _package(number, big_pdf)
                t0, c0 = time.perf_counter(), time.process_time()
                _post(client, data)
                big[0].append((time.perf_counter() - t0) * 1000)
                big[1].append((time.process_time() - c0) * 1000)
            number += 1
            data = _package(number, big_pdf)
            tracemalloc.start()
            try:
                _post(client, data)
                _current, peak = tracemalloc.get_traced_memory()
            finally:
                tracemalloc.stop()
            packages = [_package(number + i + 1, small_pdf) for i in range(batch)]
            t0 = time.perf_counter()
            for data in packages:
                _post(client, data)
            batch_s = time.perf_counter() - t0
            landed = Delivery.objects.filter(recipient_unit__organ_id=RECEIVER).count()
            send = _measure_sending(batch, small_pdf)
            out = {
                "package_mb": round(len(_package(0, big_pdf)) / 1024 / 1024, 1),
                "receive_10mb": {
                    "median": round(statistics.median(big[0]), 1),
                    "max": round(max(big[0]), 1),
                    "cpu_median": round(statistics.median(big[1]), 1),
                    "runs": runs,
                },
                "peak_mb": round(peak / 1024 / 1024, 1),
                "small_kb": round(len(packages[0]) / 1024),
                "batch": batch,
                "batch_seconds": round(batch_s, 2),
                "packages_per_min": round(batch / batch_s * 60),
                "landed": landed,
                "send": send,
                "load_average": [round(x, 2) for x in os.getloadavg()],
            }
            stored_names = list(StoredFile.objects.filter(pk__gte=first_blob).values_list("content", flat=True))
            raise _Rollback
    except _Rollback:
        pass
    _delete_files(stored_names)
    out["budgets"] = BUDGETS
    out["pass"] = (
        out["receive_10mb"]["median"] <= BUDGETS["receive_10mb_ms"]
        and out["packages_per_min"] >= BUDGETS["packages_per_min"]
        and out["peak_mb"] <= BUDGETS["peak_mb"]
        and out["send"]["packages_per_min"] >= BUDGETS["packages_per_min"]
        and out["send"]["all_sent"]
    )
    return out


def _delete_files(names: list[str]) -> None:
    """The files the rolled-back rows pointed to (random bytes: no other row shares them)."""
    from documents.core.models import StoredFile

    storage = StoredFile._meta.get_field("content").storage
    for name in names:
        if name and not StoredFile.objects.filter(content=name).exists():
            storage.delete(name)
