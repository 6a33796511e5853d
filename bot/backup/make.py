"""Backups: a consistent copy of the database and the stored files, taken while the bot runs,
and its return into an empty database.

A backup is one folder, `zhaoshang-YYYYMMDDTHHMMSSZ`, holding:
- `database.sqlite3`: SQLite's online backup API (`sqlite3.Connection.backup`) copies the whole
  database in one step, inside one read transaction, so the copy is one moment's state while
  writers go on (WAL); or `database.pgdump`: `pg_dump --format=custom`, whose snapshot is one
  transaction's view (pg_dump must be of the server's major version or newer);
- `files/`: a copy of the files folder (ZHAOSHANG_FILES_DIR), when one is set. It is copied
  after the database snapshot: a file is written before the row naming it commits and is never
  removed (storage/files.py), so every row in the snapshot finds its file in the copy;
- `manifest.json`: what the copy holds, with the database file's SHA-256, written last.

The folder is written under a temporary name and renamed when complete, so a folder with
that name is a whole backup. `restore` refuses a database that holds any table: it fills an
empty database (create one, do not run `zhaoshang init` first) and then migrates it to this
version's schema."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url

from storage.db import alembic_config, make_engine, migrate, normalize_url

log = logging.getLogger(__name__)

FORMAT: Final = 1
MANIFEST: Final = "manifest.json"
FILES: Final = "files"
SQLITE_FILE: Final = "database.sqlite3"
PG_FILE: Final = "database.pgdump"
PREFIX: Final = "zhaoshang-"
NAME: Final = re.compile(r"(zhaoshang-\d{8}T\d{6}Z)(?:-(\d+))?")
TOOL_TIMEOUT: Final = 6 * 3600  # seconds a pg_dump or pg_restore may take


class BackupError(Exception):
    """A backup or restore that cannot be done, in one line for the operator."""


@dataclass(frozen=True)
class BackupPlan:
    """The daily backup the elected process runs: where, how many to keep, which files."""

    folder: Path
    keep: int = 7
    files_dir: Path | None = None


# -- backing up -------------------------------------------------------------------------------


def backup(
    database_url: str, root: Path, *, files_dir: Path | None = None, now: datetime
) -> Path:
    """Write a new backup folder under `root` and return it (safe while the bot runs)."""
    root.mkdir(parents=True, exist_ok=True)
    name = _free_name(root, PREFIX + now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ"))
    partial = root / f".{name}.partial"
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir()
    try:
        kind = backend(database_url)
        if kind == "sqlite":
            db_file = partial / SQLITE_FILE
            revision = _sqlite_backup(database_url, db_file)
        else:
            db_file = partial / PG_FILE
            revision = _pg_dump(database_url, db_file)
        files = _copy_files(files_dir, partial / FILES) if files_dir is not None else None
        manifest = {
            "format": FORMAT,
            "created_at": now.astimezone(UTC).isoformat(),
            "database": {
                "backend": kind,
                "file": db_file.name,
                "size": db_file.stat().st_size,
                "sha256": _sha256_file(db_file),
                "revision": revision,
            },
            "files": files,
        }
        _write_json(partial / MANIFEST, manifest)
        _fsync_dir(partial)
        partial.rename(root / name)
        _fsync_dir(root)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    log.info("backup written to %s", root / name)
    return root / name


def prune(root: Path, keep: int) -> list[Path]:
    """Remove all but the newest `keep` backups under `root`; returns the removed ones."""
    if keep < 1:
        raise ValueError("keep at least one backup")
    removed = list(backups(root))[keep:]
    for path in removed:
        shutil.rmtree(path)
    return removed


def backups(root: Path) -> Iterator[Path]:
    """The complete backups under `root`, newest first."""
    if not root.is_dir():
        return iter(())
    found = [p for p in root.iterdir() if NAME.fullmatch(p.name) and (p / MANIFEST).is_file()]
    return iter(sorted(found, key=_order, reverse=True))


def scheduled_backup(database_url: str, plan: BackupPlan, now: datetime) -> str:
    """The daily job's work: one backup, then the oldest ones beyond `keep` removed."""
    path = backup(database_url, plan.folder, files_dir=plan.files_dir, now=now)
    removed = prune(plan.folder, plan.keep)
    return f"{path.name}; removed {len(removed)}"


# -- restoring --------------------------------------------------------------------------------


def find_backup(path: Path) -> Path:
    """A backup folder: `path` itself, or the newest backup under it."""
    if (path / MANIFEST).is_file():
        return path
    newest = next(backups(path), None)
    if newest is None:
        raise BackupError(f"no backup at {path} (a backup folder holds {MANIFEST})")
    return newest


def read_manifest(folder: Path) -> dict[str, Any]:
    """A backup's manifest, checked against the database file it describes."""
    try:
        manifest: dict[str, Any] = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        db = manifest["database"]
        db_file = folder / str(db["file"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise BackupError(f"{folder}: not a readable backup ({exc})") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{folder}: backup format {manifest.get('format')!r} is not known")
    if not db_file.is_file() or _sha256_file(db_file) != db.get("sha256"):
        raise BackupError(f"{folder}: {db_file.name} is missing or damaged (SHA-256 differs)")
    return manifest


def restore(database_url: str, source: Path, *, files_dir: Path | None = None) -> Path:
    """Bring a backup into an empty database (and its files into `files_dir`), then migrate it
    to this version's schema. Returns the backup folder used."""
    folder = find_backup(source)
    manifest = read_manifest(folder)
    db = manifest["database"]
    kind = backend(database_url)
    if db["backend"] != kind:
        raise BackupError(
            f"this backup is of a {db['backend']} database; it restores into {db['backend']} only"
        )
    _check_revision(database_url, db.get("revision"))
    if manifest.get("files") and files_dir is None:
        raise BackupError(
            "this backup holds a files folder: set ZHAOSHANG_FILES_DIR to where the files go"
        )
    tables = existing_tables(database_url)
    if tables:
        raise BackupError(
            f"the database is not empty ({len(tables)} tables, e.g. {sorted(tables)[0]}): "
            "restore only into an empty database"
        )
    if manifest.get("files") and files_dir is not None:
        _restore_files(folder / FILES, files_dir)
    if kind == "sqlite":
        _sqlite_restore(folder / str(db["file"]), database_url)
    else:
        _pg_restore(folder / str(db["file"]), database_url)
    migrate(database_url)
    log.info("restored %s", folder)
    return folder


def existing_tables(database_url: str) -> list[str]:
    """The tables a database holds (none: it is empty)."""
    if backend(database_url) == "sqlite":
        path = _sqlite_path(database_url)
        if not path.exists() or path.stat().st_size == 0:
            return []
    engine = make_engine(database_url)
    try:
        found = inspect(engine)
        schemas = [None] if backend(database_url) == "sqlite" else found.get_schema_names()
        return [
            t
            for schema in schemas
            if schema not in ("information_schema", "pg_catalog", "pg_toast")
            for t in found.get_table_names(schema=schema)
        ]
    finally:
        engine.dispose()


def backend(database_url: str) -> str:
    """"sqlite" or "postgresql"."""
    name = make_url(normalize_url(database_url)).get_backend_name()
    if name not in ("sqlite", "postgresql"):
        raise BackupError(f"cannot back up a {name} database")
    return name


# -- SQLite -----------------------------------------------------------------------------------


def _sqlite_path(database_url: str) -> Path:
    database = make_url(database_url).database
    if not database or database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up or restored")
    return Path(database)


def _sqlite_backup(database_url: str, target: Path) -> str | None:
    path = _sqlite_path(database_url)
    if not path.exists():
        raise BackupError(f"no database at {path}")
    source = sqlite3.connect(path, timeout=60)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)  # pages=-1: the whole database in one step, one read transaction
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        check = copy.execute("PRAGMA quick_check").fetchone()
        if check is None or check[0] != "ok":
            raise BackupError(f"the copy of {path} fails SQLite's check: {check}")
        return _sqlite_revision(copy)
    finally:
        copy.close()
        source.close()


def _sqlite_revision(conn: sqlite3.Connection) -> str | None:
    try:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError:
        return None
    return None if row is None else str(row[0])


def _sqlite_restore(source: Path, database_url: str) -> None:
    path = _sqlite_path(database_url)
    path.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(path)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


# -- PostgreSQL -------------------------------------------------------------------------------


def _pg_target(database_url: str) -> tuple[str, dict[str, str]]:
    """A libpq connection URI without the password, and an environment that carries it (so it
    shows in no process list)."""
    url = make_url(normalize_url(database_url))
    env = dict(os.environ)
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _tool(name: str, database_url: str) -> str:
    """The path of pg_dump or pg_restore, refused when older than the server."""
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed: install postgresql-client")
    out = subprocess.run(
        [path, "--version"], capture_output=True, text=True, timeout=60, check=False
    ).stdout
    match = re.search(r"(\d+)(?:\.\d+)*", out)
    tool_major = int(match[1]) if match else 0
    server_major = _server_major(database_url)
    if tool_major < server_major:
        raise BackupError(
            f"{name} {tool_major} is older than the server (PostgreSQL {server_major}): "
            f"install postgresql-client-{server_major} or newer"
        )
    return path


def _server_major(database_url: str) -> int:
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text("SHOW server_version_num")).scalar_one()) // 10000
    finally:
        engine.dispose()


def _pg_revision(database_url: str) -> str | None:
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            if not inspect(conn).has_table("alembic_version"):
                return None
            value = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
            return None if value is None else str(value)
    finally:
        engine.dispose()


def _run(args: list[str], env: dict[str, str], what: str) -> None:
    done = subprocess.run(
        args, capture_output=True, text=True, env=env, timeout=TOOL_TIMEOUT, check=False
    )
    if done.returncode != 0:
        lines = [line for line in done.stderr.strip().splitlines() if line.strip()]
        raise BackupError(f"{what} failed: {lines[-1] if lines else f'exit {done.returncode}'}")


def _pg_dump(database_url: str, target: Path) -> str | None:
    tool = _tool("pg_dump", database_url)
    revision = _pg_revision(database_url)
    uri, env = _pg_target(database_url)
    _run([tool, "--format=custom", "--file", str(target), "--dbname", uri], env, "pg_dump")
    return revision


def _pg_restore(source: Path, database_url: str) -> None:
    tool = _tool("pg_restore", database_url)
    uri, env = _pg_target(database_url)
    args = [
        tool, "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
        "--dbname", uri, str(source),
    ]
    _run(args, env, "pg_restore")


# -- files ------------------------------------------------------------------------------------


def _copy_files(source: Path, target: Path) -> dict[str, int]:
    """Copy the files folder (finished files only, not ones being written)."""
    count = size = 0
    target.mkdir()
    if source.is_dir():
        for path in sorted(source.rglob("*")):
            if not path.is_file() or path.name.startswith(".tmp-"):
                continue
            dest = target / path.relative_to(source)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, dest)
            count += 1
            size += dest.stat().st_size
    return {"count": count, "bytes": size}


def _restore_files(source: Path, target: Path) -> None:
    """Copy a backup's files into the files folder, checking each against its name."""
    if not source.is_dir():
        raise BackupError(f"{source} is missing from the backup")
    for path in sorted(source.rglob("*")):
        if not path.is_file():
            continue
        if _sha256_file(path) != path.name:
            raise BackupError(f"{path} is damaged (its SHA-256 is not its name)")
        dest = target / path.relative_to(source)
        if dest.exists():
            continue
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = dest.with_name(f".tmp-{dest.name}")
        shutil.copy2(path, tmp)
        os.replace(tmp, dest)


# -- helpers ----------------------------------------------------------------------------------


def _check_revision(database_url: str, revision: str | None) -> None:
    """Refuse a backup from a newer version of the bot (a schema this code does not know)."""
    if revision is None:
        return
    scripts = ScriptDirectory.from_config(alembic_config(database_url))
    try:
        scripts.get_revision(revision)
    except Exception as exc:
        raise BackupError(
            f"this backup's schema ({revision}) is newer than this version of zhaoshang"
        ) from exc


def _free_name(root: Path, name: str) -> str:
    candidate, n = name, 1
    while (root / candidate).exists():
        n += 1
        candidate = f"{name}-{n}"
    return candidate


def _order(path: Path) -> tuple[str, int]:
    """Oldest first: by time, then by the number of a second backup in the same second."""
    match = NAME.fullmatch(path.name)
    assert match is not None
    return match[1], int(match[2] or 1)


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _write_json(path: Path, data: dict[str, Any]) -> None:
    with path.open("w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False, indent=2)
        f.flush()
        os.fsync(f.fileno())


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)

