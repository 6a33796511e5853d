"""The investor's whole plan over HTTP, as Telegram would carry it."""

from __future__ import annotations

from sqlmodel import select

from bot.demo import INVESTOR_ID, play_investor
from bot.runtimes import Runtime
from sandbox import SandboxServer
from storage.tables import Project
from storage.uow import UnitOfWorkFactory
from tests.e2e.conftest import this_years_serial


async def test_an_investor_fills_in_the_whole_plan_in_telegram(
    sandbox: SandboxServer, bot: Runtime, uow_factory: UnitOfWorkFactory
):
    await play_investor(sandbox, uow_factory)
    transcript = sandbox.render_transcript(INVESTOR_ID)
    assert "第 1/" in transcript and "请核对投资项目计划书" in transcript
    assert this_years_serial(1) in transcript
    assert sandbox.unanswered_callback_queries() == []  # every press was answered
    with uow_factory() as uow:
        project = uow.session.exec(select(Project)).one()
        assert (project.serial, project.stage) == (this_years_serial(1), "lead")
        assert project.plan["contact_phone"] == "0763-5812345"
    commands = {c["command"] for c in sandbox.effective_commands(INVESTOR_ID, INVESTOR_ID)}
    assert {"new", "my", "project"} <= commands  # the investor's own menu


async def test_text_a_person_typed_is_escaped_in_html(
    sandbox: SandboxServer, bot: Runtime, uow_factory: UnitOfWorkFactory
):
    sandbox.add_user(555, "<b>坏人</b> & 同伙")
    mark = sandbox.mark()
    sandbox.send_text(555, "/start")
    reply = await sandbox.wait_for_bot_message(555, since=mark)
    assert "欢迎" in reply["text"]
    mark = sandbox.mark()
    sandbox.send_text(555, "<script>alert(1)</script> & Co")
    reply = await sandbox.wait_for_bot_message(555, since=mark)
    await sandbox.wait_idle(idle_ms=150)
    assert all(c.ok for c in sandbox.calls("sendMessage"))
