"""manage.py loadtest: logged-in users at once over HTTP against gunicorn (issue 12; see idesk/bench/loadtest.py).

Without --url it collects the static files and starts gunicorn itself (DEBUG=0, --workers 3) on this database, and
stops it at the end. Use a scratch database seeded with the demo (`make loadtest` does): the users' visits are
recorded like any others.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from idesk import demo
from idesk.bench import loadtest

MARK_START = "<!-- loadtest:start (written by manage.py loadtest; edit outside these marks) -->"
MARK_END = "<!-- loadtest:end -->"
ROLE_ORDER = [Role.LEADER, Role.CLERK, Role.HEAD, Role.DEPUTY_HEAD, Role.STAFF]


class Command(BaseCommand):
    help = "Đo tải: nhiều người dùng đăng nhập cùng lúc mở các trang chính qua HTTP (gunicorn)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--url", help="Máy chủ đang chạy sẵn; mặc định tự chạy gunicorn trên cổng --port.")
        parser.add_argument("--port", type=int, default=8124)
        parser.add_argument("--workers", type=int, default=3, help="Số tiến trình gunicorn.")
        parser.add_argument("--users", type=int, default=50)
        parser.add_argument("--duration", type=float, default=60, help="Giây đo (sau khi đăng nhập, khởi động).")
        parser.add_argument("--think", type=float, default=5.0, help="Thời gian nghĩ trung bình giữa hai lần bấm.")
        parser.add_argument("--markdown", dest="markdown_path", help="Ghi bảng kết quả vào tệp Markdown này.")
        parser.add_argument("--max-p95-ms", type=float, help="Thoát với mã lỗi nếu p95 vượt mức này.")

    def handle(self, *args, **o) -> None:
        usernames = self._users(o["users"])
        server = None
        url = o["url"]
        if not url:
            url = f"http://127.0.0.1:{o['port']}"
            server = self._start_gunicorn(o["port"], o["workers"])
        try:
            _wait_until_up(url + reverse("accounts:login"), server)
            self.stdout.write(
                f"{len(usernames)} người dùng, {o['duration']:.0f} s, nghĩ {o['think']:.1f} s, máy chủ {url} …"
            )
            report = loadtest.run(
                url,
                usernames,
                demo.DEMO_PASSWORD,
                pages=[
                    loadtest.Page("Bàn làm việc", reverse("home")),
                    loadtest.Page("Văn bản đến", reverse("documents:incoming_list")),
                    loadtest.Page("Văn bản đi", reverse("documents:outgoing_list")),
                    loadtest.Page("Lịch họp", reverse("meetings")),
                    loadtest.Page("Danh bạ", reverse("directory")),
                ],
                login_path=reverse("accounts:login"),
                incoming_path=reverse("documents:incoming_list"),
                duration=o["duration"],
                think=o["think"],
            )
        except loadtest.LoadTestError as exc:
            raise CommandError(str(exc)) from exc
        finally:
            if server is not None:
                _stop(server)
        text = loadtest.markdown(report, self._context(url, o["workers"] if server else None))
        self.stdout.write(text)
        if o["markdown_path"]:
            write_between_marks(Path(o["markdown_path"]), text)
        total = report.rows()[-1]
        if report.errors:
            raise CommandError(f"{len(report.errors)} lỗi trong {len(report.samples)} yêu cầu")
        if o["max_p95_ms"] and total["p95"] is not None and total["p95"] > o["max_p95_ms"]:
            raise CommandError(f"p95 {total['p95']:.0f} ms > {o['max_p95_ms']:.0f} ms")

    def _users(self, n: int) -> list[str]:
        """n demo people, taken in turn from each role so leaders, clerks, heads and staff all weigh in."""
        by_role = {role: [] for role in ROLE_ORDER}
        people = User.objects.filter(is_active=True, unit__eoffice_since__isnull=False, role__in=ROLE_ORDER)
        for username, role in people.order_by("unit__sort_order", "sort_order", "username").values_list(
            "username", "role"
        ):
            by_role[role].append(username)
        chosen: list[str] = []
        while len(chosen) < n and any(by_role.values()):
            for role in ROLE_ORDER:
                if by_role[role] and len(chosen) < n:
                    chosen.append(by_role[role].pop(0))
        if len(chosen) < n:
            raise CommandError(f"Chỉ có {len(chosen)} người dùng mẫu; chạy manage.py seed_demo trên CSDL này trước.")
        return chosen

    def _start_gunicorn(self, port: int, workers: int) -> subprocess.Popen:
        env = {
            **os.environ,
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "0",  # plain HTTP on loopback
            "SECURE_HSTS_SECONDS": "0",
            "IDESK_2FA": "0",  # the demo's leaders sign in with the password alone, as in make run
        }
        root = Path(settings.BASE_DIR)
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=root, env=env, check=True
        )
        gunicorn = [sys.executable, "-m", "gunicorn", "idesk.wsgi", "--workers", str(workers)]
        return subprocess.Popen(
            [*gunicorn, "--bind", f"127.0.0.1:{port}", "--timeout", "60", "--log-level", "warning"],
            cwd=root,
            env=env,
            start_new_session=True,
        )

    def _context(self, url: str, workers: int | None) -> str:
        with connection.cursor() as cursor:
            cursor.execute("SELECT version()" if connection.vendor == "postgresql" else "SELECT sqlite_version()")
            version = cursor.fetchone()[0].split(" on ")[0]
        server = f"gunicorn, {workers} sync workers, DEBUG=0" if workers else url
        load = " / ".join(f"{x:.2f}" for x in os.getloadavg())
        when = timezone.localtime().strftime("%d/%m/%Y %H:%M")
        return (
            f"Measured {when} on {os.cpu_count()} CPU cores shared by the server, the database and the load "
            f"generator; {server}; {version}; load average at the end {load}. Dataset: the demo district "
            f"(`seed_demo`). Pages: Bàn làm việc, Văn bản đến, one incoming record each person can see, Văn bản đi, "
            f"Lịch họp, Danh bạ; after each, the badges' request a browser sends (htmx)."
        )


def _wait_until_up(url: str, server: subprocess.Popen | None, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server is not None and server.poll() is not None:
            raise CommandError(f"gunicorn exited with code {server.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.5)
    raise CommandError(f"{url} did not answer within {timeout:.0f} s")


def _stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)  # gunicorn's graceful stop
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=5)


def write_between_marks(path: Path, text: str) -> None:
    """Replace what lies between the marks of `path`, keeping the rest; append a section when they are missing."""
    block = f"{MARK_START}\n{text}{MARK_END}"
    current = path.read_text(encoding="utf-8") if path.exists() else ""
    if MARK_START in current and MARK_END in current:
        before, rest = current.split(MARK_START, 1)
        current = before + block + rest.split(MARK_END, 1)[1]
    else:
        current = current.rstrip("\n") + f"\n\n## Under load\n\n{block}\n"
    path.write_text(current, encoding="utf-8")
