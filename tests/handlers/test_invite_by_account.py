"""Where WeCom runs, the office invites a member by their WeCom UserID: the invitation reaches
them in WeCom, their first message takes it, and nobody else can. A person links their
accounts on both messengers with the code of /link."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlmodel import select

from conversations.inbound import Inbound
from handlers.context import Services
from handlers.dispatch import Dispatcher
from storage.tables import OutboxMessage
from tests.handlers.conftest import Person, person


@pytest.fixture
def both(services: Services) -> Services:
    return replace(services, messengers=("telegram", "wecom"))


def in_wecom(d: Dispatcher, userid: str, text: str) -> list[str]:
    cmd = text[1:].split(" ", 1) if text.startswith("/") else None
    event = Inbound(
        user_id=userid,
        chat_id=userid,
        text=text,
        messenger="wecom",
        command=cmd[0] if cmd else None,
        args=cmd[1] if cmd and len(cmd) > 1 else "",
    )
    return [r.text for r in d.handle(event).replies]


def invite_by_userid(admin: Person, userid: str, name: str) -> list[str]:
    admin.says("/start")
    admin.says("/invite")
    admin.press("评审人员")
    admin.press("环保局")
    admin.press("环境影响")
    assert "/start inv_" in admin.text, "a WeCom member may also send the code"
    admin.press("📨 按企业微信账号邀请")
    admin.says(userid)
    admin.says(name)
    return [r.text for r in admin.press("✅ 提交")]


def test_a_member_invited_by_userid_joins_with_their_first_message(both: Services) -> None:
    d = Dispatcher(both)
    admin = person(d, "900", "管理员")
    done = invite_by_userid(admin, "ZhangSan", "张三")
    assert any("已通过企业微信邀请 张三（ZhangSan）" in t for t in done)
    with both.uow() as uow:
        [notice] = uow.session.exec(
            select(OutboxMessage).where(OutboxMessage.chat_id == "ZhangSan")
        ).all()
        assert notice.messenger == "wecom" and "王主任" not in notice.payload["text"]
        assert "张三" in notice.payload["text"] and "发送任意消息" in notice.payload["text"]

    assert "您的姓名" in in_wecom(d, "LiSi", "你好")[-1], "a stranger is asked to register"
    welcome = in_wecom(d, "ZhangSan", "你好")
    assert "张三" in welcome[0] and "评审人员" in welcome[0]
    with both.uow() as uow:
        zhang = uow.people.by_account("wecom", "ZhangSan")
        assert zhang is not None and zhang.name == "张三"
        roles = [(r.role, r.unit_id) for r in uow.people.roles_of(zhang.id or 0)]
        assert roles == [("reviewer", "environment")]


def test_an_invitation_sent_to_one_member_cannot_be_taken_by_another(both: Services) -> None:
    d = Dispatcher(both)
    invite_by_userid(person(d, "900", "管理员"), "ZhangSan", "张三")
    with both.uow() as uow:
        inv = uow.people.invitation_for("wecom", "ZhangSan", both.clock())
        assert inv is not None
        code = inv.code
    refused = in_wecom(d, "LiSi", f"/start inv_{code}")
    assert "另一位企业微信成员" in refused[0]
    with both.uow() as uow:
        stranger = uow.people.by_account("wecom", "LiSi")
        assert stranger is None or not uow.people.roles_of(stranger.id or 0)
        assert uow.people.invitation_for("wecom", "ZhangSan", both.clock()) is not None


def test_a_userid_that_is_not_one_is_refused(both: Services) -> None:
    d = Dispatcher(both)
    admin = person(d, "900", "管理员")
    admin.says("/start")
    admin.says("/invite")
    admin.press("评审人员")
    admin.press("环保局")
    admin.press("环境影响")
    admin.press("📨 按企业微信账号邀请")
    assert "不是企业微信账号" in admin.says("张 三")[0].text


def test_link_joins_a_persons_wecom_account_to_their_telegram_one(both: Services) -> None:
    d = Dispatcher(both)
    admin = person(d, "900", "管理员")
    admin.says("/start")
    text = admin.says("/link")[0].text
    assert "https://t.me/" not in text, "from Telegram, only what to send in WeCom is shown"
    code = next(w for w in text.split() if w.startswith("inv_"))
    linked = in_wecom(d, "WangAdmin", f"/start {code}")
    assert "账号已关联" in linked[0]
    with both.uow() as uow:
        tg = uow.people.by_account("telegram", "900")
        wx = uow.people.by_account("wecom", "WangAdmin")
        assert tg is not None and wx is not None and tg.id == wx.id
    assert "已被使用" in in_wecom(d, "Other", f"/start {code}")[0]


def test_link_says_there_is_nothing_to_link_where_one_messenger_runs(services: Services) -> None:
    admin = person(Dispatcher(services), "900", "管理员")
    admin.says("/start")
    assert "无需关联" in admin.says("/link")[0].text
