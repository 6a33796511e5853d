"""The WeCom client (bot/wecom/client.py) over HTTP against the WeCom sandbox: the port's calls
as WeCom messages, a card updated in place once per response_code (from the send or a press)
and within 72 hours, else MessageGone; the "更多" card; files; the per-member limit."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from bot.messenger import MessageGone, RetryLater, Unreachable
from bot.wecom.api import WeComApi
from bot.wecom.callback import PATH, CallbackServer
from bot.wecom.client import (
    DONE_TEXT,
    MORE_PREFIX,
    RESPONSE_CODE_SECONDS,
    RETIRED_TEXT,
    USER_LIMITS,
    WeComClient,
)
from bot.wecom.crypto import WeComCrypto
from bot.wecom.inbound import Callback
from conversations.replies import Button, Document, Keyboard
from sandbox.wecom import AppConfig, WeComSandbox
from storage.errors import StorageUnavailable
from tests.e2e.test_wecom_over_http import AES_KEY, free_port, until

USER = "ZhangSan"
KEYS: Keyboard = ((Button("✅ 同意", data="ok:1"), Button("❌ 否决", data="no:1")),)


class Clock:
    """Wall seconds the test moves."""

    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def received() -> list[Callback]:
    return []


@pytest.fixture
async def wx(received: list[Callback]) -> AsyncIterator[WeComSandbox]:
    """The sandbox, its callbacks taken by the bot's callback server into `received`."""
    async with WeComSandbox(AppConfig(encoding_aes_key=AES_KEY)) as sandbox:
        sandbox.add_user(USER, "张三")
        c = sandbox.config
        crypto = WeComCrypto(c.token, c.encoding_aes_key, c.corp_id)

        async def take(callback: Callback) -> None:
            received.append(callback)

        server = CallbackServer(crypto, take, agent_id=c.agent_id)
        port = free_port()
        await server.start("127.0.0.1", port)
        sandbox.callback_url = f"http://127.0.0.1:{port}{PATH}"
        try:
            yield sandbox
        finally:
            await server.stop()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def client(wx: WeComSandbox, clock: Clock) -> AsyncIterator[WeComClient]:
    c = wx.config
    async with httpx.AsyncClient() as http:
        api = WeComApi(wx.url, c.corp_id, c.corp_secret, c.agent_id, http)
        yield WeComClient(api, clock)


async def test_a_text_without_buttons_is_text_or_markdown(
    wx: WeComSandbox, client: WeComClient
) -> None:
    msgid = await client.send_text(USER, "你好 &amp; 再见", ())
    plain = wx.last_message(USER)
    assert plain.msgtype == "text" and plain.content == "你好 & 再见" and msgid == plain.msgid
    await client.send_text(USER, "<b>QX-2026-0001</b> 已入库", ())
    assert wx.last_message(USER).msgtype == "markdown"
    assert wx.last_message(USER).content == "**QX-2026-0001** 已入库"
    with pytest.raises(MessageGone):  # WeCom messages other than cards cannot be edited
        await client.edit_text(USER, msgid, "改", KEYS)


async def test_a_card_is_updated_once_per_response_code(
    wx: WeComSandbox, client: WeComClient, clock: Clock, received: list[Callback]
) -> None:
    task_id = await client.send_text(USER, "评审\n请表决", KEYS)
    sent = wx.last_message(USER)
    assert sent.msgtype == "template_card" and sent.body["template_card"]["task_id"] == task_id
    assert wx.card(USER, task_id).button_keys() == ["ok:1", "no:1"]

    # The send's code: one update in place.
    await client.edit_text(USER, task_id, "评审\n已同意", ((Button("↩️ 撤回", data="undo:1"),),))
    view = wx.card(USER, task_id)
    assert view.card["sub_title_text"] == "已同意" and view.button_keys() == ["undo:1"]
    with pytest.raises(MessageGone):  # spent
        await client.edit_text(USER, task_id, "评审\n再改", KEYS)

    # A press brings a new code: one more update, and the older copy can lose its buttons.
    press = await wx.press(USER, task_id, "undo:1")
    assert press.status == 200 and press.answer == ""
    await until(lambda: received)
    assert received[-1].get("EventKey") == "undo:1" and received[-1].get("TaskId") == task_id
    client.pressed(USER, task_id, received[-1].get("ResponseCode"))
    client.pressed("Stranger", task_id, "a-code-of-another-member")  # not their card: ignored
    await client.edit_buttons(USER, task_id, ())
    assert wx.card(USER, task_id).replace_name == RETIRED_TEXT
    assert len(wx.updates()) == 2 and not [
        m for m in wx.messages(USER) if m.msgtype == "template_card" and m.msgid != sent.msgid
    ]

    # A code older than 72 hours is not tried: a new card instead (MessageGone).
    other = await client.send_text(USER, "催办\n请尽快", KEYS)
    clock.now += RESPONSE_CODE_SECONDS
    with pytest.raises(MessageGone):
        await client.edit_text(USER, other, "催办\n再催", KEYS)
    assert len(wx.updates()) == 2


async def test_a_card_s_last_state_greys_its_buttons_and_follows_as_text(
    wx: WeComSandbox, client: WeComClient
) -> None:
    task_id = await client.send_text(USER, "评审\n请表决", KEYS)
    await client.edit_text(USER, task_id, "评审已结束", ())
    assert wx.card(USER, task_id).replace_name == DONE_TEXT
    assert wx.last_message(USER).content == "评审已结束"


async def test_a_spent_code_refused_by_wecom_is_message_gone(
    wx: WeComSandbox, client: WeComClient
) -> None:
    task_id = await client.send_text(USER, "评审\n请表决", KEYS)
    for code in wx.state.response_codes.values():  # spent elsewhere (another process)
        code.used_at = wx.now()
    with pytest.raises(MessageGone):
        await client.edit_text(USER, task_id, "评审\n已同意", KEYS)
    with pytest.raises(MessageGone):  # and not tried again
        await client.edit_text(USER, task_id, "评审\n已同意", KEYS)


async def test_more_than_six_buttons_put_the_rest_behind_more(
    wx: WeComSandbox, client: WeComClient
) -> None:
    buttons = tuple((Button(f"第{i}项", data=f"b:{i}"),) for i in range(9))
    task_id = await client.send_text(USER, "<b>很多按钮</b>\n请选择", buttons)
    keys = wx.card(USER, task_id).button_keys()
    assert keys[:5] == [f"b:{i}" for i in range(5)] and keys[5] == MORE_PREFIX + task_id
    more = await client.show_more(USER, keys[5])
    assert more is not None and wx.card(USER, more).button_keys() == [
        f"b:{i}" for i in range(5, 9)
    ]
    assert wx.card(USER, more).card["main_title"]["title"] == "很多按钮"
    assert await client.show_more(USER, MORE_PREFIX + "unknown") is None
    shown = len(wx.messages("Stranger"))
    assert await client.show_more("Stranger", keys[5]) is None, "another member's card"
    assert len(wx.messages("Stranger")) == shown


async def test_documents_are_uploaded_then_sent_with_their_caption(
    wx: WeComSandbox, client: WeComClient
) -> None:
    doc = Document("评审意见表.docx", content=b"PK\x03\x04 word", caption="<b>评审意见表</b>")
    msgid = await client.send_document(USER, doc, ())
    file, caption = wx.messages(USER)[-2:]
    assert file.msgtype == "file" and file.msgid == msgid
    assert wx.media(file.body["file"]["media_id"]).content == b"PK\x03\x04 word"
    assert caption.msgtype == "markdown" and caption.content == "**评审意见表**"
    chart = Document("chart.png", content=b"\x89PNG....", mime_type="image/png", caption="图")
    task_id = await client.send_photo(USER, chart, KEYS)
    assert wx.messages(USER)[-2].msgtype == "image"
    assert wx.card(USER, task_id).card["main_title"]["title"] == "图"


async def test_presses_downloads_and_menus(
    wx: WeComSandbox, client: WeComClient, received: list[Callback]
) -> None:
    await client.answer_press(USER, None, False)  # nothing to say: nothing sent
    assert wx.messages(USER) == []
    await client.answer_press(USER, "已催办 1 人。", False)  # WeCom has no toast: a message
    assert wx.last_message(USER).content == "已催办 1 人。"
    await client.answer_press(USER, "<b>没有权限</b>", True)
    assert wx.last_message(USER).content == "没有权限"
    await client.typing(USER)
    await client.set_chat_commands(USER, [("help", "帮助")], None)
    await client.set_menu_button(USER, "打开", "https://example.org")
    await client.set_default_commands([("start", "开始"), ("help", "帮助")])
    menu = wx.menu()
    assert menu is not None and isinstance(menu["button"], list)
    assert [b["key"] for b in menu["button"]] == ["start", "help"]
    photo = b"\x89PNG\r\n\x1a\n" + b"0" * 32
    delivery = await wx.send_image(USER, photo, "photo.png")
    assert delivery.status == 200
    await until(lambda: received)
    assert await client.download_file(received[-1].get("MediaId"), 1000) == photo


async def test_the_callback_url_is_verified_and_forgeries_refused(
    wx: WeComSandbox, received: list[Callback]
) -> None:
    verified = await wx.verify_url()
    assert verified.status == 200 and verified.answer == verified.plain
    forged = await wx.send_text(USER, "你好")
    assert forged.status == 200
    await until(lambda: received)
    bad = await wx.deliver(verified.plain, userid=USER, msg_signature="1" * 40)
    assert bad.status == 403 and len(received) == 1


async def test_a_member_out_of_the_visible_range_is_unreachable(
    wx: WeComSandbox, client: WeComClient
) -> None:
    wx.set_visible(USER, False)
    with pytest.raises(Unreachable):
        await client.send_text(USER, "你好", ())


async def test_the_per_member_limit_is_kept_before_wecom_drops(
    wx: WeComSandbox, client: WeComClient, clock: Clock
) -> None:
    seconds, limit = USER_LIMITS[0]
    for i in range(limit):
        await client.send_text(USER, f"第{i}条", ())
    with pytest.raises(RetryLater) as refused:
        await client.send_text(USER, "再一条", ())
    assert 0 < refused.value.seconds <= seconds
    assert len(wx.messages(USER)) == limit
    clock.now += seconds
    await client.send_text(USER, "再一条", ())
    assert wx.last_message(USER).content == "再一条"


async def test_a_long_card_near_the_limit_waits_whole_and_is_not_sent_twice(
    wx: WeComSandbox, client: WeComClient, clock: Clock
) -> None:
    """A card too long for its body goes as the whole text, then the card: both or neither,
    so the outbox's retry after the limit sends the text once."""
    seconds, limit = USER_LIMITS[0]
    for i in range(limit - 1):
        await client.send_text(USER, f"第{i}条", ())
    long = "评审进度\n" + "各单位意见已汇总，请查看。" * 120
    with pytest.raises(RetryLater):
        await client.send_text(USER, long, KEYS)
    assert len(wx.messages(USER)) == limit - 1, "nothing of it went"
    clock.now += seconds
    await client.send_text(USER, long, KEYS)
    sent = wx.messages(USER)[limit - 1 :]
    assert [m.msgtype for m in sent][-1] == "template_card"
    assert len([m for m in sent if m.msgtype != "template_card"]) == len(sent) - 1 >= 1


async def test_a_callback_the_database_could_not_take_is_tried_until_it_can(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """WeCom was answered at once and never sends the callback again: one the database could
    not take (nothing of it kept) is tried again in its task until the database is back; a
    stop gives up on one still waiting."""
    monkeypatch.setattr("bot.wecom.callback.FIRST_RETRY", 0.01)
    outage = {"left": 3}
    taken: list[str] = []

    async def take(callback: Callback) -> None:
        if outage["left"]:
            outage["left"] -= 1
            raise StorageUnavailable("the database is restarting")
        taken.append(callback.get("Content"))

    async with WeComSandbox(AppConfig(encoding_aes_key=AES_KEY)) as sandbox:
        sandbox.add_user(USER, "张三")
        c = sandbox.config
        server = CallbackServer(
            WeComCrypto(c.token, c.encoding_aes_key, c.corp_id), take, agent_id=c.agent_id
        )
        port = free_port()
        await server.start("127.0.0.1", port)
        sandbox.callback_url = f"http://127.0.0.1:{port}{PATH}"
        try:
            sent = await sandbox.send_text(USER, "月报已报送")
            assert sent.status == 200 and sent.answer == "", "answered before it is handled"
            await until(lambda: taken)
            assert taken == ["月报已报送"] and server.retries == 3
            outage["left"] = 10**6  # the database goes away for good
            await sandbox.send_text(USER, "再发一条")
            await until(lambda: server.retries > 3)
        finally:
            await server.stop()  # does not wait for a database that is not coming back
    assert taken == ["月报已报送"]
