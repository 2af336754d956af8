"""A web process that serves pages does not load pyHanko (~30 MB): the URLs import no signing module that needs it.
Signing code imports it when it signs (documents/outgoing/signatures.py); the web process's RSS budget is 150 MB."""

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
print(",".join(sorted(m for m in ("pyhanko", "weasyprint") if m in sys.modules)))
"""


def test_the_urls_load_without_pyhanko_nor_weasyprint():
    env = {"DJANGO_SETTINGS_MODULE": "idesk.settings", "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=True
    )
    assert done.stdout.strip().splitlines()[-1:] in ([""], []), done.stdout
