"""Load test (issue 12): many logged-in people at once over real HTTP, against gunicorn and the database.

Each virtual user is a thread with its own keep-alive connection and cookies (http.client, nothing to install). It
logs in through the login form, opens every page once to warm up, then for `duration` seconds walks the main pages
in its own shuffled order with a think time between clicks, like a person at work; after each page it sends the
request a browser sends right after it (the navigation's and the tabs' badges, by htmx). Every request is timed from
sending it to its last byte; anything but a 200 with a whole page is an error. The run is bounded: each request
times out, every user stops at the deadline, and the threads are waited for at most that long again.

Used by `manage.py loadtest` (which can start gunicorn itself) and `make loadtest`.
"""

from __future__ import annotations

import html
import http.client
import random
import re
import statistics
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.cookies import SimpleCookie

REQUEST_TIMEOUT = 30  # seconds; a request slower than this counts as an error
_CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
_RECORD_LINK = re.compile(rb'href="(/documents/incoming/\d+/)"')
# What a browser asks right after a page (components/sidebar.html): the navigation's and the tabs' counts, by htmx.
_BADGES = re.compile(rb'data-nav-counts hx-get="([^"]+)"')
BADGES = "Số đếm hàng việc (sau mỗi trang)"


class LoadTestError(Exception):
    pass


@dataclass
class Page:
    name: str
    path: str


@dataclass
class Sample:
    page: str
    seconds: float
    error: str = ""


@dataclass
class Report:
    users: int
    duration: float  # seconds of the measured phase, first request sent to last answer received
    think: float
    login_seconds: float
    samples: list[Sample] = field(default_factory=list)
    order: list[str] = field(default_factory=list)  # the pages' names, in the order of the table

    @property
    def errors(self) -> list[Sample]:
        return [s for s in self.samples if s.error]

    @property
    def throughput(self) -> float:
        return len(self.samples) / self.duration if self.duration else 0.0

    def rows(self) -> list[dict]:
        """One row a page, then the total: requests, errors, p50, p95 and max in milliseconds."""
        pages = [name for name in self.order if any(s.page == name for s in self.samples)]
        return [_row(name, [s for s in self.samples if s.page == name]) for name in pages] + [
            _row("Tất cả", self.samples)
        ]


def _row(name: str, samples: list[Sample]) -> dict:
    ok = sorted(s.seconds * 1000 for s in samples if not s.error)
    return {
        "page": name,
        "requests": len(samples),
        "errors": sum(1 for s in samples if s.error),
        "p50": statistics.median(ok) if ok else None,
        "p95": percentile(ok, 95),
        "max": ok[-1] if ok else None,
    }


def percentile(sorted_values: list[float], p: float) -> float | None:
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_values:
        return None
    rank = max(1, -(-len(sorted_values) * p // 100))  # ceil without floats
    return sorted_values[int(rank) - 1]


class Browser:
    """One person's connection: keep-alive when the server allows it, cookies kept, redirects not followed."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.cookies: dict[str, str] = {}
        self.conn = http.client.HTTPConnection(host, port, timeout=REQUEST_TIMEOUT)

    def request(
        self, method: str, path: str, body: dict | None = None, extra: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        headers = {"Host": f"{self.host}:{self.port}", "Accept": "text/html", **(extra or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        data = None
        if body is not None:
            data = urllib.parse.urlencode(body).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://{self.host}:{self.port}{path}"
        try:
            self.conn.request(method, path, body=data, headers=headers)
            response = self.conn.getresponse()
            content = response.read()
        except (OSError, http.client.HTTPException):
            self.conn.close()  # a fresh connection for the next request
            raise
        for value in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(value).items():
                self.cookies[name] = morsel.value
        if response.will_close:
            self.conn.close()
        return response.status, dict(response.headers.items()), content

    def close(self) -> None:
        self.conn.close()


def login(browser: Browser, login_path: str, username: str, password: str) -> None:
    status, _, content = browser.request("GET", login_path)
    token = _CSRF_INPUT.search(content)
    if status != 200 or token is None:
        raise LoadTestError(f"{username}: the login page answered {status} without a form")
    status, headers, _ = browser.request(
        "POST", login_path, {"username": username, "password": password, "csrfmiddlewaretoken": token.group(1)}
    )
    if status != 302 or "sessionid" not in browser.cookies:
        raise LoadTestError(f"{username}: login answered {status}, not a redirect with a session")


def fetch(browser: Browser, page: Page) -> list[Sample]:
    """The page, then what the browser asks right after it (its badges' request), each timed."""
    sample, content = _timed(browser, page.name, page.path)
    badges = _BADGES.search(content) if not sample.error else None
    if badges is None:
        return [sample]
    path = html.unescape(badges.group(1).decode())
    follow_up, _ = _timed(browser, BADGES, path, {"HX-Request": "true"}, whole_page=False)
    return [sample, follow_up]


def _timed(
    browser: Browser, name: str, path: str, extra: dict[str, str] | None = None, whole_page: bool = True
) -> tuple[Sample, bytes]:
    started = time.perf_counter()
    try:
        status, _, content = browser.request("GET", path, extra=extra)
    except (OSError, http.client.HTTPException) as exc:
        return Sample(name, time.perf_counter() - started, f"{type(exc).__name__}: {exc}"), b""
    seconds = time.perf_counter() - started
    if status != 200:
        return Sample(name, seconds, f"HTTP {status}"), content
    if whole_page and b"</html>" not in content[-512:]:
        return Sample(name, seconds, "incomplete page"), content
    return Sample(name, seconds), content


def record_page(browser: Browser, list_path: str) -> Page | None:
    """The first incoming record this person sees in Văn bản đến (none for someone with an empty list)."""
    status, _, content = browser.request("GET", list_path)
    found = _RECORD_LINK.search(content) if status == 200 else None
    return Page("Một hồ sơ văn bản đến", found.group(1).decode()) if found else None


def run(
    base_url: str,
    usernames: list[str],
    password: str,
    pages: list[Page],
    login_path: str,
    incoming_path: str,
    duration: float = 60,
    think: float = 5.0,
    seed: int = 12,
) -> Report:
    """Log everyone in, warm up, then measure for `duration` seconds; returns every timed request."""
    url = urllib.parse.urlsplit(base_url)
    host, port = url.hostname or "127.0.0.1", url.port or 80
    browsers = [Browser(host, port) for _ in usernames]
    own_pages: list[list[Page]] = [[] for _ in usernames]
    failures: list[str] = []

    def prepare(i: int) -> None:
        try:
            login(browsers[i], login_path, usernames[i], password)
            record = record_page(browsers[i], incoming_path)
            own_pages[i] = pages + ([record] if record else [])
            for page in own_pages[i]:  # warm-up: templates compiled, caches filled, not measured
                fetch(browsers[i], page)
        except (LoadTestError, OSError, http.client.HTTPException) as exc:
            failures.append(str(exc))

    started = time.perf_counter()
    _all(prepare, len(usernames), timeout=REQUEST_TIMEOUT * 10)
    login_seconds = time.perf_counter() - started
    if failures:
        raise LoadTestError(f"{len(failures)} of {len(usernames)} could not log in or warm up: {failures[0]}")

    samples: list[list[Sample]] = [[] for _ in usernames]
    begin = time.perf_counter()
    deadline = begin + duration

    def work(i: int) -> None:
        rng = random.Random(seed * 1000 + i)
        time.sleep(rng.uniform(0, think))  # people do not all click in the same instant
        while time.perf_counter() < deadline:
            order = own_pages[i][:]
            rng.shuffle(order)
            for page in order:
                if time.perf_counter() >= deadline:
                    break
                samples[i].extend(fetch(browsers[i], page))
                time.sleep(min(rng.uniform(0.5 * think, 1.5 * think), max(deadline - time.perf_counter(), 0)))

    _all(work, len(usernames), timeout=duration + REQUEST_TIMEOUT + 5)
    elapsed = time.perf_counter() - begin
    for browser in browsers:
        browser.close()
    return Report(
        users=len(usernames),
        duration=elapsed,
        think=think,
        login_seconds=login_seconds,
        samples=[s for own in samples for s in own],
        order=list(dict.fromkeys([p.name for p in pages] + [p.name for own in own_pages for p in own] + [BADGES])),
    )


def _all(target, n: int, timeout: float) -> None:
    """Run target(0..n-1) in threads and wait for them, at most `timeout` seconds in all."""
    threads = [threading.Thread(target=target, args=(i,), daemon=True) for i in range(n)]
    for t in threads:
        t.start()
    end = time.perf_counter() + timeout
    for t in threads:
        t.join(max(end - time.perf_counter(), 0))
    if any(t.is_alive() for t in threads):
        raise LoadTestError(f"users still busy after {timeout:.0f} s: the run was stopped")


def markdown(report: Report, context: str) -> str:
    """The result table for docs/performance.md."""

    def ms(value: float | None) -> str:
        return "–" if value is None else f"{value:.0f}"

    lines = [
        context,
        "",
        f"{report.users} users logged in, {report.duration:.0f} s measured, think time "
        f"{0.5 * report.think:.1f}–{1.5 * report.think:.1f} s between clicks; {len(report.samples):,} requests, "
        f"**{report.throughput:.1f} requests/s**, **{len(report.errors)} errors**; logging everyone in and "
        f"warming up took {report.login_seconds:.0f} s (not measured).",
        "",
        "| page | requests | errors | p50 ms | p95 ms | max ms |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for row in report.rows():
        bold = "**" if row["page"] == "Tất cả" else ""
        lines.append(
            f"| {bold}{row['page']}{bold} | {row['requests']:,} | {row['errors']} | {ms(row['p50'])} | "
            f"{bold}{ms(row['p95'])}{bold} | {ms(row['max'])} |"
        )
    if report.errors:
        kinds = sorted({e.error for e in report.errors})
        lines += ["", "Errors: " + "; ".join(kinds[:5])]
    return "\n".join(lines) + "\n"
