"""Members' callbacks: encrypted as WeCom does, decrypted by wechatpy in a small receiver."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
import xmltodict
from aiohttp import web
from wechatpy.enterprise.crypto import WeChatCrypto
from wechatpy.exceptions import InvalidSignatureException

from sandbox.wecom import WeComSandbox, WeComSandboxError

AGENT = 1000002


@dataclass
class Receiver:
    """A stand-in for the bot's callback: wechatpy opens what the sandbox posts."""

    crypto: WeChatCrypto
    received: list[dict[str, Any]] = field(default_factory=list)
    delay: float = 0.0
    url: str = ""

    async def handle(self, request: web.Request) -> web.Response:
        q = request.query
        try:
            if request.method == "GET":
                echo = self.crypto.check_signature(
                    q["msg_signature"], q["timestamp"], q["nonce"], q["echostr"]
                )
                return web.Response(text=echo)
            plain = self.crypto.decrypt_message(
                await request.text(), q["msg_signature"], q["timestamp"], q["nonce"]
            )
        except InvalidSignatureException:
            return web.Response(status=403)
        await asyncio.sleep(self.delay)
        self.received.append(xmltodict.parse(plain)["xml"])
        return web.Response(text="")


@pytest.fixture
async def receiver(wecom: WeComSandbox) -> AsyncIterator[Receiver]:
    config = wecom.config
    bot = Receiver(WeChatCrypto(config.token, config.encoding_aes_key, config.corp_id))
    app = web.Application()
    app.router.add_route("*", "/wecom", bot.handle)
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    bot.url = f"http://127.0.0.1:{runner.addresses[0][1]}/wecom"
    wecom.callback_url = bot.url
    try:
        yield bot
    finally:
        await runner.cleanup()


async def send_card(wecom: WeComSandbox, task_id: str) -> str:
    async with httpx.AsyncClient(base_url=wecom.url) as client:
        query = {"corpid": wecom.config.corp_id, "corpsecret": wecom.config.corp_secret}
        token = (await client.get("/cgi-bin/gettoken", params=query)).json()["access_token"]
        card = {
            "card_type": "button_interaction",
            "main_title": {"title": "第一轮评审"},
            "task_id": task_id,
            "button_list": [{"text": "同意", "key": "agree"}, {"text": "否决", "key": "veto"}],
        }
        body = {"touser": "zhangsan", "msgtype": "template_card", "agentid": AGENT}
        answer = await client.post(
            "/cgi-bin/message/send",
            params={"access_token": token},
            json={**body, "template_card": card},
        )
        return str(answer.json()["response_code"])


async def test_the_url_check_echoes(wecom: WeComSandbox, receiver: Receiver) -> None:
    delivery = await wecom.verify_url()
    assert delivery.status == 200 and delivery.answer == delivery.plain


async def test_a_text_arrives_as_documented(wecom: WeComSandbox, receiver: Receiver) -> None:
    delivery = await wecom.send_text("zhangsan", "你好 <b>&]]>")
    assert delivery.status == 200 and len(delivery.attempts) == 1
    (xml,) = receiver.received
    assert list(xml) == [
        "ToUserName",
        "FromUserName",
        "CreateTime",
        "MsgType",
        "Content",
        "MsgId",
        "AgentID",
    ]
    assert xml["ToUserName"] == wecom.config.corp_id and xml["FromUserName"] == "zhangsan"
    assert xml["Content"] == "你好 <b>&]]>" and xml["AgentID"] == str(AGENT)
    assert xml["MsgId"].isdigit() and abs(int(xml["CreateTime"]) - wecom.now()) < 5


async def test_a_press_carries_task_key_and_a_fresh_response_code(
    wecom: WeComSandbox, receiver: Receiver
) -> None:
    sent_code = await send_card(wecom, "round1_p7")
    await wecom.press("zhangsan", "round1_p7", "veto")
    (xml,) = receiver.received
    assert xml["MsgType"] == "event" and xml["Event"] == "template_card_event"
    assert (xml["EventKey"], xml["TaskId"], xml["CardType"]) == (
        "veto",
        "round1_p7",
        "button_interaction",
    )
    assert xml["ResponseCode"] and xml["ResponseCode"] != sent_code
    assert wecom.state.response_codes[xml["ResponseCode"]].userids == ["zhangsan"]
    assert "presses [否决]" in wecom.render_transcript("zhangsan")
    with pytest.raises(WeComSandboxError):
        await wecom.press("zhangsan", "round1_p7", "nope")
    with pytest.raises(WeComSandboxError):
        await wecom.press("lisi", "round1_p7", "veto")


async def test_enter_and_click(wecom: WeComSandbox, receiver: Receiver) -> None:
    await wecom.enter("LiSi")
    wecom.state.menus[AGENT] = {"button": [{"type": "click", "name": "我的", "key": "MINE"}]}
    await wecom.click("lisi", "MINE")
    enter, click = receiver.received
    assert (enter["Event"], enter["EventKey"], enter["FromUserName"]) == (
        "enter_agent",
        None,
        "LiSi",
    )
    assert (click["Event"], click["EventKey"]) == ("click", "MINE")
    with pytest.raises(WeComSandboxError):
        await wecom.click("lisi", "OTHER")


async def test_a_forged_signature_gets_what_the_bot_answers(
    wecom: WeComSandbox, receiver: Receiver
) -> None:
    delivery = await wecom.deliver("<xml><x>1</x></xml>", msg_signature="0" * 40)
    assert delivery.status == 403 and receiver.received == []


async def test_a_slow_answer_is_posted_again_and_a_replay_is_identical(
    wecom: WeComSandbox, receiver: Receiver
) -> None:
    wecom.callback_timeout, wecom.callback_retries = 0.2, 2
    receiver.delay = 0.5
    delivery = await wecom.send_text("zhangsan", "slow")
    assert [a.status for a in delivery.attempts] == [None, None, None]
    receiver.delay = 0.0
    again = await wecom.replay(delivery)
    assert again.status == 200 and (again.query, again.body) == (delivery.query, delivery.body)
    await asyncio.sleep(0.5)
    ids = {xml["MsgId"] for xml in receiver.received}
    assert len(ids) == 1 and len(receiver.received) >= 2
