"""The project page's use case: the plan numbered as chat's summary numbers it, the findings
each reader may read (an investor only theirs), the review rounds for officials only, the
documents offered by chat's rules, and chat's refusal for anyone else's project."""

from __future__ import annotations

import pytest

from conversations.inbound import Inbound
from handlers.actors import resolve_actor
from handlers.context import Services
from handlers.dispatch import Dispatcher
from handlers.errors import Refused
from handlers.pipeline.project_documents import project_document
from handlers.pipeline.project_page import project_page
from tests.handlers.conftest import person
from tests.handlers.flows import CHAIR_ID, conclude, give_opinions, official, project, review_team
from workflow.findings import Audience, audience_of
from workflow.roles import Role


def page_for(s: Services, user: str, pid: int):  # type: ignore[no-untyped-def]
    with s.uow() as uow:
        actor = resolve_actor(s, uow, Inbound(user_id=user, chat_id=user))
        page = project_page(s, uow, actor, pid)
        uow.commit()  # as handlers.web.serve_page does: the page is rendered after it
        return page


@pytest.fixture
def ids(services: Services) -> dict[str, int]:
    investor = official(services, "31", "投资方", Role.INVESTOR, None)
    official(services, "32", "办公室", Role.OFFICE, "office")
    official(services, "33", "别的投资方", Role.INVESTOR, None)
    return {
        "project": project(services, "QX-2026-0009", 20000, stage="lead", investor_id=investor)
    }


def test_the_plan_is_numbered_as_the_chat_summary_numbers_it(
    services: Services, ids: dict[str, int]
) -> None:
    page = page_for(services, "32", ids["project"])
    numbers = [r["n"] for r in page.plan if r["n"] is not None]
    assert numbers[:6] == ["1", "2", "3", "4", "4.1", "4.2"]
    assert page.official and any(c.kind == "office" for c in page.cards)


def test_an_investor_reads_only_the_findings_meant_for_them_and_no_rounds(
    services: Services, ids: dict[str, int]
) -> None:
    mine = page_for(services, "31", ids["project"])
    office = page_for(services, "32", ids["project"])
    assert mine.findings and len(mine.findings) < len(office.findings)
    assert all(audience_of(f["code"], f["status"]) is Audience.INVESTOR for f in mine.findings)
    assert mine.rounds == [] and mine.documents == [] and mine.cards == []
    assert not mine.official and mine.blocks == "" and mine.agreement is None


def test_another_investor_gets_chats_refusal(services: Services, ids: dict[str, int]) -> None:
    with pytest.raises(Refused) as refused:
        page_for(services, "33", ids["project"])
    assert refused.value.message == "common#project_not_found"
    assert refused.value.audit_action == "refused:view_project"


def test_the_office_may_have_the_plan_but_not_a_document_that_does_not_exist(
    services: Services, ids: dict[str, int]
) -> None:
    page = page_for(services, "32", ids["project"])
    assert [d.kind for d in page.documents] == ["plan", "application"]
    with services.uow() as uow:
        actor = resolve_actor(services, uow, Inbound(user_id="32", chat_id="32"))
        doc = project_document(services, uow, actor, ids["project"], "plan")
        assert doc.filename.endswith(".docx") and (doc.content or b"")[:2] == b"PK"
        with pytest.raises(Refused):
            project_document(services, uow, actor, ids["project"], "review-1")


def kinds(s: Services, user: str, pid: int) -> list[str]:
    return [c.kind for c in page_for(s, user, pid).cards]


def test_a_round_shows_each_person_the_cards_chat_gives_them_and_its_opinions_once_closed(
    services: Services, dispatcher: Dispatcher
) -> None:
    """While the round is open the office has its progress card (催办) and each reviewer
    their dimension's card; once every opinion is in, the 组长 has the conclusion card. An
    investor has none of them and never reads the opinions; once concluded the page shows
    each dimension's verdict and offers the 评审意见表 to download."""
    investor = official(services, "31", "投资方", Role.INVESTOR, None)
    official(services, "800", "办公室王", Role.OFFICE, "office")
    team = review_team(services, dispatcher)
    pid = project(services, "QX-2026-0011", 20000, investor_id=investor)
    office = person(dispatcher, "800", "办公室王")
    office.says("/project QX-2026-0011")
    office.press("⚖️ 发起评审")
    assert kinds(services, "800", pid) == ["office", "progress"]
    assert kinds(services, team["environment"].user_id, pid) == ["reviewer"]
    assert kinds(services, CHAIR_ID, pid) == []  # the 组长 concludes once every opinion is in
    assert kinds(services, "31", pid) == [] and page_for(services, "31", pid).rounds == []

    give_opinions(services, team)
    assert kinds(services, CHAIR_ID, pid) == ["conclusion"]
    conclude(services, dispatcher)
    page = page_for(services, "800", pid)
    assert "progress" not in [c.kind for c in page.cards]
    assert len(page.rounds) == 1 and page.rounds[0].round.outcome == "passed"
    assert all(row.verdict == "agree" for row in page.rounds[0].dimensions)
    assert any(d.kind.startswith("review-") for d in page.documents)
    assert page_for(services, "31", pid).rounds == []
