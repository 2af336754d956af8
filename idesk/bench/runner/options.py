"""The benchmark's targets, fixed inputs, options and the statistics of its samples."""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

TARGETS = {
    "page_p95_ms": 30.0,
    "page_floor_ratio": 3.0,
    "search_p95_ms": 150.0,
    "compliance_day_ms": 250.0,
    "numbers_per_s": 500.0,
    "official_pdf_ms": 150.0,
    "register_pdf_s": 15.0,
    "rss_mb": 150.0,
}


SEARCHES = [
    "quảng nam",
    "chuyển đổi số",
    "phòng cháy, chữa cháy",
    "Hoài Ân",
    "báo cáo kết quả",
    "4321/QĐ-UBND",
    "lũ quét",
]


# The one search (/documents/find/): a number, a subject's words with and without diacritics (and a signer's name
# taken from the data, idesk.bench.runner.find).
FIND_SEARCHES = ["3261", "chuyển đổi số", "chuyen doi so"]


RANKED_SEARCH = "quảng nam"  # "Quảng Nam" must rank above "Tuyên Quang năm"


LETTER_BODY = "\n".join(
    [
        "Thực hiện Kế hoạch số 45/KH-UBND ngày 12/01/2026 của Ủy ban nhân dân tỉnh về chuyển đổi số năm 2026;",
        "Để bảo đảm việc gửi, nhận văn bản điện tử thông suốt giữa các cơ quan, đơn vị, Ủy ban nhân dân huyện đề nghị:",
        "- Thủ trưởng các phòng, ban, ngành và Chủ tịch UBND các xã, thị trấn chỉ đạo văn thư "
        "đăng nhập **ít nhất hai lần"
        " mỗi ngày làm việc** để tiếp nhận văn bản đến;",
        "- Văn bản đến phải được vào sổ, trình lãnh đạo trong ngày; văn bản có độ khẩn được xử lý *ngay khi nhận*;",
        "- Không gửi kèm bản giấy đối với giấy mời, tài liệu họp và bản sao văn bản, trừ trường hợp quy định;",
        "- Định kỳ hằng tháng báo cáo kết quả thực hiện về Văn phòng HĐND và UBND huyện trước ngày 25.",
        "Đề nghị các cơ quan, đơn vị nghiêm túc triển khai thực hiện. Trong quá trình thực hiện, nếu có khó khăn,"
        " vướng mắc, báo cáo về Văn phòng HĐND và UBND huyện để tổng hợp, trình Ủy ban nhân dân huyện xem xét,"
        " giải quyết./.",
    ]
)


# --- Numbers ------------------------------------------------------------------------------------------------------


def summarize(samples: list[float]) -> dict:
    """Median and p95 (nearest rank) of timings in ms."""
    s = sorted(samples)
    if not s:
        return {"median": None, "p95": None, "min": None, "max": None, "runs": 0}
    p95 = s[max(0, math.ceil(0.95 * len(s)) - 1)]
    return {
        "median": round(statistics.median(s), 2),
        "p95": round(p95, 2),
        "min": round(s[0], 2),
        "max": round(s[-1], 2),
        "runs": len(s),
    }


def timings(fn: Callable[[], object], runs: int, warmup: int = 2) -> list[float]:
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


@dataclass
class Options:
    runs: int = 30
    warmup: int = 3
    # As many as a page's: with 15 samples the nearest-rank p95 was the slowest one, so one pause failed a row.
    search_runs: int = 30
    compliance_runs: int = 5
    pdf_runs: int = 10
    signing_runs: int = 15  # each step; verification twice as many
    register_pdf_runs: int = 2
    register_entries: int = 1000
    threads: int = 8
    numbers_per_thread: int = 250
    exchange_mb: float = 10.0
    exchange_batch: int = 30
    memory: bool = True
    page_sizes: tuple[int, int] = (10, 50)
    only: frozenset[str] = frozenset()  # some of SECTIONS; empty: all
    log: Callable[[str], None] = print

    def wants(self, section: str) -> bool:
        return not self.only or section in self.only


SECTIONS = ("pages", "search", "find", "compliance", "numbering", "pdf", "signing", "exchange", "memory")
