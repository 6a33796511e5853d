"""Which files a person may send to a file question: documents, archives and scans, told apart
by the file's extension and its MIME type.

The rule, for a file name and the MIME type the messenger reports:
- a name with an extension decides: the extension must be one of `FILE_TYPES`, and a MIME
  type, when it is a specific one, must be one that extension is known by. A generic MIME
  type (none, or `application/octet-stream` and its kin, which phones send for WPS files and
  many others) is accepted on the extension alone; a specific one that disagrees (a
  `report.pdf` that says it is `application/x-msdownload`) is refused;
- a name without an extension (or no name) is judged by its MIME type alone, which must
  then be specific and one of the accepted types.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from typing import Final

_OLE: Final = "application/x-ole-storage"  # what content sniffers call doc, xls, ppt, wps, et
_ZIP: Final = "application/zip"  # docx, xlsx and pptx are zip containers; some clients say so


def _wps(ext: str) -> str:
    """The type WPS Office (the usual office suite in China) registers for an extension."""
    return f"application/wps-office.{ext}"


ACCEPTED: Final[Mapping[str, frozenset[str]]] = {
    "pdf": frozenset({"application/pdf", "application/x-pdf", _wps("pdf")}),
    "doc": frozenset({"application/msword", _OLE, _wps("doc")}),
    "docx": frozenset(
        {
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            _ZIP,
            _wps("docx"),
        }
    ),
    "wps": frozenset({"application/kswps", "application/vnd.ms-works", _OLE, _wps("wps")}),
    "xls": frozenset({"application/vnd.ms-excel", _OLE, _wps("xls")}),
    "xlsx": frozenset(
        {
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            _ZIP,
            _wps("xlsx"),
        }
    ),
    "et": frozenset({"application/kset", "application/vnd.ms-excel", _OLE, _wps("et")}),
    "ppt": frozenset({"application/vnd.ms-powerpoint", _OLE, _wps("ppt")}),
    "pptx": frozenset(
        {
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            _ZIP,
            _wps("pptx"),
        }
    ),
    "zip": frozenset({"application/zip", "application/x-zip-compressed", "application/x-zip"}),
    "rar": frozenset(
        {
            "application/vnd.rar",
            "application/x-rar-compressed",
            "application/x-rar",
        }
    ),
    "7z": frozenset({"application/x-7z-compressed"}),
    "jpg": frozenset({"image/jpeg", "image/pjpeg"}),
    "jpeg": frozenset({"image/jpeg", "image/pjpeg"}),
    "png": frozenset({"image/png"}),
}
"""Every accepted extension and the MIME types it is known by."""

MAX_FILE_SIZE: Final = 20 * 1024 * 1024
"""The largest file a question takes: what Telegram lets a bot fetch (getFile's limit), so
that every accepted file can be kept, not only pointed at."""

FILE_TYPES: Final = tuple(ext for ext in ACCEPTED if ext != "jpeg")
"""The accepted types as a person is told them (jpeg is jpg)."""

GENERIC_MIME: Final = frozenset(
    {
        "",
        "application/octet-stream",
        "binary/octet-stream",
        "application/binary",
        "application/unknown",
        "application/x-download",
        "application/download",
        "application/force-download",
    }
)
"""MIME types that say nothing about the content: the extension decides."""


def extension(file_name: str | None) -> str | None:
    """The extension of a file name, lower case ("报告.PDF" → "pdf"); None when it has none."""
    if not file_name:
        return None
    name = unicodedata.normalize("NFKC", file_name).strip().rstrip(".").lower()
    _, dot, ext = name.rpartition(".")
    if not dot or not ext or not ext.isascii() or not ext.isalnum() or ext.isdigit():
        return None  # "报告v1.2": a version number, not a type
    return ext


def mime_of(mime_type: str | None) -> str:
    """A MIME type without its parameters, lower case ("" when none was given)."""
    return (mime_type or "").split(";", 1)[0].strip().lower()


def file_type(file_name: str | None, mime_type: str | None) -> str | None:
    """The accepted type of a file ("pdf", "jpg", …), or None when it is not one we take."""
    ext, mime = extension(file_name), mime_of(mime_type)
    if ext is not None:
        known = ACCEPTED.get(ext)
        if known is None or not (mime in GENERIC_MIME or mime in known):
            return None
        return "jpg" if ext == "jpeg" else ext
    if mime in GENERIC_MIME or mime == _OLE:  # an OLE file could be any of five types
        return None
    if mime == _ZIP:
        return "zip"
    return next((t for t in FILE_TYPES if mime in ACCEPTED[t]), None)
