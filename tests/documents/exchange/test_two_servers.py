"""Two iDesk servers on loopback exchange a document (issue 17): each its own SQLite database and port, configured as
each other's peer with `manage.py exchange_peer`. The district (server A) issues a giấy mời to the province (server B,
whose UBND carries the province's mã định danh); the province's clerk registers it; the district sees Đã vào sổ with
the province's số đến. On the same two servers, the province returns a second one with a reason (02: the district
sees Bị trả lại and the reason), and the district recalls a third (revocation + 13) which the province's clerk agrees
to (15). A Chromium journey drives both clerks' pages. The worker's part is played by calling its task functions from
`manage.py shell`.
"""

from __future__ import annotations

import json
import os
import re
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
    doc_type="gm", summary="%(summary)s", body="Kính mời.",
    signer=u("chutich"), issuer_unit=Unit.objects.get(code="ubnd"),
    recipient_units=[Unit.objects.get(organ_id="%(province)s")]))
draft = outgoing.submit_draft(author=u("cv1.vp"), draft=draft)
draft = outgoing.review_draft(head=u("truong.vp"), draft=draft, approve=True)
draft = outgoing.sign_draft(leader=u("chutich"), draft=draft, approve=True)
out["draft"] = draft.pk
if %(issue)s:
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

RETURN = """
from accounts.models import User
from documents.core.models import Delivery
from documents.exchange import tasks
from documents.incoming import services as incoming
out["acknowledged"] = tasks.send_due()
delivery = Delivery.objects.get(document__number_symbol="%(symbol)s", recipient_unit__organ_id="%(province)s")
incoming.return_delivery(clerk=User.objects.get(username="vanthu.ubnd"), delivery=delivery, reason="%(reason)s")
out["returned"] = tasks.send_due()
"""

RECALL = """
from accounts.models import User
from documents.core.models import Document
from documents.exchange import tasks
from documents.outgoing import services as outgoing
document = outgoing.recall(leader=User.objects.get(username="chutich"), document=Document.objects.get(pk=%(document)s),
                           reason="%(reason)s")
out["thirteen"] = tasks.send_due()  # the 13 queued by the recall
out["revocation"] = tasks.send_recall(document.pk)  # the worker's task the recall leaves for after its commit
"""

AGREE = """
from accounts.models import User
from documents.core.models import Delivery
from documents.exchange import tasks
from documents.exchange.models import Link
from documents.outgoing import services as outgoing
delivery = Delivery.objects.get(document__number_symbol="%(symbol)s", recipient_unit__organ_id="%(province)s")
link = Link.objects.get(delivery=delivery)
out.update(withdrawn=delivery.status, reason=link.recall_reason, document_recalled=bool(delivery.document.recalled_at))
outgoing.acknowledge_recall(clerk=User.objects.get(username="vanthu.ubnd"), delivery=delivery)
out["agreed"] = tasks.send_due()
"""

SEEN = """
from documents.core.models import Delivery
d = Delivery.objects.select_related("exchange").get(document_id=%(document)s)
out.update(status=d.status, label=d.get_status_display(), number=d.exchange.remote_arrival_number,
           remote=d.exchange.remote_status, returned_reason=d.returned_reason,
           recall_agreed=d.recall_acknowledged_at is not None)
# What the district's clerk sees on the issued document's page.
from django.test import Client
from accounts.models import User
page = Client(HTTP_HOST="localhost")
page.force_login(User.objects.get(username="vanthu.ubnd"))
response = page.get(f"/documents/outgoing/{d.document_id}/")
out.update(page_status=response.status_code, page=response.content.decode())
"""


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    """The district (A) and the province (B), migrated, seeded, each other's peer, running; shared by the tests here
    (each issues its own documents) so the minute of setting them up is paid once."""
    root = tmp_path_factory.mktemp("two-servers")
    a, b = Server(root / "district"), Server(root / "province")
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
        yield a, b
    finally:
        a.stop()
        b.stop()


def test_documents_cross_to_another_idesk_and_come_back_registered_returned_and_recalled(servers):
    a, b = servers
    issue = lambda summary: a.shell(ISSUE_INVITATION % {"province": PROVINCE, "summary": summary, "issue": True})  # noqa: E731
    seen = lambda doc: a.shell(SEEN % {"document": doc["document"]})  # noqa: E731
    on_b = lambda code, doc, **more: b.shell(  # noqa: E731
        code % {"symbol": doc["number_symbol"], "province": PROVINCE, "document": doc["document"], **more}
    )

    # Registered: 01 then 03 with the province's số đến.
    issued = issue("Mời dự hội nghị triển khai liên thông văn bản")
    assert issued["sent"] == "sent", issued
    assert issued["electronic"] and not issued["paper"]
    arrived = on_b(REGISTER, issued)
    assert arrived["waiting"] == "sent" and arrived["acknowledged"] == 1
    assert arrived["registered"] == 1
    registered = seen(issued)
    assert registered["status"] == "registered" and registered["label"] == "Đã vào sổ"
    assert registered["number"] == str(arrived["arrival_number"]) and registered["remote"] == "03"
    assert registered["page_status"] == 200 and "Đã vào sổ" in registered["page"]

    # Returned: 02 with the reason; the district's page shows Trả lại and why.
    second = issue("Mời dự họp giao ban liên thông tháng 12")
    assert second["sent"] == "sent", second
    reason = "Gửi nhầm cơ quan, đề nghị gửi Sở Nội vụ"
    returned = on_b(RETURN, second, reason=reason)
    assert returned["acknowledged"] == 1 and returned["returned"] == 1
    back = seen(second)
    assert back["status"] == "returned" and back["label"] == "Bị trả lại" and back["remote"] == "02"
    assert back["returned_reason"] == reason
    assert back["page_status"] == 200 and "Bị trả lại" in back["page"] and reason in back["page"]

    # Recalled: the revocation (BussinessDocType 1) and 13 cross; the province's copy is withdrawn; its clerk
    # agrees and 15 comes back.
    third = issue("Mời dự hội nghị sơ kết chuyển đổi số")
    assert third["sent"] == "sent", third
    assert on_b(REGISTER, third)["registered"] == 1
    recall_reason = "Thay đổi thời gian tổ chức hội nghị"
    recalled = a.shell(RECALL % {"document": third["document"], "reason": recall_reason})
    assert recalled["thirteen"] == 1 and recalled["revocation"] == "sent", recalled
    agreed = on_b(AGREE, third)
    assert agreed["withdrawn"] == "recalled" and agreed["document_recalled"], agreed
    assert agreed["reason"] == recall_reason and agreed["agreed"] == 1
    withdrawn = seen(third)
    assert withdrawn["recall_agreed"] and withdrawn["remote"] == "15" and withdrawn["status"] == "recalled"


SEND = """
from documents.core.models import Document
from documents.exchange import tasks
document = Document.objects.get(draft__pk=%(draft)s) if %(draft)s else None
out["sent"] = tasks.send_document(document.pk) if document else tasks.send_due()
"""


@pytest.mark.e2e
def test_a_clerk_on_each_server_in_chromium_issue_register_and_see_it_registered(servers):
    """The district's clerk issues in the browser; the province's clerk finds it in Chờ vào sổ and registers it;
    the district's issued page shows Đã vào sổ. Each server in its own browser context (cookies ignore the port)."""
    from tests.e2e.conftest import ARGS, CHROMIUM

    if not os.path.exists(CHROMIUM):
        pytest.skip("Chromium is not installed")
    from playwright.sync_api import expect, sync_playwright

    a, b = servers
    summary = "Mời dự hội nghị liên thông văn bản trên trình duyệt"
    signed = a.shell(ISSUE_INVITATION % {"province": PROVINCE, "summary": summary, "issue": False})

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)

        def clerk_of(server: Server):
            context = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
            context.set_default_timeout(20000)
            page = context.new_page()
            base = f"http://127.0.0.1:{server.port}"
            page.goto(base + "/accounts/login/")
            page.get_by_label("Tên đăng nhập").fill("vanthu.ubnd")
            page.get_by_label("Mật khẩu").fill("idesk-demo")
            page.get_by_role("button", name="Đăng nhập").click()
            page.wait_for_url(lambda url: "/accounts/login/" not in url)
            return page, base

        try:
            district, base_a = clerk_of(a)
            district.goto(f"{base_a}/documents/outgoing/drafts/{signed['draft']}/")
            district.get_by_role("button", name="Cấp số và phát hành").click()
            district.get_by_text("và phát hành tới 1 nơi nhận").wait_for()
            number_symbol = district.get_by_test_id("number-symbol").inner_text().strip()
            issued_url = district.url
            assert a.shell(SEND % signed)["sent"] == "sent"  # the worker's first attempt

            province, base_b = clerk_of(b)
            b.shell(SEND % {"draft": 0})  # the 01 back
            province.goto(base_b + "/documents/incoming/arrivals/")
            province.get_by_role("link", name=re.compile(re.escape(summary))).click()
            province.get_by_role("button", name="Vào sổ").click()
            province.get_by_text("Đã vào sổ văn bản đến số").wait_for()
            assert b.shell(SEND % {"draft": 0})["sent"] == 1  # the 03 back

            district.goto(issued_url)
            row = district.get_by_role("row").filter(has_text="UBND tỉnh")
            expect(row).to_contain_text("Đã vào sổ")
            assert number_symbol in district.content()
        finally:
            browser.close()
