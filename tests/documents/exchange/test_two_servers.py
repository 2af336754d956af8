"""Two iDesk servers on loopback exchange a document (issue 17): each its own SQLite database and port, configured as
each other's peer with `manage.py exchange_peer`. The district (server A) issues a giấy mời to the province (server B,
whose UBND carries the province's mã định danh); the province's clerk registers it; the district sees Đã vào sổ with
the province's số đến. On the same two servers, the province returns a second one with a reason (02: the district
sees Bị trả lại and the reason), and the district recalls a third (revocation + 13) which the province's clerk agrees
to (15). A Chromium journey drives the same three on both servers' pages. The worker's part is played by calling
its task functions (the real sending path, over HTTP to the other server) in a `manage.py shell` of each server, one
long-lived process per server as the worker is (each step a process of its own cost about 2 s of CPU apiece).

The two servers are started once for the module and shared by its tests, each of which issues its own documents.
Their databases are two copies of the session's migrated and seeded var directory (tests/seeded_var.py): two separate
SQLite files, media and secret keys, made for the price of one.
"""

from __future__ import annotations

import ctypes
import json
import os
import re
import signal
import socket
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests import seeded_var

ROOT, PYTHON = seeded_var.ROOT, seeded_var.PYTHON
PROVINCE, DISTRICT = "000.00.00.H09", "000.00.31.H09"
# Both tests share the module's two servers: under xdist (--dist loadgroup) the mark sends them to the same worker
# (tests/conftest.py puts the group in the node id where pytest 9 reads it: pytest-xdist issue 1386).
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("two-idesk-servers")]


def _die_with_the_tests() -> None:
    """In the child, before exec: Linux sends it SIGTERM when the test process dies, even killed with -9, so a
    runserver is never left behind (the fixture's finally covers failures and Ctrl-C)."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


class Server:
    """One whole iDesk: its own var directory (SQLite database, media, secret key) and port. The signing key that
    encrypts the server-held signing keys is given (IDESK_SIGNING_KEY) so a copied database can still sign."""

    def __init__(self, var: Path, signing_key: str) -> None:
        self.var, self.port, self.process, self.session = var, seeded_var.free_port(), None, None
        self.env = seeded_var.environment(
            var, DEBUG="1", IDESK_2FA="0", IDESK_SIGNATURES_REQUIRED="0", IDESK_SIGNING_KEY=signing_key
        )
        self.base = f"http://127.0.0.1:{self.port}"
        self.inbox = f"{self.base}/lien-thong/goi-tin/"

    def _command(self, *args: str) -> list[str]:
        return [PYTHON, "manage.py", *args]

    def manage(self, *args: str) -> str:
        done = subprocess.run(
            self._command(*args), cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=300,
            preexec_fn=_die_with_the_tests,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout

    def shell(self, code: str) -> dict:
        """Run `code` in the server's Django, in a namespace of its own; it leaves its answer in `out`. The same
        `manage.py shell` process runs each step (started on the first), as the worker's process would."""
        if self.session is None:
            self.session_log = (self.var / "shell.log").open("wb")
            self.session = subprocess.Popen(
                self._command("shell", "-c", SESSION), cwd=ROOT, env=self.env, stdin=subprocess.PIPE,
                stdout=subprocess.PIPE, stderr=self.session_log, text=True, preexec_fn=_die_with_the_tests,
            )  # fmt: skip
        self.session.stdin.write(json.dumps(code) + "\n")
        self.session.stdin.flush()
        watchdog = threading.Timer(300, self.session.kill)  # a step that hangs ends the process, and the test
        watchdog.start()
        try:
            answer = next((line for line in self.session.stdout if line.startswith(ANSWER)), None)
        finally:
            watchdog.cancel()
        assert answer is not None, (self.var / "shell.log").read_text(errors="replace")[-3000:]
        answer = json.loads(answer[len(ANSWER) :])
        assert "error" not in answer, answer["error"][-3000:]
        return answer["out"]

    def start(self) -> None:
        self.log = (self.var / "runserver.log").open("wb")
        self.process = subprocess.Popen(
            self._command("runserver", "--noreload", "--nothreading", f"127.0.0.1:{self.port}"),
            cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT, preexec_fn=_die_with_the_tests,
        )  # fmt: skip

    def wait_ready(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.2)
        self.stop()
        raise AssertionError(f"runserver on {self.port} did not start: {self.log_tail()}")

    def log_tail(self) -> str:
        return (self.var / "runserver.log").read_text(errors="replace")[-3000:]

    def stop(self) -> None:
        if self.session is not None:
            self.session.stdin.close()  # the end of its input ends the shell's loop
            try:
                self.session.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.session.kill()
                self.session.wait(timeout=10)
            self.session.stdout.close()
            self.session_log.close()
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        if self.process is not None:
            self.log.close()


# What a server's shell runs: a step a line (its code as JSON), each in a namespace of its own holding `out`; the
# answer, after whatever the step printed, is a line of its own: ANSWER, then `out` or the step's error, as JSON.
ANSWER = "\x1eanswer "
SESSION = f"""
import json, sys, traceback
for line in sys.stdin:
    space = {{"out": {{}}}}
    try:
        exec(json.loads(line), space)
        answer = {{"out": space["out"]}}
    except BaseException:
        answer = {{"error": traceback.format_exc()}}
    print({ANSWER!r} + json.dumps(answer), flush=True)
"""

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
out.update(arrival_number=record.arrival_number, record=record.pk)
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


def _configure_peers(a: Server, b: Server) -> None:
    """Server B plays the province: its UBND gets the province's code, and the district is reached through A;
    A reaches the province through B. Each server's commands run one after the other, the two servers side by side."""
    on_b = (
        ("exchange_peer", "organ", "ubnd", PROVINCE),
        ("exchange_peer", "add", "iDesk huyện Vân Canh", a.inbox, "--reach", f"{DISTRICT}=UBND huyện Vân Canh",
         "--inbound-token", "a-to-b", "--outbound-token", "b-to-a"),
    )  # fmt: skip
    on_a = (
        ("exchange_peer", "add", "iDesk tỉnh", b.inbox, "--reach", PROVINCE, "--inbound-token", "b-to-a",
         "--outbound-token", "a-to-b"),
        ("exchange_peer", "list"),
    )  # fmt: skip
    with ThreadPoolExecutor(2) as pool:
        both = [pool.submit(lambda server, steps: [server.manage(*step) for step in steps], *job)
                for job in ((b, on_b), (a, on_a))]  # fmt: skip
        listed = both[1].result()[-1]
        both[0].result()
    assert "iDesk tỉnh" in listed


@pytest.fixture(scope="module")
def servers(tmp_path_factory, worker_id):
    """The district (A) and the province (B), each other's peer, running; shared by the tests here (each issues its
    own documents). Each is a copy of the session's seeded var directory (tests/seeded_var.py): two databases with
    the demo, for the price of one, each with a secret key of its own. The servers are stopped whatever happens."""
    root = tmp_path_factory.mktemp("two-servers")
    signing_key = seeded_var.copy(tmp_path_factory, worker_id, root / "district")
    seeded_var.copy(tmp_path_factory, worker_id, root / "province")
    a, b = Server(root / "district", signing_key), Server(root / "province", signing_key)
    try:
        _configure_peers(a, b)
        a.start()
        b.start()
        a.wait_ready()
        b.wait_ready()
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

# What the worker does after a recall's commit: the 13 queued in the transaction, then the revocation package.
RECALL_SENT = """
from documents.exchange import tasks
out["thirteen"] = tasks.send_due()
out["revocation"] = tasks.send_recall(%(document)s)
"""


def _shoot(page, name: str) -> None:
    """The screen at 1280 px into $IDESK_SCREENSHOTS, when it is set, to be looked at."""
    from tests.e2e.conftest import screenshot

    page.evaluate("window.scrollTo(0, 0)")  # the sticky header stays at the top of a full-page shot
    screenshot(page, f"two-servers-{name}")


@pytest.mark.e2e
def test_clerks_on_each_server_in_chromium_register_return_and_recall(servers):
    """Both servers' pages in one Chromium, each server in its own browser context (cookies ignore the port).
    Registered: the district's clerk issues; the province's clerk finds it in Chờ vào sổ and registers it; the
    district's issued page shows Đã vào sổ with the province's số đến. Returned: the province's clerk returns a
    second from Chờ vào sổ with a reason; the district's page shows Bị trả lại and the reason. Recalled: the
    district's chairman (a leader recalls, not a clerk) recalls a third the province registered; the province's
    clerk agrees on Văn bản đến; the district's page shows the agreement and the province's record is withdrawn.
    The worker's sending is `manage.py shell` calling its tasks, as in the test above."""
    from tests.e2e.conftest import ARGS, CHROMIUM, login, new_page

    if not os.path.exists(CHROMIUM):
        pytest.skip("Chromium is not installed")
    from playwright.sync_api import expect, sync_playwright

    a, b = servers
    summary = "Mời dự hội nghị liên thông văn bản trên trình duyệt"
    signed = a.shell(ISSUE_INVITATION % {"province": PROVINCE, "summary": summary, "issue": False})
    worker_b = lambda: b.shell(SEND % {"draft": 0})["sent"]  # noqa: E731  the statuses B has queued

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)

        def person_on(server: Server, username: str):
            page = new_page(browser, server.base)
            page.context.set_default_timeout(20000)
            login(page, username)  # the form: the other server's database is not this process's
            return page

        def province_row(page):
            return page.get_by_role("row").filter(has_text="UBND tỉnh")

        try:
            # Registered.
            district = person_on(a, "vanthu.ubnd")
            district.goto(f"{a.base}/documents/outgoing/drafts/{signed['draft']}/")
            district.get_by_role("button", name="Cấp số và phát hành").click()
            district.get_by_text("và phát hành tới 1 nơi nhận").wait_for()
            number_symbol = district.get_by_test_id("number-symbol").inner_text().strip()
            issued_url = district.url
            assert a.shell(SEND % signed)["sent"] == "sent"  # the worker's first attempt

            province = person_on(b, "vanthu.ubnd")
            assert worker_b() == 1  # the 01 back
            province.goto(b.base + "/documents/incoming/arrivals/")
            province.get_by_role("link", name=re.compile(re.escape(summary))).click()
            province.get_by_role("button", name="Vào sổ").click()
            told = province.get_by_text("Đã vào sổ văn bản đến số")
            arrival_number = re.search(r"đến số (\d+)", told.inner_text()).group(1)
            _shoot(province, "1-province-registered")
            assert worker_b() == 1  # the 03 back

            district.goto(issued_url)
            expect(province_row(district)).to_contain_text(f"Đã vào sổ — số đến {arrival_number}")
            assert number_symbol in district.content()
            _shoot(district, "2-district-sees-registered")

            # Returned from Chờ vào sổ, with a reason.
            issue = lambda text: a.shell(ISSUE_INVITATION % {"province": PROVINCE, "summary": text, "issue": True})  # noqa: E731
            second = issue("Mời dự tập huấn văn thư liên thông trên trình duyệt")
            third = issue("Mời dự hội thảo số hóa hồ sơ trên trình duyệt")
            assert second["sent"] == third["sent"] == "sent"
            assert worker_b() == 2  # their 01s
            province.goto(b.base + "/documents/incoming/arrivals/")
            province.get_by_role("link", name=re.compile("tập huấn văn thư liên thông trên trình duyệt")).click()
            province.get_by_text("Trả lại văn bản (sai hoặc không hợp lệ)").click()
            reason = "Không thuộc thẩm quyền của UBND tỉnh, đề nghị gửi Sở Nội vụ"
            province.get_by_label("Lý do trả lại").fill(reason)
            _shoot(province, "3-province-returns")
            province.get_by_role("button", name="Trả lại", exact=True).click()
            province.get_by_text("Đã trả lại văn bản cho đơn vị gửi.").wait_for()
            _shoot(province, "4-province-returned")
            assert worker_b() == 1  # the 02 with the reason

            district.goto(f"{a.base}/documents/outgoing/{second['document']}/")
            expect(province_row(district)).to_contain_text(f"Bị trả lại: {reason}")
            _shoot(district, "5-district-sees-returned")

            # Recalled after the province registered it; the province's clerk agrees.
            registered = b.shell(REGISTER % {"symbol": third["number_symbol"], "province": PROVINCE})
            assert registered["registered"] == 1
            chairman = person_on(a, "chutich")
            chairman.goto(f"{a.base}/documents/outgoing/{third['document']}/")
            chairman.get_by_text("Thu hồi văn bản", exact=True).click()
            recall_reason = "Lùi thời gian tổ chức hội thảo sang quý I năm 2027"
            chairman.get_by_label("Lý do").fill(recall_reason)
            _shoot(chairman, "6-district-chairman-recalls")
            chairman.get_by_role("button", name="Thu hồi", exact=True).click()
            expect(chairman.get_by_role("alert").filter(has_text="Văn bản đã bị thu hồi")).to_contain_text(
                recall_reason
            )
            sent = a.shell(RECALL_SENT % {"document": third["document"]})
            assert sent == {"thirteen": 1, "revocation": "sent"}, sent

            province.goto(b.base + "/documents/incoming/")
            notice = province.get_by_role("listitem").filter(has_text=third["number_symbol"])
            expect(notice).to_contain_text(recall_reason)
            _shoot(province, "7-province-told-of-the-recall")
            notice.get_by_role("button", name="Xác nhận thu hồi").click()
            province.get_by_text(f"Đã xác nhận thu hồi văn bản {third['number_symbol']}").wait_for()
            expect(province.get_by_role("listitem").filter(has_text=third["number_symbol"])).to_have_count(0)
            _shoot(province, "8-province-agreed")
            assert worker_b() == 1  # the 15

            province.goto(f"{b.base}/documents/incoming/{registered['record']}/")
            expect(province.get_by_role("alert").filter(has_text="Văn bản đã bị thu hồi")).to_contain_text(
                recall_reason
            )
            _shoot(province, "9-province-record-withdrawn")
            district.goto(f"{a.base}/documents/outgoing/{third['document']}/")
            expect(province_row(district)).to_contain_text("Đã thu hồi · đơn vị đã xác nhận")
            _shoot(district, "10-district-sees-the-agreement")
        finally:
            browser.close()
