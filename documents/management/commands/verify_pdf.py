"""manage.py verify_pdf FILE [--json] [--trust PEM…] [--crl FILE…]: the signatures in a PDF, checked offline.

Exit status 1 when the file has no signature or any signature is invalid (changed bytes, a wrong signature) or
its certificate revoked; with --strict also when one is not trusted.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from documents.signing.errors import SigningError
from documents.signing.models import trust_store
from documents.signing.verify import verify_pdf


class Command(BaseCommand):
    help = "Kiểm tra chữ ký số trong một tệp PDF."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--json", action="store_true", help="JSON output")
        parser.add_argument("--trust", action="append", default=[], help="an extra trusted root (PEM file)")
        parser.add_argument("--crl", action="append", default=[], help="an extra CRL (PEM or DER file)")
        parser.add_argument("--strict", action="store_true", help="an untrusted signature fails too")

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Không đọc được tệp {path}: {exc.strerror}") from exc
        roots, crls = trust_store()
        roots += [Path(p).read_bytes() for p in options["trust"]]
        crls += [Path(p).read_bytes() for p in options["crl"]]
        try:
            results = verify_pdf(data, trusted_roots=roots, crls=crls)
        except SigningError as exc:  # a broken PDF is a verdict, not a traceback
            raise CommandError(exc.message) from exc
        failed = not results or any(not r.valid or r.revoked or (options["strict"] and not r.trusted) for r in results)
        if options["json"]:
            self.stdout.write(json.dumps([r.as_dict() for r in results], ensure_ascii=False, indent=2))
        elif not results:
            self.stdout.write("Tệp không có chữ ký số.")
        else:
            for number, r in enumerate(results, 1):
                self.stdout.write(f"Chữ ký {number} ({r.field_name}): {r.summary}")
                for key in (
                    "signer",
                    "organisation",
                    "signed_at",
                    "intact",
                    "valid",
                    "trusted",
                    "revoked",
                    "covers_whole_file",
                ):
                    value = getattr(r, key)
                    self.stdout.write(f"  {key}: {value.isoformat() if hasattr(value, 'isoformat') else value}")
        if failed:
            raise SystemExit(1)
