"""Where WeCom runs, the office invites a member by their WeCom UserID: the invitation reaches
them in WeCom, their first message takes it, and nobody else can. A person links their
accounts on both messengers with the code of /link."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlmodel import col, select

from conversations.inbound import Inbound
from handlers.context import Services
from handlers.dispatch import Dispatcher
from storage.tables import AuditEntry, Invitation, OutboxMessage, Project
from storage.tables import Person as PersonRow
from storage.uow import UnitOfWork
from tests.conftest import Clock
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


REVIEWER_FOR_ENVIRONMENT = ("评审人员", "环保局", "环境影响")


def invite_by_userid(
    admin: Person, userid: str, name: str, path: tuple[str, ...] = REVIEWER_FOR_ENVIRONMENT
) -> list[str]:
    """The office invites a WeCom member by UserID: the role (and unit, dimension) by
    buttons, then 按企业微信账号邀请 with the UserID and name."""
    admin.says("/start")
    admin.says("/invite")
    for label in path:
        admin.press(label)
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


def test_a_userid_typed_in_another_case_is_the_same_member(both: Services) -> None:
    """WeCom's UserIDs are not case-sensitive: the office types "zhangsan", the member's
    messages come as "ZhangSan", and the invitation is theirs; inviting "ZHANGSAN" again
    finds them joined."""
    d = Dispatcher(both)
    admin = person(d, "900", "管理员")
    invite_by_userid(admin, "zhangsan", "张三")
    welcome = in_wecom(d, "ZhangSan", "你好")
    assert "张三" in welcome[0] and "评审人员" in welcome[0]
    again = invite_by_userid(admin, "ZHANGSAN", "张三")
    assert any("已作为 张三 加入" in t for t in again), again
    with both.uow() as uow:
        assert len(uow.session.exec(select(PersonRow).where(PersonRow.name == "张三")).all()) == 1


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


def named(uow: UnitOfWork, name: str) -> list[int]:
    rows = uow.session.exec(select(PersonRow).where(PersonRow.name == name)).all()
    return [p.id or 0 for p in rows]


def people_named(s: Services, name: str) -> list[int]:
    with s.uow() as uow:
        return named(uow, name)


def open_invitations_of(s: Services, userid: str) -> list[int]:
    with s.uow() as uow:
        rows = uow.session.exec(
            select(Invitation).where(
                Invitation.messenger == "wecom",
                Invitation.external_id == userid,
                col(Invitation.used_at).is_(None),
                Invitation.expires_at > s.clock(),
            )
        ).all()
        return [i.id or 0 for i in rows]


def notices_to(s: Services, chat: str) -> int:
    with s.uow() as uow:
        rows = uow.session.exec(select(OutboxMessage).where(OutboxMessage.chat_id == chat))
        return len(rows.all())


def test_inviting_a_userid_again_while_its_invitation_is_open_makes_nothing_new(
    both: Services,
) -> None:
    d = Dispatcher(both)
    admin = person(d, "900", "管理员")
    invite_by_userid(admin, "ZhangSan", "张三")
    again = invite_by_userid(admin, "ZhangSan", "张三")
    assert (
        "张三（ZhangSan）已有一份尚未接受的邀请：担任评审人员（区环境保护局 · 环境影响）"
        in again[0]
    )
    assert "本次未发出邀请" in again[0]
    assert len(people_named(both, "张三")) == 1
    assert len(open_invitations_of(both, "ZhangSan")) == 1
    assert notices_to(both, "ZhangSan") == 1, "the member is not sent a second invitation"

    in_wecom(d, "ZhangSan", "你好")
    with both.uow() as uow:
        zhang = uow.people.by_account("wecom", "ZhangSan")
        assert zhang is not None and named(uow, "张三") == [zhang.id]
        roles = [(r.role, r.unit_id, r.dimension_id) for r in uow.people.roles_of(zhang.id or 0)]
        assert roles == [("reviewer", "environment", "environment")]


def test_a_second_invitation_for_another_role_is_not_sent_and_the_office_is_told_why(
    both: Services,
) -> None:
    d = Dispatcher(both)
    admin = person(d, "900", "管理员")
    invite_by_userid(admin, "ZhangSan", "张三")
    other = invite_by_userid(admin, "ZhangSan", "张三", ("区领导",))
    assert "已有一份尚未接受的邀请：担任评审人员（区环境保护局 · 环境影响）" in other[0]
    assert "本次邀请（区领导" in other[0] and "未发出" in other[0]
    assert len(people_named(both, "张三")) == 1
    assert len(open_invitations_of(both, "ZhangSan")) == 1

    in_wecom(d, "ZhangSan", "你好")  # takes the first; the second, asked again, is given at once
    granted = invite_by_userid(admin, "ZhangSan", "张三", ("区领导",))
    assert "已在应用中，现已担任区领导" in granted[0]
    with both.uow() as uow:
        zhang = uow.people.by_account("wecom", "ZhangSan")
        assert zhang is not None
        assert {r.role for r in uow.people.roles_of(zhang.id or 0)} == {"reviewer", "leader"}


def test_a_member_who_holds_the_role_already_is_not_invited_again(both: Services) -> None:
    d = Dispatcher(both)
    admin = person(d, "900", "管理员")
    invite_by_userid(admin, "ZhangSan", "张三")
    in_wecom(d, "ZhangSan", "你好")
    with both.uow() as uow:
        audits = len(uow.audits("accept_invitation"))
    again = invite_by_userid(admin, "ZhangSan", "张老三")
    assert (
        "企业微信账号 ZhangSan 已作为 张三 加入，已担任评审人员（区环境保护局 · 环境影响）"
        in again[0]
    )
    assert people_named(both, "张老三") == [] and len(people_named(both, "张三")) == 1
    with both.uow() as uow:
        zhang = uow.people.by_account("wecom", "ZhangSan")
        assert zhang is not None and len(uow.people.roles_of(zhang.id or 0)) == 1
        assert len(uow.audits("accept_invitation")) == audits, "nothing was granted"


def test_a_userid_invited_again_after_its_invitation_lapsed_is_the_same_person(
    both: Services, clock: Clock
) -> None:
    d = Dispatcher(both)
    admin = person(d, "900", "管理员")
    invite_by_userid(admin, "ZhangSan", "张三")
    clock.advance(days=8)
    sent = invite_by_userid(admin, "ZhangSan", "张三")
    assert "已通过企业微信邀请 张三（ZhangSan）" in sent[0]
    assert len(people_named(both, "张三")) == 1
    assert len(open_invitations_of(both, "ZhangSan")) == 1
    assert "张三" in in_wecom(d, "ZhangSan", "你好")[0]
    with both.uow() as uow:
        zhang = uow.people.by_account("wecom", "ZhangSan")
        assert zhang is not None and named(uow, "张三") == [zhang.id]


def link_code(admin: Person) -> str:
    """The code /link gives, to send from WeCom."""
    text = admin.says("/link")[0].text
    return next(w for w in text.split() if w.startswith("inv_"))


def office_member(s: Services, d: Dispatcher, user_id: str, name: str) -> Person:
    """Someone of the office, on Telegram (as an accepted invitation leaves them)."""
    with s.uow() as uow:
        row = uow.people.add(PersonRow(name=name, unit_id="office"))
        uow.people.link_account(row, "telegram", user_id, user_id)
        uow.people.grant(row.id or 0, "office", unit_id="office")
        uow.commit()
    return person(d, user_id, name)


def test_link_folds_the_provisional_person_of_a_first_message_into_the_person(
    both: Services,
) -> None:
    d = Dispatcher(both)
    admin = office_member(both, d, "800", "王主任")
    assert "您的姓名" in in_wecom(d, "WangAdmin", "你好")[-1], "a visitor, asked to register"
    d.account_blocked("wecom", "WangAdmin", True)  # an audit row naming the visitor
    d.account_blocked("wecom", "WangAdmin", False)
    with both.uow() as uow:
        provisional = uow.people.by_account("wecom", "WangAdmin")
        assert provisional is not None and provisional.id is not None
        visitor, audits = provisional.id, len(uow.session.exec(select(AuditEntry)).all())

    assert "账号已关联" in in_wecom(d, "WangAdmin", f"/start {link_code(admin)}")[0]
    with both.uow() as uow:
        me = uow.people.by_account("telegram", "800")
        assert me is not None and me.id is not None
        assert uow.people.by_account("wecom", "WangAdmin") == me
        assert uow.people.get(visitor) is None, "no second person is left behind"
        assert uow.drafts.of_person(me.id, "registration") == []
        rows = uow.session.exec(select(AuditEntry)).all()
        assert len(rows) >= audits, "the audit keeps every row"
        assert not [r for r in rows if r.actor_id == visitor]
        assert [r.action for r in rows if r.actor_id == me.id].count("blocked_bot") == 1
        assert any(r.action == "merge_person" and r.from_value == str(visitor) for r in rows)
    assert "您的姓名" not in in_wecom(d, "WangAdmin", "你好")[0], "no registration goes on"


def test_link_is_refused_for_an_account_whose_person_has_records_of_their_own(
    both: Services,
) -> None:
    d = Dispatcher(both)
    admin = person(d, "900", "管理员")
    admin.says("/start")
    in_wecom(d, "LiMing", "你好")
    with both.uow() as uow:
        visitor = uow.people.by_account("wecom", "LiMing")
        assert visitor is not None
        uow.session.add(
            Project(
                serial="QX-2026-0001",
                name="新材料项目",
                stage="lead",
                investor_person_id=visitor.id,
            )
        )
        uow.commit()
        visitor_id = visitor.id
    refused = in_wecom(d, "LiMing", f"/start {link_code(admin)}")
    assert "已有自己的身份或记录" in refused[0]
    with both.uow() as uow:
        liming = uow.people.by_account("wecom", "LiMing")
        assert liming is not None and liming.id == visitor_id, "the account stays theirs"


def test_link_is_refused_for_a_registered_account(both: Services) -> None:
    d = Dispatcher(both)
    admin = person(d, "900", "管理员")
    admin.says("/start")
    liming = person(d, "LiMing", "李明")
    liming.says("/start")
    liming.says("李明")
    liming.says("华锐精密")
    liming.says("13800000000")
    liming.press("同意")
    liming.press("✅ 提交")
    with both.uow() as uow:
        investor = uow.people.by_account("telegram", "LiMing")
        assert investor is not None and uow.people.roles_of(investor.id or 0)
    code = link_code(admin)
    refused = d.handle(
        Inbound(
            user_id="LiMing", chat_id="LiMing", text=f"/start {code}", command="start", args=code
        )
    ).replies
    assert "已有自己的身份或记录" in refused[0].text
