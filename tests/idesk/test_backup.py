"""manage.py backup and restore: a backup of the demo office restores to identical rows and files; a damaged
backup or a non-empty target is refused with a clear message and nothing written.

The backup reads committed data through its own connections, as it does on a live site, so these tests commit
(the module's fixture works outside any test transaction). Restores go into a scratch database made here: a
new PostgreSQL database (dropped after) or a temporary SQLite file."""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection, connections
from pypdf import PdfWriter

from documents.core import files
from documents.incoming import services
from documents.models import Document, StoredFile
from idesk import backup
from idesk.models import Notice
from tests.helpers import user as who

# Transactional: the flush after each test takes away what the module committed (and this group runs last). One
# worker runs the module (make test), so the office is seeded and backed up once.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("backup")]

ENGINE = connection.vendor
REPO = Path(__file__).resolve().parents[2]


def pdf(name: str, marker: str, pages: int = 1) -> SimpleUploadedFile:
    """A real PDF (pypdf writes it, cross-reference table and all); `marker` makes its bytes distinct."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": marker})
    out = io.BytesIO()
    writer.write(out)
    return SimpleUploadedFile(name, out.getvalue(), content_type="application/pdf")


# --- Reading a database and a store back, independently of the code under test --------------------------------


def pg_params(settings_dict: dict, dbname: str | None = None) -> dict:
    params = {"dbname": dbname or settings_dict["NAME"]}
    for key, name in (("HOST", "host"), ("PORT", "port"), ("USER", "user"), ("PASSWORD", "password")):
        if settings_dict.get(key):
            params[name] = str(settings_dict[key])
    return params


def sqlite_connect(settings_dict: dict) -> sqlite3.Connection:
    name = str(settings_dict["NAME"])
    return sqlite3.connect(name, uri=name.startswith("file:"))


def all_rows(settings_dict: dict) -> dict[str, list[tuple]]:
    """Every row of every table, in a fixed order."""
    rows = {}
    if ENGINE == "postgresql":
        with psycopg.connect(**pg_params(settings_dict)) as conn:
            tables = [t for (t,) in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
            for table in sorted(tables):
                columns = conn.execute(
                    "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' "
                    "AND table_name = %s ORDER BY ordinal_position",
                    [table],
                ).fetchall()
                order = ", ".join(f'"{c}"::text' for (c,) in columns)  # ::text orders every type, json included
                rows[table] = conn.execute(f'SELECT * FROM "{table}" ORDER BY {order}').fetchall()
        return rows
    conn = sqlite_connect(settings_dict)
    try:
        tables = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        for (table,) in sorted(tables.fetchall()):
            columns = conn.execute(f'PRAGMA table_info("{table}")').fetchall()
            order = ", ".join(f'"{c[1]}"' for c in columns)
            rows[table] = conn.execute(f'SELECT * FROM "{table}" ORDER BY {order}').fetchall()
    finally:
        conn.close()
    return rows


def file_hashes(root: Path) -> dict[str, str]:
    root = Path(root)
    if not root.exists():
        return {}
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


# --- The office backed up once, and fresh targets -----------------------------------------------------------


@dataclass
class Office:
    directory: Path
    rows: dict[str, list[tuple]]
    files: dict[str, str]


@pytest.fixture(scope="module")
def office(django_db_setup, django_db_blocker, tmp_path_factory) -> Office:
    """The demo office with stored files added through the real services, backed up with `manage.py backup`."""
    with django_db_blocker.unblock():
        call_command("seed_demo", verbosity=0, history=False, force=True)  # idempotent; seeds again after a flush
        clerk = who("vanthu.ubnd")
        document = Document.objects.order_by("pk").first()
        marker = uuid.uuid4().hex  # bytes this module alone stores, whatever earlier tests left
        services.attach_files(
            document, [pdf("to-trinh.pdf", f"{marker}-1"), pdf("phu-luc.pdf", f"{marker}-2", pages=40)], clerk
        )
        files.store(pdf("ban-sao.pdf", f"{marker}-3"))
        Notice.objects.create(title="Lịch tiếp dân", body="Thứ Năm hằng tuần.", attachment=pdf("lich.pdf", marker))
        directory = tmp_path_factory.mktemp("backup") / "office"
        call_command("backup", str(directory), stdout=open(os.devnull, "w"))
        rows = all_rows(connection.settings_dict)
    return Office(directory, rows, file_hashes(settings.MEDIA_ROOT))


@dataclass
class Target:
    settings_dict: dict
    media_root: Path
    url: str

    def tables(self) -> list[str]:
        return sorted(all_rows(self.settings_dict))


@pytest.fixture
def target(tmp_path) -> Target:
    """A new empty database of the suite's engine and an empty file store."""
    media = tmp_path / "media"
    if ENGINE == "postgresql":
        name = f"idesk_restore_{uuid.uuid4().hex[:12]}"
        source = connection.settings_dict
        with psycopg.connect(**pg_params(source, "postgres"), autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        auth = source["USER"] + (f":{source['PASSWORD']}" if source.get("PASSWORD") else "")
        url = f"postgres://{auth}@{source['HOST'] or 'localhost'}:{source['PORT'] or 5432}/{name}"
        yield Target({**source, "NAME": name}, media, url)
        with psycopg.connect(**pg_params(source, "postgres"), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        path = tmp_path / "restored.sqlite3"
        yield Target({"ENGINE": "django.db.backends.sqlite3", "NAME": str(path)}, media, f"sqlite:///{path}")


def manage(*args: str, target: Target) -> subprocess.CompletedProcess:
    """manage.py as an operator runs it, against the target database and store."""
    env = {**os.environ, "DATABASE_URL": target.url, "MEDIA_ROOT": str(target.media_root)}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=300
    )


def damaged_copy(office: Office, tmp_path: Path) -> Path:
    copy = tmp_path / "backup"
    shutil.copytree(office.directory, copy)
    return copy


def flip_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


def assert_nothing_restored(target: Target) -> None:
    assert target.tables() == []
    assert file_hashes(target.media_root) == {}


# --- The round trip -------------------------------------------------------------------------------------------


def test_the_backup_holds_the_database_every_stored_file_and_a_manifest_of_both(office):
    manifest = backup.read_manifest(office.directory)

    assert manifest["engine"] == ENGINE
    assert manifest["tables"] == {table: len(rows) for table, rows in office.rows.items()}
    assert manifest["tables"]["accounts_user"] > 100 and manifest["tables"]["documents_documentfile"] >= 2
    stored = {f"media/{name}": sha for name, sha in office.files.items()}
    assert {rel: entry["sha256"] for rel, entry in manifest["files"].items()} == stored
    assert any(rel.startswith("media/notices/") for rel in manifest["files"])  # not only the SHA-256 blobs
    dump = office.directory / manifest["database"]["path"]
    assert hashlib.sha256(dump.read_bytes()).hexdigest() == manifest["database"]["sha256"]
    assert manifest["missing_files"] == [] and manifest["corrupt_in_store"] == []


def test_a_backup_restores_into_a_fresh_database_and_store_with_every_row_and_file_identical(office, target):
    done = manage("restore", str(office.directory), target=target)

    assert done.returncode == 0, done.stderr
    assert "Đã phục hồi" in done.stdout
    assert all_rows(target.settings_dict) == office.rows
    assert file_hashes(target.media_root) == office.files
    # Each stored file's row names bytes that hash to the SHA-256 it records.
    restored = file_hashes(target.media_root)
    blobs = all_rows(target.settings_dict)[StoredFile._meta.db_table]
    columns = [f.column for f in StoredFile._meta.concrete_fields]
    for row in blobs:
        blob = dict(zip(columns, row, strict=True))
        assert restored[blob["content"]] == blob["sha256"]
    # The restored office is at the code's migrations: nothing left to apply.
    assert manage("migrate", "--check", target=target).returncode == 0


# --- Refusals: nothing written --------------------------------------------------------------------------------


def test_a_corrupted_database_dump_is_refused_with_a_clear_message_and_nothing_restored(office, target, tmp_path):
    copy = damaged_copy(office, tmp_path)
    dump = backup.read_manifest(copy)["database"]["path"]
    flip_byte(copy / dump)

    done = manage("restore", str(copy), target=target)

    assert done.returncode != 0
    assert f"tệp {dump} sai mã SHA-256" in done.stderr and "nothing restored" in done.stderr
    assert "Traceback" not in done.stderr
    assert_nothing_restored(target)


def test_a_corrupted_stored_file_is_refused_and_nothing_restored(office, target, tmp_path):
    copy = damaged_copy(office, tmp_path)
    rel = next(r for r in sorted(backup.read_manifest(copy)["files"]) if r.startswith("media/blobs/"))
    flip_byte(copy / rel)

    with pytest.raises(backup.BackupError, match=f"tệp {rel} sai mã SHA-256"):
        backup.restore(copy, settings_dict=target.settings_dict, media_root=target.media_root)

    assert_nothing_restored(target)


def test_a_missing_file_is_refused_and_nothing_restored(office, target, tmp_path):
    copy = damaged_copy(office, tmp_path)
    rel = sorted(backup.read_manifest(copy)["files"])[-1]
    (copy / rel).unlink()

    with pytest.raises(backup.BackupError, match=f"thiếu tệp {rel}"):
        backup.restore(copy, settings_dict=target.settings_dict, media_root=target.media_root)

    assert_nothing_restored(target)


def test_an_unfinished_backup_without_its_manifest_is_refused(office, target, tmp_path):
    copy = damaged_copy(office, tmp_path)
    (copy / backup.MANIFEST).unlink()

    with pytest.raises(backup.BackupError, match="Không có manifest.json"):
        backup.restore(copy, settings_dict=target.settings_dict, media_root=target.media_root)

    assert_nothing_restored(target)


def test_a_manifest_pointing_outside_the_backup_is_refused(office, target, tmp_path):
    copy = damaged_copy(office, tmp_path)
    manifest = (copy / backup.MANIFEST).read_text(encoding="utf-8")
    rel = sorted(backup.read_manifest(copy)["files"])[0]
    (copy / backup.MANIFEST).write_text(manifest.replace(rel, "media/../../etc/passwd"), encoding="utf-8")

    with pytest.raises(backup.BackupError, match="manifest.json hỏng"):
        backup.restore(copy, settings_dict=target.settings_dict, media_root=target.media_root)

    assert_nothing_restored(target)


def test_a_non_empty_target_database_is_refused_and_left_as_it_was(office, tmp_path):
    live = Target(connection.settings_dict, tmp_path / "media", "")
    before = backup.table_counts(live.settings_dict)

    with pytest.raises(backup.BackupError, match="Cơ sở dữ liệu đích không trống"):
        backup.restore(office.directory, settings_dict=live.settings_dict, media_root=live.media_root)

    assert backup.table_counts(live.settings_dict) == before
    assert file_hashes(live.media_root) == {}


def test_the_command_refuses_a_target_database_with_a_table_and_exits_non_zero(office, target):
    if ENGINE == "postgresql":
        with psycopg.connect(**pg_params(target.settings_dict)) as conn:
            conn.execute("CREATE TABLE django_migrations (id serial PRIMARY KEY)")
    else:
        with sqlite3.connect(target.settings_dict["NAME"]) as conn:
            conn.execute("CREATE TABLE django_migrations (id INTEGER PRIMARY KEY)")

    done = manage("restore", str(office.directory), target=target)

    assert done.returncode != 0
    assert "Cơ sở dữ liệu đích không trống (1 bảng, ví dụ django_migrations)" in done.stderr
    assert "target database is not empty" in done.stderr and "Traceback" not in done.stderr
    assert target.tables() == ["django_migrations"]
    assert file_hashes(target.media_root) == {}


def test_a_non_empty_file_store_is_refused_and_the_database_left_empty(office, target):
    target.media_root.mkdir()
    (target.media_root / "left-over.pdf").write_bytes(b"%PDF-1.4 old")

    with pytest.raises(backup.BackupError, match="Kho tệp đích .* không trống"):
        backup.restore(office.directory, settings_dict=target.settings_dict, media_root=target.media_root)

    assert target.tables() == []
    assert file_hashes(target.media_root) == {"left-over.pdf": hashlib.sha256(b"%PDF-1.4 old").hexdigest()}


def test_a_failure_while_writing_takes_back_the_database_and_the_files_already_written(office, target, monkeypatch):
    real_copy = backup._copy
    copied = []

    def disk_fills_up(source, destination):
        if copied:
            raise OSError(28, "No space left on device")
        copied.append(destination)
        return real_copy(source, destination)

    monkeypatch.setattr(backup, "_copy", disk_fills_up)

    with pytest.raises(backup.BackupError, match="No space left on device.*nothing restored"):
        backup.restore(office.directory, settings_dict=target.settings_dict, media_root=target.media_root)

    assert copied and not copied[0].exists()
    assert_nothing_restored(target)


def test_a_backup_refuses_a_directory_that_already_holds_something(office):
    with pytest.raises(backup.BackupError, match="đã có dữ liệu"):
        backup.backup(office.directory, settings_dict=connection.settings_dict, media_root=settings.MEDIA_ROOT)

    assert backup.verify(office.directory, backup.read_manifest(office.directory))  # the old backup untouched


# --- While the site is in use ---------------------------------------------------------------------------------


@pytest.mark.skipif(ENGINE != "postgresql", reason="PostgreSQL's exported snapshot")
def test_writers_go_on_during_a_backup_that_keeps_one_consistent_snapshot(office, target, django_db_blocker, tmp_path):
    """GIVEN the backup's snapshot taken
    WHEN a user stores a file before pg_dump starts
    THEN the upload is not held up, and the dump and the manifest's counts both hold the state of the snapshot."""
    real_run = backup._run
    writer: dict = {}

    def upload():
        try:
            started = time.monotonic()
            writer["blob"] = files.store(pdf("moi.pdf", uuid.uuid4().hex)).pk
            writer["seconds"] = time.monotonic() - started
        except Exception as error:  # noqa: BLE001 - reported below
            writer["error"] = error
        finally:
            connections.close_all()

    def user_uploads_then_dump(args, settings_dict, tool):
        thread = threading.Thread(target=upload)
        thread.start()
        thread.join(timeout=30)
        assert not thread.is_alive(), "the upload waited on the backup"
        return real_run(args, settings_dict, tool)

    with django_db_blocker.unblock():
        before = StoredFile.objects.count()
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(backup, "_run", user_uploads_then_dump)
            outcome = backup.backup(
                tmp_path / "live", settings_dict=connection.settings_dict, media_root=settings.MEDIA_ROOT
            )
        assert "error" not in writer and writer["seconds"] < 10
        assert StoredFile.objects.count() == before + 1

    assert outcome.manifest["tables"][StoredFile._meta.db_table] == before
    backup.restore(tmp_path / "live", settings_dict=target.settings_dict, media_root=target.media_root)
    assert backup.table_counts(target.settings_dict) == outcome.manifest["tables"]


def test_a_sqlite_backup_neither_waits_for_a_writer_nor_copies_what_it_has_not_committed(tmp_path):
    """GIVEN a live SQLite file in WAL mode, as the site runs it, with a writer inside its transaction
    THEN the backup completes at once without the uncommitted row, and the writer commits after it."""
    live = tmp_path / "live.sqlite3"
    conn = sqlite3.connect(live, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE visits (id INTEGER PRIMARY KEY, at TEXT)")
    conn.executemany("INSERT INTO visits (at) VALUES (?)", [(f"2026-12-0{d}",) for d in range(1, 8)])
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("INSERT INTO visits (at) VALUES ('2026-12-08')")  # not committed yet

    started = time.monotonic()
    outcome = backup.backup(
        tmp_path / "b",
        settings_dict={"ENGINE": "django.db.backends.sqlite3", "NAME": str(live)},
        media_root=tmp_path / "media",
    )
    seconds = time.monotonic() - started
    conn.execute("COMMIT")

    assert seconds < 5
    assert outcome.manifest["tables"] == {"visits": 7}
    assert conn.execute("SELECT count(*) FROM visits").fetchone() == (8,)
    conn.close()


def test_a_backup_names_the_files_the_database_points_at_but_the_store_has_lost_or_damaged(tmp_path):
    """The backup is written all the same (it is the best copy there is), and says what the store lacks."""
    media = tmp_path / "media"
    good, lost, damaged = (hashlib.sha256(body).hexdigest() for body in (b"good", b"lost", b"damaged"))
    (media / "blobs").mkdir(parents=True)
    (media / "blobs" / good).write_bytes(b"good")
    (media / "blobs" / damaged).write_bytes(b"damaged, then a disk error")
    live = tmp_path / "live.sqlite3"
    with sqlite3.connect(live) as conn:
        conn.execute(f"CREATE TABLE {StoredFile._meta.db_table} (id INTEGER PRIMARY KEY, sha256 TEXT, content TEXT)")
        conn.executemany(
            f"INSERT INTO {StoredFile._meta.db_table} (sha256, content) VALUES (?, ?)",
            [(sha, f"blobs/{sha}") for sha in (good, lost, damaged)],
        )
    conn.close()

    outcome = backup.backup(
        tmp_path / "b", settings_dict={"ENGINE": "django.db.backends.sqlite3", "NAME": str(live)}, media_root=media
    )

    assert outcome.manifest["missing_files"] == [f"blobs/{lost}"]
    assert outcome.manifest["corrupt_in_store"] == [f"blobs/{damaged}"]
    assert sorted(outcome.missing) == sorted([f"blobs/{lost}", f"blobs/{damaged}"])
    assert sorted(outcome.manifest["files"]) == sorted([f"media/blobs/{good}", f"media/blobs/{damaged}"])
