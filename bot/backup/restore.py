"""Restoring: a backup's return into an empty database (and its files into the files folder).

`restore` refuses a database that holds any table: it fills an empty database (create one, do
not run `zhaoshang init` first) and then migrates it to this version's schema."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from bot.backup import postgres, sqlite
from bot.backup.files import restore_files
from bot.backup.layout import FILES, FORMAT, MANIFEST, BackupError, backend, backups, sha256_file
from storage.db import alembic_config, make_engine, migrate

log = logging.getLogger(__name__)


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
    if not db_file.is_file() or sha256_file(db_file) != db.get("sha256"):
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
        restore_files(folder / FILES, files_dir)
    if kind == "sqlite":
        sqlite.load(folder / str(db["file"]), database_url)
    else:
        postgres.load(folder / str(db["file"]), database_url)
    migrate(database_url)
    log.info("restored %s", folder)
    return folder


def existing_tables(database_url: str) -> list[str]:
    """The tables a database holds (none: it is empty)."""
    if backend(database_url) == "sqlite":
        path = sqlite.database_path(database_url)
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
