"""Backup and restore of a whole office: the database, every file of the file store, and a manifest proving both.

A backup directory holds the database (`database.dump`, pg_dump's custom format, or `database.sqlite3`), the file
store as it was (`media/`, a copy of MEDIA_ROOT) and `manifest.json`, written last: a directory without it is not
a finished backup. The manifest has the row count of every table and the SHA-256 and size of every file, the
database copy included, so a restore can prove the backup whole before it writes anything.

Both copies read one consistent state while the site goes on working: PostgreSQL's dump and the row counts share
one exported snapshot (a read-only REPEATABLE READ transaction, which locks out no writer); SQLite's online backup
API copies the database in one read transaction (in WAL mode writers go on). Files are copied after the database,
so every file the copied rows name is already complete in the store: files are written before their row commits.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.db import models

MANIFEST = "manifest.json"
FORMAT = "idesk-backup"
VERSION = 1
MEDIA_DIR = "media"
DUMP_NAMES = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
CHUNK = 1 << 20


class BackupError(Exception):
    """A backup or restore refused or failed; the message is for the operator (Vietnamese, then English)."""


@dataclass
class Outcome:
    manifest: dict
    missing: list[str] = field(default_factory=list)  # files the database names but the store had lost

    @property
    def rows(self) -> int:
        return sum(self.manifest["tables"].values())

    @property
    def files(self) -> int:
        return len(self.manifest["files"])

    @property
    def size(self) -> int:
        return sum(f["size"] for f in self.manifest["files"].values()) + self.manifest["database"]["size"]


# --- Backup ---------------------------------------------------------------------------------------------------


def backup(directory: Path | str, *, settings_dict: dict, media_root: Path | str) -> Outcome:
    """Copy the database, then every file of the store, into `directory` (new or empty), manifest last."""
    engine = engine_of(settings_dict)
    directory = Path(directory)
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise BackupError(
            f"Thư mục sao lưu «{directory}» đã có dữ liệu: chọn một thư mục mới hoặc trống. "
            f"(Backup directory is not empty: choose a new or empty one.)"
        )
    created = not directory.exists()
    directory.mkdir(parents=True, exist_ok=True)
    try:
        dump = directory / DUMP_NAMES[engine]
        if engine == "postgresql":
            tables, referenced = _pg_backup(settings_dict, dump)
        else:
            tables, referenced = _sqlite_backup(settings_dict, dump)
        files = _copy_store(Path(media_root), directory / MEDIA_DIR)
        missing = sorted(name for name in referenced if f"{MEDIA_DIR}/{name}" not in files)
        corrupt = sorted(
            name
            for name, sha in referenced.items()
            if sha and f"{MEDIA_DIR}/{name}" in files and files[f"{MEDIA_DIR}/{name}"]["sha256"] != sha
        )
        manifest = {
            "format": FORMAT,
            "version": VERSION,
            "created_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "engine": engine,
            "database": {"path": dump.name, **_digest(dump)},
            "tables": tables,
            "files": files,
            "missing_files": missing,
            "corrupt_in_store": corrupt,
        }
        tmp = directory / (MANIFEST + ".tmp")
        tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")
        _fsync(tmp)
        tmp.replace(directory / MANIFEST)
    except BaseException:
        # A half-written backup must not look like one: take away what this run wrote.
        if created:
            shutil.rmtree(directory, ignore_errors=True)
        else:
            for child in directory.iterdir():
                shutil.rmtree(child) if child.is_dir() else child.unlink()
        raise
    return Outcome(manifest, missing + corrupt)


def _file_columns() -> list[tuple[str, str, str | None]]:
    """(table, file column, SHA-256 column or None) of every FileField: the files the rows name."""
    found = []
    for model in apps.get_models():
        for f in model._meta.concrete_fields:
            if isinstance(f, models.FileField):
                sha = model._meta.get_field("sha256").column if _has_field(model, "sha256") else None
                found.append((model._meta.db_table, f.column, sha))
    return found


def _has_field(model, name: str) -> bool:
    try:
        model._meta.get_field(name)
    except Exception:  # FieldDoesNotExist
        return False
    return True


def _referenced(cursor, tables: dict[str, int], quote) -> dict[str, str | None]:
    """Every file name the snapshot's rows point at, with the SHA-256 the row claims where it has one."""
    names: dict[str, str | None] = {}
    for table, column, sha in _file_columns():
        if table not in tables:
            continue
        select = f"SELECT {quote(column)}, {quote(sha) if sha else 'NULL'} FROM {quote(table)} "
        cursor.execute(select + f"WHERE {quote(column)} IS NOT NULL AND {quote(column)} <> ''")
        for name, digest in cursor.fetchall():
            names[name] = digest
    return names


def _sqlite_backup(settings_dict: dict, dump: Path) -> tuple[dict[str, int], dict[str, str | None]]:
    source = _sqlite_connect(settings_dict["NAME"])
    target = sqlite3.connect(dump)
    try:
        source.backup(target)  # one step: one read transaction, a consistent copy
        target.execute("PRAGMA journal_mode=DELETE")  # a single self-contained file
        cursor = target.cursor()
        tables = _sqlite_counts(cursor)
        referenced = _referenced(cursor, tables, _sqlite_quote)
    finally:
        target.close()
        source.close()
    return tables, referenced


def _pg_backup(settings_dict: dict, dump: Path) -> tuple[dict[str, int], dict[str, str | None]]:
    import psycopg

    with _pg_connect(settings_dict) as conn:
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        with conn.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            # pg_dump reads the very snapshot the counts below read, so they describe the same state.
            _run(
                [_pg_tool("pg_dump"), "--format=custom", "--no-password", f"--snapshot={snapshot}", f"--file={dump}"],
                settings_dict,
                "pg_dump",
            )
            tables = _pg_counts(cursor)
            referenced = _referenced(cursor, tables, _pg_quote)
        conn.rollback()
    return tables, referenced


def _copy_store(media_root: Path, target: Path) -> dict[str, dict]:
    """Copy every regular file under MEDIA_ROOT, hashing the bytes as they are written."""
    files: dict[str, dict] = {}
    if not media_root.is_dir():
        return files
    for root, dirs, names in os.walk(media_root):
        dirs.sort()
        for name in sorted(names):
            source = Path(root) / name
            if source.is_symlink() or not source.is_file():
                continue
            rel = source.relative_to(media_root).as_posix()
            files[f"{MEDIA_DIR}/{rel}"] = _copy(source, target / rel)
    return files


# --- Restore --------------------------------------------------------------------------------------------------


def restore(directory: Path | str, *, settings_dict: dict, media_root: Path | str) -> Outcome:
    """Restore a backup into an empty database and an empty file store, all or nothing.

    Everything is checked before anything is written: the manifest, the target's emptiness, the SHA-256 and size
    of the database copy and of every file. A failure while writing takes away what was written."""
    engine = engine_of(settings_dict)
    directory = Path(directory)
    media_root = Path(media_root)
    manifest = read_manifest(directory)
    if manifest["engine"] != engine:
        raise BackupError(
            f"Bản sao lưu là của {manifest['engine']}, không phục hồi được vào {engine}. "
            f"(The backup is a {manifest['engine']} database; the target is {engine}.)"
        )
    _require_empty_database(engine, settings_dict)
    _require_empty_store(media_root)
    dump = verify(directory, manifest)

    written: list[Path] = []
    try:
        if engine == "postgresql":
            _pg_restore(settings_dict, dump)
        else:
            _sqlite_restore(settings_dict, dump)
        counts = _counts(engine, settings_dict)
        if counts != manifest["tables"]:
            differ = sorted(
                t for t in set(counts) | set(manifest["tables"]) if counts.get(t) != manifest["tables"].get(t)
            )
            raise BackupError(
                f"Số dòng sau khi phục hồi không khớp manifest ở {len(differ)} bảng ({', '.join(differ[:5])}). "
                f"(Row counts after restore differ from the manifest.)"
            )
        for rel, expected in sorted(manifest["files"].items()):
            destination = media_root / PurePosixPath(rel).relative_to(MEDIA_DIR)
            written.append(destination)
            if _copy(directory / rel, destination) != expected:
                raise BackupError(f"Tệp «{rel}» thay đổi trong lúc phục hồi. (File changed while being restored.)")
    except BaseException as error:
        _undo_files(written, media_root)
        _wipe_database(engine, settings_dict)
        undone = "Đã hoàn tác, không phục hồi gì. (Rolled back: nothing restored.)"
        if isinstance(error, BackupError):
            raise BackupError(f"{error} {undone}") from error
        if isinstance(error, OSError):  # a full disk, a permission: the operator's to fix, not a traceback
            raise BackupError(f"Lỗi ghi khi phục hồi: {error}. {undone}") from error
        raise
    return Outcome(manifest, list(manifest.get("missing_files", [])))


def read_manifest(directory: Path) -> dict:
    path = directory / MANIFEST
    if not path.is_file():
        raise BackupError(
            f"Không có {MANIFEST} trong «{directory}»: không phải bản sao lưu iDesk hoặc bản sao lưu chưa xong. "
            f"(No manifest: not an iDesk backup, or an unfinished one.)"
        )
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        if manifest.get("format") != FORMAT:
            raise ValueError("format")
        if manifest.get("version") != VERSION:
            raise BackupError(
                f"Bản sao lưu phiên bản {manifest.get('version')}, chương trình này đọc phiên bản {VERSION}. "
                f"(Unsupported backup version.)"
            )
        if manifest["engine"] not in DUMP_NAMES or manifest["database"]["path"] != DUMP_NAMES[manifest["engine"]]:
            raise ValueError("database")
        for rel, entry in manifest["files"].items():
            _safe_rel(rel)
            if not isinstance(entry.get("sha256"), str) or not isinstance(entry.get("size"), int):
                raise ValueError(rel)
        if not all(isinstance(n, int) for n in manifest["tables"].values()):
            raise ValueError("tables")
    except BackupError:
        raise
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise BackupError(f"{MANIFEST} hỏng hoặc không hợp lệ ({error}). (The manifest is malformed.)") from None
    return manifest


def verify(directory: Path, manifest: dict) -> Path:
    """Check the database copy and every file against the manifest; return the database copy's path."""
    dump = directory / manifest["database"]["path"]
    problems = _check(directory, dump.name, manifest["database"])
    for rel, entry in sorted(manifest["files"].items()):
        problems += _check(directory, rel, entry)
    if problems:
        shown = "; ".join(problems[:5]) + (f"; và {len(problems) - 5} lỗi khác" if len(problems) > 5 else "")
        raise BackupError(
            f"Bản sao lưu không khớp manifest, không phục hồi: {shown}. "
            f"(The backup does not match its manifest: {len(problems)} problem(s); nothing restored.)"
        )
    return dump


def _check(directory: Path, rel: str, entry: dict) -> list[str]:
    path = directory / rel
    if not path.is_file():
        return [f"thiếu tệp {rel} (missing)"]
    digest = _digest(path)
    if digest["size"] != entry["size"]:
        return [f"tệp {rel} dài {digest['size']} byte, manifest ghi {entry['size']} (size mismatch)"]
    if digest["sha256"] != entry["sha256"]:
        return [f"tệp {rel} sai mã SHA-256 (hash mismatch)"]
    return []


def _require_empty_database(engine: str, settings_dict: dict) -> None:
    tables = _tables(engine, settings_dict)
    if tables:
        raise BackupError(
            f"Cơ sở dữ liệu đích không trống ({len(tables)} bảng, ví dụ {', '.join(sorted(tables)[:3])}): chỉ "
            f"phục hồi vào cơ sở dữ liệu trống, chưa chạy migrate. Không ghi gì. "
            f"(The target database is not empty; restore only into a new, empty database. Nothing written.)"
        )


def _require_empty_store(media_root: Path) -> None:
    if media_root.exists() and not media_root.is_dir():
        raise BackupError(f"«{media_root}» không phải thư mục. (MEDIA_ROOT is not a directory.)")
    if media_root.is_dir():
        for _root, _dirs, names in os.walk(media_root):
            if names:
                raise BackupError(
                    f"Kho tệp đích «{media_root}» không trống: chỉ phục hồi vào kho tệp trống. Không ghi gì. "
                    f"(The target file store MEDIA_ROOT is not empty. Nothing written.)"
                )


def _sqlite_restore(settings_dict: dict, dump: Path) -> None:
    source = sqlite3.connect(f"file:{dump}?mode=ro", uri=True)
    target = _sqlite_connect(settings_dict["NAME"])
    try:
        source.backup(target)  # the destination's pages replaced in one write transaction
    finally:
        target.close()
        source.close()


def _pg_restore(settings_dict: dict, dump: Path) -> None:
    tool = _pg_tool("pg_restore")
    # One transaction: an error anywhere leaves the database as it was (empty).
    args = [tool, "--exit-on-error", "--single-transaction", "--no-owner", "--no-privileges", "--no-password"]
    _run([*args, f"--dbname={settings_dict['NAME']}", str(dump)], settings_dict, "pg_restore")


def _undo_files(written: list[Path], media_root: Path) -> None:
    for path in written:
        path.unlink(missing_ok=True)
    if media_root.is_dir():
        for root, dirs, _names in os.walk(media_root, topdown=False):
            for name in dirs:
                try:
                    (Path(root) / name).rmdir()  # only the empty folders: the store had no file before
                except OSError:
                    pass


def _wipe_database(engine: str, settings_dict: dict) -> None:
    """Drop every table, leaving the target as empty as it was before the restore."""
    if engine == "postgresql":
        kinds = {"r": "TABLE", "p": "TABLE", "v": "VIEW", "m": "MATERIALIZED VIEW", "S": "SEQUENCE"}
        with _pg_connect(settings_dict) as conn, conn.cursor() as cursor:
            # Tables and views first: a sequence owned by a column goes with its table.
            for relkinds in (("r", "p", "v", "m"), ("S",)):
                cursor.execute(
                    "SELECT n.nspname, c.relname, c.relkind FROM pg_class c "
                    "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = ANY(%s) "
                    "AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%%' "
                    "AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e')",
                    [list(relkinds)],
                )
                for schema, name, kind in cursor.fetchall():
                    cursor.execute(f"DROP {kinds[kind]} IF EXISTS {_pg_quote(schema)}.{_pg_quote(name)} CASCADE")
            conn.commit()
    else:
        conn = _sqlite_connect(settings_dict["NAME"])
        try:
            conn.execute("PRAGMA foreign_keys=OFF")
            for kind, name in conn.execute(
                "SELECT type, name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%'"
            ).fetchall():
                conn.execute(f"DROP {kind.upper()} IF EXISTS {_sqlite_quote(name)}")
            conn.commit()
        finally:
            conn.close()


# --- Both engines ---------------------------------------------------------------------------------------------


def engine_of(settings_dict: dict) -> str:
    engine = settings_dict["ENGINE"]
    if engine.endswith("postgresql"):
        return "postgresql"
    if engine.endswith("sqlite3"):
        return "sqlite"
    raise BackupError(f"Chưa hỗ trợ sao lưu cơ sở dữ liệu {engine}. (Unsupported database engine.)")


def table_counts(settings_dict: dict) -> dict[str, int]:
    """The row count of every table of a database, as a manifest lists them."""
    return _counts(engine_of(settings_dict), settings_dict)


def _counts(engine: str, settings_dict: dict) -> dict[str, int]:
    if engine == "postgresql":
        with _pg_connect(settings_dict) as conn, conn.cursor() as cursor:
            return _pg_counts(cursor)
    conn = _sqlite_connect(settings_dict["NAME"])
    try:
        return _sqlite_counts(conn.cursor())
    finally:
        conn.close()


def _tables(engine: str, settings_dict: dict) -> list[str]:
    if engine == "postgresql":
        with _pg_connect(settings_dict) as conn, conn.cursor() as cursor:
            return _pg_tables(cursor)
    name = str(settings_dict["NAME"])
    if not name.startswith("file:") and not Path(name).exists():
        return []
    conn = _sqlite_connect(name)
    try:
        return _sqlite_tables(conn.cursor())
    finally:
        conn.close()


def _sqlite_connect(name) -> sqlite3.Connection:
    name = str(name)
    if name in ("", ":memory:"):
        raise BackupError("Cơ sở dữ liệu SQLite trong bộ nhớ không sao lưu được. (In-memory SQLite database.)")
    conn = sqlite3.connect(name, uri=name.startswith("file:"), timeout=20)
    return conn


def _sqlite_quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sqlite_tables(cursor) -> list[str]:
    cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    return [row[0] for row in cursor.fetchall()]


def _sqlite_counts(cursor) -> dict[str, int]:
    counts = {}
    for table in _sqlite_tables(cursor):
        cursor.execute(f"SELECT count(*) FROM {_sqlite_quote(table)}")
        counts[table] = cursor.fetchone()[0]
    return counts


def _pg_connect(settings_dict: dict):
    import psycopg

    try:
        return psycopg.connect(**_pg_params(settings_dict))
    except psycopg.OperationalError as error:
        raise BackupError(
            f"Không kết nối được cơ sở dữ liệu «{settings_dict['NAME']}»: {str(error).strip()}. "
            f"(Cannot connect to the database; create it first with createdb.)"
        ) from None


def _pg_params(settings_dict: dict) -> dict:
    params = {"dbname": settings_dict["NAME"]}
    for key, name in (("HOST", "host"), ("PORT", "port"), ("USER", "user"), ("PASSWORD", "password")):
        if settings_dict.get(key):
            params[name] = str(settings_dict[key])
    if settings_dict.get("OPTIONS", {}).get("sslmode"):
        params["sslmode"] = settings_dict["OPTIONS"]["sslmode"]
    return params


def _pg_env(settings_dict: dict) -> dict:
    # Through the environment, so the password never shows in the process list.
    names = {"dbname": "PGDATABASE", "host": "PGHOST", "port": "PGPORT", "user": "PGUSER", "password": "PGPASSWORD"}
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    for key, value in _pg_params(settings_dict).items():
        env[names.get(key, "PGSSLMODE")] = value
    return env


def _pg_quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _pg_table_name(schema: str, table: str) -> str:
    return table if schema == "public" else f"{schema}.{table}"


def _pg_tables(cursor) -> list[str]:
    cursor.execute(
        "SELECT schemaname, tablename FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema') "
        "ORDER BY schemaname, tablename"
    )
    return [_pg_table_name(schema, table) for schema, table in cursor.fetchall()]


def _pg_counts(cursor) -> dict[str, int]:
    counts = {}
    for name in _pg_tables(cursor):
        quoted = ".".join(_pg_quote(part) for part in name.split(".", 1)) if "." in name else _pg_quote(name)
        cursor.execute(f"SELECT count(*) FROM {quoted}")
        counts[name] = cursor.fetchone()[0]
    return counts


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    versions = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), key=lambda p: int(p.parts[-3]))
    if versions:
        return str(versions[-1])
    raise BackupError(f"Không tìm thấy {name}: cài gói postgresql-client. ({name} not found.)")


def _run(args: list[str], settings_dict: dict, tool: str) -> None:
    done = subprocess.run(args, env=_pg_env(settings_dict), capture_output=True, text=True)
    if done.returncode != 0:
        tail = " ".join(done.stderr.strip().splitlines()[-3:])
        raise BackupError(f"{tool} thất bại (mã {done.returncode}): {tail} ({tool} failed.)")


# --- Files ----------------------------------------------------------------------------------------------------


def _safe_rel(rel: str) -> PurePosixPath:
    """A manifest path must stay inside the backup and the store: no absolute path, no '..'."""
    path = PurePosixPath(rel)
    if path.is_absolute() or ".." in path.parts or path.parts[:1] != (MEDIA_DIR,) or len(path.parts) < 2:
        raise ValueError(f"đường dẫn không hợp lệ {rel!r}")
    return path


def _digest(path: Path) -> dict:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
            size += len(chunk)
    return {"sha256": digest.hexdigest(), "size": size}


def _copy(source: Path, destination: Path) -> dict:
    """Copy one file, returning the SHA-256 and size of the bytes written."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    with source.open("rb") as src, destination.open("xb") as dst:
        for chunk in iter(lambda: src.read(CHUNK), b""):
            digest.update(chunk)
            size += len(chunk)
            dst.write(chunk)
    return {"sha256": digest.hexdigest(), "size": size}


def _fsync(path: Path) -> None:
    with path.open("rb") as handle:
        os.fsync(handle.fileno())
