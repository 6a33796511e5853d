"""Links as Telegram keeps them: the href of a text link, the URL of a button."""

from __future__ import annotations

from urllib.parse import urlsplit


def normalize_url(url: str) -> str | None:
    """Return the link Telegram would store for an href, or None when it drops it."""
    url = url.strip()
    if not url:
        return None
    parts = urlsplit(url)
    if not parts.scheme or (parts.scheme and not parts.netloc and ":" not in url.split("/")[0]):
        parts = urlsplit("http://" + url)
    scheme = parts.scheme.lower()
    if scheme in {"tg", "ton"}:
        return url
    if scheme not in {"http", "https", "ftp", "tonsite"} or not parts.hostname:
        return None
    if "." not in parts.hostname and parts.hostname != "localhost":
        return None
    path = parts.path or "/"
    rebuilt = f"{scheme}://{parts.netloc}{path}"
    if parts.query:
        rebuilt += f"?{parts.query}"
    if parts.fragment:
        rebuilt += f"#{parts.fragment}"
    return rebuilt
