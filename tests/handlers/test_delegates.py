"""A/B 岗 from chat: a unit's head (or the office) names a colleague to act for one of the
unit's reviewers, and removes them; the delegate's card says for whom they act, and the record
of each opinion says who pressed and for whom."""

from __future__ import annotations

import pytest
from sqlmodel import col, select

from conversations.replies import Reply
from documents.word import docx_text
from handlers.context import Services
from handlers.dispatch import Dispatcher
from handlers.sweeps import run_all
from storage.tables import AuditEntry, Invitation, OutboxMessage, PersonRole
from tests.handlers.conftest import Person, person
from tests.handlers.flows import (
    conclude,
    give_opinions,
    official,
    person_id,
    project,
    review_team,
)
from workflow.roles import Role

SERIAL = "QX-2026-0001"
REVIEWER = "环保局环境影响评审"  # review_team's reviewer of 环境影响 for 环保局
COLLEAGUE = "环保局李四"


@pytest.fixture
def office(services: Services, dispatcher: Dispatcher) -> Person:
    official(services, "800", "办公室王", Role.OFFICE, "office")
    return person(dispatcher, "800", "办公室王")


@pytest.fixture
def team(services: Services, dispatcher: Dispatcher) -> dict[str, Person]:
    return review_team(services, dispatcher)


@pytest.fixture
def head(services: Services, dispatcher: Dispatcher) -> Person:
    """The head (单位负责人) of 环保局, and a colleague of the unit who has joined."""
    official(services, "1200", "环保局局长", Role.UNIT_HEAD, "environment")
    official(services, "1201", COLLEAGUE, Role.UNIT_REPORTER, "environment")
    return person(dispatcher, "1200", "环保局局长")


@pytest.fixture
def round_open(services: Services, office: Person, team: dict[str, Person]) -> None:
    project(services, SERIAL, 20000)
    office.says(f"/project {SERIAL}")
    office.press("⚖️ 发起评审")


def name_colleague(head: Person) -> list[Reply]:
    head.says("/delegate")
    head.press(f"👤 为 {REVIEWER} 指定 A/B 岗")
    confirm = head.press(COLLEAGUE)
    assert "确认由" in confirm[0].text and confirm[0].edit
    return head.press("✅ 确认")


def audited(s: Services, action: str | None = None) -> list[AuditEntry]:
    """The audit rows (of one action), read while their session is open."""
    with s.uow() as uow:
        stmt = select(AuditEntry)
        if action is not None:
            stmt = stmt.where(AuditEntry.action == action)
        return [AuditEntry.model_validate(e.model_dump()) for e in uow.session.exec(stmt)]


def outbox(s: Services, chat: str) -> list[Reply]:
    """What the outbox holds for a chat, in the order it was queued."""
    with s.uow() as uow:
        stmt = select(OutboxMessage).where(OutboxMessage.chat_id == chat)
        return [
            Reply.from_dict(m.payload)
            for m in uow.session.exec(stmt.order_by(col(OutboxMessage.id)))
        ]


def texts(s: Services, chat: str) -> list[str]:
    return [r.text for r in outbox(s, chat)]


def test_a_units_head_names_a_delegate_who_gets_the_open_cards_saying_for_whom(
    services: Services, dispatcher: Dispatcher, head: Person, team, round_open
):
    listing = head.says("/delegate")[0]
    assert "A/B 岗 · 区环境保护局" in listing.text and f"{REVIEWER} — 环境影响" in listing.text
    done = name_colleague(head)[0]
    assert f"已指定 {COLLEAGUE} 为 {REVIEWER} 的 A/B 岗，已将 1 张待审卡片" in done.text
    assert f"A/B 岗：{COLLEAGUE}" in done.text and done.edit
    told, card = texts(services, "1201")
    assert f"环保局局长 指定您代 {REVIEWER}（区环境保护局）审核" in told
    assert f"👥 A/B 岗：代 {REVIEWER}（环保局）审核" in card
    assert any(
        f"指定 {COLLEAGUE} 代您审核" in t for t in texts(services, team["environment"].user_id)
    )
    (entry,) = audited(services, "name_delegate")
    with services.uow() as uow:
        assert entry.actor_id == person_id(uow, "1200")
        assert entry.to_value == str(person_id(uow, "1201"))


def test_the_delegates_opinion_records_who_pressed_and_for_whom(
    services: Services, dispatcher: Dispatcher, head: Person, team, round_open
):
    name_colleague(head)
    delegate = person(dispatcher, "1201", COLLEAGUE)
    delegate.seen += outbox(services, "1201")
    card = delegate.press("✅ 同意")[0]
    assert f"本单位意见：同意</b>（由 {COLLEAGUE} 代为填报）" in card.text
    assert f"代 {REVIEWER}（环保局）审核" in card.text
    (entry,) = [
        e for e in audited(services, "review_opinion") if e.note and e.note.startswith("environ")
    ]
    with services.uow() as uow:
        reviewer_id, delegate_id = person_id(uow, "1001"), person_id(uow, "1201")
    assert (
        entry.actor_id == delegate_id
        and entry.note == f"environment/environment for:{reviewer_id}"
    )
    # The reviewer's own card and the office's progress card say it too.
    reviewer_card = [t for t in texts(services, "1001") if "项目评审 · 环境影响" in t][-1]
    assert f"（由 {COLLEAGUE} 代为填报）" in reviewer_card
    progress = [t for t in texts(services, "800") if "评审进度" in t][-1]
    assert f"环境影响（环保局 · {REVIEWER}，由 {COLLEAGUE} 代为填报）：同意" in progress
    # Once the round closes, the 评审意见表 prints it under the unit's opinion.
    team.pop("environment")
    give_opinions(services, team)
    sheet = next(r for r in conclude(services, dispatcher) if r.document)
    assert sheet.document is not None
    assert f"评审人：{REVIEWER}（由 {COLLEAGUE} 代为填报）" in docx_text(
        sheet.document.content or b""
    )


def test_a_removed_delegates_cards_lose_their_buttons_and_a_press_is_refused(
    services: Services, dispatcher: Dispatcher, head: Person, team, round_open
):
    name_colleague(head)
    delegate = person(dispatcher, "1201", COLLEAGUE)
    delegate.seen += outbox(services, "1201")
    agree = next(
        b.data for r in delegate.seen for row in r.buttons for b in row if b.text == "✅ 同意"
    )
    head.says("/delegate")
    assert "确认取消" in head.press(f"✖ 取消代理：{COLLEAGUE}（代 {REVIEWER}）")[0].text
    done = head.press("✅ 确认")[0]
    assert f"已取消 {COLLEAGUE} 作为 {REVIEWER} 的 A/B 岗" in done.text
    assert "A/B 岗：未设" in done.text
    after = outbox(services, "1201")[2:]
    assert "已取消您代" in after[0].text
    assert "您已不再代" in after[1].text and not after[1].buttons and after[1].card
    # No longer a reviewer of the unit at all: the press is refused before any lookup.
    assert "您没有权限进行此操作" in delegate.press_data(agree or "")[0].text
    with services.uow() as uow:
        assert all(op.verdict is None for op in uow.reviews.opinions(1))
    with services.uow() as uow:
        rows = uow.session.exec(select(PersonRole).where(PersonRole.delegate_of != None))  # noqa: E711
        assert not list(rows)
    assert len(audited(services, "remove_delegate")) == 1


def test_a_head_cannot_name_or_remove_a_delegate_for_another_unit(
    services: Services, dispatcher: Dispatcher, head: Person, team, round_open
):
    official(services, "1300", "经信局张", Role.UNIT_REPORTER, "econ")
    with services.uow() as uow:
        econ_row = next(
            r.id
            for r in uow.people.role_rows(Role.REVIEWER.value, "econ")
            if r.delegate_of is None
        )
        env = next(r for r in uow.people.role_rows(Role.REVIEWER.value, "environment"))
        env_row, env_reviewer = env.id, env.person_id
        outsider, colleague = person_id(uow, "1300"), person_id(uow, "1201")
    for data in (
        f"dg:r:{econ_row}",
        f"dg:ok:{econ_row}:{colleague}",
        f"dg:u:{0}",  # 发改局, the first unit that reviews
    ):
        assert "只能为本单位的评审人员" in head.press_data(data)[0].text, data
    # Nor may a colleague of another unit (or the reviewer themselves) stand in.
    for pid in (outsider, env_reviewer):
        assert "只能由本单位已加入的工作人员" in head.press_data(f"dg:ok:{env_row}:{pid}")[0].text
    with services.uow() as uow:
        assert not list(uow.people.delegates(Role.REVIEWER.value, "econ"))
        assert not list(uow.people.delegates(Role.REVIEWER.value, "environment"))
    refusals = [e for e in audited(services) if not e.allowed]
    assert len(refusals) == 5
    # A reviewer (no head) cannot use /delegate at all; the office can, for any unit.
    office = person(dispatcher, "800", "办公室王")
    assert "请选择单位" in office.says("/delegate")[0].text
    assert "区发展改革局" in office.press("发改局")[0].text


def test_a_new_colleague_invited_as_the_delegate_joins_and_takes_the_open_cards(
    services: Services, dispatcher: Dispatcher, head: Person, team, round_open
):
    head.says("/delegate")
    head.press(f"👤 为 {REVIEWER} 指定 A/B 岗")
    link = head.press("✉️ 邀请新同事")[0].text
    assert f"代 {REVIEWER}（区环境保护局）审核" in link
    code = link.split("start=")[1].split()[0]
    # The reviewer cannot stand in for themselves.
    assert "不能由您本人使用" in team["environment"].says(f"/start {code}")[0].text
    newcomer = person(dispatcher, "1400", "环保局赵六")
    welcome = newcomer.says(f"/start {code}")[0]
    assert f"作为 {REVIEWER}（区环境保护局）的 A/B 岗" in welcome.text
    (card,) = newcomer.press("📥 查看待审事项")
    assert f"代 {REVIEWER}（环保局）审核" in card.text
    assert any("赵六" in t and "A/B 岗" in t for t in texts(services, team["environment"].user_id))
    with services.uow() as uow:
        (inv,) = uow.session.exec(select(Invitation)).all()
        assert inv.delegate_of == person_id(uow, "1001") and inv.used_by is not None


def test_invite_offers_the_ab_post_to_the_office(services: Services, office: Person):
    choices = office.says("/invite")[0]
    labels = [b.text for row in choices.buttons for b in row]
    assert "👥 A/B 岗（代理某审核人）" in labels
    assert "请选择单位" in office.press("👥 A/B 岗（代理某审核人）")[0].text


def test_a_delegate_is_reminded_with_the_reviewer_by_urge_and_before_the_deadline(
    services: Services,
    dispatcher: Dispatcher,
    office: Person,
    head: Person,
    team,
    round_open,
    clock,
):
    name_colleague(head)
    office.says("/urge")
    urged = [r for r in outbox(services, "1201") if "催办" in r.text]
    assert len(urged) == 1 and urged[0].buttons  # the card's buttons come along
    give_opinions(services, {k: r for k, r in team.items() if k != "environment"})
    clock.now = clock.now.replace(day=27)  # Friday: the working day before the deadline
    run_all(services)
    run_all(services)
    for chat in ("1201", team["environment"].user_id):
        assert len([r for r in outbox(services, chat) if "评审提醒" in r.text]) == 1


def test_whoami_tells_a_delegate_for_whom_they_act(
    services: Services, dispatcher: Dispatcher, head: Person, team, round_open
):
    name_colleague(head)
    delegate = person(dispatcher, "1201", COLLEAGUE)
    assert f"A/B 岗：代 {REVIEWER} 审核" in delegate.says("/whoami")[0].text
