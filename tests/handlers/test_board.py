"""The office's board: a column per stage in progress with its count under the filters, and
cards coloured by the days they have waited against the policy's stall_days; the office and
leaders see it, anyone else is refused as in chat, and the refusal is audited."""

from __future__ import annotations

import pytest
from sqlmodel import col, select

from conversations.inbound import Inbound
from handlers.context import Services
from handlers.pipeline.board import Board, Filters, board, board_json, read_filters
from handlers.web import record_unauthenticated, serve_page
from storage.tables import AuditEntry, Project
from tests.conftest import Clock
from tests.handlers.flows import official, project
from workflow.pipeline import ACTIVE_STAGES, Stage
from workflow.roles import Role

OFFICE, LEADER, INVESTOR = "501", "502", "503"


@pytest.fixture
def people(services: Services) -> Services:
    official(services, OFFICE, "办公室", Role.OFFICE, "office")
    official(services, LEADER, "区领导", Role.LEADER, None)
    official(services, INVESTOR, "投资方", Role.INVESTOR, None)
    return services


def ask(
    s: Services,
    who: str,
    filters: Filters | None = None,
    stage: Stage | None = None,
    page: int = 1,
) -> Board | str:
    event = Inbound(user_id=who, chat_id=who, language_code="zh-hans")
    answer = serve_page(
        s,
        event,
        "/web/board",
        lambda s, uow, a: board(s, uow, a, filters or Filters(), stage=stage, page=page),
    )
    if answer.value is None:
        assert answer.refusal is not None
        return answer.refusal
    return answer.value


def the_board(
    s: Services,
    who: str = OFFICE,
    filters: Filters | None = None,
    stage: Stage | None = None,
    page: int = 1,
) -> Board:
    found = ask(s, who, filters, stage, page)
    assert isinstance(found, Board), found
    return found


def counts(b: Board) -> dict[str, int]:
    return {c.stage.value: c.count for c in b.columns}


def test_the_board_has_a_column_per_stage_in_progress_with_its_count(people: Services) -> None:
    for n in range(3):
        project(people, f"QX-2026-000{n + 1}", 5000, stage="confirmed")
    project(people, "QX-2026-0004", 5000, stage="review")
    project(people, "QX-2026-0005", 5000, stage="lost")
    b = the_board(people)
    assert [c.stage for c in b.columns] == list(ACTIVE_STAGES)
    assert counts(b)["confirmed"] == 3 and counts(b)["review"] == 1
    assert "lost" not in counts(b) and sum(counts(b).values()) == 4
    serials = [x.serial for x in b.columns[1].cards]
    assert serials == ["QX-2026-0003", "QX-2026-0002", "QX-2026-0001"]


def test_a_leader_sees_the_board_too(people: Services) -> None:
    project(people, "QX-2026-0001", 5000)
    assert counts(the_board(people, LEADER))["confirmed"] == 1


def test_an_investor_is_refused_as_in_chat_and_the_attempt_is_audited(people: Services) -> None:
    refusal = ask(people, INVESTOR)
    assert refusal == people.renderer.message("zh-Hans", "common#not_allowed")
    with people.uow() as uow:
        row = uow.session.exec(
            select(AuditEntry).where(col(AuditEntry.action) == "refused:web/board")
        ).one()
        assert (row.allowed, row.object_type, row.actor_external) == (False, "web", INVESTOR)


def test_a_stranger_is_refused(people: Services) -> None:
    assert isinstance(ask(people, "999"), str)


def test_cards_turn_amber_past_stall_days_and_red_past_twice_them(
    people: Services, clock: Clock
) -> None:
    # review: 10 days in qingxin.yaml's stall_days
    project(people, "QX-2026-0001", 5000, stage="review")
    clock.advance(days=5)
    project(people, "QX-2026-0002", 5000, stage="review")
    clock.advance(days=6)
    project(people, "QX-2026-0003", 5000, stage="review")
    clock.advance(days=10)
    [column] = the_board(people, stage=Stage.REVIEW).columns
    assert [(x.serial, x.days, x.colour) for x in column.cards] == [
        ("QX-2026-0003", 10, "green"),
        ("QX-2026-0002", 16, "amber"),
        ("QX-2026-0001", 21, "red"),
    ]


def test_the_days_count_from_the_latest_stage_change(people: Services, clock: Clock) -> None:
    pid = project(people, "QX-2026-0001", 5000, stage="lead")
    clock.advance(days=30)
    with people.uow() as uow:
        p = uow.session.get(Project, pid)
        assert p is not None
        uow.projects.move(p, "confirmed", "confirm", None)
        uow.commit()
    clock.advance(days=2)
    card = the_board(people, stage=Stage.CONFIRMED).columns[0].cards[0]
    assert (card.days, card.colour) == (2, "green")


def test_filters_narrow_every_column_and_its_count(people: Services) -> None:
    project(people, "QX-2026-0001", 5000, sector="new_materials")
    project(people, "QX-2026-0002", 40000, sector="new_materials")
    project(people, "QX-2026-0003", 5000, sector="biomedicine", stage="review")
    s = people
    by_sector = the_board(s, filters=read_filters(s, {"sector": "new_materials"}))
    assert counts(by_sector)["confirmed"] == 2 and counts(by_sector)["review"] == 0
    approval = the_board(s, filters=read_filters(s, {"tier": "approval"}))  # 3亿 to 10亿
    assert [x.serial for c in approval.columns for x in c.cards] == ["QX-2026-0002"]
    found = the_board(s, filters=read_filters(s, {"q": "0003"}))
    assert [x.serial for c in found.columns for x in c.cards] == ["QX-2026-0003"]
    site = the_board(s, filters=read_filters(s, {"site": "smart_park"}))
    assert sum(counts(site).values()) == 3


def test_a_filter_the_policy_does_not_know_is_dropped(people: Services) -> None:
    f = read_filters(people, {"sector": "no_such", "tier": "filing", "q": "  a   b "})
    assert (f.sector, f.tier, f.q) == (None, "filing", "a b")
    assert f.as_dict() == {"tier": "filing", "q": "a b"}


def test_a_column_pages_ten_cards_at_a_time(people: Services) -> None:
    for n in range(12):
        project(people, f"QX-2026-{n + 1:04d}", 5000)
    first = the_board(people, stage=Stage.CONFIRMED).columns[0]
    second = the_board(people, stage=Stage.CONFIRMED, page=2).columns[0]
    assert (first.count, first.page.pages, len(first.cards), len(second.cards)) == (12, 2, 10, 2)
    assert {x.serial for x in second.cards} == {"QX-2026-0002", "QX-2026-0001"}


def test_the_json_names_the_stages_in_the_persons_language(people: Services) -> None:
    project(people, "QX-2026-0001", 5000)
    data = board_json(people, "en", the_board(people))
    assert data["columns"][1]["name"] == "② Confirmed"
    assert data["columns"][1]["cards"][0]["amount_wan"] == "5000"


def test_an_unauthenticated_request_is_audited(people: Services) -> None:
    record_unauthenticated(people, "/web/board", "tampered")
    with people.uow() as uow:
        row = uow.session.exec(
            select(AuditEntry).where(col(AuditEntry.action) == "refused:web_auth")
        ).one()
        assert (row.allowed, row.note, row.object_id) == (False, "tampered", "/web/board")
