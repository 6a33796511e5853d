"""Finding things: /pipeline by the stage names and numbers of 附件8, page by page with no
project cut off; /find for officials and, for an investor, only their own; /export of the
view as the 招商项目信息库; /agenda by buttons; and 催办 that says whom it left out."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from conversations.replies import Reply
from documents.excel.reading import xlsx_tables
from handlers.context import Services
from handlers.dispatch import Dispatcher
from storage.tables import AuditEntry, Meeting
from tests.handlers.conftest import Clock, Person, person
from tests.handlers.flows import cards_for, official, project, project_of, review_team
from workflow.roles import Role


@pytest.fixture
def office(services: Services, dispatcher: Dispatcher) -> Person:
    official(services, "800", "办公室王", Role.OFFICE, "office")
    return person(dispatcher, "800", "办公室王")


def labels(reply: Reply) -> list[str]:
    return [b.text for row in reply.buttons for b in row]


def serials(reply: Reply) -> list[str]:
    return [t.split()[0] for t in labels(reply) if t.startswith("QX-")]


def library(s: Services, active: int, ended: int) -> list[str]:
    """`active` old projects in 洽谈, then `ended` newer ones that were lost: the serials."""
    out = []
    for n in range(1, active + ended + 1):
        serial = f"QX-2026-{n:04d}"
        project(s, serial, 20000, stage="negotiation" if n <= active else "lost")
        out.append(serial)
    return out


def test_the_pipeline_takes_the_stage_names_and_numbers_of_annex_8(
    services: Services, office: Person
):
    library(services, 3, 2)
    by_name = office.says("/pipeline 洽谈")[0]
    assert serials(by_name) == ["QX-2026-0003", "QX-2026-0002", "QX-2026-0001"]
    for words in ("③", "3", "项目洽谈", "negotiation", "③ 项目洽谈"):
        assert serials(office.says(f"/pipeline {words}")[0]) == serials(by_name), words
    assert "③ 项目洽谈" in by_name.text and "共 3 项" in by_name.text
    assert serials(office.says("/pipeline 流失")[0]) == ["QX-2026-0005", "QX-2026-0004"]
    # ④ of 附件8 is the review and the decision, to the contract that concludes it.
    assert serials(office.says("/pipeline ④")[0]) == []


def test_an_unknown_stage_is_answered_with_the_choices(services: Services, office: Person):
    reply = office.says("/pipeline 招商")[0]
    assert "没有“招商”这个阶段" in reply.text
    assert "洽谈" in reply.text and "①–⑥" in reply.text and "/pipeline 洽谈" in reply.text


def test_older_active_projects_are_on_the_next_page_not_cut_off(
    services: Services, office: Person
):
    serials_made = library(services, 15, 20)
    first = office.says("/pipeline")[0]
    assert "在办项目" in first.text and "共 15 项" in first.text and "第 1/2 页" in first.text
    assert serials(first) == serials_made[14:4:-1]
    assert "下一页 ▶" in labels(first) and "◀ 上一页" not in labels(first)
    second = office.press("下一页 ▶", first)[0]
    assert second.edit  # the same message, edited in place
    assert "第 2/2 页" in second.text
    assert serials(second) == serials_made[4::-1]  # the oldest active project is there
    assert "◀ 上一页" in labels(second) and "下一页 ▶" not in labels(second)
    back = office.press("◀ 上一页", second)[0]
    assert serials(back) == serials(first)


def test_a_page_beyond_the_last_shows_the_last(services: Services, office: Person):
    library(services, 12, 0)
    reply = office.press_data("pv:pg:active:9")[0]
    assert "第 2/2 页" in reply.text and len(serials(reply)) == 2


def test_a_forged_filter_is_refused_and_audited(services: Services, office: Person):
    reply = office.press_data("pv:pg:nonsense:1")[0]
    assert "按钮已失效" in reply.text
    with services.uow() as uow:
        refused = uow.session.exec(select(AuditEntry).where(AuditEntry.allowed == False)).all()  # noqa: E712
    assert len(refused) == 1


def test_an_official_finds_by_serial_name_investor_and_sector(
    services: Services, dispatcher: Dispatcher, office: Person
):
    library(services, 3, 0)
    pid = project(services, "QX-2026-0009", 30000, sector="auto_parts")
    with services.uow() as uow:
        p = project_of(uow, pid)
        p.name, p.investor_name = "碳纤维复合材料项目", "广东华锐精密科技股份有限公司"
        uow.session.add(p)
        uow.commit()
    for words in ("QX-2026-0009", "碳纤维", "华锐", "汽车零配件", "qx-2026-0009"):
        reply = office.says(f"/find {words}")[0]
        assert serials(reply) == ["QX-2026-0009"], words
    official(services, "820", "区领导陈", Role.LEADER, None)
    leader = person(dispatcher, "820", "区领导陈")
    found = leader.says("/find 碳纤维")[0]
    assert serials(found) == ["QX-2026-0009"] and "📤 导出" not in labels(found)
    detail = leader.press("QX-2026-0009 碳纤维复合材料项目", found)[0]
    assert "QX-2026-0009" in detail.text and not detail.buttons  # the detail, read-only
    card = office.press("QX-2026-0009 碳纤维复合材料项目", office.says("/find 碳纤维")[0])[0]
    assert "🗂" in card.text  # the office's card, with its actions
    nothing = office.says("/find 不存在的项目")[0]
    assert "没有找到" in nothing.text and not serials(nothing)


def test_an_investor_finds_only_their_own_projects(
    services: Services, dispatcher: Dispatcher, office: Person
):
    mine = official(services, "900001", "李明", Role.INVESTOR, None)
    theirs = official(services, "900002", "赵强", Role.INVESTOR, None)
    project(services, "QX-2026-0001", 20000, investor_id=mine)
    other = project(services, "QX-2026-0002", 20000, investor_id=theirs)
    investor = person(dispatcher, "900001", "李明")
    found = investor.says("/find 项目")[0]
    assert serials(found) == ["QX-2026-0001"] and "仅限您本人的项目" in found.text
    assert serials(office.says("/find 项目")[0]) == ["QX-2026-0002", "QX-2026-0001"]
    # Another's project, pressed with forged data, is not shown; nor is another's search.
    refused = investor.press_data(f"fd:open:{other}")[0]
    assert "⛔" in refused.text and "QX-2026-0002" not in refused.text
    office_search = next(
        b.data or ""
        for row in office.seen[-1].buttons
        for b in row
        if (b.data or "")[:5] == "fd:xl"
    )
    page = investor.press_data(f"fd:pg:{office_search.split(':')[2]}:1")[0]
    assert "QX-2026-0002" not in page.text and not serials(page)


def test_the_office_exports_the_view_it_is_looking_at(services: Services, office: Person):
    made = library(services, 12, 3)
    view = office.says("/pipeline 洽谈")[0]
    export = office.press("📤 导出", view)[0]
    assert export.document is not None and export.document.filename.endswith(".xlsx")
    assert "③ 项目洽谈" in export.text and "12 项" in export.text
    table = xlsx_tables(export.document.content or b"")["招商项目信息库"]
    header, rows = table[0], table[1:]
    assert header[:3] == ["序号", "项目编号", "项目名称"]
    assert [r[1] for r in rows] == made[11::-1]
    assert {r[header.index("当前阶段")] for r in rows} == {"③ 项目洽谈"}
    typed = office.says("/export 洽谈")[0]
    assert typed.document is not None
    assert xlsx_tables(typed.document.content or b"") == xlsx_tables(
        export.document.content or b""
    )
    searched = office.says("/export QX-2026-0013")[0]
    assert searched.document is not None
    rows = xlsx_tables(searched.document.content or b"")["招商项目信息库"][1:]
    assert [r[1] for r in rows] == ["QX-2026-0013"]


def test_the_agenda_offers_the_meeting_and_the_projects_that_may_go_on(
    services: Services, office: Person, clock: Clock
):
    ok = project(services, "QX-2026-0001", 20000, stage="decision")
    project(services, "QX-2026-0002", 20000, stage="review")  # not reviewed yet
    project(services, "QX-2026-0003", 20000, stage="decision", redline=True)  # prohibited
    assert "/meeting" in office.says("/agenda")[0].text  # no meeting yet
    with services.uow() as uow:
        for n in (1, 2):
            at = clock() + timedelta(days=7 * n)
            uow.decisions.add(Meeting(title=f"第{n}次联席会议", scheduled_at=at, place="会议室"))
        uow.commit()
    meetings = office.says("/agenda")[0]
    assert labels(meetings) == ["第1次联席会议", "第2次联席会议"]
    choices = office.press("第1次联席会议", meetings)[0]
    assert serials(choices) == ["QX-2026-0001"]
    card = office.press("QX-2026-0001 QX-2026-0001 项目", choices)[0]
    assert "QX-2026-0001" in card.text and "待决策" in card.text
    with services.uow() as uow:
        assert project_of(uow, ok).stage == "decision"
        meeting = uow.decisions.upcoming_meetings()[0]
        assert [i.project_id for i in uow.decisions.items(meeting.id or 0)] == [ok]


def test_urging_all_names_the_reviewer_urged_within_the_hour(
    services: Services, dispatcher: Dispatcher, office: Person
):
    team = review_team(services, dispatcher)
    project(services, "QX-2026-0001", 20000)
    office.says("/project QX-2026-0001")
    card = office.press("⚖️ 发起评审")[0]
    one = next(b.data or "" for row in card.buttons for b in row if (b.data or "")[:6] == "rp:u1:")
    with services.uow() as uow:
        op = uow.reviews.opinion(int(one.split(":")[2]))
        assert op is not None and op.reviewer_id is not None
        name = uow.people.get(op.reviewer_id).name  # type: ignore[union-attr]
    office.press_data(one)
    assert office.last is not None and office.last.toast == "已催办 1 人。"
    office.press("🔔 催办全部", card)
    assert (
        office.last.toast
        == f"已催办 {len(team) - 1} 人。另 1 人本小时内已催办，未再发送：{name}。"
    )
    assert office.last.alert  # said in an alert, which stays until it is read


def test_bulk_urging_sends_each_reviewer_one_message_listing_their_cards(
    services: Services, dispatcher: Dispatcher, office: Person
):
    official(services, "1100", "环保局钟", Role.REVIEWER, "environment", "environment")
    reviewer = person(dispatcher, "1100", "环保局钟")
    for serial in ("QX-2026-0001", "QX-2026-0002"):
        project(services, serial, 20000)
        office.says(f"/project {serial}")
        office.press("⚖️ 发起评审")
    reply = office.says("/urge")[0]
    assert "全部催办" in reply.text
    notices = [c for c in cards_for(services, "1100") if "催办" in c.text]
    assert len(notices) == 1
    listing = notices[0]
    assert "QX-2026-0001" in listing.text and "QX-2026-0002" in listing.text
    opened = reviewer.press(labels(listing)[0], listing)[0]
    assert "项目评审" in opened.text and "✅ 同意" in labels(opened)
    again = office.says("/urge")[0]
    assert "本小时内已催办" in again.text and "环保局钟" in again.text
