"""Groups, edits and kinds of message the bot does not read, over HTTP on both runtimes: a
group gets one line pointing to a private chat and nothing changes; a sticker, a location
or a contact gets one line with what the open question expects; an edit is not taken."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func
from sqlmodel import select

from bot.demo import ChatUser
from bot.runtimes import Runtime
from conversations.draft import Draft
from sandbox import SandboxServer, make_png
from storage.tables import AuditEntry, FormDraft, MessengerAccount, Person
from storage.uow import UnitOfWorkFactory
from tests.e2e.conftest import OFFICE_ID
from tests.e2e.test_review_and_decision import add_project

GROUP = -100200300
STRANGER = 4242
LINK = "https://t.me/zhaoshang_sandbox_bot?start=group"


def counts(uow_factory: UnitOfWorkFactory) -> tuple[int, ...]:
    with uow_factory() as uow:
        return tuple(
            uow.session.exec(select(func.count()).select_from(table)).one()
            for table in (Person, MessengerAccount, FormDraft, AuditEntry)
        )


async def in_group(sb: SandboxServer, user_id: int, text: str, **kw: Any) -> dict[str, Any]:
    mark = sb.mark()
    sb.send_text(user_id, text, chat_id=GROUP, **kw)
    reply = await sb.wait_for_bot_message(GROUP, since=mark, timeout=15)
    await sb.wait_idle(idle_ms=150, timeout=15)
    return reply


def bot_messages(sb: SandboxServer, chat_id: int) -> list[str]:
    return [e.text or "" for e in sb.transcript(chat_id) if e.sender == "bot"]


async def test_in_a_group_the_bot_points_to_a_private_chat_and_changes_nothing(
    sandbox: SandboxServer, bot: Runtime, uow_factory: UnitOfWorkFactory
):
    sb = sandbox
    sb.add_user(OFFICE_ID, "管理员")
    sb.add_user(STRANGER, "路人")
    admin = ChatUser(sb, OFFICE_ID, "管理员")
    await admin.say("/start")
    with uow_factory() as uow:
        admin_person = uow.people.by_account("telegram", str(OFFICE_ID))
        assert admin_person is not None and admin_person.id is not None
        admin_id = admin_person.id
    serial = add_project(uow_factory, admin_id, "新能源电机壳体项目", 20000)
    card = await admin.say(f"/project {serial}")
    assert serial in card["text"]  # in private, the office sees the card
    sb.add_group(GROUP, "招商工作群", [OFFICE_ID, STRANGER], "supergroup")
    before = counts(uow_factory)

    start = await in_group(sb, STRANGER, "/start")
    assert LINK in start["text"] and len(start["text"].splitlines()) == 1
    project = await in_group(sb, OFFICE_ID, f"/project@zhaoshang_sandbox_bot {serial}")
    assert LINK in project["text"] and serial not in project["text"]
    sb.send_text(STRANGER, "大家好，今天下午开会", chat_id=GROUP)  # not for the bot: no answer
    sb.send_sticker(STRANGER, chat_id=GROUP)
    sb.send_text(STRANGER, "/start@some_other_bot", chat_id=GROUP)
    await sb.wait_idle(idle_ms=300, timeout=15)
    reply = await in_group(sb, STRANGER, "怎么登记？", reply_to=start["message_id"])
    assert LINK in reply["text"]
    mention = await in_group(sb, STRANGER, "@zhaoshang_sandbox_bot 你好")
    assert LINK in mention["text"]

    query_id = sb.forge_press(OFFICE_ID, GROUP, project["message_id"], "pj:restart")
    await sb.wait_idle(idle_ms=200, timeout=15)
    answer = sb.state.callback_queries[query_id]
    assert answer.answered and answer.show_alert and LINK in (answer.answer_text or "")

    said = bot_messages(sb, GROUP)
    assert len(said) == 4 and all(LINK in text for text in said)
    assert not any("广东华锐" in text or "姓名" in text for text in said)
    assert bot_messages(sb, STRANGER) == []  # nothing was started for the stranger
    assert counts(uow_factory) == before  # no person, account, draft or audit row
    assert sb.unanswered_callback_queries() == []


async def test_the_outbox_still_delivers_to_a_group(
    sandbox: SandboxServer, bot: Runtime, uow_factory: UnitOfWorkFactory
):
    sandbox.add_user(OFFICE_ID, "管理员")
    sandbox.add_group(GROUP, "招商工作群", [OFFICE_ID])
    with uow_factory() as uow:
        uow.outbox.enqueue(str(GROUP), {"text": "📣 本周洽谈会安排已发布"})
        uow.commit()
    bot.sender.wake()  # type: ignore[attr-defined]
    message = await sandbox.wait_for_bot_message(GROUP, timeout=15)
    assert message["text"] == "📣 本周洽谈会安排已发布"


def question(uow_factory: UnitOfWorkFactory, user_id: int) -> tuple[str, dict[str, Any]]:
    with uow_factory() as uow:
        person = uow.people.by_account("telegram", str(user_id))
        assert person is not None and person.id is not None
        row = uow.drafts.active(person.id, str(user_id))
        assert row is not None
        draft = Draft.model_validate(row.data)
        return draft.current, dict(draft.answers)


async def answer_to(sb: SandboxServer, user_id: int, send: Any) -> str:
    mark = sb.mark()
    send()
    reply = await sb.wait_for_bot_message(user_id, since=mark, timeout=15)
    await sb.wait_idle(idle_ms=100, timeout=15)
    return str(reply["text"])


async def test_stickers_locations_contacts_and_edits_each_get_one_line(
    sandbox: SandboxServer, bot: Runtime, uow_factory: UnitOfWorkFactory
):
    sb = sandbox
    sb.add_user(STRANGER, "李明")
    visitor = ChatUser(sb, STRANGER, "李明")
    await visitor.say("/start")  # the registration form opens on the name
    assert question(uow_factory, STRANGER)[0] == "name"

    text = await answer_to(sb, STRANGER, lambda: sb.send_sticker(STRANGER))
    assert text == "我无法读取贴纸。当前问题“您的姓名”：请直接输入文字。"
    await visitor.say("李明")
    text = await answer_to(sb, STRANGER, lambda: sb.send_location(STRANGER, 23.6, 113.0))
    assert text == "我无法读取位置。当前问题“所在企业”：请直接输入文字。"
    company = sb.send_text(STRANGER, "广东华锐精密科技股份有限公司")
    await sb.wait_for_bot_message(STRANGER, lambda m: "联系电话" in m["text"], timeout=15)
    await sb.wait_idle(idle_ms=100, timeout=15)
    text = await answer_to(sb, STRANGER, lambda: sb.send_contact(STRANGER, "13800138000", "李"))
    assert text.startswith("我无法读取联系人名片。当前问题“联系电话”：请输入电话号码")
    for kind in ("voice", "video", "video_note", "animation"):
        text = await answer_to(sb, STRANGER, lambda k=kind: sb.send_media(STRANGER, k))
        assert text.startswith("我无法读取") and "当前问题“联系电话”" in text
    text = await answer_to(sb, STRANGER, lambda: sb.send_poll(STRANGER, "？", ["是", "否"]))
    assert text.startswith("我无法读取投票。")
    text = await answer_to(sb, STRANGER, lambda: sb.send_dice(STRANGER))
    assert text.startswith("我无法读取骰子。")
    photo = await answer_to(sb, STRANGER, lambda: sb.send_photo(STRANGER, make_png()))
    assert "联系电话" in photo  # a photo without a caption is answered too
    before = question(uow_factory, STRANGER)

    edit = await answer_to(
        sb, STRANGER, lambda: sb.edit_message(STRANGER, STRANGER, company["message_id"], "别家")
    )
    assert edit.startswith("✏️ 修改已发送的消息不会被采纳") and "/back" in edit and "✏️ 修改" in edit
    assert question(uow_factory, STRANGER) == before  # the answer was not changed
    assert before[1]["company"] == "广东华锐精密科技股份有限公司"
    one_liners = [t for t in bot_messages(sb, STRANGER) if t.startswith(("我无法读取", "✏️"))]
    assert len(one_liners) == 10 and all("\n" not in t for t in one_liners)


async def test_with_no_form_open_the_answer_says_what_the_bot_reads(
    sandbox: SandboxServer, bot: Runtime
):
    sandbox.add_user(OFFICE_ID, "管理员")
    admin = ChatUser(sandbox, OFFICE_ID, "管理员")
    await admin.say("/start")
    text = await answer_to(sandbox, OFFICE_ID, lambda: sandbox.send_sticker(OFFICE_ID))
    assert text == "我无法读取贴纸。我能处理文字、命令、按钮和文件；发送 /help 查看可用功能。"
    sent = sandbox.send_text(OFFICE_ID, "/help")
    await sandbox.wait_idle(idle_ms=200, timeout=15)
    text = await answer_to(
        sandbox,
        OFFICE_ID,
        lambda: sandbox.edit_message(OFFICE_ID, OFFICE_ID, sent["message_id"], "/my"),
    )
    assert text == "✏️ 修改已发送的消息不会被采纳，已保存的内容没有改变。请重新发送一条新消息。"
    live = sandbox.send_location(OFFICE_ID, 23.6, 113.0, live_period=600)
    await sandbox.wait_idle(idle_ms=200, timeout=15)
    marked = len(bot_messages(sandbox, OFFICE_ID))
    # A live location edits itself as it moves: no answer to each of those.
    live_data = sandbox.state.message(OFFICE_ID, live["message_id"])
    assert live_data is not None
    sandbox.state.updates.push("edited_message", {**live_data.data, "edit_date": live["date"] + 5})
    await sandbox.wait_idle(idle_ms=300, timeout=15)
    assert len(bot_messages(sandbox, OFFICE_ID)) == marked
