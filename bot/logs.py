"""The process's logging: one handler on the root logger, text or JSON lines, third-party
chatter kept at WARNING, and every configured secret masked in whatever reaches the log."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Final, TextIO

from pydantic import SecretStr
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from bot.settings import Settings

TEXT_FORMAT: Final = "%(asctime)s %(levelname)s %(name)s: %(message)s"
MASK: Final = "***"
# Libraries that log every request, update or scheduler run at INFO: at the default level
# their lines would bury the bot's own (and httpx's request lines carry the bot token).
QUIET_LOGGERS: Final = (
    "httpx",
    "httpcore",
    "apscheduler",
    "aiogram.event",
    "aiohttp.access",
    "tornado.access",
)


def secrets_of(settings: Settings) -> list[str]:
    """Every secret in the settings, as the strings that must never reach a log.

    Each `SecretStr` setting and the password in the database URL; of the bot token, the
    part after the bot id, so a masked token still says which bot it was ("123456:***")."""
    found: list[str] = []
    for name in type(settings).model_fields:
        value = getattr(settings, name, None)
        if isinstance(value, SecretStr):
            secret = value.get_secret_value()
            bot_id, colon, rest = secret.partition(":")
            found.append(rest if colon and bot_id.isdigit() and rest else secret)
    try:
        password = make_url(settings.database_url).password
    except (ArgumentError, ValueError):
        password = None
    if password:
        found.append(str(password))
    return [s for s in found if s]


class SecretFilter(logging.Filter):
    """Masks secrets in a record's message, arguments, exception text and stack.

    Attach it to a handler: a handler's filters see every record that reaches it, whichever
    logger it came from (a logger's filters see only records logged on that very logger)."""

    def __init__(self, secrets: Iterable[str], mask: str = MASK) -> None:
        super().__init__()
        ordered = sorted({s for s in secrets if s}, key=len, reverse=True)
        self._pattern = re.compile("|".join(map(re.escape, ordered))) if ordered else None
        self.mask = mask

    def redact(self, text: str) -> str:
        """The text with every secret replaced by the mask."""
        if self._pattern is None:
            return text
        return self._pattern.sub(self.mask, text)

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record in place, secrets masked; never drops a record."""
        if self._pattern is None:
            return True
        try:
            message = record.getMessage()
        except Exception:  # arguments that do not fit the format: keep both, masked
            message = f"{record.msg} {record.args!r}"
        record.msg = self.redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = _PLAIN.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


_PLAIN: Final = logging.Formatter()


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, and the
    exception (its traceback text) when the record has one."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as one line of JSON."""
        entry: dict[str, str] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False)


class _ZhaoshangHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """The handler `setup_logging` installs (recognised, and replaced, when called again)."""


def setup_logging(settings: Settings, stream: TextIO | None = None) -> logging.Handler:
    """Log to stderr (or `stream`) at the configured level and format, secrets masked.

    Third-party loggers that write a line per request, update or scheduler run stay at WARNING
    unless the level is DEBUG. Python warnings go through the same handler. Returns the
    handler; calling again replaces it."""
    level = logging.getLevelNamesMapping()[settings.log_level]
    handler = _ZhaoshangHandler(stream)
    handler.setFormatter(
        JsonFormatter() if settings.log_format == "json" else logging.Formatter(TEXT_FORMAT)
    )
    handler.addFilter(SecretFilter(secrets_of(settings)))
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, _ZhaoshangHandler)]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    quiet = level if level <= logging.DEBUG else max(level, logging.WARNING)
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(quiet)
    logging.captureWarnings(True)
    return handler
