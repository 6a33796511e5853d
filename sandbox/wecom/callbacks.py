"""The callback XML WeCom posts to an app (接收消息与事件), field by field as documented."""

from __future__ import annotations


def cdata(value: str) -> str:
    """Return a CDATA section holding any string ("]]>" split across two sections)."""
    return "<![CDATA[" + value.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _xml(fields: list[tuple[str, str | int]]) -> str:
    lines = [
        f"<{name}>{value}</{name}>"
        if isinstance(value, int)
        else f"<{name}>{cdata(value)}</{name}>"
        for name, value in fields
    ]
    return "<xml>" + "\n".join(lines) + "\n</xml>"


def _head(corp_id: str, userid: str, at: int, msgtype: str) -> list[tuple[str, str | int]]:
    return [
        ("ToUserName", corp_id),
        ("FromUserName", userid),
        ("CreateTime", at),
        ("MsgType", msgtype),
    ]


def text_message(corp_id: str, userid: str, at: int, text: str, msgid: str, agent: int) -> str:
    """Return a text message (文本消息): Content, MsgId, AgentID."""
    fields = _head(corp_id, userid, at, "text")
    fields += [("Content", text), ("MsgId", int(msgid)), ("AgentID", agent)]
    return _xml(fields)


def image_message(
    corp_id: str, userid: str, at: int, pic_url: str, media_id: str, msgid: str, agent: int
) -> str:
    """Return an image message (图片消息): PicUrl, MediaId, MsgId, AgentID."""
    fields = _head(corp_id, userid, at, "image")
    fields += [("PicUrl", pic_url), ("MediaId", media_id), ("MsgId", int(msgid))]
    return _xml([*fields, ("AgentID", agent)])


def file_message(
    corp_id: str, userid: str, at: int, media_id: str, file_name: str, msgid: str, agent: int
) -> str:
    """Return a file message: MediaId, FileName, MsgId, AgentID. WeCom's 消息格式 page for an
    app lists no file message (text, image, voice, video, location, link); this is the shape
    integrations report receiving when a member sends a file: the image message's fields,
    PicUrl replaced by the file's FileName. It tells no size."""
    fields = _head(corp_id, userid, at, "file")
    fields += [("MediaId", media_id), ("FileName", file_name), ("MsgId", int(msgid))]
    return _xml([*fields, ("AgentID", agent)])


def event(corp_id: str, userid: str, at: int, name: str, key: str, agent: int) -> str:
    """Return an event with an EventKey: enter_agent (key empty) or click (菜单的key)."""
    fields = _head(corp_id, userid, at, "event")
    return _xml([*fields, ("Event", name), ("EventKey", key), ("AgentID", agent)])


def template_card_event(
    corp_id: str,
    userid: str,
    at: int,
    key: str,
    task_id: str,
    card_type: str,
    response_code: str,
    agent: int,
) -> str:
    """Return a template_card_event (模板卡片事件推送) for a button press."""
    fields = _head(corp_id, userid, at, "event")
    fields += [
        ("Event", "template_card_event"),
        ("EventKey", key),
        ("TaskId", task_id),
        ("CardType", card_type),
        ("ResponseCode", response_code),
        ("AgentID", agent),
    ]
    return _xml(fields)


def envelope(corp_id: str, agent: int, encrypt: str) -> str:
    """Return the POST body around an Encrypt: ToUserName, AgentID, Encrypt."""
    return (
        f"<xml><ToUserName>{cdata(corp_id)}</ToUserName>"
        f"<AgentID>{cdata(str(agent))}</AgentID>"
        f"<Encrypt>{cdata(encrypt)}</Encrypt></xml>"
    )
