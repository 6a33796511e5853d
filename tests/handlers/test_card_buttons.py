"""Two actions never share callback data. A project is taken through the documents' whole path
— ① to signing, review, the joint meeting, the city, 发改局, liaison, an exception request and
a forum — and every card and prompt the bot builds on the way, answers and notifications
alike, is read: within one message no two buttons carry the same data, every button's data
reads through its prefix's schema (handlers/buttons.py, or the form's), and a label always
names the same action."""

from __future__ import annotations

import re
from collections import defaultdict

import pytest
from sqlmodel import select

from conversations.callbacks import MAX_CALLBACK_BYTES, CallbackDataError, decode
from conversations.inbound import Inbound
from conversations.replies import Button, Outcome, Reply
from conversations.views import FORM_BUTTONS
from handlers.context import Services
from handlers.dispatch import Dispatcher, Then
from storage.tables import OutboxMessage
from tests.conftest import Clock
from tests.handlers.conftest import ROUTES, Person, person
from tests.handlers.flows import (
    CHAIR_ID,
    cards_for,
    conclude,
    give_opinions,
    official,
    project,
    project_of,
    review_team,
)
from workflow.roles import Role

_ANSWER = re.compile(r":y[0-9a-f]{8}$")  # the 确认 of a confirmation question (handlers/confirm)


class Recorder(Dispatcher):
    """The dispatcher, keeping every reply it gives."""

    def __init__(self, services: Services) -> None:
        super().__init__(services)
        self.replies: list[Reply] = []

    def handle(self, event: Inbound, *, then: Then | None = None) -> Outcome:
        outcome = super().handle(event, then=then)
        self.replies += outcome.replies
        return outcome


@pytest.fixture
def recorder(services: Services) -> Recorder:
    return Recorder(services)


def press(who: Person, label: str, reply: Reply | None = None) -> list[Reply]:
    """Press a button, and 确认 when the action asks for confirmation on the same card."""
    return confirmed(who, who.press(label, reply))


def confirmed(who: Person, replies: list[Reply]) -> list[Reply]:
    """确认, when these replies ask for it."""
    for r in replies:
        for row in r.buttons:
            for b in row:
                if b.data and _ANSWER.search(b.data):
                    return who.press(b.data, r)
    return replies


def every_card(s: Services, recorder: Recorder) -> list[Reply]:
    """What the bot said: its answers, and everything the outbox holds."""
    with s.uow() as uow:
        queued = [Reply.from_dict(m.payload) for m in uow.session.exec(select(OutboxMessage))]
    return [*recorder.replies, *queued]


def problems(cards: list[Reply]) -> list[str]:
    """What is wrong with the cards' buttons, in words."""
    found: list[str] = []
    labels: dict[tuple[str, str], set[str]] = defaultdict(set)
    for card in cards:
        datas = [b.data for row in card.buttons for b in row if b.data is not None]
        for data in sorted({d for d in datas if datas.count(d) > 1}):
            shared = [b.text for row in card.buttons for b in row if b.data == data]
            found.append(f"{shared} share {data} on {card.text[:40]!r}")
        for row in card.buttons:
            for b in row:
                if b.data is None:
                    continue
                if len(b.data.encode()) > MAX_CALLBACK_BYTES:
                    found.append(f"{b.text}: {b.data} is over {MAX_CALLBACK_BYTES} bytes")
                try:
                    raw = decode(b.data)
                    spec = ROUTES.buttons.get(raw.prefix)
                    schema = FORM_BUTTONS if raw.prefix == FORM_BUTTONS.prefix else None
                    schema = spec.schema if spec is not None else schema
                    if schema is None:
                        raise CallbackDataError(f"no schema for {raw.prefix}")
                    read = schema.read(raw)
                except CallbackDataError as exc:
                    found.append(f"{b.text}: {b.data} does not read: {exc}")
                    continue
                labels[(read.prefix, b.text)].add(read.action)
    for (prefix, label), actions in labels.items():
        if len(actions) > 1:
            found.append(f"{label!r} names {sorted(actions)} of {prefix}")
    return found


def test_no_two_buttons_of_any_card_share_callback_data(
    services: Services, recorder: Recorder, clock: Clock
) -> None:
    s = services
    official(s, "800", "办公室王", Role.OFFICE, "office")
    official(s, "700", "市办刘", Role.CITY_OFFICE, "city_office")
    official(s, "701", "常务副组长陈", Role.CITY_EXEC_DEPUTY, "city_group")
    official(s, "702", "组长黄", Role.CITY_LEADER, "city_group")
    official(s, "810", "发改局李", Role.DRC_FILING, "drc")
    official(s, "310", "经信局张局长", Role.UNIT_HEAD, "econ")
    official(s, "311", "经信局小陈", Role.UNIT_REPORTER, "econ")
    official(s, "330", "张国力", Role.LEADER, "district_gov")
    team = review_team(s, recorder)
    office = person(recorder, "800", "办公室王")
    pid = project(s, "QX-2026-0001", 20000, stage="lead")
    with s.uow() as uow:
        p = project_of(uow, pid)
        p.plan = {**p.plan, "phase_count": 1, "phases": [{"start": "2027-03", "end": "2028-06"}]}
        uow.session.add(p)
        uow.commit()

    # ① → ② → ③, with the negotiation team and notes.
    office.says("/project QX-2026-0001")
    press(office, "✅ 确认入库")
    office.press("👥 洽谈专班")
    office.press("张国力")
    office.says("/project QX-2026-0001")
    press(office, "🤝 进入洽谈")
    office.press("📝 洽谈记录")
    office.says("11月20日在工业园与企业洽谈。")
    office.press("✅ 提交")
    # ④ review: the reviewers' cards, the progress card, the conclusion card.
    press(office, "⚖️ 发起评审")
    give_opinions(s, team)
    confirmed(person(recorder, CHAIR_ID, "评审组长张"), conclude(s, recorder))
    # The joint meeting, its decision, and the city's filing.
    office.says("/meeting")
    office.press("➕ 安排新的联席会议")
    office.says("2026-12-03")
    office.press("14:30")
    office.says("区政府第一会议室")
    office.press("✅ 提交")
    office.says("/agenda 1 QX-2026-0001")
    press(office, "✅ QX-2026-0001 准予落户")
    city = person(recorder, "700", "市办刘")
    city.seen += cards_for(s, "700")
    press(city, "✅ 确认收到备案")
    # Signing, 发改局's card, and liaison.
    office.says("/project QX-2026-0001")
    office.press("✍️ 登记签约")
    for answer in ("2026-11-23", None, "张国力 副区长", "2027-03", "2028-06", "420", "8.5亿"):
        if answer is None:
            office.press(office.seen[-1].buttons[0][0].text)
        else:
            office.says(answer)
    for answer in ("4200万元", None, None, None):
        if answer is None:
            office.press(office.seen[-1].buttons[0][0].text)
        else:
            office.says(answer)
    office.press("✅ 提交")
    office.says("/project QX-2026-0001")
    office.press("🤝 联络员")
    office.press("经信局")
    # An exception request to the city's approvers, and a forum.
    project(s, "QX-2026-0002", 20000, "lead", land_mu=200)  # 80 万元/亩: prohibited
    office.says("/project QX-2026-0002")
    office.press("📨 申请例外（报市领导小组）")
    office.press("战略性新兴产业项目")
    office.says("主要产品为高性能碳纤维复合材料，属指导目录3.4.1条。")
    office.press("✅ 提交")
    office.says("/forum")
    office.says("2026-12-03")
    office.press("14:30")
    office.says("区政府第一会议室")
    office.press("✅ 提交")

    cards = every_card(s, recorder)
    prefixes = {decode(b.data).prefix for c in cards for row in c.buttons for b in row if b.data}
    # The path reached every kind of card, so the check below is about them all.
    assert {"pr", "rv", "rp", "rc", "mt", "cy", "df", "lz", "ax", "fo", "f"} <= prefixes, prefixes
    assert problems(cards) == []


def test_a_confirmed_project_offers_to_start_negotiation_and_to_record_talks(
    services: Services, recorder: Recorder
) -> None:
    official(services, "800", "办公室王", Role.OFFICE, "office")
    pid = project(services, "QX-2026-0001", 20000, stage="confirmed")
    office = person(recorder, "800", "办公室王")
    [card] = office.says("/project QX-2026-0001")
    buttons = {b.text: b.data for row in card.buttons for b in row}
    assert buttons["🤝 进入洽谈"] == f"pr:talk:{pid}"
    assert buttons["📝 洽谈记录"] == f"pr:neg:{pid}"

    [moved] = press(office, "🤝 进入洽谈")
    assert moved.edit, "the card pressed is edited in place"
    with services.uow() as uow:
        assert project_of(uow, pid).stage == "negotiation"
    labels = [b.text for row in moved.buttons for b in row]
    assert "📝 洽谈记录" in labels and "🤝 进入洽谈" not in labels


def test_a_card_whose_buttons_collide_is_caught() -> None:
    card = Reply("②", ((Button("🤝 进入洽谈", "pr:neg:1"), Button("📝 洽谈记录", "pr:neg:1")),))
    assert problems([card]) == ["['🤝 进入洽谈', '📝 洽谈记录'] share pr:neg:1 on '②'"]
    other = Reply("③", ((Button("🤝 进入洽谈", "pr:confirm:1"), Button("?", "zz:x:1")),))
    assert problems([card, other])[1:] == [
        "?: zz:x:1 does not read: no schema for zz",
        "'🤝 进入洽谈' names ['confirm', 'neg'] of pr",
    ]
