"""Telegram Mini App `initData`: checking its signature and its age, by Telegram's documented
algorithm (core.telegram.org/bots/webapps, "Validating data received via the Mini App").

The secret key is HMAC-SHA256 of the bot token under the key "WebAppData"; the hash is the
hex HMAC-SHA256 of the data-check string under that key, where the data-check string is every
received field but `hash`, sorted by name, as `name=value` lines joined by a line feed. As in
Telegram's text (and aiogram's `check_webapp_signature`), a `signature` field (Ed25519, for
third parties) stays in the data-check string.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Final
from urllib.parse import parse_qsl

SECRET_KEY_KEY: Final = b"WebAppData"


class Why(StrEnum):
    """Why an `initData` was not accepted."""

    UNSIGNED = "unsigned"  # no hash at all
    TAMPERED = "tampered"  # the hash does not match the fields
    EXPIRED = "expired"  # signed longer ago than the limit (or in the future)
    MALFORMED = "malformed"  # signed, but not what Telegram sends (no user, bad auth_date)


class InitDataError(Exception):
    """An `initData` that proves nothing about who sent it; `why` says what was wrong."""

    def __init__(self, why: Why) -> None:
        super().__init__(why.value)
        self.why = why


@dataclass(frozen=True, slots=True)
class WebAppUser:
    """The Telegram user an accepted `initData` names."""

    id: int
    first_name: str
    last_name: str | None
    username: str | None
    language_code: str | None
    auth_date: datetime

    @property
    def display_name(self) -> str:
        """First and last name, as chat shows them."""
        return " ".join(p for p in (self.first_name, self.last_name) if p)


def secret_key(bot_token: str) -> bytes:
    """The key the hash is made with: HMAC-SHA256 of the token under "WebAppData"."""
    return hmac.new(SECRET_KEY_KEY, bot_token.encode(), hashlib.sha256).digest()


def data_check_string(fields: dict[str, str]) -> str:
    """Every field but `hash`, sorted, as `name=value` lines."""
    return "\n".join(f"{k}={v}" for k, v in sorted(fields.items()) if k != "hash")


def sign_fields(bot_token: str, fields: dict[str, str]) -> str:
    """The hex hash Telegram puts beside these fields."""
    message = data_check_string(fields).encode()
    return hmac.new(secret_key(bot_token), message, hashlib.sha256).hexdigest()


def verify(
    init_data: str,
    bot_token: str,
    *,
    now: Callable[[], datetime],
    max_age: timedelta,
) -> WebAppUser:
    """The user a signed, fresh `initData` names; raises InitDataError saying why not."""
    try:
        pairs = parse_qsl(init_data, keep_blank_values=True, strict_parsing=True)
    except ValueError:
        pairs = []
    fields = dict(pairs)
    if len(fields) != len(pairs):  # a repeated field: which one was signed?
        raise InitDataError(Why.MALFORMED)
    received = fields.get("hash")
    if not received:
        raise InitDataError(Why.UNSIGNED)
    expected = sign_fields(bot_token, fields)
    if not hmac.compare_digest(expected.encode(), received.encode()):
        raise InitDataError(Why.TAMPERED)
    auth_date = _auth_date(fields.get("auth_date"))
    age = now() - auth_date
    if age > max_age or age < -timedelta(minutes=5):
        raise InitDataError(Why.EXPIRED)
    return _user(fields.get("user"), auth_date)


def _auth_date(raw: str | None) -> datetime:
    if raw is None or not raw.isdigit():
        raise InitDataError(Why.MALFORMED)
    try:
        return datetime.fromtimestamp(int(raw), UTC)
    except (OverflowError, OSError, ValueError):
        raise InitDataError(Why.MALFORMED) from None


def _user(raw: str | None, auth_date: datetime) -> WebAppUser:
    try:
        data = json.loads(raw) if raw else None
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise InitDataError(Why.MALFORMED)
    user_id, first = data.get("id"), data.get("first_name", "")
    if not isinstance(user_id, int) or isinstance(user_id, bool) or not isinstance(first, str):
        raise InitDataError(Why.MALFORMED)
    return WebAppUser(
        id=user_id,
        first_name=first,
        last_name=_text(data.get("last_name")),
        username=_text(data.get("username")),
        language_code=_text(data.get("language_code")),
        auth_date=auth_date,
    )


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None
