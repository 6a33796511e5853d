"""Each /cgi-bin/ API of the WeCom sandbox, over HTTP: its validation and its errcodes."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from sandbox.wecom import WeComSandbox

AGENT = 1000002
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


async def call(client: httpx.AsyncClient, api: str, token: str, body: Any) -> dict[str, Any]:
    answer = await client.post(f"/cgi-bin/{api}", params={"access_token": token}, json=body)
    assert answer.status_code == 200
    result: dict[str, Any] = answer.json()
    return result


async def new_token(wecom: WeComSandbox, client: httpx.AsyncClient) -> str:
    query = {"corpid": wecom.config.corp_id, "corpsecret": wecom.config.corp_secret}
    return str((await client.get("/cgi-bin/gettoken", params=query)).json()["access_token"])


def text(to: str, content: str, msgtype: str = "text") -> dict[str, Any]:
    return {"touser": to, "msgtype": msgtype, "agentid": AGENT, msgtype: {"content": content}}


def card(task_id: str, buttons: int = 2, **extra: Any) -> dict[str, Any]:
    body = {
        "card_type": "button_interaction",
        "main_title": {"title": "评审：项目A"},
        "task_id": task_id,
        "button_list": [{"text": f"选项{i}", "key": f"k{i}"} for i in range(buttons)],
        **extra,
    }
    return {
        "touser": "zhangsan",
        "msgtype": "template_card",
        "agentid": AGENT,
        "template_card": body,
    }


async def test_gettoken_checks_corp_and_secret(
    wecom: WeComSandbox, client: httpx.AsyncClient
) -> None:
    corp, secret = wecom.config.corp_id, wecom.config.corp_secret
    get = client.get
    ok = (await get("/cgi-bin/gettoken", params={"corpid": corp, "corpsecret": secret})).json()
    assert ok["errcode"] == 0 and ok["expires_in"] == 7200 and ok["access_token"]
    again = (await get("/cgi-bin/gettoken", params={"corpid": corp, "corpsecret": secret})).json()
    assert again["access_token"] == ok["access_token"]
    wrong = {"corpid": corp, "corpsecret": "nope"}
    assert (await get("/cgi-bin/gettoken", params=wrong)).json()["errcode"] == 40001
    other = {"corpid": "ww-other", "corpsecret": secret}
    assert (await get("/cgi-bin/gettoken", params=other)).json()["errcode"] == 40013
    assert (await get("/cgi-bin/gettoken", params={"corpsecret": secret})).json()[
        "errcode"
    ] == 41002


async def test_tokens_expire(wecom: WeComSandbox, client: httpx.AsyncClient, token: str) -> None:
    assert (await call(client, "message/send", token, text("zhangsan", "hi")))["errcode"] == 0
    assert (await call(client, "message/send", "bogus", text("zhangsan", "hi")))[
        "errcode"
    ] == 40014
    assert (await call(client, "message/send", "", text("zhangsan", "hi")))["errcode"] == 41001
    wecom.expire_tokens()
    assert (await call(client, "message/send", token, text("zhangsan", "hi")))["errcode"] == 42001
    fresh = (
        await client.get(
            "/cgi-bin/gettoken",
            params={"corpid": wecom.config.corp_id, "corpsecret": wecom.config.corp_secret},
        )
    ).json()["access_token"]
    assert fresh != token
    wecom.advance(7200)
    assert (await call(client, "message/send", fresh, text("zhangsan", "hi")))["errcode"] == 42001
    assert len(wecom.messages("zhangsan")) == 1


async def test_text_and_markdown_follow_their_limits(
    wecom: WeComSandbox, client: httpx.AsyncClient, token: str
) -> None:
    sent = await call(client, "message/send", token, text("zhangsan|lisi|ghost", "你好"))
    assert sent["errcode"] == 0 and sent["msgid"] and sent["invaliduser"] == "ghost"
    assert [m.content for m in wecom.messages("LISI")] == ["你好"]
    long = "字" * 700  # 2100 bytes: WeCom truncates a text at 2048 bytes
    assert (await call(client, "message/send", token, text("zhangsan", long)))["errcode"] == 0
    last = wecom.last_message("zhangsan")
    assert last.truncated and len(last.content.encode()) == 2046
    markdown = text("zhangsan", "**x**" * 410, "markdown")
    assert (await call(client, "message/send", token, markdown))["errcode"] == 45002
    markdown = text("zhangsan", "**x**" * 409, "markdown")
    assert (await call(client, "message/send", token, markdown))["errcode"] == 0
    assert (await call(client, "message/send", token, text("zhangsan", "")))["errcode"] == 44004
    assert "[truncated]" in wecom.render_transcript("zhangsan")


async def test_the_envelope_is_checked(client: httpx.AsyncClient, token: str) -> None:
    body = text("zhangsan", "x")
    assert (await call(client, "message/send", token, {**body, "msgtype": "voicex"}))[
        "errcode"
    ] == 40008
    assert (await call(client, "message/send", token, {**body, "agentid": 1}))["errcode"] == 40056
    assert (await call(client, "message/send", token, {**body, "agentid": "1000002"}))[
        "errcode"
    ] == 40056
    no_agent = {k: v for k, v in body.items() if k != "agentid"}
    assert (await call(client, "message/send", token, no_agent))["errcode"] == 41011
    assert (await call(client, "message/send", token, text("ghost", "x")))["errcode"] == 81013
    raw = await client.post(
        "/cgi-bin/message/send", params={"access_token": token}, content=b"{not json"
    )
    assert raw.json()["errcode"] == 40058


async def test_visible_range_and_injected_errcodes(
    wecom: WeComSandbox, client: httpx.AsyncClient, token: str
) -> None:
    wecom.set_visible("lisi", False)
    assert (await call(client, "message/send", token, text("lisi", "x")))["errcode"] == 81013
    wecom.inject_errcode(60011, api="message/send", userid="zhangsan")
    assert (await call(client, "message/send", token, text("zhangsan", "x")))["errcode"] == 60011
    for errcode in (45009, -1, 40014, 45033):
        wecom.inject_errcode(errcode, api="message/send")
        answer = await call(client, "message/send", token, text("zhangsan", "x"))
        assert answer["errcode"] == errcode
    assert wecom.messages() == []
    assert (await call(client, "message/send", token, text("zhangsan", "x")))["errcode"] == 0
    assert [c.errcode for c in wecom.calls("message/send")][-1] == 0
    with pytest.raises(ValueError):
        wecom.inject_errcode(12345)


async def test_button_cards_are_validated(
    wecom: WeComSandbox, client: httpx.AsyncClient, token: str
) -> None:
    sent = await call(client, "message/send", token, card("review_1"))
    assert sent["errcode"] == 0 and sent["response_code"]
    assert wecom.card("zhangsan", "review_1").button_keys() == ["k0", "k1"]
    refused = [
        card("review_1"),  # task_id used
        card("review 2"),  # charset
        card("t" * 129),
        card("review_3", buttons=7),
        card("review_4", buttons=0),
        card("review_5", main_title={}),
        card("review_6", button_list=[{"text": "a", "key": "k" * 1025}]),
        card("review_7", button_list=[{"text": "a", "key": "k"}, {"text": "b", "key": "k"}]),
        card("review_8", button_list=[{"text": "a", "type": 1}]),
        card("review_9", card_type="fancy"),
    ]
    for body in refused:
        answer = await call(client, "message/send", token, body)
        assert answer["errcode"] == 40058, body["template_card"]
    advice = card("review_10", button_list=[{"text": "一二三四五六七八九十十一", "key": "k"}])
    assert (await call(client, "message/send", token, advice))["errcode"] == 0
    assert wecom.last_message("zhangsan").body["_warnings"]


async def test_update_template_card_once_within_72_hours(
    wecom: WeComSandbox, client: httpx.AsyncClient, token: str
) -> None:
    code = (await call(client, "message/send", token, card("t1")))["response_code"]
    update = {"userids": ["zhangsan"], "agentid": AGENT, "response_code": code}
    first = await call(
        client,
        "message/update_template_card",
        token,
        {**update, "button": {"replace_name": "已通过"}},
    )
    assert first["errcode"] == 0
    assert not wecom.card("zhangsan", "t1").clickable
    again = await call(
        client, "message/update_template_card", token, {**update, "button": {"replace_name": "x"}}
    )
    assert again["errcode"] == 40058 and "used" in again["errmsg"]
    code2 = (await call(client, "message/send", token, card("t2")))["response_code"]
    wecom.advance(72 * 3600)
    token = await new_token(wecom, client)
    late = {**update, "response_code": code2, "button": {"replace_name": "x"}}
    assert (await call(client, "message/update_template_card", token, late))["errcode"] == 40058
    assert [u.task_id for u in wecom.updates()] == ["t1"]
    unknown = {**update, "response_code": "nope", "button": {"replace_name": "x"}}
    assert (await call(client, "message/update_template_card", token, unknown))["errcode"] == 40058


async def test_a_card_can_be_replaced_by_a_new_card(
    wecom: WeComSandbox, client: httpx.AsyncClient, token: str
) -> None:
    code = (await call(client, "message/send", token, card("t3")))["response_code"]
    new = card("t3")["template_card"] | {"main_title": {"title": "评审：已完成"}}
    body = {"atall": 1, "agentid": AGENT, "response_code": code, "template_card": new}
    assert (await call(client, "message/update_template_card", token, body))["errcode"] == 0
    assert wecom.card("zhangsan", "t3").card["main_title"]["title"] == "评审：已完成"
    assert "评审：已完成" in wecom.render_transcript("zhangsan")


async def test_media_upload_get_and_file_messages(
    wecom: WeComSandbox, client: httpx.AsyncClient, token: str
) -> None:
    files = {"media": ("评审意见表.docx", b"PK\x03\x04 docx bytes", "application/octet-stream")}
    params = {"access_token": token, "type": "file"}
    up = (await client.post("/cgi-bin/media/upload", params=params, files=files)).json()
    assert up["errcode"] == 0 and up["type"] == "file" and up["created_at"].isdigit()
    got = await client.get(
        "/cgi-bin/media/get", params={"access_token": token, "media_id": up["media_id"]}
    )
    assert got.content == b"PK\x03\x04 docx bytes"
    assert "filename*=UTF-8''" in got.headers["content-disposition"]
    message = {
        "touser": "zhangsan",
        "msgtype": "file",
        "agentid": AGENT,
        "file": {"media_id": up["media_id"]},
    }
    assert (await call(client, "message/send", token, message))["errcode"] == 0
    assert "评审意见表.docx" in wecom.render_transcript("zhangsan")
    tiny = {"media": ("a.txt", b"12345", "text/plain")}
    assert (await client.post("/cgi-bin/media/upload", params=params, files=tiny)).json()[
        "errcode"
    ] == 40006
    bad_type = {"access_token": token, "type": "pdf"}
    assert (await client.post("/cgi-bin/media/upload", params=bad_type, files=files)).json()[
        "errcode"
    ] == 40005
    image = {"access_token": token, "type": "image"}
    assert (await client.post("/cgi-bin/media/upload", params=image, files=files)).json()[
        "errcode"
    ] == 40004
    png = {"media": ("p.png", PNG, "image/png")}
    assert (await client.post("/cgi-bin/media/upload", params=image, files=png)).json()[
        "errcode"
    ] == 0
    wecom.advance(3 * 24 * 3600)
    token = await new_token(wecom, client)
    gone = await client.get(
        "/cgi-bin/media/get", params={"access_token": token, "media_id": up["media_id"]}
    )
    assert gone.json()["errcode"] == 40007


async def test_menu_create(wecom: WeComSandbox, client: httpx.AsyncClient, token: str) -> None:
    def create(body: Any, agent: Any = AGENT) -> Any:
        params = {"access_token": token, "agentid": str(agent)}
        return client.post("/cgi-bin/menu/create", params=params, json=body)

    menu = {
        "button": [
            {"type": "click", "name": "我的项目", "key": "MY_PROJECTS"},
            {
                "name": "更多",
                "sub_button": [{"type": "view", "name": "工作台", "url": "https://x.cn"}],
            },
        ]
    }
    assert (await create(menu)).json()["errcode"] == 0
    assert wecom.menu() == menu
    assert (await create(menu, agent=1)).json()["errcode"] == 40056
    four = {"button": [{"type": "click", "name": "a", "key": "a"}] * 4}
    assert (await create(four)).json()["errcode"] == 40016
    long_name = {"button": [{"type": "click", "name": "一二三四五六", "key": "a"}]}
    assert (await create(long_name)).json()["errcode"] == 40018
    no_key = {"button": [{"type": "click", "name": "a"}]}
    assert (await create(no_key)).json()["errcode"] == 40019
    six = {
        "button": [{"name": "m", "sub_button": [{"type": "click", "name": "s", "key": "s"}] * 6}]
    }
    assert (await create(six)).json()["errcode"] == 40023
