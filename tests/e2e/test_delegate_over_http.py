"""A/B 岗 over Telegram's HTTP API, on both runtimes: the head of 环保局 names a colleague to act
for the unit's reviewer by buttons; the colleague gets the card saying for whom they act and
presses 同意; the office's progress card says who pressed for whom; the head removes the
delegate, whose card loses its buttons, and a further press by them is refused."""

from __future__ import annotations

from bot.demo import ChatUser
from bot.runtimes import Runtime
from sandbox import SandboxServer
from storage.uow import UnitOfWorkFactory
from tests.e2e.officials import joined
from tests.e2e.test_review_and_decision import add_project, newest, press_on, settle
from workflow.roles import Role

OFFICE, REVIEWER, HEAD, COLLEAGUE, INVESTOR = 800, 1001, 1200, 1201, 10001
PEOPLE = {
    OFFICE: ("王主任", Role.OFFICE, "office", None),
    REVIEWER: ("环保局张三", Role.REVIEWER, "environment", "environment"),
    HEAD: ("环保局局长", Role.UNIT_HEAD, "environment", None),
    COLLEAGUE: ("环保局李四", Role.UNIT_REPORTER, "environment", None),
    INVESTOR: ("投资方", Role.INVESTOR, None, None),
}


def people(sb: SandboxServer, uow_factory: UnitOfWorkFactory) -> dict[int, ChatUser]:
    """Everyone as an accepted invitation leaves them."""
    return {
        user_id: joined(sb, uow_factory, user_id, role, unit, name=name, dimension=dimension)[0]
        for user_id, (name, role, unit, dimension) in PEOPLE.items()
    }


def opinion_of(uow_factory: UnitOfWorkFactory, serial: str) -> int:
    with uow_factory() as uow:
        project = uow.projects.by_serial(serial)
        assert project is not None and project.id is not None
        rnd = uow.reviews.latest(project.id)
        assert rnd is not None and rnd.id is not None
        return next(o.id or 0 for o in uow.reviews.opinions(rnd.id) if o.unit_id == "environment")


async def test_a_head_names_and_removes_a_delegate_who_acts_for_the_reviewer(
    sandbox: SandboxServer, bot: Runtime, uow_factory: UnitOfWorkFactory
):
    sb = sandbox
    chat = people(sb, uow_factory)
    with uow_factory() as uow:
        investor = uow.people.by_account("telegram", str(INVESTOR))
        assert investor is not None and investor.id is not None
        investor_id = investor.id
    serial = add_project(uow_factory, investor_id, "新材料二期项目", 20000)
    office, head, colleague = chat[OFFICE], chat[HEAD], chat[COLLEAGUE]
    await office.say(f"/project {serial}")
    await press_on(sb, office, "✅ 确认入库", serial)
    await press_on(sb, office, "⚖️ 发起评审", serial)
    await settle(sb, bot)

    # The head names the colleague, by buttons, with a confirmation on the same card.
    listing = await head.say("/delegate")
    assert "A/B 岗 · 区环境保护局" in listing["text"]
    await head.press("👤 为 环保局张三 指定 A/B 岗")
    await head.press("环保局李四")
    assert (
        "确认由 环保局李四 作为 环保局张三（区环境保护局）的 A/B 岗"
        in newest(sb, HEAD, "确认")["text"]
    )
    await head.press("✅ 确认")
    assert "已指定 环保局李四 为 环保局张三 的 A/B 岗" in newest(sb, HEAD, "A/B 岗 ·")["text"]
    await settle(sb, bot)
    assert "指定 环保局李四 代您审核" in newest(sb, REVIEWER, "A/B 岗")["text"]

    # The colleague's card says for whom they act; their 同意 is recorded as given for him.
    card = newest(sb, COLLEAGUE, serial, "代 环保局张三（环保局）审核", button="✅ 同意")
    assert card
    answer = await press_on(sb, colleague, "✅ 同意", serial)
    assert "（由 环保局李四 代为填报）" in answer["text"]
    await settle(sb, bot)
    progress = newest(sb, OFFICE, "评审进度", serial)["text"]
    assert "环境影响（环保局 · 环保局张三，由 环保局李四 代为填报）：同意" in progress

    # The head removes the delegate: their card loses its buttons; a press is refused.
    await head.say("/delegate")
    await head.press("✖ 取消代理：环保局李四（代 环保局张三）")
    await head.press("✅ 确认")
    assert "已取消 环保局李四 作为 环保局张三 的 A/B 岗" in newest(sb, HEAD, "A/B 岗 ·")["text"]
    await settle(sb, bot)
    former = next(
        e
        for e in reversed(sb.transcript(COLLEAGUE))
        if e.sender == "bot" and serial in (e.text or "")
    )
    assert "您已不再代 环保局张三（环保局）审核" in (former.text or "") and not former.buttons
    mark = sb.mark()
    sb.forge_press(
        COLLEAGUE, COLLEAGUE, former.message_id, f"rv:edit:{opinion_of(uow_factory, serial)}"
    )
    denial = await colleague._answer(mark)
    assert "您没有权限进行此操作" in denial["text"]
