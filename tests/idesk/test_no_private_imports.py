"""No module of iDesk imports another module's underscore names (issue 13): what one module shares with another is
public in it, so a reader knows what may be relied on. Checked on the source with `ast`, so it fails on the line."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("accounts", "documents", "idesk", "units")


def private_imports(source: str) -> list[tuple[int, str]]:
    """(line, name) for each `from our.module import _name` (gettext's `_` is a name, not a private one)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] in PACKAGES:
            found += [(node.lineno, a.name) for a in node.names if a.name.startswith("_") and a.name != "_"]
    return found


def test_no_module_imports_another_modules_private_names():
    offenders = []
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for line, name in private_imports(path.read_text("utf-8")):
                offenders.append(f"{path.relative_to(ROOT)}:{line} imports {name}")
    assert offenders == []


def test_the_check_sees_a_private_import():
    assert private_imports("from documents.signing.pades import Box, _font_path\n") == [(1, "_font_path")]
    assert private_imports("from django.utils.translation import gettext as _\nfrom x import _y\n") == []
