"""A forged press over real HTTP, on both runtimes: the bot answers it with a refusal, audits
it, records the update as handled, changes nothing and logs no traceback."""

from __future__ import annotations

import logging

import pytest
from sqlmodel import select

from bot.runtimes import Runtime
from sandbox import SandboxServer
from storage.tables import AuditEntry, FormDraft, Invitation, Project
from storage.uow import UnitOfWorkFactory
from tests.e2e.test_faults import register

INVESTOR = 20007
VISITOR = 20008
FORGED = (
    "rv:ok:abc",
    "rv:ok:２\u202e",
    "rv:ok:99999999999999999999999",
    "iv:r:99",
    "iv:u:1:999",
    "iv:d:1:1:99",
    "pj:restart",  # an unregistered visitor playing the investor's plan
    "cy:ok:1",
    "lz:close:1",
)


async def test_forged_presses_are_refused_audited_and_change_nothing(
    sandbox: SandboxServer,
    bot: Runtime,
    uow_factory: UnitOfWorkFactory,
    caplog: pytest.LogCaptureFixture,
):
    caplog.set_level(logging.INFO)
    assert await register(sandbox, INVESTOR, "王五")
    # A second person who has only begun to register.
    sandbox.add_user(VISITOR, "赵六")
    mark = sandbox.mark()
    sandbox.send_text(VISITOR, "/start")
    card = await sandbox.wait_for_bot_message(VISITOR, since=mark)
    with uow_factory() as uow:
        drafts_before = len(uow.session.exec(select(FormDraft)).all())
    mark = sandbox.mark()
    investor_card = sandbox.last_bot_message(INVESTOR)
    assert investor_card is not None
    presses = [(INVESTOR, investor_card, d) for d in FORGED if d != "pj:restart"]
    presses += [(VISITOR, card, d) for d in FORGED]
    for who, on, data in presses:
        sandbox.forge_press(who, who, on["message_id"], data)
    await sandbox.wait_idle(idle_ms=400)

    queries = [q for q in sandbox.callback_queries() if q.seq > mark]
    assert len(queries) == len(presses)
    assert all(q.answered and q.show_alert and q.answer_text for q in queries)
    with uow_factory() as uow:
        refused = uow.session.exec(select(AuditEntry).where(AuditEntry.allowed == False)).all()  # noqa: E712
        assert len(refused) == len(presses)
        assert uow.session.exec(select(Project)).all() == []
        assert uow.session.exec(select(Invitation)).all() == []
        assert len(uow.session.exec(select(FormDraft)).all()) == drafts_before
    assert "Traceback" not in caplog.text
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
