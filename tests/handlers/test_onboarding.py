"""Investors register themselves; officials join only by a single-use, expiring invitation."""

from __future__ import annotations

from sqlmodel import select

from handlers.context import Services
from handlers.dispatch import Dispatcher
from storage.tables import AuditEntry, OutboxMessage
from tests.handlers.conftest import Clock, person
from tests.handlers.flows import person_id


def register(p, company: str = "广东新材科技股份有限公司") -> None:
    p.says("/start")
    p.says(p.name)
    p.says(company)
    p.says("138 0013 8000")
    p.press("同意")
    p.press("✅ 提交")


def test_a_newcomer_registers_as_an_investor_with_consent(
    dispatcher: Dispatcher, services: Services
):
    li = person(dispatcher, "101", "李明")
    replies = li.says("/start")
    assert "欢迎使用" in replies[0].text and "您的姓名" in replies[-1].text
    li.says("李明")
    li.says("广东新材科技股份有限公司")
    bad = li.says("12345")
    assert "联系电话" in bad[0].text  # the field is named, the draft is unchanged
    li.says("13800138000")
    summary = li.press("同意")
    assert "13800138000" in summary[-1].text
    done = li.press("✅ 提交")
    assert any("登记完成" in r.text for r in done)
    with services.uow() as uow:
        p = uow.people.by_account("telegram", "101")
        assert p is not None and p.company == "广东新材科技股份有限公司"
        assert p.phone and p.consent_at is not None
        assert p.id is not None
        assert [r.role for r in uow.people.roles_of(p.id)] == ["investor"]


def test_an_unregistered_person_cannot_use_an_investor_command(dispatcher: Dispatcher):
    visitor = person(dispatcher, "102", "访客")
    replies = visitor.says("/new")
    assert "您的姓名" in replies[-1].text  # registration comes first


def test_an_official_command_is_refused_and_the_attempt_audited(
    dispatcher: Dispatcher, services: Services
):
    li = person(dispatcher, "103", "李明")
    register(li)
    replies = li.says("/invite")
    assert "没有权限" in replies[0].text
    with services.uow() as uow:
        refused = uow.session.exec(select(AuditEntry).where(AuditEntry.allowed == False)).all()  # noqa: E712
        assert [a.action for a in refused] == ["refused:/invite"]


def test_the_office_invites_a_reviewer_who_joins_with_the_link(
    dispatcher: Dispatcher, services: Services
):
    admin = person(dispatcher, "900", "管理员")
    admin.says("/start")  # administrators come from settings
    link = _invite(admin, "评审人员", "环保局", "环境影响")
    code = link.rsplit("=", 1)[1]
    zhong = person(dispatcher, "201", "钟雪军")
    welcome = zhong.says(f"/start {code}")
    assert "评审人员" in welcome[0].text and "区环境保护局" in welcome[0].text
    with services.uow() as uow:
        zhong_id = person_id(uow, "201")
        roles = [(r.role, r.unit_id, r.dimension_id) for r in uow.people.roles_of(zhong_id)]
        assert roles == [("reviewer", "environment", "environment")]
        told = uow.session.exec(select(OutboxMessage)).all()
        assert [m.chat_id for m in told] == ["900"]  # the inviter hears that they joined
        assert "钟雪军" in told[0].payload["text"]
    again = person(dispatcher, "202", "冒用者").says(f"/start {code}")
    assert "已被使用" in again[0].text


def test_an_invitation_expires_after_seven_days(dispatcher: Dispatcher, clock: Clock):
    admin = person(dispatcher, "900", "管理员")
    link = _invite(admin, "领导小组办公室")
    clock.advance(days=7, seconds=1)
    late = person(dispatcher, "203", "迟到者").says(f"/start {link.rsplit('=', 1)[1]}")
    assert "已过期" in late[0].text


def test_whoami_and_language(dispatcher: Dispatcher):
    li = person(dispatcher, "104", "李明")
    register(li)
    assert "投资方" in li.says("/whoami")[0].text
    li.says("/lang")
    assert "English" in li.press("English")[0].text
    assert "Investor" in li.says("/whoami")[0].text
    assert "/new" in li.says("/help")[0].text


def _invite(admin, role: str, unit: str | None = None, dimension: str | None = None) -> str:
    admin.says("/invite")
    admin.press(role)
    if unit:
        admin.press(unit)
    if dimension:
        admin.press(dimension)
    text = admin.text
    return next(w for w in text.split() if w.startswith("https://t.me/"))


def test_an_official_gives_a_work_phone_when_joining_and_a_bad_one_is_refused(
    dispatcher: Dispatcher, services: Services
):
    admin = person(dispatcher, "900", "管理员")
    admin.says("/start")
    link = _invite(admin, "项目联络员", "经信局")
    chen = person(dispatcher, "211", "经信局小陈")
    joined = chen.says(f"/start {link.rsplit('=', 1)[1]}")
    assert "办公电话" in joined[-1].text
    refused = chen.says("12345")
    assert "办公电话" in refused[-1].text
    with services.uow() as uow:
        assert uow.people.get(person_id(uow, "211")).phone is None  # type: ignore[union-attr]
    chen.says("0763-5812345")
    chen.press("✅ 提交")
    assert "办公电话已记录：0763-5812345" in chen.text
    with services.uow() as uow:
        assert uow.people.get(person_id(uow, "211")).phone == "0763-5812345"  # type: ignore[union-attr]


def test_an_investor_is_not_asked_for_a_work_phone(dispatcher: Dispatcher):
    investor = person(dispatcher, "212", "李明")
    register(investor)
    assert not any("办公电话" in r.text for r in investor.seen)
