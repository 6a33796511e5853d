"""A flood from one person (three times the allowance, sent at once) over HTTP, on both
runtimes: it is slowed down with one notice, what is dropped is not taken at all, and another
person is answered meanwhile."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import select

from bot.demo import ChatUser
from bot.flood import BURST, IN_TURN_BURST
from bot.runtimes import Runtime
from sandbox import SandboxServer
from storage.tables import ProcessedUpdate
from storage.uow import UnitOfWorkFactory

FLOODER = 30001
OTHER = 30002
NOTICE = "请稍候"


def bot_texts(sb: SandboxServer, chat_id: int) -> list[str]:
    return [e.text or "" for e in sb.transcript(chat_id) if e.sender == "bot"]


def handled_updates(uow_factory: UnitOfWorkFactory) -> int:
    with uow_factory() as uow:
        return uow.session.exec(select(func.count()).select_from(ProcessedUpdate)).one()


FLOOD = 3 * IN_TURN_BURST


async def test_a_flood_gets_one_notice_and_another_person_is_answered(
    sandbox: SandboxServer, bot: Runtime, uow_factory: UnitOfWorkFactory
):
    sb = sandbox
    sb.add_user(FLOODER, "刷屏")
    sb.add_user(OTHER, "李明")
    other = ChatUser(sb, OTHER, "李明")
    for _ in range(FLOOD):
        sb.send_text(FLOODER, "/help")  # one reply each, when it is taken
    answer = await other.say("/help")  # sent while the flood is being read
    assert NOTICE not in (answer["text"] or "")
    await sb.wait_idle(idle_ms=300, timeout=30)

    texts = bot_texts(sb, FLOODER)
    assert sum(NOTICE in t for t in texts) == 1
    replies = [t for t in texts if NOTICE not in t]
    assert BURST <= len(replies) < FLOOD  # the burst was taken, the flood was not
    # Only what was answered was taken: a dropped message left no trace, not even its id.
    assert handled_updates(uow_factory) == len(replies) + 1
    assert not any(NOTICE in t for t in bot_texts(sb, OTHER))
