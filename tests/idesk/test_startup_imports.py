"""A process that has loaded its URLs (a web process; a worker, whose qcluster command runs the system checks that
import them) does not load pyHanko (~30 MB), WeasyPrint, lxml, cryptography (~10 MB), asn1crypto, pypdf, openpyxl,
holidays or icalendar: no module that the URLs, the models or the admin import needs them at import. Signing,
rendering, edXML, certificates, working days and the calendar feed import them when they work (documents/outgoing/
signatures.py, documents/exchange/edxml.py, documents/signing/models.py, units/calendar.py, ...): the RSS budget of
a web process and of a worker is 150 MB, reached while signing or printing a long register book."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

LAZY = ("pyhanko", "weasyprint", "lxml", "cryptography", "asn1crypto", "pypdf", "openpyxl", "holidays", "icalendar")

PROBE = f"""
import sys, django
django.setup()
from django.urls import get_resolver
get_resolver().url_patterns  # every view module, as the first request imports them
import idesk.tasks  # what the worker's tasks import before they run
print(",".join(sorted(m for m in {LAZY!r} if m in sys.modules)))
"""


def test_the_urls_and_models_load_without_the_heavy_libraries():
    env = {"DJANGO_SETTINGS_MODULE": "idesk.settings", "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=True
    )
    assert done.stdout.strip().splitlines()[-1:] in ([""], []), done.stdout
