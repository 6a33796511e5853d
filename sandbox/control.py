"""The user-side control API under /_sandbox/, for tests that run the sandbox elsewhere."""

from __future__ import annotations

import base64
import json
from collections.abc import Awaitable, Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from aiohttp import web

from sandbox.errors import SandboxError
from sandbox.registry import SERVER_KEY
from sandbox.state import CallbackQueryRecord, CallRecord

if TYPE_CHECKING:
    from sandbox.server import SandboxServer

Action = Callable[["SandboxServer", dict[str, Any]], Awaitable[Any]]
_dumps = partial(json.dumps, ensure_ascii=False, default=str)
ROUTES: dict[str, Action] = {}


def route(name: str) -> Callable[[Action], Action]:
    """Register a control action at /_sandbox/{name}."""

    def register(action: Action) -> Action:
        ROUTES[name] = action
        return action

    return register


def call_json(call: CallRecord) -> dict[str, Any]:
    """Return a call record as JSON."""
    return {**call.__dict__, "ok": call.ok}


def query_json(query: CallbackQueryRecord) -> dict[str, Any]:
    """Return a callback query record as JSON."""
    return dict(query.__dict__)


def _opt_int(body: dict[str, Any], name: str) -> int | None:
    value = body.get(name)
    return None if value is None else int(value)


@route("users")
async def _users(sb: SandboxServer, b: dict[str, Any]) -> Any:
    return sb.add_user(
        int(b["id"]),
        b["first_name"],
        b.get("last_name"),
        b.get("username"),
        b.get("language_code", "zh-hans"),
        started=bool(b.get("started", True)),
    )


@route("groups")
async def _groups(sb: SandboxServer, b: dict[str, Any]) -> Any:
    members = [int(m) for m in b.get("members", [])]
    return sb.add_group(int(b["id"]), b["title"], members, b.get("type", "group"))


@route("send_text")
async def _send_text(sb: SandboxServer, b: dict[str, Any]) -> Any:
    return sb.send_text(
        int(b["user_id"]), b["text"], _opt_int(b, "chat_id"), _opt_int(b, "reply_to")
    )


@route("send_document")
async def _send_document(sb: SandboxServer, b: dict[str, Any]) -> Any:
    content = base64.b64decode(b["content_base64"])
    return sb.send_document(
        int(b["user_id"]),
        b["filename"],
        content,
        b.get("mime_type"),
        b.get("caption"),
        _opt_int(b, "chat_id"),
    )


@route("send_photo")
async def _send_photo(sb: SandboxServer, b: dict[str, Any]) -> Any:
    content = base64.b64decode(b["content_base64"])
    return sb.send_photo(int(b["user_id"]), content, b.get("caption"), _opt_int(b, "chat_id"))


@route("send_media")
async def _send_media(sb: SandboxServer, b: dict[str, Any]) -> Any:
    content = base64.b64decode(b.get("content_base64") or base64.b64encode(b"sandbox-media"))
    return sb.send_media(
        int(b["user_id"]),
        b["kind"],
        content,
        b.get("caption"),
        _opt_int(b, "chat_id"),
        b.get("emoji", "👍"),
    )


@route("send_location")
async def _send_location(sb: SandboxServer, b: dict[str, Any]) -> Any:
    return sb.send_location(
        int(b["user_id"]),
        float(b["latitude"]),
        float(b["longitude"]),
        _opt_int(b, "chat_id"),
        _opt_int(b, "live_period"),
    )


@route("send_contact")
async def _send_contact(sb: SandboxServer, b: dict[str, Any]) -> Any:
    return sb.send_contact(
        int(b["user_id"]),
        str(b["phone_number"]),
        b["first_name"],
        b.get("last_name"),
        _opt_int(b, "contact_user_id"),
        _opt_int(b, "chat_id"),
    )


@route("send_poll")
async def _send_poll(sb: SandboxServer, b: dict[str, Any]) -> Any:
    options = [str(o) for o in b.get("options", [])]
    return sb.send_poll(int(b["user_id"]), b["question"], options, _opt_int(b, "chat_id"))


@route("send_dice")
async def _send_dice(sb: SandboxServer, b: dict[str, Any]) -> Any:
    return sb.send_dice(
        int(b["user_id"]), b.get("emoji", "🎲"), _opt_int(b, "chat_id"), _opt_int(b, "value")
    )


@route("edit_message")
async def _edit_message(sb: SandboxServer, b: dict[str, Any]) -> Any:
    return sb.edit_message(int(b["user_id"]), int(b["chat_id"]), int(b["message_id"]), b["text"])


@route("press")
async def _press(sb: SandboxServer, b: dict[str, Any]) -> Any:
    return sb.press(
        int(b["user_id"]),
        int(b["chat_id"]),
        int(b["message_id"]),
        b.get("callback_data"),
        b.get("button_text"),
    )


@route("block")
async def _block(sb: SandboxServer, b: dict[str, Any]) -> Any:
    sb.block(int(b["user_id"]))
    return True


@route("unblock")
async def _unblock(sb: SandboxServer, b: dict[str, Any]) -> Any:
    sb.unblock(int(b["user_id"]))
    return True


@route("transcript")
async def _transcript(sb: SandboxServer, b: dict[str, Any]) -> Any:
    return [entry.to_json() for entry in sb.transcript(int(b["chat_id"]))]


@route("render_transcript")
async def _render(sb: SandboxServer, b: dict[str, Any]) -> Any:
    names: dict[Any, str] = {}
    for key, value in (b.get("names") or {}).items():
        names[int(key) if str(key).lstrip("-").isdigit() else key] = value
    return sb.render_transcript(int(b["chat_id"]), names)


@route("calls")
async def _calls(sb: SandboxServer, b: dict[str, Any]) -> Any:
    return [call_json(call) for call in sb.calls(b.get("method"))]


@route("sent_messages")
async def _sent(sb: SandboxServer, b: dict[str, Any]) -> Any:
    return [call_json(call) for call in sb.sent_messages(_opt_int(b, "chat_id"))]


@route("callback_queries")
async def _queries(sb: SandboxServer, b: dict[str, Any]) -> Any:
    found = sb.unanswered_callback_queries() if b.get("unanswered") else sb.callback_queries()
    return [query_json(query) for query in found]


@route("faults")
async def _faults(sb: SandboxServer, b: dict[str, Any]) -> Any:
    if b.get("clear"):
        sb.clear_faults()
    elif b.get("kind") is not None:
        times = b.get("times", 1)
        rule = sb.inject_fault(
            b["kind"],
            method=b.get("method"),
            chat_id=b.get("chat_id"),
            times=None if times is None else int(times),
            retry_after=int(b.get("retry_after", 5)),
            delay=float(b.get("delay", 1.0)),
        )
        return rule.to_json()
    return [rule.to_json() for rule in sb.faults.rules]


@route("limits")
async def _limits(sb: SandboxServer, b: dict[str, Any]) -> Any:
    if "enforce" in b:
        sb.enforce_limits = bool(b["enforce"])
    return {"enforce": sb.enforce_limits}


@route("next_bot_event")
async def _next_event(sb: SandboxServer, b: dict[str, Any]) -> Any:
    event = await sb.next_bot_event(
        int(b["chat_id"]),
        int(b.get("after_message_id", 0)),
        _opt_int(b, "since"),
        float(b.get("timeout", 10.0)),
    )
    return {"seq": event.seq, "kind": event.kind, "message": event.message}


@route("wait_idle")
async def _wait_idle(sb: SandboxServer, b: dict[str, Any]) -> Any:
    await sb.wait_idle(int(b.get("idle_ms", 300)), float(b.get("timeout", 10.0)))
    return True


@route("mark")
async def _mark(sb: SandboxServer, b: dict[str, Any]) -> Any:
    return sb.mark()


@route("message")
async def _message(sb: SandboxServer, b: dict[str, Any]) -> Any:
    return sb.message(int(b["chat_id"]), int(b["message_id"]))


@route("file")
async def _file(sb: SandboxServer, b: dict[str, Any]) -> Any:
    return base64.b64encode(sb.file_content(str(b["file_id"]))).decode("ascii")


@route("reset")
async def _reset(sb: SandboxServer, b: dict[str, Any]) -> Any:
    await sb.reset()
    return True


async def handle_control(request: web.Request) -> web.Response:
    """Run one control action; the body (or query string) holds its JSON arguments."""
    server = request.app[SERVER_KEY]
    action = ROUTES.get(request.match_info["action"])
    if action is None:
        return web.json_response({"ok": False, "description": "unknown action"}, status=404)
    body: dict[str, Any] = dict(request.query)
    if request.can_read_body:
        try:
            loaded = await request.json()
        except ValueError:
            return web.json_response({"ok": False, "description": "body is not JSON"}, status=400)
        if isinstance(loaded, dict):
            body.update(loaded)
    try:
        result = await action(server, body)
    except TimeoutError as exc:
        return web.json_response({"ok": False, "description": str(exc)}, status=408)
    except (SandboxError, KeyError, ValueError, TypeError) as exc:
        detail = f"{type(exc).__name__}: {exc}"
        return web.json_response({"ok": False, "description": detail}, status=400)
    return web.json_response({"ok": True, "result": result}, dumps=_dumps)


def add_control_routes(app: web.Application) -> None:
    """Mount the control API on an application."""
    app.router.add_route("*", "/_sandbox/{action}", handle_control)
