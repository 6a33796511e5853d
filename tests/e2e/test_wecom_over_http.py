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
import socket
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from bot.bootstrap import build_uow_factory, initialise
from bot.runtimes import make_runtime
from bot.settings import Settings
from bot.wecom.client import MORE_PREFIX
from bot.wecom.runtime import WeComRuntime
from conversations.replies import Reply
from sandbox.wecom import AppConfig, SentMessage, WeComSandbox
from sandbox.wecom.callbacks import template_card_event, text_message
from storage.tables import Invitation, MessengerAccount, MonthlyReportRow, OutboxMessage, Person
from storage.uow import UnitOfWorkFactory
from tests.e2e.test_review_and_decision import add_project, stage_of
from tests.e2e.test_service import _periods, fill_in_monthly_report
from workflow.roles import Role

OFFICE = "WangZhuRen"
AES_KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"  # the key of WeCom's published sample
CONFIRM = "✅ 确认入库"


def free_port() -> int:
    """A port nobody listens on now, on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
async def wx() -> AsyncIterator[WeComSandbox]:
    # WeCom's EncodingAESKey is 43 letters and digits (the sandbox's default one has "+").
    async with WeComSandbox(AppConfig(encoding_aes_key=AES_KEY)) as sandbox:
        yield sandbox


@pytest.fixture
def settings(wx: WeComSandbox, tmp_path: Path) -> Settings:
    c = wx.config
    s = Settings(
        database_url=f"sqlite:///{tmp_path / 'bot.db'}",
        runtime="wecom",
        wecom_corp_id=c.corp_id,
        wecom_agent_id=c.agent_id,
        wecom_secret=c.corp_secret,
        wecom_token=c.token,
        wecom_aes_key=c.encoding_aes_key,
        wecom_api_base_url=wx.url,
        web_listen="127.0.0.1",
        wecom_port=free_port(),
        pdf_copies=False,
        _env_file=None,
    )
    initialise(s)
    return s


@pytest.fixture
def uow_factory(settings: Settings) -> Iterator[UnitOfWorkFactory]:
    factory = build_uow_factory(settings)
    yield factory
    factory.engine.dispose()


@pytest.fixture
async def bot(
    wx: WeComSandbox, settings: Settings, uow_factory: UnitOfWorkFactory
) -> AsyncIterator[WeComRuntime]:
    runtime = make_runtime(settings, uow_factory)
    assert isinstance(runtime, WeComRuntime)
    wx.callback_url = f"http://127.0.0.1:{settings.wecom_port}/wecom"
    await runtime.start()
    try:
        yield runtime
    finally:
        await runtime.stop()


def joined(
    wx: WeComSandbox, uow_factory: UnitOfWorkFactory, userid: str, name: str, role: Role, unit: str
) -> int:
    """A person holding `role` for `unit`, linked by their WeCom UserID (as
    tests/e2e/officials.py `joined` links a Telegram account), and their member in the
    sandbox."""
    wx.add_user(userid, name)
    with uow_factory() as uow:
        person = uow.people.add(Person(name=name, unit_id=unit))
        assert person.id is not None
        uow.session.add(
            MessengerAccount(
                person_id=person.id, messenger="wecom", external_id=userid, chat_id=userid
            )
        )
        uow.people.grant(person.id, role.value, unit_id=unit)
        uow.commit()
        return person.id


def office_joined(wx: WeComSandbox, uow_factory: UnitOfWorkFactory) -> int:
    """The office's 王主任."""
    return joined(wx, uow_factory, OFFICE, "王主任", Role.OFFICE, "office")


def a_project(uow_factory: UnitOfWorkFactory) -> str:
    with uow_factory() as uow:
        investor = uow.people.add(Person(name="李明"))
        uow.commit()
        investor_id = investor.id or 0
    return add_project(uow_factory, investor_id, "新材料产业园项目", 20000)


def card_text(card: dict[str, Any]) -> str:
    return f"{card['main_title']['title']}\n{card.get('sub_title_text', '')}"


def labels(card: dict[str, Any]) -> dict[str, str]:
    """A card's buttons: text → key."""
    return {b["text"]: b.get("key", "") for b in card.get("button_list", [])}


async def until(check: Callable[[], Any], timeout: float = 10.0) -> Any:
    """The first truthy value of `check()`, polled."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        value = check()
        if value:
            return value
        if asyncio.get_running_loop().time() >= deadline:
            raise AssertionError("timed out")
        await asyncio.sleep(0.02)


def newest_card(wx: WeComSandbox, user: str, needle: str, after: int = 0) -> SentMessage | None:
    for m in reversed(wx.messages(user)[after:]):
        if m.msgtype == "template_card" and needle in card_text(m.body["template_card"]):
            return m
    return None


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


class Member:
    """A member of the WeCom sandbox who writes and presses as a person would: each step waits
    for the bot's answer, and a press finds the newest card that offers the button."""

    def __init__(self, wx: WeComSandbox, userid: str) -> None:
        self.wx, self.userid = wx, userid

    def _seen(self) -> int:
        return len(self.wx.messages(self.userid)) + len(self.wx.updates())

    async def _answered(self, seen: int) -> None:
        await until(lambda: self._seen() > seen)

    def _offering(self, label: str) -> tuple[str, str] | None:
        for m in reversed(self.wx.messages(self.userid)):
            if m.msgtype != "template_card":
                continue
            view = self.wx.card(self.userid, m.body["template_card"]["task_id"])
            keys = labels(view.card)
            if view.clickable and label in keys:
                return view.task_id, keys[label]
        return None

    async def say(self, text: str) -> None:
        seen = self._seen()
        await self.wx.send_text(self.userid, text)
        await self._answered(seen)

    async def press(self, label: str) -> None:
        task_id, key = await until(lambda: self._offering(label))
        seen = self._seen()
        await self.wx.press(self.userid, task_id, key)
        await self._answered(seen)


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
