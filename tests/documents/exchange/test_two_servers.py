"""Two iDesk servers on loopback exchange a document (issue 17): each its own SQLite database and port, configured as
each other's peer with `manage.py exchange_peer`. The district (server A) issues a giấy mời to the province (server B,
whose UBND carries the province's mã định danh); the province's clerk registers it; the district sees Đã vào sổ with
the province's số đến. The worker's part is played by calling its task functions from `manage.py shell`.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
PYTHON = str(ROOT / ".venv" / "bin" / "python")
PROVINCE, DISTRICT = "000.00.00.H09", "000.00.31.H09"
pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, var: Path) -> None:
        self.var, self.port, self.process = var, _free_port(), None
        self.env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
        self.env.update(
            IDESK_VAR_DIR=str(var), PYTHONUNBUFFERED="1", DEBUG="1", IDESK_2FA="0", IDESK_SIGNATURES_REQUIRED="0"
        )
        self.inbox = f"http://127.0.0.1:{self.port}/lien-thong/goi-tin/"

    def manage(self, *args: str) -> str:
        done = subprocess.run(
            [PYTHON, "manage.py", *args], cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=300
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout

    def shell(self, code: str) -> dict:
        """Run `code` in the server's Django; it leaves its answer in `out`, printed as JSON on the last line."""
        out = self.manage("shell", "-c", f"out = {{}}\n{code}\nimport json; print(json.dumps(out))")
        return json.loads(out.strip().splitlines()[-1])

    def start(self) -> None:
        self.process = subprocess.Popen(
            [PYTHON, "manage.py", "runserver", "--noreload", "--nothreading", f"127.0.0.1:{self.port}"],
            cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.2)
        raise AssertionError("runserver did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)


ISSUE_INVITATION = """
from accounts.models import User
from documents.exchange import tasks
from documents.outgoing import services as outgoing
from documents.outgoing.services import DraftData
from units.models import Unit
u = lambda name: User.objects.get(username=name)
draft = outgoing.create_draft(author=u("cv1.vp"), data=DraftData(
    doc_type="gm", summary="Mời dự hội nghị triển khai liên thông văn bản", body="Kính mời.",
    signer=u("chutich"), issuer_unit=Unit.objects.get(code="ubnd"),
    recipient_units=[Unit.objects.get(organ_id="%(province)s")]))
draft = outgoing.submit_draft(author=u("cv1.vp"), draft=draft)
draft = outgoing.review_draft(head=u("truong.vp"), draft=draft, approve=True)
draft = outgoing.sign_draft(leader=u("chutich"), draft=draft, approve=True)
document = outgoing.issue(clerk=u("vanthu.ubnd"), draft=draft)
out["sent"] = tasks.send_document(document.pk)
delivery = document.deliveries.get()
out.update(document=document.pk, number_symbol=document.number_symbol, status=delivery.status,
           electronic=delivery.electronic, paper=delivery.paper_required)
"""

REGISTER = """
from accounts.models import User
from documents.core.models import Delivery
from documents.exchange import tasks
from documents.incoming import services as incoming
out["acknowledged"] = tasks.send_due()  # the 01 queued when the package arrived
delivery = Delivery.objects.get(document__number_symbol="%(symbol)s", recipient_unit__organ_id="%(province)s")
out["waiting"] = delivery.status
record = incoming.register_delivery(clerk=User.objects.get(username="vanthu.ubnd"), delivery=delivery)
out["registered"] = tasks.send_due()
out["arrival_number"] = record.arrival_number
"""

SEEN = """
from documents.core.models import Delivery
d = Delivery.objects.select_related("exchange").get(document_id=%(document)s)
out.update(status=d.status, label=d.get_status_display(), number=d.exchange.remote_arrival_number,
           remote=d.exchange.remote_status)
"""


def test_a_giay_moi_crosses_to_another_idesk_and_comes_back_registered(tmp_path):
    a, b = Server(tmp_path / "district"), Server(tmp_path / "province")
    for server in (a, b):
        server.manage("migrate", "--noinput", "-v", "0")
        server.manage("seed_demo", "--no-history")
    # Server B plays the province: its UBND gets the province's code, and the district is reached through A.
    b.manage("exchange_peer", "organ", "ubnd", PROVINCE)
    b.manage(
        "exchange_peer", "add", "iDesk huyện Vân Canh", a.inbox, "--reach", f"{DISTRICT}=UBND huyện Vân Canh",
        "--inbound-token", "a-to-b", "--outbound-token", "b-to-a",
    )  # fmt: skip
    a.manage("exchange_peer", "add", "iDesk tỉnh", b.inbox, "--reach", PROVINCE, "--inbound-token", "b-to-a",
             "--outbound-token", "a-to-b")  # fmt: skip
    assert "iDesk tỉnh" in a.manage("exchange_peer", "list")
    try:
        a.start()
        b.start()
        issued = a.shell(ISSUE_INVITATION % {"province": PROVINCE})
        assert issued["sent"] == "sent", issued
        assert issued["electronic"] and not issued["paper"]
        arrived = b.shell(REGISTER % {"symbol": issued["number_symbol"], "province": PROVINCE})
        assert arrived["waiting"] == "sent" and arrived["acknowledged"] == 1
        assert arrived["registered"] == 1
        seen = a.shell(SEEN % {"document": issued["document"]})
        assert seen["status"] == "registered" and seen["label"] == "Đã vào sổ"
        assert seen["number"] == str(arrived["arrival_number"]) and seen["remote"] == "03"
    finally:
        a.stop()
        b.stop()
