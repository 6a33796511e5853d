"""An ordinary answer is one short transaction: the update's id, who acted, the draft, the
draft written back — four statements, the draft loaded once and written once, and nothing
that only the summary needs (issue 13's hot path); an update delivered again is not taken
again."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from conversations.inbound import Inbound
from handlers.context import Services
from handlers.dispatch import Dispatcher
from tests.handlers.conftest import person
from tests.handlers.test_onboarding import register
from tests.handlers.test_plan_journey import current_step


@contextmanager
def statements(s: Services) -> Iterator[list[str]]:
    """The SQL statements run while the block runs (BEGIN aside: the driver sends one on
    PostgreSQL too, unseen; on SQLite ours takes the write lock up front)."""
    seen: list[str] = []

    def count(*args: Any) -> None:
        text = " ".join(str(args[2]).split())[:60]
        if not text.startswith("BEGIN"):
            seen.append(text)

    engine = s.uow.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


def answer(update_id: int, text: str) -> Inbound:
    """An investor's message as the messenger delivers it, with its update id."""
    return Inbound(
        user_id="101", chat_id="101", display_name="李明", text=text, update_id=str(update_id)
    )


def test_an_ordinary_answer_runs_four_statements(services: Services, dispatcher: Dispatcher):
    investor = person(dispatcher, "101", "李明")
    register(investor)
    investor.says("/new")
    dispatcher.handle(answer(1, "年产30万套新能源汽车电机壳体项目"))
    with statements(services) as seen:
        replies = dispatcher.handle(answer(2, "新建标准厂房，生产新能源汽车电机壳体。")).replies
    assert "第 3/" in replies[-1].text  # the answer was taken
    assert len(seen) <= 4, seen
    assert current_step(services.uow, "101") == "investor"


def test_an_answer_delivered_again_is_not_taken_again_and_the_question_is_shown_again(
    services: Services, dispatcher: Dispatcher
):
    """Its process may have died after keeping the answer and before replying."""
    investor = person(dispatcher, "101", "李明")
    register(investor)
    investor.says("/new")
    first = dispatcher.handle(answer(1, "年产30万套新能源汽车电机壳体项目")).replies
    again = dispatcher.handle(answer(1, "年产30万套新能源汽车电机壳体项目")).replies
    assert "第 2/" in first[-1].text and "第 2/" in again[-1].text
    assert current_step(services.uow, "101") == "content"  # taken once
