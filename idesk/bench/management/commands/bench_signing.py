"""manage.py bench_signing [--runs N] [--json FILE]: the digital signature benchmarks of issue 16 on their own."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Một chữ ký số, một lần kiểm tra, cấp số và phát hành với hai chữ ký: thời gian (ms) so với ngân sách."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=15)
        parser.add_argument("--json", dest="json_path", default="")
        parser.add_argument("--no-memory", action="store_true", help="Bỏ phần đo bộ nhớ (tiến trình con).")
        parser.add_argument("--probe-memory", type=int, default=0, help="(nội bộ) tiến trình con đo bộ nhớ.")

    def handle(self, *args, runs: int, json_path: str, no_memory: bool, probe_memory: int, **options):
        from idesk.bench import signing

        if probe_memory:  # the subprocess of measure_memory: one JSON line
            from django.test.utils import override_settings

            with override_settings(DEBUG=False):
                self.stdout.write(json.dumps(signing.probe_memory(probe_memory)))
            return
        result = signing.measure_signing(runs=runs, memory=not no_memory)
        if json_path:
            Path(json_path).write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
        self.stdout.write(signing.markdown(result))
        verdict = {True: "đạt", False: "chưa đạt"}
        wall, cpu = verdict[result["pass"]], verdict[result["pass_cpu"]]
        self.stdout.write(f"Ngân sách theo thời gian thực: {wall}; theo thời gian CPU: {cpu}.")
