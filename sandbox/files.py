"""In-memory file storage for documents and photos, with image size detection."""

from __future__ import annotations

import mimetypes
import secrets
import struct
import zlib
from dataclasses import dataclass
from typing import Any

MAX_DOWNLOAD = 20 * 1024 * 1024


@dataclass
class StoredFile:
    """One uploaded file as Telegram keeps it."""

    file_id: str
    file_unique_id: str
    content: bytes
    kind: str
    file_path: str
    file_name: str | None = None
    mime_type: str | None = None
    width: int = 0
    height: int = 0

    @property
    def file_size(self) -> int:
        """Return the size in bytes."""
        return len(self.content)

    def document(self) -> dict[str, Any]:
        """Return the Telegram Document object."""
        doc: dict[str, Any] = {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": self.file_size,
        }
        if self.file_name:
            doc["file_name"] = self.file_name
        if self.mime_type:
            doc["mime_type"] = self.mime_type
        return doc

    def photo_sizes(self) -> list[dict[str, Any]]:
        """Return the Telegram list of PhotoSize objects (one size: the original)."""
        return [
            {
                "file_id": self.file_id,
                "file_unique_id": self.file_unique_id,
                "file_size": self.file_size,
                "width": self.width,
                "height": self.height,
            }
        ]

    def file_object(self) -> dict[str, Any]:
        """Return the Telegram File object that getFile answers."""
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": self.file_size,
            "file_path": self.file_path,
        }


def image_size(content: bytes) -> tuple[int, int] | None:
    """Return (width, height) of a PNG, GIF or JPEG image, or None when it is not one."""
    if content.startswith(b"\x89PNG\r\n\x1a\n") and len(content) >= 24:
        width, height = struct.unpack(">II", content[16:24])
        return int(width), int(height)
    if content[:6] in (b"GIF87a", b"GIF89a") and len(content) >= 10:
        width, height = struct.unpack("<HH", content[6:10])
        return int(width), int(height)
    if content.startswith(b"\xff\xd8"):
        pos = 2
        while pos + 9 < len(content):
            if content[pos] != 0xFF:
                return None
            marker = content[pos + 1]
            length = struct.unpack(">H", content[pos + 2 : pos + 4])[0]
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                height, width = struct.unpack(">HH", content[pos + 5 : pos + 9])
                return int(width), int(height)
            pos += 2 + length
    return None


def make_png(width: int = 2, height: int = 2) -> bytes:
    """Return a small valid PNG image (handy for sending photos in tests)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


class FileStore:
    """All files known to the sandbox, by file_id and by download path."""

    def __init__(self) -> None:
        self._by_id: dict[str, StoredFile] = {}
        self._by_path: dict[str, StoredFile] = {}
        self._count = 0

    def add_document(
        self, content: bytes, file_name: str | None, mime_type: str | None = None
    ) -> StoredFile:
        """Store a document and return it."""
        guessed = mimetypes.guess_type(file_name or "")[0]
        if not mime_type or mime_type == "application/octet-stream":
            mime_type = guessed or mime_type or "application/octet-stream"
        suffix = ""
        if file_name and "." in file_name:
            suffix = "." + file_name.rsplit(".", 1)[1]
        return self._add(content, "document", "BQAC", "documents", suffix, file_name, mime_type)

    def add_photo(self, content: bytes) -> StoredFile | None:
        """Store a photo and return it, or None when the bytes are not an image."""
        size = image_size(content)
        if size is None:
            return None
        stored = self._add(content, "photo", "AgAC", "photos", ".jpg", None, None)
        stored.width, stored.height = size
        return stored

    def add_media(
        self,
        content: bytes,
        kind: str,
        suffix: str,
        mime_type: str | None,
        file_name: str | None = None,
    ) -> StoredFile:
        """Store a sticker, voice message, audio, video, video note or animation."""
        prefix = {"sticker": "CAAC", "voice": "AwAC", "video_note": "DQAC"}.get(kind, "BAAC")
        return self._add(content, kind, prefix, f"{kind}s", suffix, file_name, mime_type)

    def _add(
        self,
        content: bytes,
        kind: str,
        prefix: str,
        folder: str,
        suffix: str,
        file_name: str | None,
        mime_type: str | None,
    ) -> StoredFile:
        self._count += 1
        n = self._count
        stored = StoredFile(
            file_id=f"{prefix}AgADsbx{n:05d}{secrets.token_urlsafe(12)}",
            file_unique_id=f"AQADsbx{n:05d}{secrets.token_hex(3)}",
            content=bytes(content),
            kind=kind,
            file_path=f"{folder}/file_{n}{suffix}",
            file_name=file_name,
            mime_type=mime_type,
        )
        self._by_id[stored.file_id] = stored
        self._by_path[stored.file_path] = stored
        return stored

    def get(self, file_id: str) -> StoredFile | None:
        """Return a file by file_id."""
        return self._by_id.get(file_id)

    def by_path(self, file_path: str) -> StoredFile | None:
        """Return a file by its download path."""
        return self._by_path.get(file_path)
