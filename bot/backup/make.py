"""Backing up: a consistent copy of the database and the stored files, taken while the bot
runs, and the oldest copies pruned (the folder's layout is in `layout.py`)."""

from __future__ import annotations

import logging
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bot.backup import postgres, sqlite
from bot.backup.files import copy_files
from bot.backup.layout import (
    FILES,
    FORMAT,
    MANIFEST,
    PG_FILE,
    PREFIX,
    SQLITE_FILE,
    backend,
    backups,
    free_name,
    fsync_dir,
    sha256_file,
    write_json,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BackupPlan:
    """The daily backup the elected process runs: where, how many to keep, which files."""

    folder: Path
    keep: int = 7
    files_dir: Path | None = None


def backup(database_url: str, root: Path, *, files_dir: Path | None = None, now: datetime) -> Path:
    """Write a new backup folder under `root` and return it (safe while the bot runs)."""
    root.mkdir(parents=True, exist_ok=True)
    name = free_name(root, PREFIX + now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ"))
    partial = root / f".{name}.partial"
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir()
    try:
        kind = backend(database_url)
        if kind == "sqlite":
            db_file = partial / SQLITE_FILE
            revision = sqlite.dump(database_url, db_file)
        else:
            db_file = partial / PG_FILE
            revision = postgres.dump(database_url, db_file)
        files = copy_files(files_dir, partial / FILES) if files_dir is not None else None
        manifest = {
            "format": FORMAT,
            "created_at": now.astimezone(UTC).isoformat(),
            "database": {
                "backend": kind,
                "file": db_file.name,
                "size": db_file.stat().st_size,
                "sha256": sha256_file(db_file),
                "revision": revision,
            },
            "files": files,
        }
        write_json(partial / MANIFEST, manifest)
        fsync_dir(partial)
        partial.rename(root / name)
        fsync_dir(root)
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


def scheduled_backup(database_url: str, plan: BackupPlan, now: datetime) -> str:
    """The daily job's work: one backup, then the oldest ones beyond `keep` removed."""
    path = backup(database_url, plan.folder, files_dir=plan.files_dir, now=now)
    removed = prune(plan.folder, plan.keep)
    return f"{path.name}; removed {len(removed)}"
