"""The process's logging: secrets masked wherever they appear, JSON lines, quiet libraries."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest
from pydantic import SecretStr

from bot.logs import QUIET_LOGGERS, JsonFormatter, SecretFilter, secrets_of, setup_logging
from bot.settings import Settings

TOKEN = "123456:AAE-secret-part_of-the-token"
SECRET_PART = "AAE-secret-part_of-the-token"


def settings(**overrides: object) -> Settings:
    return Settings(bot_token=TOKEN, _env_file=None, **overrides)  # type: ignore[arg-type]


def record(msg: str, *args: object, exc: BaseException | None = None) -> logging.LogRecord:
    exc_info = (type(exc), exc, exc.__traceback__) if exc is not None else None
    return logging.LogRecord("httpx", logging.INFO, __file__, 1, msg, args or None, exc_info)


def raised(message: str) -> BaseException:
    try:
        raise RuntimeError(message)
    except RuntimeError as exc:
        return exc


@pytest.fixture
def restore_logging() -> Iterator[None]:
    """Undo what setup_logging does to the test process's loggers."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    levels = {name: logging.getLogger(name).level for name in QUIET_LOGGERS}
    yield
    logging.captureWarnings(False)
    for handler in list(root.handlers):
        if handler not in handlers:
            root.removeHandler(handler)
    root.setLevel(level)
    for name, old in levels.items():
        logging.getLogger(name).setLevel(old)


def test_the_secrets_are_the_tokens_secret_part_and_every_other_secret_setting():
    found = secrets_of(
        settings(
            webhook_secret=SecretStr("hook-secret"),
            database_url="postgresql://bot:db-pass@127.0.0.1/zs",
        )
    )
    assert set(found) == {SECRET_PART, "hook-secret", "db-pass"}
    assert secrets_of(Settings(_env_file=None)) == []


def test_the_filter_masks_the_message_its_arguments_and_the_exception():
    f = SecretFilter(secrets_of(settings()))
    url = f"http://127.0.0.1/bot{TOKEN}/getMe"
    rec = record('HTTP Request: POST %s "%s"', url, "HTTP/1.1 200 OK", exc=raised(f"at {url}"))
    assert f.filter(rec) is True
    text = logging.Formatter().format(rec)
    assert TOKEN not in text and SECRET_PART not in text
    assert "POST http://127.0.0.1/bot123456:***/getMe" in text  # which bot is still shown
    assert "RuntimeError: at http://127.0.0.1/bot123456:***/getMe" in text


def test_the_url_encoded_token_is_masked_too():
    f = SecretFilter(secrets_of(settings()))
    rec = record("GET /bot123456%3A" + SECRET_PART + "/getFile")
    f.filter(rec)
    assert SECRET_PART not in rec.getMessage()


def test_arguments_that_do_not_fit_the_format_are_kept_masked():
    f = SecretFilter([TOKEN])
    rec = record("%s and %s", TOKEN)  # one argument short
    f.filter(rec)
    assert TOKEN not in rec.getMessage() and "***" in rec.getMessage()


def test_no_secrets_leaves_records_alone():
    rec = record("nothing %s", "here")
    assert SecretFilter([""]).filter(rec) and rec.args == ("here",)


def test_the_json_format_is_one_object_per_line_with_the_exception():
    rec = record("hello %s", "世界", exc=raised("boom"))
    line = JsonFormatter().format(rec)
    assert "\n" not in line
    entry = json.loads(line)
    assert set(entry) == {"time", "level", "logger", "message", "exception"}
    assert (entry["level"], entry["logger"], entry["message"]) == ("INFO", "httpx", "hello 世界")
    assert entry["time"].endswith("+00:00")
    assert (
        entry["exception"].startswith("Traceback") and "RuntimeError: boom" in entry["exception"]
    )
    assert "exception" not in json.loads(JsonFormatter().format(record("plain")))


def test_setup_logging_masks_writes_json_and_quiets_the_libraries(restore_logging: None):
    out = io.StringIO()
    setup_logging(settings(log_format="json"), out)
    logging.getLogger("httpx").info("POST /bot%s/getUpdates", TOKEN)  # below WARNING: dropped
    logging.getLogger("apscheduler.executors.default").info('Running job "sweep"')
    logging.getLogger("httpx").warning("POST /bot%s/getUpdates failed", TOKEN)
    try:
        raise ValueError(f"token {TOKEN}")
    except ValueError:
        logging.getLogger("bot.respond").exception("handling failed")
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [e["logger"] for e in lines] == ["httpx", "bot.respond"]
    assert lines[0]["message"] == "POST /bot123456:***/getUpdates failed"
    assert "ValueError: token 123456:***" in lines[1]["exception"]
    assert TOKEN not in out.getvalue() and SECRET_PART not in out.getvalue()


def test_setup_logging_takes_the_level_and_replaces_its_own_handler(restore_logging: None):
    setup_logging(settings(log_level="warning"))
    out = io.StringIO()
    setup_logging(settings(log_level="WARNING"), out)
    ours = [h for h in logging.getLogger().handlers if type(h).__name__ == "_ZhaoshangHandler"]
    assert len(ours) == 1
    logging.getLogger("bot.serve").info("not shown")
    logging.getLogger("bot.serve").warning("shown")
    assert out.getvalue().splitlines()[-1].endswith("WARNING bot.serve: shown")
    assert "not shown" not in out.getvalue()


def test_at_debug_the_libraries_log_too(restore_logging: None):
    setup_logging(settings(log_level="DEBUG"), io.StringIO())
    assert logging.getLogger("httpx").getEffectiveLevel() == logging.DEBUG


def test_the_log_settings_are_checked():
    assert settings(log_level="debug").log_level == "DEBUG"
    assert settings(log_format="JSON").log_format == "json"
    with pytest.raises(ValueError):
        settings(log_level="verbose")
    with pytest.raises(ValueError):
        settings(log_format="xml")
