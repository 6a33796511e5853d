"""What a backup is on disk: a folder per backup, its name, its manifest, and the listing.

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
that name is a whole backup."""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

from sqlalchemy.engine import make_url

from storage.db import normalize_url

FORMAT: Final = 1
MANIFEST: Final = "manifest.json"
FILES: Final = "files"
SQLITE_FILE: Final = "database.sqlite3"
PG_FILE: Final = "database.pgdump"
PREFIX: Final = "zhaoshang-"
NAME: Final = re.compile(r"(zhaoshang-\d{8}T\d{6}Z)(?:-(\d+))?")


class BackupError(Exception):
    """A backup or restore that cannot be done, in one line for the operator."""


def backend(database_url: str) -> str:
    """ "sqlite" or "postgresql"."""
    name = make_url(normalize_url(database_url)).get_backend_name()
    if name not in ("sqlite", "postgresql"):
        raise BackupError(f"cannot back up a {name} database")
    return name


def backups(root: Path) -> Iterator[Path]:
    """The complete backups under `root`, newest first."""
    if not root.is_dir():
        return iter(())
    found = [p for p in root.iterdir() if NAME.fullmatch(p.name) and (p / MANIFEST).is_file()]
    return iter(sorted(found, key=_order, reverse=True))


def free_name(root: Path, name: str) -> str:
    """`name`, or `name-2`, `name-3`, … for a second backup in the same second."""
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


def sha256_file(path: Path) -> str:
    """A file's SHA-256, read a megabyte at a time."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_json(path: Path, data: dict[str, Any]) -> None:
    """Write a JSON file and make it durable."""
    with path.open("w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False, indent=2)
        f.flush()
        os.fsync(f.fileno())


def fsync_dir(path: Path) -> None:
    """Make a folder's entries (a rename, a new file) durable."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
