"""SQLite's side of a backup: the online backup API, out to a file and back in."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy.engine import make_url

from bot.backup.layout import BackupError


def database_path(database_url: str) -> Path:
    """The database file a SQLite URL names (an in-memory database has none)."""
    database = make_url(database_url).database
    if not database or database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up or restored")
    return Path(database)


def dump(database_url: str, target: Path) -> str | None:
    """Copy the whole database into `target`, checked; returns its schema revision."""
    path = database_path(database_url)
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
        return _revision(copy)
    finally:
        copy.close()
        source.close()


def load(source: Path, database_url: str) -> None:
    """Copy a backed-up database file into the database the URL names."""
    path = database_path(database_url)
    path.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(path)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def _revision(conn: sqlite3.Connection) -> str | None:
    try:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError:
        return None
    return None if row is None else str(row[0])
