"""manage.py bench [--quick] [--json PATH] [--markdown PATH]: measure pages, search, compliance, numbering, PDFs and
memory on a dataset made by generate_scale_data (see idesk/bench/runner/; `make bench`, `make bench-small`)."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from idesk.bench import runner as bench


class Command(BaseCommand):
    help = "Đo hiệu năng trên bộ dữ liệu quy mô tỉnh (generate_scale_data) và ghi kết quả (JSON, Markdown)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--runs", type=int, default=30, help="Số lần đo mỗi trang (trung vị, p95).")
        parser.add_argument("--quick", action="store_true", help="Ít lần đo hơn (make bench-small).")
        parser.add_argument("--threads", type=int, default=8)
        parser.add_argument("--numbers-per-thread", type=int, default=250)
        parser.add_argument("--register-entries", type=int, default=1000)
        parser.add_argument("--no-memory", action="store_true", help="Bỏ phần đo bộ nhớ (tiến trình con).")
        parser.add_argument(
            "--only", default="", help=f"Chỉ đo các phần này, cách nhau bởi dấu phẩy: {', '.join(bench.SECTIONS)}."
        )
        parser.add_argument("--json", dest="json_path", help="Ghi kết quả JSON vào tệp này.")
        parser.add_argument("--markdown", dest="markdown_path", help="Ghi bảng kết quả vào tệp Markdown này.")
        parser.add_argument(
            "--probe", choices=["web", "worker"], help="(nội bộ) chạy trong tiến trình con để đo bộ nhớ."
        )
        parser.add_argument("--spec", default="{}", help="(nội bộ) tham số của --probe, JSON.")

    def handle(self, *args, **o) -> None:
        if o["probe"]:
            # A subprocess of the benchmark: serve or work, then print the peak memory steps as one JSON line.
            from django.test.utils import override_settings

            probe = bench.probe_web if o["probe"] == "web" else bench.probe_worker
            with override_settings(DEBUG=False):
                self.stdout.write(json.dumps(probe(json.loads(o["spec"]))))
            return
        if connection.vendor != "postgresql":
            self.stderr.write("Lưu ý: số đo có ý nghĩa trên PostgreSQL (DATABASE_URL=postgres://…).")
        opts = bench.Options(
            runs=o["runs"],
            threads=o["threads"],
            numbers_per_thread=o["numbers_per_thread"],
            register_entries=o["register_entries"],
            memory=not o["no_memory"],
            only=frozenset(part.strip() for part in o["only"].split(",") if part.strip()),
            log=lambda line: (self.stdout.write(line), self.stdout.flush()),
        )
        if unknown := opts.only - set(bench.SECTIONS):
            raise CommandError(f"--only: không có phần {', '.join(sorted(unknown))}.")
        if o["quick"]:
            opts.runs, opts.warmup, opts.search_runs = min(opts.runs, 10), 2, 5
            opts.compliance_runs, opts.pdf_runs, opts.register_pdf_runs, opts.signing_runs = 3, 3, 1, 8
        try:
            results = bench.run(opts)
        except RuntimeError as exc:
            raise CommandError(str(exc)) from exc
        if o["json_path"]:
            path = Path(o["json_path"])
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(bench.to_json(results) + "\n", encoding="utf-8")
            self.stdout.write(f"JSON: {path}")
        if o["markdown_path"]:
            path = Path(o["markdown_path"])
            path.parent.mkdir(parents=True, exist_ok=True)
            bench.write_markdown(path, results)
            self.stdout.write(f"Markdown: {path}")
        self.stdout.write(self.style.SUCCESS(f"Xong trong {results.seconds:.0f} s."))
