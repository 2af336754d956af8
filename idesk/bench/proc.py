"""This process's memory, and a probe run in a fresh `manage.py` process: light on imports, so a probe measuring
its own memory (bench --probe, bench_signing --probe-memory) does not carry the runner's modules."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from django.conf import settings


def vm_mb(field: str) -> float | None:
    """VmHWM (peak) or VmRSS (now) of this process in MB; None where /proc is missing."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(f"{field}:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def run_manage_probe(args: list[str], what: str, env: dict | None = None) -> dict:
    """`manage.py ARGS` in a fresh process (its memory its own); returns the JSON on its last line of output."""
    done = subprocess.run(
        [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=1800,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{what} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])
