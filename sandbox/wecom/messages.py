"""What message/send, message/update_template_card and media/upload do to the state."""

from __future__ import annotations

from typing import Any

from sandbox.wecom import errors, validate
from sandbox.wecom.core import Core
from sandbox.wecom.errors import ApiError
from sandbox.wecom.state import CardUpdate, CardView, Media, ResponseCode, SentMessage
from sandbox.wecom.transcript import describe_card, describe_message

MEDIA_LIMITS = {"image": 10 << 20, "voice": 2 << 20, "video": 10 << 20, "file": 20 << 20}
MEDIA_MIN = 5  # "所有文件size必须大于5个字节"


def recipients(body: Any) -> list[str]:
    """Return the UserIDs a send names in touser ("|"-separated), as given."""
    touser = body.get("touser") if isinstance(body, dict) else None
    return [u for u in touser.split("|") if u] if isinstance(touser, str) else []


def _resolve(core: Core, body: dict[str, Any]) -> tuple[list[str], list[str]]:
    named = recipients(body)
    if named == ["@all"]:
        return [m.userid for m in core.state.members.values() if m.visible], []
    valid, invalid = [], []
    for userid in named:
        member = core.state.member(userid)
        if member is not None and member.visible:
            valid.append(member.userid)
        else:
            invalid.append(userid.lower())
    return valid, invalid


def send(core: Core, body: Any) -> dict[str, Any]:
    """Validate a message/send body, deliver it to each valid member and answer."""
    if not isinstance(body, dict):
        raise validate.bad("Warning: wrong json format.")
    validate.agent_id(body.get("agentid"), core.config.agent_id)
    msgtype = body.get("msgtype")
    if msgtype not in validate.MSGTYPES:
        raise ApiError(errors.INVALID_MSGTYPE, f"msgtype {msgtype!r}")
    stored, truncated = dict(body), False
    if msgtype in ("text", "markdown"):
        stored[msgtype], truncated = validate.content(body, msgtype)
    elif msgtype in ("file", "image"):
        media = core.state.media.get(validate.media_id(body, msgtype))
        if media is None or media.expired(core.now()) or media.type != msgtype:
            raise ApiError(errors.INVALID_MEDIA_ID)
    else:
        stored["_warnings"] = validate.card(body.get("template_card"), core.state.task_ids)
    valid, invalid = _resolve(core, body)
    if not valid:
        raise ApiError(errors.ALL_INVALID, invaliduser="|".join(invalid))
    msgid = core.ids.msgid()
    answer: dict[str, Any] = {"errcode": 0, "errmsg": "ok", "msgid": msgid}
    answer["invaliduser"] = "|".join(invalid)
    card = stored.get("template_card")
    code: str | None = None
    if isinstance(card, dict) and card["card_type"] in validate.INTERACTIVE:
        code = core.ids.response_code()
        core.state.response_codes[code] = ResponseCode(code, card["task_id"], valid, core.now())
        answer["response_code"] = code
    if isinstance(card, dict) and "task_id" in card:
        core.state.task_ids.add(card["task_id"])
    for userid in valid:
        message = SentMessage(msgid, userid, msgtype, stored, core.now(), truncated)
        message.response_code = code
        message.dropped = core.over_rate(userid)
        core.state.messages.append(message)
        if message.dropped:
            continue
        if isinstance(card, dict) and "task_id" in card:
            view = CardView(card["task_id"], userid, msgid, card)
            core.state.cards[(userid.lower(), card["task_id"])] = view
        core.log(userid, "app", msgtype, describe_message(message, core.state.media))
    return answer


def update_card(core: Core, body: Any) -> dict[str, Any]:
    """Apply message/update_template_card with a response_code (once, within 72 hours)."""
    if not isinstance(body, dict):
        raise validate.bad("Warning: wrong json format.")
    validate.agent_id(body.get("agentid"), core.config.agent_id)
    value = body.get("response_code")
    if not isinstance(value, str) or not value:
        raise validate.bad("response_code is required")
    code = core.state.response_codes.get(value)
    if code is None:
        raise validate.bad("invalid response_code")
    if code.used_at is not None:
        raise validate.bad("response_code has been used")
    if not code.usable(core.now()):
        raise validate.bad("response_code has expired (72 hours)")
    button, card = body.get("button"), body.get("template_card")
    if isinstance(button, dict):
        replace = button.get("replace_name")
        if not isinstance(replace, str) or not replace:
            raise validate.bad("button.replace_name is required")
    elif card is not None:
        validate.card(card, core.state.task_ids, new_task=False)
    else:
        raise validate.bad("button or template_card is required")
    named = code.userids if body.get("atall") == 1 else body.get("userids")
    if not isinstance(named, list) or not named:
        raise validate.bad("userids (or atall) is required")
    targets = [u for u in named if isinstance(u, str) and _view(core, u, code.task_id)]
    invalid = [str(u).lower() for u in named if u not in targets]
    if not targets:
        raise ApiError(errors.ALL_INVALID, invaliduser=invalid)
    code.used_at = core.now()
    for userid in targets:
        view = _view(core, userid, code.task_id)
        assert view is not None
        update = CardUpdate(view.userid, code.task_id, value, core.now())
        if isinstance(button, dict):
            update.replace_name = view.replace_name = str(button["replace_name"])
            text = f"buttons → 「{view.replace_name}」"
        else:
            assert isinstance(card, dict)
            update.card, view.card, view.replace_name = card, card, None
            text = describe_card(card)
        view.updates.append(update)
        core.state.updates.append(update)
        core.log(view.userid, "app", "card_update", text)
    return {"errcode": 0, "errmsg": "ok", "invaliduser": invalid}


def _view(core: Core, userid: str, task_id: str) -> CardView | None:
    return core.state.cards.get((userid.lower(), task_id))


def upload(core: Core, kind: str | None, filename: str, content_type: str, data: bytes) -> Media:
    """Store a temporary media file after WeCom's type and size checks."""
    if kind not in MEDIA_LIMITS:
        raise ApiError(errors.INVALID_TYPE, f"type {kind!r}")
    if not data:
        raise ApiError(errors.EMPTY_MEDIA)
    if len(data) <= MEDIA_MIN:
        raise ApiError(errors.INVALID_FILE_SIZE, "a file has more than 5 bytes")
    if len(data) > MEDIA_LIMITS[kind]:
        raise ApiError(errors.MEDIA_TOO_LARGE, f"{kind} up to {MEDIA_LIMITS[kind]} bytes")
    if kind == "image" and not data.startswith((b"\x89PNG", b"\xff\xd8")):
        raise ApiError(errors.INVALID_MEDIA_TYPE, "images are JPG or PNG")
    media = Media(core.ids.media_id(), kind, filename, content_type, data, core.now())
    core.state.media[media.media_id] = media
    return media
