"""Reading Bot API parameters from JSON, form, query string or multipart, typed like Telegram."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from sandbox.errors import bad_request

JSON_FIELDS = frozenset(
    [
        "reply_markup",
        "reply_parameters",
        "link_preview_options",
        "entities",
        "caption_entities",
        "commands",
        "scope",
        "menu_button",
        "allowed_updates",
        "media",
        "results",
        "permissions",
        "reaction",
        "message_ids",
    ]
)
INT_FIELDS = frozenset(
    [
        "message_id",
        "offset",
        "limit",
        "timeout",
        "user_id",
        "message_thread_id",
        "reply_to_message_id",
        "cache_time",
        "max_connections",
        "until_date",
        "from_chat_id",
    ]
)
BOOL_FIELDS = frozenset(
    [
        "disable_notification",
        "protect_content",
        "show_alert",
        "drop_pending_updates",
        "disable_web_page_preview",
        "allow_sending_without_reply",
        "has_spoiler",
        "disable_content_type_detection",
        "show_caption_above_media",
        "allow_paid_broadcast",
    ]
)


@dataclass
class Upload:
    """A file part of a multipart request."""

    filename: str
    content: bytes
    content_type: str | None


def _to_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return None
    return None


class Params:
    """The parameters of one Bot API call, with typed accessors."""

    def __init__(self, raw: dict[str, Any]) -> None:
        self.raw = raw

    def has(self, name: str) -> bool:
        """Return True when the parameter was given."""
        return self.raw.get(name) is not None

    def get_str(self, name: str, default: str | None = None) -> str | None:
        """Return a string parameter."""
        value = self.raw.get(name)
        if value is None or isinstance(value, Upload):
            return default
        if isinstance(value, dict | list):
            return json.dumps(value, ensure_ascii=False)
        if isinstance(value, bool):
            return "true" if value else "false"
        return str(value)

    def get_int(self, name: str, default: int | None = None) -> int | None:
        """Return an integer parameter, or raise Telegram's type error."""
        value = self.raw.get(name)
        if value is None:
            return default
        number = _to_int(value)
        if number is None:
            raise bad_request(f'field "{name}" must be of type Integer')
        return number

    def get_bool(self, name: str, default: bool = False) -> bool:
        """Return a boolean parameter."""
        value = self.raw.get(name)
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        return str(value).strip().lower() in {"true", "1", "yes"}

    def get_json(self, name: str) -> Any:
        """Return a JSON-typed parameter, decoding it when it arrived as a string."""
        value = self.raw.get(name)
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError:
                if name == "reply_markup":
                    raise bad_request("can't parse reply keyboard markup JSON object") from None
                raise bad_request(f"can't parse {name} JSON object") from None
        return value

    def chat_id(self, name: str = "chat_id") -> int | str | None:
        """Return a chat id: an integer, or an "@username" string."""
        value = self.raw.get(name)
        if value is None or value == "":
            return None
        number = _to_int(value)
        if number is not None:
            return number
        return str(value)

    def file(self, name: str) -> Upload | str | None:
        """Return an uploaded file (direct or attach://) or a file_id / URL string."""
        value = self.raw.get(name)
        if isinstance(value, str) and value.startswith("attach://"):
            value = self.raw.get(value[len("attach://") :])
        if isinstance(value, Upload | str):
            return value
        return None

    def decoded(self) -> dict[str, Any]:
        """Return all parameters decoded for the call record."""
        result: dict[str, Any] = {}
        for key, value in self.raw.items():
            if isinstance(value, Upload):
                result[key] = {"filename": value.filename, "size": len(value.content)}
            elif key in JSON_FIELDS and isinstance(value, str):
                try:
                    result[key] = json.loads(value)
                except ValueError:
                    result[key] = value
            elif key in INT_FIELDS or key in ("chat_id", "from_chat_id"):
                number = _to_int(value)
                result[key] = value if number is None else number
            elif key in BOOL_FIELDS and isinstance(value, str):
                result[key] = value.strip().lower() in {"true", "1"}
            else:
                result[key] = value
        return result


async def read_params(request: web.Request) -> Params:
    """Collect the parameters of a request from its query string and body."""
    raw: dict[str, Any] = dict(request.query)
    content_type = request.content_type
    if request.method == "POST" and request.can_read_body:
        if content_type == "application/json":
            try:
                body = await request.json()
            except ValueError:
                raise bad_request("can't parse JSON encoded request body") from None
            if isinstance(body, dict):
                raw.update(body)
        elif content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, web.FileField):
                    raw[key] = Upload(value.filename, value.file.read(), value.content_type)
                elif isinstance(value, bytes | bytearray):
                    raw[key] = bytes(value).decode("utf-8", errors="replace")
                else:
                    raw[key] = value
    return Params(raw)
