"""A web process that serves pages does not load pyHanko (~30 MB), WeasyPrint or lxml: the URLs import no module
that needs them at import. Signing, rendering and edXML import them when they work (documents/outgoing/signatures.py,
documents/exchange/edxml.py); the web process's RSS budget is 150 MB, reached while it signs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import sys, django
django.setup()
from django.urls import get_resolver
get_resolver().url_patterns  # every view module, as the first request imports them
print(",".join(sorted(m for m in ("pyhanko", "weasyprint", "lxml") if m in sys.modules)))
"""


def test_the_urls_load_without_pyhanko_weasyprint_or_lxml():
    env = {"DJANGO_SETTINGS_MODULE": "idesk.settings", "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=True
    )
    assert done.stdout.strip().splitlines()[-1:] in ([""], []), done.stdout
