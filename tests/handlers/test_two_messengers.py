"""A person linked on both messengers (a Telegram id and a WeCom UserID on one person) is
notified once, on the messenger they wrote in last, among those the deployment runs."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlmodel import select

from conversations.inbound import Inbound
from handlers.context import Services
from handlers.dispatch import Dispatcher
from handlers.notify import message, notify
from storage.tables import OutboxMessage, Person
from tests.conftest import Clock

TELEGRAM_ID, WECOM_ID = "5001", "ZhangSan"


@pytest.fixture
def both(services: Services) -> Services:
    return replace(services, messengers=("telegram", "wecom"))


@pytest.fixture
def zhang(both: Services, clock: Clock) -> int:
    """张三: first on Telegram, then his WeCom account linked a day later."""
    with both.uow() as uow:
        person = uow.people.add(Person(name="张三"))
        uow.people.link_account(person, "telegram", TELEGRAM_ID, TELEGRAM_ID)
        uow.session.flush()
        clock.advance(days=1)
        uow.people.link_account(person, "wecom", WECOM_ID, WECOM_ID)
        uow.commit()
        assert person.id is not None
        return person.id


def tell(s: Services, person_id: int) -> list[tuple[str, str]]:
    """Notify the person; the (messenger, chat) of each row queued."""
    with s.uow() as uow:
        notify(s, uow, person_id, message(s, "common#unknown_text"))
        uow.commit()
        rows = uow.session.exec(select(OutboxMessage).order_by(OutboxMessage.id)).all()  # type: ignore[arg-type]
        out = [(r.messenger, r.chat_id) for r in rows]
        for r in rows:
            uow.session.delete(r)
        uow.commit()
    return out


def writes(s: Services, messenger: str, user_id: str) -> None:
    Dispatcher(s).handle(
        Inbound(user_id=user_id, chat_id=user_id, text="你好", messenger=messenger)
    )


def test_a_person_linked_on_both_messengers_is_notified_once(both: Services, zhang: int) -> None:
    assert len(tell(both, zhang)) == 1


def test_the_notification_goes_to_the_messenger_they_wrote_in_last(
    both: Services, zhang: int
) -> None:
    writes(both, "telegram", TELEGRAM_ID)
    assert tell(both, zhang) == [("telegram", TELEGRAM_ID)]
    writes(both, "wecom", WECOM_ID)
    assert tell(both, zhang) == [("wecom", WECOM_ID)]
    writes(both, "telegram", TELEGRAM_ID)
    assert tell(both, zhang) == [("telegram", TELEGRAM_ID)]


def test_before_they_write_the_account_linked_last_is_used(both: Services, zhang: int) -> None:
    assert tell(both, zhang) == [("wecom", WECOM_ID)]


def test_a_messenger_they_blocked_the_bot_in_is_passed_over(both: Services, zhang: int) -> None:
    writes(both, "wecom", WECOM_ID)
    Dispatcher(both).account_blocked("wecom", WECOM_ID, True)
    assert tell(both, zhang) == [("telegram", TELEGRAM_ID)]
    Dispatcher(both).account_blocked("wecom", WECOM_ID, False)
    assert tell(both, zhang) == [("wecom", WECOM_ID)]


def test_a_messenger_the_deployment_does_not_run_is_never_used(
    services: Services, both: Services, zhang: int
) -> None:
    writes(both, "wecom", WECOM_ID)
    assert tell(services, zhang) == [("telegram", TELEGRAM_ID)]  # Telegram alone runs
    wecom_only = replace(services, messengers=("wecom",))
    writes(both, "telegram", TELEGRAM_ID)
    assert tell(wecom_only, zhang) == [("wecom", WECOM_ID)]


def test_the_messenger_written_in_is_kept_on_the_person(both: Services, zhang: int) -> None:
    writes(both, "wecom", WECOM_ID)
    with both.uow() as uow:
        person = uow.people.get(zhang)
        assert person is not None and person.last_messenger == "wecom"
