"""Migrations do not import live application code (issue 13): what a migration needs is written out in it, so
changing or removing an app's module never changes what an old migration does or breaks a fresh install."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

APPS = ("idesk", "documents", "accounts", "units")
APP_IMPORT = re.compile(rf"^\s*(from|import)\s+({'|'.join(APPS)})(\.|\s|$)", re.MULTILINE)
APP_REFERENCE = re.compile(rf"\b({'|'.join(APPS)})\.(models|compliance|schedules|calendar|lib)\.\w+\(")


def migration_files() -> list[Path]:
    base = Path(settings.BASE_DIR)
    return sorted(path for app in APPS for path in (base / app / "migrations").glob("0*.py"))


def test_there_are_migrations_to_check():
    assert len(migration_files()) > 20


def test_no_migration_imports_an_app_module():
    offending = {
        str(path.relative_to(settings.BASE_DIR)): [m.group(0).strip() for m in APP_IMPORT.finditer(text)]
        for path in migration_files()
        if APP_IMPORT.search(text := path.read_text(encoding="utf-8")) or APP_REFERENCE.search(text)
    }
    assert offending == {}
