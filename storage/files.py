"""The bytes of the files people send, kept with their SHA-256 and size so that nothing depends
on the messenger's copy (a `file_id` dies with the bot token and means nothing to another
messenger).

By default the bytes live in the database (`StoredFile.content`), so one database backup holds
everything. A large deployment sets a files folder (ZHAOSHANG_FILES_DIR): the bytes are then
written there, content-addressed (`ab/cd/abcd…`, the name being the SHA-256), and the row keeps
only the digest. A file is written (and synced) before its row is committed and never removed,
so every committed row finds its bytes, and copying the folder after a snapshot of the database
gives a consistent backup. Identical bytes are kept once: a second upload of the same content
reuses its row."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Final

from sqlmodel import Session, col, select

from storage.tables import StoredFile

SHA256: Final = re.compile(r"[0-9a-f]{64}")


class FileStore:
    """Keeps and reads the bytes of stored files: in the database, or in a files folder."""

    def __init__(self, folder: Path | str | None = None) -> None:
        self.folder = Path(folder) if folder is not None else None

    def path(self, sha256: str) -> Path:
        """Where the bytes with this digest live in the files folder."""
        if self.folder is None:
            raise ValueError("no files folder is set")
        if not SHA256.fullmatch(sha256):
            raise ValueError(f"not a SHA-256 digest: {sha256!r}")
        return self.folder / sha256[:2] / sha256[2:4] / sha256

    def keep(
        self,
        session: Session,
        content: bytes,
        *,
        filename: str,
        mime_type: str,
        now: datetime,
        messenger_file_id: str | None = None,
        sha256: str | None = None,
    ) -> StoredFile:
        """The stored file with these bytes: the existing row for the same content (now known
        by this `messenger_file_id` too), or a new one. Flushed, so it has an id."""
        digest = hashlib.sha256(content).hexdigest()
        if sha256 is not None and sha256 != digest:
            raise ValueError("the bytes do not match their SHA-256")
        found = self.find(session, digest)
        if found is not None:
            if messenger_file_id and found.messenger_file_id != messenger_file_id:
                found.messenger_file_id = messenger_file_id  # the newest id works longest
                session.add(found)
                session.flush()
            return found
        in_folder = self.folder is not None
        if in_folder:
            self._write(digest, content)
        row = StoredFile(
            filename=filename[:200],
            mime_type=mime_type[:100],
            size=len(content),
            content=None if in_folder else content,
            sha256=digest,
            messenger_file_id=messenger_file_id,
            created_at=now,
        )
        session.add(row)
        session.flush()
        return row

    def find(self, session: Session, sha256: str) -> StoredFile | None:
        """The stored file with these bytes, if any."""
        return session.exec(
            select(StoredFile).where(StoredFile.sha256 == sha256).order_by(col(StoredFile.id))
        ).first()

    def read(self, row: StoredFile) -> bytes | None:
        """The bytes of a stored file (None when only the messenger holds them)."""
        if row.content is not None:
            return row.content
        if row.sha256 is None or self.folder is None:
            return None
        path = self.path(row.sha256)
        return path.read_bytes() if path.exists() else None

    def _write(self, digest: str, content: bytes) -> None:
        """Write the bytes under their digest: to a temporary file, synced, then renamed."""
        target = self.path(digest)
        if target.exists() and target.stat().st_size == len(content):
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(content)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
