"""The files folder's side of a backup: finished files copied out, and checked on the way in."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from bot.backup.layout import BackupError, sha256_file


def copy_files(source: Path, target: Path) -> dict[str, int]:
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


def restore_files(source: Path, target: Path) -> None:
    """Copy a backup's files into the files folder, checking each against its name."""
    if not source.is_dir():
        raise BackupError(f"{source} is missing from the backup")
    for path in sorted(source.rglob("*")):
        if not path.is_file():
            continue
        if sha256_file(path) != path.name:
            raise BackupError(f"{path} is damaged (its SHA-256 is not its name)")
        dest = target / path.relative_to(source)
        if dest.exists():
            continue
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = dest.with_name(f".tmp-{dest.name}")
        shutil.copy2(path, tmp)
        os.replace(tmp, dest)
