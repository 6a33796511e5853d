"""Faults lose nothing: a killed process, a double or forged press, 429s, a blocked user."""

from __future__ import annotations

import asyncio
import itertools
import signal
import subprocess
import sys
import time
from collections import defaultdict

from sqlmodel import select

from bot import demo_plan
from bot.demo import ChatUser, answer, current_step
from bot.runtimes import Runtime
from bot.settings import Settings
from conversations.draft import Draft
from conversations.replies import Reply
from sandbox import SandboxServer
from storage.tables import AuditEntry, Invitation, OutboxMessage
from storage.uow import UnitOfWorkFactory
from tests.e2e.conftest import OFFICE_ID, subprocess_env

INVESTOR = 20001


async def register(sb: SandboxServer, user_id: int, name: str = "李明") -> ChatUser:
    sb.add_user(user_id, name)
    user = ChatUser(sb, user_id, name)
    await user.say("/start")
    await user.say(name)
    await user.say("广东华锐精密科技股份有限公司")
    await user.say("13800138000")
    await user.press("同意")
    await user.press("✅ 提交")
    return user


def step_of(uow_factory: UnitOfWorkFactory, user_id: int) -> str:
    """The question the person's plan is at (there must be one)."""
    step = current_step(uow_factory, user_id)
    assert step is not None, "no plan draft"
    return step


def draft_answers(uow_factory: UnitOfWorkFactory, user_id: int) -> dict:
    with uow_factory() as uow:
        person = uow.people.by_account("telegram", str(user_id))
        assert person is not None and person.id is not None
        row = uow.drafts.find(person.id, str(user_id), "plan")
        assert row is not None, "no plan draft"
        return Draft.model_validate(row.data).answers


def start_bot(settings: Settings) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-c", "from bot.cli import main; main()", "run"],
        env=subprocess_env(settings),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


async def wait_polling(sb: SandboxServer, since: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if len(sb.calls("getUpdates")) > since:
            return
        await asyncio.sleep(0.05)
    raise TimeoutError("the bot did not start polling")


async def test_a_bot_killed_mid_form_resumes_at_the_same_question(
    sandbox: SandboxServer, settings: Settings, uow_factory: UnitOfWorkFactory
):
    proc = start_bot(settings)
    try:
        await wait_polling(sandbox, 0)
        user = await register(sandbox, INVESTOR)
        await user.say("/new")
        for _ in range(9):
            await answer(user, step_of(uow_factory, INVESTOR))
        asking = step_of(uow_factory, INVESTOR)
        kept = draft_answers(uow_factory, INVESTOR)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        polls = len(sandbox.calls("getUpdates"))
        proc = start_bot(settings)
        await wait_polling(sandbox, polls)
        await answer(user, asking)  # the person simply goes on answering
        after = draft_answers(uow_factory, INVESTOR)
        assert {k: after[k] for k in kept} == kept
        assert asking in after or asking.split(".")[0] in after
        assert current_step(uow_factory, INVESTOR) != asking
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


async def test_a_button_pressed_twice_is_recorded_once(
    sandbox: SandboxServer, bot: Runtime, uow_factory: UnitOfWorkFactory
):
    user = await register(sandbox, INVESTOR)
    await user.say("/new")
    await user.say(demo_plan.TYPED["name"])
    await user.say(demo_plan.TYPED["content"])
    await user.say(demo_plan.TYPED["investor"])
    assert current_step(uow_factory, INVESTOR) == "site"
    site = "清新智能制造产业园"
    card = user._message_with(site)["message_id"]
    mark = sandbox.mark()
    sandbox.press(INVESTOR, INVESTOR, card, button_text=site)
    sandbox.press(INVESTOR, INVESTOR, card, button_text=site)
    await sandbox.wait_for_bot_message(INVESTOR, since=mark)
    await sandbox.wait_idle(idle_ms=300)
    assert draft_answers(uow_factory, INVESTOR)["site"] == "smart_park"
    assert current_step(uow_factory, INVESTOR) == "land_area"  # moved on once, not twice
    assert sandbox.unanswered_callback_queries() == []


async def test_a_press_by_someone_without_the_role_changes_nothing_and_is_audited(
    sandbox: SandboxServer, bot: Runtime, uow_factory: UnitOfWorkFactory
):
    intruder = await register(sandbox, 30003, "冒充者")
    assert intruder
    sandbox.add_user(OFFICE_ID, "管理员")
    mark = sandbox.mark()
    sandbox.send_text(OFFICE_ID, "/invite")
    card = await sandbox.wait_for_bot_message(OFFICE_ID, lambda m: "reply_markup" in m, since=mark)
    await sandbox.wait_idle(idle_ms=150)
    data = next(
        b["callback_data"]
        for row in card["reply_markup"]["inline_keyboard"]
        for b in row
        if b["text"] == "评审人员"
    )
    # Someone else replays the office's button (cards live in private chats only).
    own = sandbox.last_bot_message(30003)
    assert own is not None
    sandbox.forge_press(30003, 30003, own["message_id"], data)
    await sandbox.wait_idle(idle_ms=300)
    with uow_factory() as uow:
        refused = uow.session.exec(select(AuditEntry).where(AuditEntry.allowed == False)).all()  # noqa: E712
        assert [a.actor_external for a in refused] == ["30003"]
        assert refused[0].action.startswith("refused:")  # "refused:iv:r" with roles per action
        assert uow.session.exec(select(Invitation)).all() == []
    current = sandbox.message(OFFICE_ID, card["message_id"])
    assert current is not None and current["text"] == card["text"]  # card unchanged
    assert sandbox.unanswered_callback_queries() == []  # the press was answered (refused)


async def test_a_burst_of_notifications_with_429s_is_delivered_once_within_limits(
    sandbox: SandboxServer, bot: Runtime, uow_factory: UnitOfWorkFactory
):
    chats = [40000 + i for i in range(100)]
    for c in chats:
        sandbox.add_user(c, f"成员{c}")
    with uow_factory() as uow:
        for n in range(200):
            chat = chats[n % len(chats)]
            uow.outbox.enqueue(str(chat), Reply(f"通知 {n}").to_dict(), dedupe_key=f"burst:{n}")
        uow.commit()
    sandbox.inject_fault("429", method="sendMessage", times=3, retry_after=1)
    sandbox.inject_fault("429", method="sendMessage", chat_id=chats[7], times=1, retry_after=2)
    bot.sender.wake()  # type: ignore[attr-defined]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        ok = [c for c in sandbox.calls("sendMessage") if c.ok]
        if len(ok) >= 200:
            break
        await asyncio.sleep(0.2)
    delivered = [c for c in sandbox.calls("sendMessage") if c.ok]
    texts = [c.params["text"] for c in delivered]
    assert sorted(texts) == sorted(f"通知 {n}" for n in range(200))  # all, none twice
    per_chat: dict[int, list[float]] = defaultdict(list)
    for call in delivered:
        per_chat[int(str(call.chat_id))].append(call.monotonic)
    gaps = [b - a for times in per_chat.values() for a, b in itertools.pairwise(times)]
    assert min(gaps) >= 1.0, sorted(gaps)[:5]
    stamps = sorted(c.monotonic for c in delivered)
    for i in range(len(stamps) - 30):
        assert stamps[i + 30] - stamps[i] >= 1.0  # never 31 within one second
    # The sandbox sees a message a moment before the sender records it as sent.
    statuses: set[str] = set()
    for _ in range(100):
        with uow_factory() as uow:
            statuses = {r.status for r in uow.session.exec(select(OutboxMessage)).all()}
        if statuses == {"sent"}:
            break
        await asyncio.sleep(0.1)
    assert statuses == {"sent"}


async def test_a_user_who_blocked_the_bot_is_recorded_and_the_office_told(
    sandbox: SandboxServer, bot: Runtime, uow_factory: UnitOfWorkFactory
):
    office = ChatUser(sandbox, OFFICE_ID, "办公室")
    sandbox.add_user(OFFICE_ID, "办公室")
    await office.say("/invite")
    await office.press("领导小组办公室")
    link = next(
        w
        for w in (sandbox.last_bot_message(OFFICE_ID) or {}).get("text", "").split()
        if w.startswith("https://t.me/")
    )
    await office.say(f"/start {link.rsplit('=', 1)[1]}")
    member = await register(sandbox, 50005, "赵六")
    assert member
    sandbox.block(50005)
    await sandbox.wait_idle(idle_ms=300)
    with uow_factory() as uow:
        account = uow.people.account("telegram", "50005")
        assert account is not None and account.blocked_at is not None
        uow.outbox.enqueue(
            "50005", Reply("请报送本月招商选资工作情况").to_dict(), person_id=account.person_id
        )
        uow.commit()
    mark = sandbox.mark()
    bot.sender.wake()  # type: ignore[attr-defined]
    told = await sandbox.wait_for_bot_message(
        OFFICE_ID, lambda m: "无法送达" in (m.get("text") or ""), since=mark, timeout=30
    )
    assert "赵六" in told["text"]
    with uow_factory() as uow:
        row = uow.session.exec(select(OutboxMessage).where(OutboxMessage.chat_id == "50005")).one()
        assert row.status == "failed" and "blocked" in (row.error or "")


async def test_an_unexpected_error_tells_the_person_and_keeps_the_draft(
    sandbox: SandboxServer, bot: Runtime, uow_factory: UnitOfWorkFactory
):
    user = await register(sandbox, INVESTOR)
    await user.say("/new")
    await user.say(demo_plan.TYPED["name"])
    kept = draft_answers(uow_factory, INVESTOR)
    dispatcher = bot.dispatcher  # type: ignore[attr-defined]
    real = dispatcher.handle

    def broken(event):
        dispatcher.handle = real
        raise RuntimeError("the database went away")

    dispatcher.handle = broken
    reply = await user.say(demo_plan.TYPED["content"])
    assert "出了点问题" in reply["text"] and "已保存" in reply["text"]
    assert draft_answers(uow_factory, INVESTOR) == kept
    await user.say(demo_plan.TYPED["content"])  # the person tries again, and it works
    assert current_step(uow_factory, INVESTOR) == "investor"
