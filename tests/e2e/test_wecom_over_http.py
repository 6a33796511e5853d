"""End-to-end on WeCom over HTTP: the real bot (runtime "wecom") against the WeCom sandbox on
127.0.0.1. The office asks for a project's card by a text message, gets it as a template card
whose buttons' keys are the callback data, presses ✅ 确认入库: the project moves ① → ② and
the card is updated in place (update_template_card). A callback with a wrong signature gets
403 and changes nothing, and the log holds no part of its body. An access token that WeCom
expires mid-run loses no notification and no answer. A member unit's reporter files the
monthly report on template cards. An invitation's code written in WeCom binds the member to
its role."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from bot.bootstrap import build_uow_factory, initialise
from bot.settings import Settings
from bot.wecom.client import MORE_PREFIX
from bot.wecom.runtime import WeComRuntime
from conversations.replies import Reply
from sandbox.wecom import WeComSandbox
from sandbox.wecom.callbacks import template_card_event, text_message
from storage.tables import AuditEntry, Invitation, MonthlyReportRow, OutboxMessage, Person
from storage.uow import UnitOfWorkFactory
from tests.e2e.test_review_and_decision import add_project, stage_of
from tests.e2e.test_service import _periods, fill_in_monthly_report
from tests.e2e.wecom_support import (  # the fixtures: the bot on WeCom alone
    AES_KEY,
    OFFICE,
    Member,
    card_text,
    free_port,
    joined,
    labels,
    newest_card,
    running,
    until,
    wecom_only_bot,
    wecom_only_settings,
    wecom_only_uow_factory,
    wecom_settings,
)
from workflow.roles import Role

# tests/e2e/test_wecom_client.py imports the first three here; the rest are fixtures.
__all__ = ["AES_KEY", "free_port", "until", "wecom_only_bot", "wecom_only_settings"]
__all__ += ["wecom_only_uow_factory"]

CONFIRM = "✅ 确认入库"


def office_joined(wx: WeComSandbox, uow_factory: UnitOfWorkFactory) -> int:
    """The office's 王主任."""
    return joined(wx, uow_factory, OFFICE, "王主任", Role.OFFICE, "office")


def a_project(uow_factory: UnitOfWorkFactory) -> str:
    with uow_factory() as uow:
        investor = uow.people.add(Person(name="李明"))
        uow.commit()
        investor_id = investor.id or 0
    return add_project(uow_factory, investor_id, "新材料产业园项目", 20000)


async def test_the_office_confirms_a_project_on_a_template_card(
    wx: WeComSandbox, bot: WeComRuntime, uow_factory: UnitOfWorkFactory
) -> None:
    office_joined(wx, uow_factory)
    serial = a_project(uow_factory)
    assert stage_of(uow_factory, serial) == "lead"

    sent = await wx.send_text(OFFICE, f"/project {serial}")
    assert sent.status == 200 and sent.answer == "", "answered at once, with an empty reply"
    message = await until(lambda: newest_card(wx, OFFICE, serial))
    card = message.body["template_card"]
    assert card["card_type"] == "button_interaction"
    buttons = labels(card)
    assert CONFIRM in buttons, buttons
    key = buttons[CONFIRM]
    assert key and not key.startswith(MORE_PREFIX), "the key is the button's callback data"
    task_id = card["task_id"]
    shown_before = len(wx.messages(OFFICE))

    pressed = await wx.press(OFFICE, task_id, key)
    assert pressed.status == 200 and pressed.answer == ""
    await until(lambda: stage_of(uow_factory, serial) == "confirmed")
    view = await until(lambda: (v := wx.card(OFFICE, task_id)).updates and v)
    assert [c.api for c in wx.calls("message/update_template_card")], "updated by the API"
    updated = view.card
    assert updated["task_id"] == task_id and serial in card_text(updated)
    assert CONFIRM not in labels(updated), "the card in place shows the project at ②"
    assert updated != card
    assert bot.server is not None
    await bot.server.drain()
    assert not [m for m in wx.messages(OFFICE)[shown_before:] if m.msgtype == "template_card"], (
        "the card pressed is updated in place, not sent anew"
    )

    # WeCom's retry of the same press (same CreateTime, TaskId, EventKey) is handled once.
    shown, updates = len(wx.messages(OFFICE)), len(wx.updates())
    again = await wx.replay(pressed)
    assert again.status == 200
    await bot.server.drain()
    assert len(wx.messages(OFFICE)) == shown and len(wx.updates()) == updates
    assert stage_of(uow_factory, serial) == "confirmed"


async def test_the_outbox_sends_the_rows_of_wecom_accounts(
    wx: WeComSandbox, bot: WeComRuntime, uow_factory: UnitOfWorkFactory
) -> None:
    person_id = office_joined(wx, uow_factory)
    with uow_factory() as uow:
        uow.outbox.enqueue(
            OFFICE,
            Reply("<b>催办</b>：请尽快评审").to_dict(),
            person_id=person_id,
            messenger="wecom",
        )
        uow.outbox.enqueue("123", Reply("for Telegram").to_dict(), messenger="telegram")
        uow.commit()
    bot.sender.wake()
    await until(lambda: wx.messages(OFFICE))
    [message] = wx.messages(OFFICE)
    assert message.msgtype == "markdown" and message.content == "**催办**：请尽快评审"
    assert bot.sender.messenger == "wecom"


async def test_a_callback_with_a_wrong_signature_gets_403_and_changes_nothing(
    wx: WeComSandbox,
    bot: WeComRuntime,
    uow_factory: UnitOfWorkFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    office_joined(wx, uow_factory)
    serial = a_project(uow_factory)
    plain = text_message(wx.config.corp_id, OFFICE, 1700000000, f"/project {serial}", "42", 1)
    with caplog.at_level(logging.INFO):
        forged = await wx.deliver(plain, userid=OFFICE, msg_signature="0" * 40)
    assert forged.status == 403
    assert forged.body not in caplog.text and serial not in caplog.text
    assert "bad_signature" in caplog.text or "signature" in caplog.text
    assert bot.server is not None
    await bot.server.drain()
    await asyncio.sleep(0.2)
    assert wx.messages(OFFICE) == [], "nothing was handled, nothing answered"
    assert stage_of(uow_factory, serial) == "lead"


async def test_a_forged_press_by_a_member_who_is_not_the_office_changes_nothing(
    wx: WeComSandbox, bot: WeComRuntime, uow_factory: UnitOfWorkFactory
) -> None:
    office_joined(wx, uow_factory)
    serial = a_project(uow_factory)
    await wx.send_text(OFFICE, f"/project {serial}")
    message = await until(lambda: newest_card(wx, OFFICE, serial))
    card = message.body["template_card"]
    key = labels(card)[CONFIRM]
    wx.add_user("Stranger", "陌生人")
    forged = template_card_event(
        wx.config.corp_id,
        "Stranger",
        1700000000,
        key,
        card["task_id"],
        "button_interaction",
        "forged-code",
        wx.config.agent_id,
    )
    delivery = await wx.deliver(forged, userid="Stranger")
    assert delivery.status == 200, "validly signed: answered, then refused by the handlers"
    assert bot.server is not None
    await bot.server.drain()
    assert stage_of(uow_factory, serial) == "lead"
    assert not wx.updates(), "the office's card is untouched"
    # Told once: Telegram's alert and its message are one message on WeCom, not two.
    (refusal,) = [m.content for m in wx.messages("Stranger")]
    assert "您没有权限进行此操作" in refusal, refusal


def notices(wx: WeComSandbox) -> list[str]:
    """The notices the office was shown, in order."""
    return [
        m.content for m in wx.messages(OFFICE) if not m.dropped and m.content.startswith("通知 ")
    ]


def queue_notices(uow_factory: UnitOfWorkFactory, person_id: int, numbers: range) -> None:
    with uow_factory() as uow:
        for n in numbers:
            uow.outbox.enqueue(
                OFFICE, Reply(f"通知 {n}").to_dict(), person_id=person_id, messenger="wecom"
            )
        uow.commit()


async def test_an_access_token_expired_mid_run_loses_no_notification_and_no_answer(
    wx: WeComSandbox, bot: WeComRuntime, uow_factory: UnitOfWorkFactory
) -> None:
    office = office_joined(wx, uow_factory)
    queue_notices(uow_factory, office, range(3))
    bot.sender.wake()
    await until(lambda: len(notices(wx)) >= 1, timeout=30)

    wx.expire_tokens()  # WeCom revokes it early, as it may (42001 until gettoken again)
    tokens = len(wx.calls("gettoken"))
    queue_notices(uow_factory, office, range(3, 6))
    bot.sender.wake()
    await until(lambda: len(notices(wx)) >= 6, timeout=30)
    assert notices(wx) == [f"通知 {n}" for n in range(6)], "each once, in order"
    assert any(c.errcode == 42001 for c in wx.calls("message/send")), "the token did expire"
    assert len(wx.calls("gettoken")) > tokens, "and a new one was fetched"

    # A member's message after the expiry is answered too.
    wx.expire_tokens()
    shown = len(wx.messages(OFFICE))
    await wx.send_text(OFFICE, "/help")
    await until(lambda: len(wx.messages(OFFICE)) > shown)

    def statuses() -> set[str]:
        with uow_factory() as uow:
            return {r.status for r in uow.session.exec(select(OutboxMessage))}

    await until(lambda: statuses() == {"sent"})


REPORTER = "XiaoChen"


def reporter_joined(wx: WeComSandbox, uow_factory: UnitOfWorkFactory) -> Member:
    """经信局's reporter (成员单位报送人)."""
    joined(wx, uow_factory, REPORTER, "经信局小陈", Role.UNIT_REPORTER, "econ")
    return Member(wx, REPORTER)


async def test_a_unit_files_its_monthly_report_from_wecom(
    wx: WeComSandbox, settings: Settings, bot: WeComRuntime, uow_factory: UnitOfWorkFactory
) -> None:
    initialise(settings, reporting_from=_periods()[0])  # reports asked from last month on
    reporter = reporter_joined(wx, uow_factory)
    await fill_in_monthly_report(reporter)
    await reporter.press("✅ 提交")
    await until(
        lambda: (
            any("月报已报送" in m.content for m in wx.messages(REPORTER))
            or any(u.card is not None and "月报已报送" in card_text(u.card) for u in wx.updates())
        )
    )
    with uow_factory() as uow:
        filed = [r for r in (uow.reports.get("econ", p) for p in _periods()) if r]
        assert filed and filed[0].submitted_at is not None and not filed[0].nothing_to_report
        rows = uow.session.exec(
            select(MonthlyReportRow).where(MonthlyReportRow.report_id == filed[0].id)
        ).all()
        assert [(r.problem, r.departments) for r in rows] == [
            ("用地报批进度滞后。", "国土分局、规划分局")
        ]


async def test_an_invitation_opened_from_wecom_by_its_code_gives_the_member_its_role(
    wx: WeComSandbox, bot: WeComRuntime, uow_factory: UnitOfWorkFactory
) -> None:
    # The office's invitation link ends in ?start=inv_<code>; in WeCom the code is written.
    with uow_factory() as uow:
        uow.people.add_invitation(
            Invitation(
                code="WeComInvite01",
                role=Role.UNIT_REPORTER.value,
                unit_id="econ",
                expires_at=datetime.now(UTC) + timedelta(days=7),
            )
        )
        uow.commit()
    wx.add_user("ZhangSan", "张三")
    await Member(wx, "ZhangSan").say("/start inv_WeComInvite01")
    await until(lambda: any("您已加入" in m.content for m in wx.messages("ZhangSan")))
    with uow_factory() as uow:
        account = uow.people.account("wecom", "ZhangSan")
        assert account is not None and account.chat_id == "ZhangSan"
        roles = {(r.role, r.unit_id) for r in uow.people.roles_of(account.person_id)}
        assert roles == {(Role.UNIT_REPORTER.value, "econ")}
        invitation = uow.people.invitation("WeComInvite01")
        assert invitation is not None and invitation.used_by == account.person_id


async def test_the_app_menu_s_function_menu_shows_each_member_their_own_commands(
    wx: WeComSandbox, bot: WeComRuntime, uow_factory: UnitOfWorkFactory
) -> None:
    """WeCom's app menu is one for every member: its 功能菜单 opens the member's own commands
    as a card, and a command pressed there answers as the command typed."""
    menu = await until(wx.menu)
    assert [(b["name"], b["key"]) for b in menu["button"]] == [
        ("功能菜单", "menu"),
        ("开始使用", "start"),
        ("命令帮助", "help"),
    ]
    office_joined(wx, uow_factory)
    await wx.click(OFFICE, "menu")
    card = (await until(lambda: newest_card(wx, OFFICE, "功能菜单"))).body["template_card"]
    buttons = labels(card)
    assert list(buttons)[:2] == ["项目信息库", "全部催办"], "the office's daily work first"
    assert "更多" in buttons, "the rest behind 更多: a card holds six buttons"
    shown = len(wx.messages(OFFICE))
    await wx.press(OFFICE, card["task_id"], buttons["项目信息库"])
    library = await until(lambda: wx.messages(OFFICE)[shown:])
    typed = len(wx.messages(OFFICE))
    await wx.send_text(OFFICE, "/pipeline")
    again = await until(lambda: wx.messages(OFFICE)[typed:])
    assert [m.content or card_text(m.card) for m in library] == [
        m.content or card_text(m.card) for m in again
    ]

    # 更多 shows the rest to the card's own member; anyone else's 更多 on it is a stale
    # button to them (told, audited), and shows them nothing of the card.
    shown = len(wx.messages(OFFICE))
    await wx.press(OFFICE, card["task_id"], buttons["更多"])
    rest = await until(lambda: newest_card(wx, OFFICE, "功能菜单", after=shown))
    assert "年度考核" in labels(rest.card), labels(rest.card)
    wx.add_user("Stranger", "陌生人")
    forged = template_card_event(
        wx.config.corp_id,
        "Stranger",
        1700000000,
        buttons["更多"],
        card["task_id"],
        "button_interaction",
        "forged-code",
        wx.config.agent_id,
    )
    assert (await wx.deliver(forged, userid="Stranger")).status == 200
    told = await until(lambda: wx.messages("Stranger"))
    assert [m.content for m in told] == ["这个按钮已失效，请使用最新的消息。"]
    with uow_factory() as uow:
        refused = [a.action for a in uow.session.exec(select(AuditEntry))]
        assert refused == ["refused:bad_callback"], "the forged 更多 is audited"

    wx.add_user("Investor9", "李投资")
    await wx.click("Investor9", "menu")
    visitor = labels((await until(lambda: newest_card(wx, "Investor9", "功能菜单"))).card)
    assert next(iter(visitor)) == "开始使用", "a visitor registers first"
    assert "项目信息库" not in visitor


async def test_opening_the_app_greets_only_a_member_the_bot_does_not_know_yet(
    wx: WeComSandbox, bot: WeComRuntime, uow_factory: UnitOfWorkFactory
) -> None:
    """WeCom sends enter_agent every time a member opens the app: the first time is a
    welcome; an official opening it again, many times a day, is not greeted again."""
    wx.add_user("Visitor1", "陈先生")
    assert bot.server is not None
    await wx.enter("Visitor1")
    await bot.server.drain()
    assert "欢迎使用" in wx.messages("Visitor1")[0].content
    office_joined(wx, uow_factory)
    for member in ("Visitor1", OFFICE):
        wx.advance(5)  # a later entry (one in the same second is WeCom's retry of the first)
        shown = len(wx.messages(member))
        await wx.enter(member)
        await bot.server.drain()
        assert len(wx.messages(member)) == shown, f"{member} was greeted again"
    await wx.send_text(OFFICE, "/start")  # typed, it answers as before
    await until(lambda: any("欢迎回来" in m.content for m in wx.messages(OFFICE)))


async def test_the_first_administrator_of_a_wecom_deployment_is_named_by_userid(
    wx: WeComSandbox, tmp_path: Path
) -> None:
    """ZHAOSHANG_ADMINS=wecom:GuanLi: that member may /invite from their first message (in
    any case, as WeCom matches UserIDs); a member whose UserID spells a Telegram id named
    there is no administrator."""
    admins = Settings(_env_file=None, admins="wecom:GuanLi, 900").admins
    settings = wecom_settings(wx, tmp_path).model_copy(update={"admins": admins})
    assert settings.admins == ["wecom:guanli", "900"]
    initialise(settings)
    factory = build_uow_factory(settings)
    try:
        async with running(wx, settings, factory):
            wx.add_user("GuanLi", "管理员")
            wx.add_user("900", "数字账号")
            await wx.send_text("GuanLi", "/invite")
            offered = await until(lambda: newest_card(wx, "GuanLi", "邀请"))
            assert labels(offered.card), "the administrator is offered the roles to invite"
            await wx.send_text("900", "/invite")
            refused = await until(lambda: wx.messages("900"))
            assert "邀请" not in (refused[0].content or card_text(refused[0].card))
            with factory() as uow:
                assert not uow.session.exec(select(Invitation)).all()
    finally:
        factory.engine.dispose()
