"""Groups, edits and kinds of message the bot does not read, at the dispatcher: one line each,
and nothing changes."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import select

from conversations.inbound import Inbound
from handlers.context import Services
from handlers.dispatch import Dispatcher
from storage.tables import AuditEntry, FormDraft, MessengerAccount, Person
from tests.handlers.conftest import person

LINK = "https://t.me/zhaoshang_test_bot?start=group"


def in_group(**kw: object) -> Inbound:
    return Inbound(user_id="900", chat_id="-100", chat_type="supergroup", **kw)  # type: ignore[arg-type]


def rows(services: Services) -> tuple[int, ...]:
    with services.uow() as uow:
        return tuple(
            uow.session.exec(select(func.count()).select_from(t)).one()
            for t in (Person, MessengerAccount, FormDraft, AuditEntry)
        )


def test_a_group_gets_one_line_for_what_is_addressed_to_the_bot_and_nothing_changes(
    dispatcher: Dispatcher, services: Services
):
    before = rows(services)
    start = dispatcher.handle(in_group(command="start", text="/start", update_id="1"))
    assert [LINK in r.text for r in start.replies] == [True] and start.menu is None
    press = dispatcher.handle(in_group(callback_data="pj:restart", message_id="5"))
    assert press.replies == [] and press.alert and LINK in (press.toast or "")
    mention = dispatcher.handle(in_group(text="请问 @zhaoshang_test_bot", addressed=True))
    assert LINK in mention.replies[0].text
    for quiet in (
        in_group(text="大家好"),
        in_group(other="sticker"),
        in_group(text="/start", command="start", edited=True),
    ):
        assert dispatcher.handle(quiet).replies == []
    assert dispatcher.handle(in_group(command="start", update_id="1")).replies == []  # again
    assert rows(services) == before  # not even the administrator's account is linked


def test_a_channel_post_is_outside_a_private_chat_too(dispatcher: Dispatcher):
    event = Inbound(user_id="7", chat_id="-1009", chat_type="channel", command="project")
    assert LINK in dispatcher.handle(event).replies[0].text


def test_in_english_the_line_is_english(dispatcher: Dispatcher):
    event = in_group(command="help", language_code="en")
    assert dispatcher.handle(event).replies[0].text.startswith("🔒 Forms, project details")


def test_at_the_summary_and_when_paused_the_line_says_what_to_do(
    dispatcher: Dispatcher, services: Services
):
    li = person(dispatcher, "101", "李明")
    li.says("/start")
    li.says("李明")
    li.says("广东新材科技股份有限公司")
    li.says("13800138000")
    li.press("同意")  # the registration's summary
    before = rows(services)
    (reply,) = li._send(other="location")
    assert reply.text == "我无法读取位置。表单已填完：请点“✅ 提交”，或回复要修改的项目编号。"
    li.says("/cancel")
    (reply,) = li._send(other="voice")
    assert reply.text == "我无法读取语音。表单已暂停，发送 /continue 继续填写。"
    (reply,) = li._send(text="广东别家公司", edited=True)
    assert reply.text.startswith("✏️ 修改已发送的消息不会被采纳") and "/back" in reply.text
    assert rows(services) == before


def test_the_line_is_in_the_persons_language(dispatcher: Dispatcher):
    li = person(dispatcher, "101", "李明", "en")
    li.says("/start")
    (reply,) = li._send(other="dice")
    assert reply.text == (
        "I cannot read dice. The current question, “Your name”: type your answer as text."
    )
