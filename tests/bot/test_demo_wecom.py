"""The WeCom demo's transcript, from what the sandbox recorded (no server, no bot: the messages
as bot/wecom/render.py makes them), and the command line's refusal of `--web` with WeCom."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.demo_wecom_transcript import Log
from bot.wecom.render import messages, render, render_card
from conversations.replies import Button, Reply
from sandbox.wecom import CardView, SentMessage, WeComSandbox
from sandbox.wecom.state import CardUpdate, Media
from tests.bot.test_cli import run

WHO = "ZhongXueJun"
NAMES = {WHO: "钟雪军（环保局）"}
BUTTONS = ((Button("✅ 同意", "rv:ok:1"), Button("❌ 不同意", "rv:no:1")),)
LINES = [f"✅ 第{n}项核查通过，符合所在园区规划环评的要求。" for n in range(1, 13)]
CARD = "📝 <b>项目评审 · 环境影响</b>\nQX-2026-0001 年产30万套新能源汽车电机壳体项目\n"


class Chat:
    """A member's chat in a sandbox that is not serving: what the app sent them, recorded
    as the sandbox records it."""

    def __init__(self) -> None:
        self.wx = WeComSandbox()
        self.log = Log(self.wx, NAMES)
        self.clock = 0.0

    def _record(self, msgtype: str, body: dict[str, Any]) -> SentMessage:
        self.clock += 1
        message = SentMessage(f"m{self.clock}", WHO, msgtype, body, self.clock)
        self.wx.state.messages.append(message)
        card = body.get("template_card")
        if card is not None:
            view = CardView(card["task_id"], WHO, message.msgid, card)
            self.wx.state.cards[(WHO.lower(), card["task_id"])] = view
        return message

    def send(self, reply: Reply, task_id: str = "rv-1") -> None:
        """A reply sent as the WeCom client sends it: its parts in order."""
        for part in render(reply, task_id=task_id).parts:
            assert isinstance(part, dict)
            self._record(part["msgtype"], part)

    def update(self, html: str, task_id: str = "rv-1") -> None:
        """A card updated in place, its whole text after it when it does not fit."""
        card = render_card(html, BUTTONS, task_id=task_id)
        self.clock += 1
        self.wx.state.updates.append(CardUpdate(WHO, task_id, "code", self.clock, card=card.card))
        if card.overflow:
            for part in messages(html):
                self._record(part["msgtype"], part)

    def retire(self, task_id: str = "rv-1") -> None:
        """A card's buttons turned into one grey button."""
        self.clock += 1
        update = CardUpdate(WHO, task_id, "code", self.clock, replace_name="已更新")
        self.wx.state.updates.append(update)

    def file(self, name: str, content: bytes) -> None:
        self.wx.state.media["3abc"] = Media("3abc", "file", name, "application/x", content, 0)
        self._record("file", {"msgtype": "file", "file": {"media_id": "3abc"}})


def entries(text: str) -> list[str]:
    return text.split("\n\n🤖 ")[1:]


def test_a_long_card_is_shown_once_with_its_whole_text_and_its_buttons() -> None:
    chat = Chat()
    chat.send(Reply(CARD + "\n".join(LINES) + "\n请选择您的意见。", BUTTONS))
    [entry] = entries(chat.log.render())
    assert entry.startswith("招商服务助手 → 钟雪军（环保局）: ［卡片］📝 项目评审 · 环境影响\n")
    assert all(line in entry for line in LINES) and "…" not in entry
    assert entry.endswith("请选择您的意见。\n[ ✅ 同意 ] [ ❌ 不同意 ]")


def test_a_card_shown_again_lists_the_lines_that_changed() -> None:
    chat = Chat()
    chat.send(Reply(CARD + "\n".join(LINES) + "\n请选择您的意见。", BUTTONS))
    chat.update(CARD + "\n".join(LINES) + "\n<b>您的意见：同意</b>")
    chat.retire()
    _sent, again, retired = entries(chat.log.render())
    assert again == (
        "招商服务助手 → 钟雪军（环保局）（卡片已更新）: ［卡片］📝 项目评审 · 环境影响\n"
        "⋯\n您的意见：同意\n[ ✅ 同意 ] [ ❌ 不同意 ]"
    )
    assert retired.endswith("（卡片已更新）: ［卡片］📝 项目评审 · 环境影响 — 按钮变为「已更新」")


def test_a_text_cut_in_parts_is_joined_to_its_card() -> None:
    many = [f"{line}（附第{n}轮补充说明，详见计划书附件。）" for n, line in enumerate(LINES * 3)]
    chat = Chat()
    chat.send(Reply(CARD + "\n".join(many), BUTTONS))
    *parts, card = chat.wx.messages(WHO)
    assert len(parts) > 1 and card.card is not None, "the text in parts, then the card"
    [entry] = entries(chat.log.render())
    assert all(line in entry for line in many)


def test_a_short_card_shows_its_text_and_a_file_its_name_and_size() -> None:
    chat = Chat()
    chat.send(Reply("请核对评审意见\n1. 评审意见：须落实环保措施。", BUTTONS), task_id="form-1")
    chat.file("QX-2026-0001-评审意见表-第1轮.docx", b"x" * 38490)
    card, file = entries(chat.log.render())
    assert card == (
        "招商服务助手 → 钟雪军（环保局）: ［卡片］请核对评审意见\n"
        "1. 评审意见：须落实环保措施。\n[ ✅ 同意 ] [ ❌ 不同意 ]"
    )
    assert file.endswith(": 📎 文件 QX-2026-0001-评审意见表-第1轮.docx（38,490 字节）")


def test_members_actions_are_shown_before_what_follows_them() -> None:
    chat = Chat()
    chat.log.said(WHO, "项目选址位于产业园规划环评范围内。")
    chat.send(Reply("✅ 已记录您的评审意见。"))
    card = {"main_title": {"title": "📝 项目评审 · 环境影响"}, "task_id": "rv-1"}
    chat.log.pressed(WHO, "✅ 同意", card)
    text = chat.log.render()
    assert text.split("\n\n")[1:] == [
        "👤 钟雪军（环保局）: 项目选址位于产业园规划环评范围内。",
        "🤖 招商服务助手 → 钟雪军（环保局）: ✅ 已记录您的评审意见。",
        "👤 钟雪军（环保局） 点按 [ ✅ 同意 ]（卡片“📝 项目评审 · 环境影响”）",
    ]


def test_the_wecom_demo_with_web_is_refused_in_one_line(tmp_path: Path) -> None:
    database = tmp_path / "d.db"
    out = run("demo", "--runtime", "wecom", "--web", "--database", str(database))
    assert out.returncode == 2, out.stderr
    expected = "error: --web serves Telegram's Mini App: it does not go with --runtime wecom"
    assert out.stderr.strip() == expected
    assert not database.exists()
