"""Signing through the handlers (001 八; 000 一(二)2(3)): every required clause, the signer's
capacity and who authorised them, the agreement's figures against the screened plan, and
发改局's own 核准并备案."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import col, select

from conversations.replies import Reply
from handlers.context import Services
from handlers.dispatch import Dispatcher
from storage.tables import Agreement, CityCase, Meeting, MeetingItem, OutboxMessage
from tests.handlers.conftest import Person, person
from tests.handlers.flows import official, person_id, project, project_of
from workflow.roles import Role

# The plan of flows.project(20000): 40 亩, fixed 16000 万元 (400 万元/亩), output 6 亿, tax 3500.
MATCHING = ("2026-11-23", "2027-03", "2028-06", "400", "6亿", "3500万元")


@pytest.fixture
def office(services: Services, dispatcher: Dispatcher) -> Person:
    official(services, "800", "办公室王", Role.OFFICE, "office")
    return person(dispatcher, "800", "办公室王")


@pytest.fixture
def drc(services: Services, dispatcher: Dispatcher) -> Person:
    official(services, "810", "发改局李", Role.DRC_FILING, "drc")
    return person(dispatcher, "810", "发改局李")


def signable(s: Services, serial: str = "QX-2026-0001") -> int:
    """A project the joint meeting approved and the city has on file: ready to sign."""
    pid = project(s, serial, 20000, "cleared")
    with s.uow() as uow:
        p = project_of(uow, pid)
        p.plan = {**p.plan, "phase_count": 1, "phases": [{"start": "2027-03", "end": "2028-06"}]}
        uow.session.add(p)
        meeting = Meeting(title="联席会议", scheduled_at=s.clock() - timedelta(days=3))
        uow.decisions.add(meeting)
        uow.decisions.add(
            MeetingItem(
                meeting_id=meeting.id or 0,
                project_id=pid,
                decision="approved",
                decided_at=s.clock(),
            )
        )
        uow.decisions.add(CityCase(project_id=pid, route="filing", status="cleared"))
        uow.commit()
    return pid


def fill(
    who: Person,
    pid: int,
    *,
    figures: tuple[str, ...] = MATCHING,
    signer: str = "区长",
    authoriser: str | None = None,
    clauses: tuple[str, ...] = ("是", "是", "是"),
    submit: bool = True,
) -> None:
    """Register the agreement on the project card, answering each question."""
    who.press_data(f"pr:sign:{pid}")
    signed_on, *committed = figures
    who.says(signed_on)
    who.press(signer)
    if authoriser is not None:
        who.press(authoriser)
    who.says("张国力 副区长")
    for answer in committed:
        who.says(answer)
    for answer in clauses:
        who.press(answer)
    if submit:
        who.press("✅ 提交")


def agreement(s: Services, pid: int) -> Agreement | None:
    """The project's agreement as stored now (a copy, readable after the unit of work)."""
    with s.uow() as uow:
        found = uow.decisions.agreement(pid)
        return Agreement.model_validate(found.model_dump()) if found else None


def cards_for(s: Services, user_id: str, prefix: str) -> list[Reply]:
    """The cards the outbox holds for a chat, as the person will see them."""
    with s.uow() as uow:
        rows = uow.session.exec(
            select(OutboxMessage)
            .where(OutboxMessage.chat_id == user_id)
            .order_by(col(OutboxMessage.id))
        )
        return [
            Reply.from_dict(m.payload)
            for m in rows
            if (m.payload.get("card") or "").startswith(prefix)
        ]


@pytest.mark.parametrize("missing", [0, 1, 2])
def test_an_agreement_without_one_of_the_three_clauses_is_not_registered(
    services: Services, office: Person, missing: int
):
    pid = signable(services)
    clauses = ("是",) * missing
    fill(office, pid, clauses=clauses, submit=False)
    replies = office.press("否")
    name = ("退出机制", "违约责任", "监管责任")[missing]
    assert f"协议书未载明{name}条款，不能登记" in replies[0].text
    assert f"{name}条款" in replies[-1].text  # the same question again
    with services.uow() as uow:
        (draft,) = uow.drafts.of_person(person_id(uow, office.user_id))
        clause = ("exit_mechanism", "breach_liability", "supervision_duty")[missing]
        assert clause not in draft.data["answers"]
    assert agreement(services, pid) is None
    with services.uow() as uow:
        assert project_of(uow, pid).stage == "cleared"


def test_an_agreement_with_all_three_clauses_is_registered_and_goes_to_the_drc(
    services: Services, office: Person, drc: Person
):
    pid = signable(services)
    fill(office, pid)
    assert "已登记签约" in office.text
    assert "协议指标与遴选评审时的承诺一致" in office.text
    a = agreement(services, pid)
    assert a is not None and a.exit_mechanism and a.breach_liability and a.supervision_duty
    assert a.signer_capacity == "district_head" and a.authorised_by is None
    assert "区长 张国力 副区长 签订" in office.text
    assert len(cards_for(services, drc.user_id, "df:")) == 1


def test_a_differing_figure_is_shown_at_registration_and_on_the_card(
    services: Services, office: Person
):
    pid = signable(services)
    fill(office, pid, figures=("2026-11-23", "2027-03", "2028-06", "380", "6亿", "3500万元"))
    assert "协议指标与遴选评审时项目方的承诺不一致" in office.text
    assert "投资强度（万元/亩）：遴选承诺 400，协议 380" in office.text
    assert "税收贡献" not in office.text  # only what differs
    office.says("/project QX-2026-0001")
    assert "投资强度（万元/亩）：遴选承诺 400，协议 380" in office.text


def test_an_authorised_leader_is_asked_who_authorised_them(services: Services, office: Person):
    pid = signable(services)
    office.press_data(f"pr:sign:{pid}")
    office.says("2026-11-23")
    office.press("区长授权的分管领导")
    assert "由哪位区长授权" in office.text
    assert any("张仁建" in b.text for row in office.seen[-1].buttons for b in row)
    office.press("张仁建（区委副书记、区长）")
    office.says("张国力 副区长")
    for answer in MATCHING[1:]:
        office.says(answer)
    for answer in ("是", "是", "是"):
        office.press(answer)
    office.press("✅ 提交")
    assert "张国力 副区长 经区长张仁建授权签订" in office.text
    a = agreement(services, pid)
    assert a is not None and a.signer_capacity == "authorised_leader"
    with services.uow() as uow:
        heads = uow.people.position_holders("leading_group_leader")
        assert a.authorised_by == heads[0].id and heads[0].name == "张仁建"


def test_the_district_head_signing_is_not_asked_for_an_authoriser(
    services: Services, office: Person
):
    pid = signable(services)
    office.press_data(f"pr:sign:{pid}")
    office.says("2026-11-23")
    office.press("区长")
    assert "签约人的姓名" in office.text


def test_an_authoriser_outside_the_roster_is_refused(services: Services, office: Person):
    pid = signable(services)
    office.press_data(f"pr:sign:{pid}")
    office.says("2026-11-23")
    office.press("区长授权的分管领导")
    replies = office.says("李四")  # typed, not one of the roster's 区长
    assert "张仁建" in replies[-1].text or any(
        "张仁建" in b.text for r in replies for row in r.buttons for b in row
    )
    with services.uow() as uow:
        (draft,) = uow.drafts.of_person(person_id(uow, office.user_id))
        assert "authoriser" not in draft.data["answers"]


def test_the_office_can_no_longer_file_with_the_drc(services: Services, office: Person):
    pid = signable(services)
    fill(office, pid)
    office.says("/project QX-2026-0001")
    labels = [b.text for row in office.seen[-1].buttons for b in row]
    assert not any("备案" in label for label in labels)
    assert "待区发展改革局核准并备案" in office.text
    refused = office.press_data(f"pr:drc:{pid}")
    assert refused and not refused[0].buttons
    refused = office.press_data(f"df:ok:{pid}")
    assert "没有权限" in refused[0].text
    a = agreement(services, pid)
    assert a is not None and a.drc_filed_on is None


def test_the_drc_approves_and_files_the_agreement_itself(
    services: Services, office: Person, drc: Person
):
    pid = signable(services)
    fill(office, pid)
    drc.seen += cards_for(services, drc.user_id, "df:")
    assert "核准并备案" in drc.text and "张国力" in drc.text
    drc.press("✅ 核准并备案")
    a = agreement(services, pid)
    assert a is not None and a.drc_filed_on == services.today()
    assert "已核准并备案" in drc.text and not drc.seen[-1].buttons
    office.says("/project QX-2026-0001")
    assert "发改局已核准并备案" in office.text
    again = drc.press_data(f"df:ok:{pid}")  # a second press changes nothing
    assert "已处理" in again[0].text


def test_another_units_filer_cannot_file(services: Services, office: Person, drc: Person):
    pid = signable(services)
    fill(office, pid)
    official(services, "811", "经信局某", Role.DRC_FILING, "econ")
    other = person(office.dispatcher, "811", "经信局某")
    refused = other.press_data(f"df:ok:{pid}")
    assert "没有权限" in refused[0].text
    a = agreement(services, pid)
    assert a is not None and a.drc_filed_on is None


def test_the_drc_returns_it_with_a_reason_and_the_office_registers_it_again(
    services: Services, office: Person, drc: Person
):
    pid = signable(services)
    fill(office, pid, figures=("2026-11-23", "2027-03", "2028-06", "380", "6亿", "3500万元"))
    drc.seen += cards_for(services, drc.user_id, "df:")
    assert "遴选承诺 400，协议 380" in drc.text
    drc.press("↩️ 退回办公室")
    drc.says("投资强度低于遴选承诺，请核实")
    drc.press("✅ 提交")
    a = agreement(services, pid)
    assert a is not None and a.drc_return_reason == "投资强度低于遴选承诺，请核实"
    assert a.drc_filed_on is None
    office.says("/project QX-2026-0001")
    assert "发改局退回" in office.text and "投资强度低于遴选承诺" in office.text
    fill(office, pid)
    assert "已重新登记协议" in office.text
    a = agreement(services, pid)
    assert a is not None and a.committed_intensity == 400 and a.drc_returned_at is None
    card = cards_for(services, drc.user_id, "df:")[-1]  # the corrected one comes back
    assert "协议指标与遴选评审时的承诺一致" in card.text and card.buttons


def test_a_signed_agreement_is_not_registered_twice(services: Services, office: Person):
    pid = signable(services)
    fill(office, pid)
    refused = office.press_data(f"pr:sign:{pid}")
    assert "已登记签约" in refused[0].text
    with services.uow() as uow:
        assert len(uow.session.exec(select(Agreement)).all()) == 1


def test_the_scan_question_states_the_limit_the_scan_is_checked_against(
    services: Services, office: Person
):
    from conversations.files import MAX_FILE_SIZE

    pid = signable(services)
    fill(office, pid)
    limit = MAX_FILE_SIZE // (1024 * 1024)
    asked = office.press_data(f"pr:scan:{pid}")
    assert f"不超过 {limit} MB" in asked[-1].text
    refused = office.sends_file("扫描件.pdf", "application/pdf", MAX_FILE_SIZE + 1)
    assert f"文件超过 {limit} MB" in refused[0].text
    taken = office.sends_file("扫描件.pdf", "application/pdf", MAX_FILE_SIZE)
    assert "请核对" in taken[-1].text


def test_with_nobody_at_the_drc_the_office_is_told_and_a_filer_who_joins_gets_the_card(
    services: Services, office: Person, clock
):
    from handlers.sweeps import run_all

    official(services, "801", "办公室赵", Role.OFFICE, "office")
    pid = signable(services)
    fill(office, pid)
    with services.uow() as uow:
        told = uow.session.exec(select(OutboxMessage).where(OutboxMessage.chat_id == "801"))
        assert any("还没有人担任“发改局核准备案”" in m.payload["text"] for m in told)
    clock.advance(hours=1)
    official(services, "812", "发改局新人", Role.DRC_FILING, "drc")
    clock.now = clock.now.replace(hour=2)  # 10:00 in Qingyuan: office hours
    run_all(services)
    run_all(services)  # once
    cards = cards_for(services, "812", "df:")
    assert len(cards) == 1 and cards[0].buttons
