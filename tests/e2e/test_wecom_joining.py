"""Joining across the two messengers over HTTP, Telegram and WeCom in one process (README,
"Running in WeCom", Joining): the office on Telegram invites a member by WeCom UserID with
📨 按企业微信账号邀请, and that member's first message in WeCom takes the invitation, theirs
alone; a person on both messengers runs /link on one and sends its code from the other, and
is one person from then on, notified once."""

from __future__ import annotations

import asyncio

from sqlmodel import select

from bot.both import BothRuntime
from bot.demo import ChatUser
from conversations.replies import Reply
from handlers.notify import notify
from sandbox import SandboxServer
from sandbox.wecom import WeComSandbox
from storage.tables import Person
from storage.uow import UnitOfWorkFactory
from tests.e2e.conftest import OFFICE_ID
from tests.e2e.officials import joined
from tests.e2e.test_review_and_decision import newest
from tests.e2e.wecom_support import (
    Member,
    card_text,
    telegram_texts,
    until,
)
from workflow.roles import Role

ZHANG, LISI = "ZhangSan", "LiSi"
TELEGRAM_ZHANG = 7001


def said(texts: list[str], needle: str) -> bool:
    return any(needle in t for t in texts)


def shown(wx: WeComSandbox, userid: str) -> list[str]:
    """Everything the app sent a member: its texts, and its cards' texts."""
    return [
        card_text(m.body["template_card"]) if m.msgtype == "template_card" else m.content or ""
        for m in wx.messages(userid)
    ]


async def test_an_invitation_by_wecom_userid_is_taken_by_that_member_alone(
    sandbox: SandboxServer, wx: WeComSandbox, both: tuple[BothRuntime, UnitOfWorkFactory]
) -> None:
    _, uow_factory = both
    sandbox.add_user(OFFICE_ID, "王主任")
    wx.add_user(ZHANG, "张三")
    wx.add_user(LISI, "李四")
    office = ChatUser(sandbox, OFFICE_ID, "王主任")

    # The office picks the role, the unit and the dimension, then invites by WeCom account.
    await office.say("/invite")
    for label in ("评审人员", "环保局", "环境影响"):
        await office.press(label)
    card = newest(sandbox, OFFICE_ID, "/start inv_")["text"]
    code = next(w for w in card.split() if w.startswith("inv_"))
    await office.press("📨 按企业微信账号邀请")
    await office.say(ZHANG)
    await office.say("张三")
    done = await office.press("✅ 提交")
    assert "已通过企业微信邀请 张三（ZhangSan）担任评审人员" in done["text"]
    await until(lambda: said(shown(wx, ZHANG), "邀请您以“评审人员”身份加入"))

    # Nobody else takes it: not by writing first, nor with the invitation's code.
    lisi = Member(wx, LISI)
    await lisi.say("你好")
    await until(lambda: said(shown(wx, LISI), "您的姓名"))  # a stranger is asked to register
    await lisi.say(f"/start {code}")
    await until(lambda: said(shown(wx, LISI), "发给另一位企业微信成员"))

    # The member's first message takes it: they hold the role, and the office is told.
    zhang = Member(wx, ZHANG)
    await zhang.say("你好")
    await until(lambda: said(shown(wx, ZHANG), "张三，您已加入招商服务助手"))
    await until(lambda: said(telegram_texts(sandbox, OFFICE_ID), "张三 已通过邀请链接加入"))
    await zhang.say("/whoami")
    await until(lambda: said(shown(wx, ZHANG), "评审人员 · 区环境保护局"))

    # Invited again, the member is not invited twice: the office is told they have joined.
    await office.say("/invite")
    for label in ("评审人员", "环保局", "环境影响"):
        await office.press(label)
    await office.press("📨 按企业微信账号邀请")
    await office.say(ZHANG)
    await office.say("张三")
    again = await office.press("✅ 提交")
    assert "企业微信账号 ZhangSan 已作为 张三 加入" in again["text"]
    with uow_factory() as uow:
        person = uow.people.by_account("wecom", ZHANG)
        assert person is not None
        roles = [(r.role, r.unit_id) for r in uow.people.roles_of(person.id or 0)]
        assert roles == [("reviewer", "environment")]
        named = uow.session.exec(select(Person).where(Person.name == "张三")).all()
        assert [p.id for p in named] == [person.id], "one person, the one invited"
        stranger = uow.people.by_account("wecom", LISI)
        assert stranger is None or not uow.people.roles_of(stranger.id or 0)


async def test_a_person_who_links_their_accounts_is_one_person_on_both(
    sandbox: SandboxServer, wx: WeComSandbox, both: tuple[BothRuntime, UnitOfWorkFactory]
) -> None:
    runtime, uow_factory = both
    assert runtime.core is not None
    telegram, person_id = joined(
        sandbox,
        uow_factory,
        TELEGRAM_ZHANG,
        Role.REVIEWER,
        "environment",
        name="张三",
        dimension="environment",
    )
    wx.add_user(ZHANG, "张三")
    zhang = Member(wx, ZHANG)
    await zhang.say("你好")  # a first message from WeCom: a visitor, asked to register
    await until(lambda: said(shown(wx, ZHANG), "您的姓名"))
    with uow_factory() as uow:
        visitor = uow.people.by_account("wecom", ZHANG)
        assert visitor is not None and visitor.id != person_id
        visitor_id = visitor.id

    linking = await telegram.say("/link")
    code = next(w for w in linking["text"].split() if w.startswith("inv_"))
    await zhang.say(f"/start {code}")
    await until(lambda: said(shown(wx, ZHANG), "张三，账号已关联"))

    await telegram.say("/whoami")
    assert said(telegram_texts(sandbox, TELEGRAM_ZHANG), "评审人员 · 区环境保护局")
    await zhang.say("/whoami")
    await until(lambda: said(shown(wx, ZHANG), "评审人员 · 区环境保护局"))
    with uow_factory() as uow:
        on_telegram = uow.people.by_account("telegram", str(TELEGRAM_ZHANG))
        on_wecom = uow.people.by_account("wecom", ZHANG)
        assert on_telegram is not None and on_wecom is not None
        assert on_telegram.id == on_wecom.id == person_id
        assert uow.people.get(visitor_id or 0) is None, "the visitor's person is gone"

    # A notification reaches them once, on WeCom, where they wrote last.
    services = runtime.core.services
    with uow_factory() as uow:
        notify(services, uow, person_id, lambda _locale: Reply("请查看评审事项"))
        uow.commit()
    runtime.core.work.wake()  # type: ignore[union-attr]
    await until(lambda: said(shown(wx, ZHANG), "请查看评审事项"))
    await asyncio.sleep(0.5)  # time for a second copy, were one queued
    assert sum("请查看评审事项" in t for t in shown(wx, ZHANG)) == 1
    assert not said(telegram_texts(sandbox, TELEGRAM_ZHANG), "请查看评审事项")
