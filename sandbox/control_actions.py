"""The control API's actions: each turns a JSON body into a call on a part of the sandbox."""

from __future__ import annotations

import base64
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sandbox.core import Core
from sandbox.observe import Observer
from sandbox.state import CallbackQueryRecord, CallRecord
from sandbox.users import UserSide

Body = dict[str, Any]


@dataclass(frozen=True)
class Target:
    """The parts of the sandbox the control API drives."""

    core: Core
    people: UserSide
    observer: Observer


Action = Callable[[Target, Body], Awaitable[Any]]


def call_json(call: CallRecord) -> dict[str, Any]:
    """Return a call record as JSON."""
    return {**call.__dict__, "ok": call.ok}


def query_json(query: CallbackQueryRecord) -> dict[str, Any]:
    """Return a callback query record as JSON."""
    return dict(query.__dict__)


def _opt_int(body: dict[str, Any], name: str) -> int | None:
    value = body.get(name)
    return None if value is None else int(value)


async def _users(sb: Target, b: Body) -> Any:
    return sb.people.add_user(
        int(b["id"]),
        b["first_name"],
        b.get("last_name"),
        b.get("username"),
        b.get("language_code", "zh-hans"),
        started=bool(b.get("started", True)),
    )


async def _groups(sb: Target, b: Body) -> Any:
    members = [int(m) for m in b.get("members", [])]
    return sb.people.add_group(int(b["id"]), b["title"], members, b.get("type", "group"))


async def _send_text(sb: Target, b: Body) -> Any:
    return sb.people.send_text(
        int(b["user_id"]), b["text"], _opt_int(b, "chat_id"), _opt_int(b, "reply_to")
    )


async def _send_document(sb: Target, b: Body) -> Any:
    content = base64.b64decode(b["content_base64"])
    return sb.people.send_document(
        int(b["user_id"]),
        b["filename"],
        content,
        b.get("mime_type"),
        b.get("caption"),
        _opt_int(b, "chat_id"),
    )


async def _send_photo(sb: Target, b: Body) -> Any:
    content = base64.b64decode(b["content_base64"])
    return sb.people.send_photo(
        int(b["user_id"]), content, b.get("caption"), _opt_int(b, "chat_id")
    )


async def _send_media(sb: Target, b: Body) -> Any:
    content = base64.b64decode(b.get("content_base64") or base64.b64encode(b"sandbox-media"))
    return sb.people.send_media(
        int(b["user_id"]),
        b["kind"],
        content,
        b.get("caption"),
        _opt_int(b, "chat_id"),
        b.get("emoji", "👍"),
    )


async def _send_location(sb: Target, b: Body) -> Any:
    return sb.people.send_location(
        int(b["user_id"]),
        float(b["latitude"]),
        float(b["longitude"]),
        _opt_int(b, "chat_id"),
        _opt_int(b, "live_period"),
    )


async def _send_contact(sb: Target, b: Body) -> Any:
    return sb.people.send_contact(
        int(b["user_id"]),
        str(b["phone_number"]),
        b["first_name"],
        b.get("last_name"),
        _opt_int(b, "contact_user_id"),
        _opt_int(b, "chat_id"),
    )


async def _send_poll(sb: Target, b: Body) -> Any:
    options = [str(o) for o in b.get("options", [])]
    return sb.people.send_poll(int(b["user_id"]), b["question"], options, _opt_int(b, "chat_id"))


async def _send_dice(sb: Target, b: Body) -> Any:
    return sb.people.send_dice(
        int(b["user_id"]), b.get("emoji", "🎲"), _opt_int(b, "chat_id"), _opt_int(b, "value")
    )


async def _edit_message(sb: Target, b: Body) -> Any:
    return sb.people.edit_message(
        int(b["user_id"]), int(b["chat_id"]), int(b["message_id"]), b["text"]
    )


async def _press(sb: Target, b: Body) -> Any:
    return sb.people.press(
        int(b["user_id"]),
        int(b["chat_id"]),
        int(b["message_id"]),
        b.get("callback_data"),
        b.get("button_text"),
    )


async def _open_web_app(sb: Target, b: Body) -> Any:
    return sb.people.open_web_app(
        int(b["user_id"]), str(b["url"]), _opt_int(b, "auth_date"), b.get("start_param")
    )


async def _block(sb: Target, b: Body) -> Any:
    sb.people.block(int(b["user_id"]))
    return True


async def _unblock(sb: Target, b: Body) -> Any:
    sb.people.unblock(int(b["user_id"]))
    return True


async def _transcript(sb: Target, b: Body) -> Any:
    return [entry.to_json() for entry in sb.observer.transcript(int(b["chat_id"]))]


async def _render(sb: Target, b: Body) -> Any:
    names: dict[Any, str] = {}
    for key, value in (b.get("names") or {}).items():
        names[int(key) if str(key).lstrip("-").isdigit() else key] = value
    return sb.observer.render_transcript(int(b["chat_id"]), names)


async def _calls(sb: Target, b: Body) -> Any:
    return [call_json(call) for call in sb.observer.calls(b.get("method"))]


async def _sent(sb: Target, b: Body) -> Any:
    return [call_json(call) for call in sb.observer.sent_messages(_opt_int(b, "chat_id"))]


async def _queries(sb: Target, b: Body) -> Any:
    found = (
        sb.observer.unanswered_callback_queries()
        if b.get("unanswered")
        else sb.observer.callback_queries()
    )
    return [query_json(query) for query in found]


async def _faults(sb: Target, b: Body) -> Any:
    if b.get("clear"):
        sb.core.clear_faults()
    elif b.get("kind") is not None:
        times = b.get("times", 1)
        rule = sb.core.inject_fault(
            b["kind"],
            method=b.get("method"),
            chat_id=b.get("chat_id"),
            times=None if times is None else int(times),
            retry_after=int(b.get("retry_after", 5)),
            delay=float(b.get("delay", 1.0)),
        )
        return rule.to_json()
    return [rule.to_json() for rule in sb.core.faults.rules]


async def _limits(sb: Target, b: Body) -> Any:
    if "enforce" in b:
        sb.core.enforce_limits = bool(b["enforce"])
    return {"enforce": sb.core.enforce_limits}


async def _next_event(sb: Target, b: Body) -> Any:
    event = await sb.observer.next_bot_event(
        int(b["chat_id"]),
        int(b.get("after_message_id", 0)),
        _opt_int(b, "since"),
        float(b.get("timeout", 10.0)),
    )
    return {"seq": event.seq, "kind": event.kind, "message": event.message}


async def _wait_idle(sb: Target, b: Body) -> Any:
    await sb.observer.wait_idle(int(b.get("idle_ms", 300)), float(b.get("timeout", 10.0)))
    return True


async def _mark(sb: Target, b: Body) -> Any:
    return sb.observer.mark()


async def _message(sb: Target, b: Body) -> Any:
    return sb.observer.message(int(b["chat_id"]), int(b["message_id"]))


async def _file(sb: Target, b: Body) -> Any:
    return base64.b64encode(sb.observer.file_content(str(b["file_id"]))).decode("ascii")


async def _reset(sb: Target, b: Body) -> Any:
    await sb.core.reset()
    return True


def actions() -> dict[str, Action]:
    """Return the control actions by the name they answer at, /_sandbox/{name}."""
    return {
        "users": _users,
        "groups": _groups,
        "send_text": _send_text,
        "send_document": _send_document,
        "send_photo": _send_photo,
        "send_media": _send_media,
        "send_location": _send_location,
        "send_contact": _send_contact,
        "send_poll": _send_poll,
        "send_dice": _send_dice,
        "edit_message": _edit_message,
        "press": _press,
        "open_web_app": _open_web_app,
        "block": _block,
        "unblock": _unblock,
        "transcript": _transcript,
        "render_transcript": _render,
        "calls": _calls,
        "sent_messages": _sent,
        "callback_queries": _queries,
        "faults": _faults,
        "limits": _limits,
        "next_bot_event": _next_event,
        "wait_idle": _wait_idle,
        "mark": _mark,
        "message": _message,
        "file": _file,
        "reset": _reset,
    }
