"""Helpers that put people and projects in place for review-and-decision tests, and find
them again."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlmodel import col, select

from conversations.replies import Reply
from handlers.context import Services
from handlers.dispatch import Dispatcher
from handlers.intake.plans import findings_json, findings_of
from storage.tables import MessengerAccount, OutboxMessage, Person, Project
from storage.uow import UnitOfWork
from workflow.roles import Role


def official(
    s: Services,
    user_id: str,
    name: str,
    role: Role,
    unit: str | None,
    dimension: str | None = None,
    delegate_of: int | None = None,
) -> int:
    """A person with a messenger account and one role (as an accepted invitation leaves them)."""
    with s.uow() as uow:
        person = uow.people.add(Person(name=name, unit_id=unit))
        assert person.id is not None
        uow.session.add(
            MessengerAccount(person_id=person.id, external_id=user_id, chat_id=user_id)
        )
        uow.people.grant(
            person.id, role.value, unit_id=unit, dimension_id=dimension, delegate_of=delegate_of
        )
        uow.commit()
        return person.id


def project(
    s: Services,
    serial: str,
    total_wan: int,
    stage: str = "confirmed",
    investor_id: int | None = None,
    redline: bool = False,
    land_mu: int | None = None,
    sector: str = "new_materials",
) -> int:
    """A project in the library with a plausible plan and its findings; the plan meets the
    land indicators of 附件2 (400 万元/亩 fixed, 600 万元/亩 output, 35 万元/亩 tax) unless
    the test gives its own `land_mu`, `sector` or figures to make one fail."""
    land = land_mu if land_mu is not None else max(1, total_wan // 500)
    plan = {
        "name": f"{serial} 项目",
        "investor": "广东某某科技有限公司",
        "sector": sector,
        "site": "smart_park",
        "land_area": str(land),
        "total_investment": str(total_wan),
        "fixed_investment": str(int(total_wan * 0.8)),
        "annual_output_value": str(max(Decimal(6), Decimal(land) * Decimal("0.06"))),
        "annual_tax": str(max(3500, land * 35)),
        "eco_red_line": "yes" if redline else "no",
        "products": "新材料",
        "automation_rate": "75",
    }
    with s.uow() as uow:
        p = uow.projects.add(
            Project(
                serial=serial,
                name=plan["name"],
                investor_name=plan["investor"],
                stage=stage,
                sector=sector,
                site="smart_park",
                total_investment_wan=Decimal(total_wan),
                land_area_mu=Decimal(land),
                plan=plan,
                investor_person_id=investor_id,
                findings=findings_json(findings_of(s, plan)),
            )
        )
        uow.projects.record_creation(p, None)
        uow.commit()
        assert p.id is not None
        return p.id


def account_of(uow: UnitOfWork, user_id: str) -> Person:
    """The person behind a Telegram account, who the test expects to exist."""
    found = uow.people.by_account("telegram", user_id)
    assert found is not None, f"no person has the Telegram account {user_id}"
    return found


def person_id(uow: UnitOfWork, user_id: str) -> int:
    """The id of the person behind a Telegram account (see `account_of`)."""
    found = account_of(uow, user_id)
    assert found.id is not None, f"the person with the Telegram account {user_id} is not stored"
    return found.id


def project_of(uow: UnitOfWork, project_id: int) -> Project:
    """A project the test put in place (or expects to exist)."""
    found = uow.projects.get(project_id)
    assert found is not None, f"no project with id {project_id}"
    return found


# -- a review round, as the documents run it (000 一(二)1, 附件3, 附件5) ------------------------

CHAIR_ID = "1500"  # the review group's 组长 (附件3), for tests that take a project through review


def reviewer_key(dimension_id: str, unit_id: str, lead_unit: str) -> str:
    """How `review_team` names a reviewer: the dimension for its lead unit, else
    "dimension/unit" (so `team["environment"]` is the 环保局's reviewer)."""
    return dimension_id if unit_id == lead_unit else f"{dimension_id}/{unit_id}"


def review_team(s: Services, dispatcher: Dispatcher, site: str = "smart_park") -> dict[str, Any]:
    """A reviewer for every unit of every dimension, the site's unit too (建设规划), and the
    review group's 组长 under `CHAIR_ID`; the team's people by `reviewer_key`."""
    from tests.handlers.conftest import person  # the fixtures' module: imported when used

    site_unit = s.policy.site_unit(site)
    team: dict[str, Any] = {}
    n = 0
    for dim in s.policy.review_dimensions:
        for unit in dim.units_for(site_unit):
            uid = str(1000 + n)
            n += 1
            name = f"{s.policy.unit(unit).short}{dim.name}评审"
            official(s, uid, name, Role.REVIEWER, unit, dim.id)
            team[reviewer_key(dim.id, unit, dim.lead_unit)] = person(dispatcher, uid, name)
    official(s, CHAIR_ID, "评审组长张", Role.REVIEW_CHAIR, "econ")
    return team


def cards_for(s: Services, chat: str) -> list[Reply]:
    """What the outbox holds for a chat, as the person will see it."""
    with s.uow() as uow:
        rows = uow.session.exec(
            select(OutboxMessage)
            .where(OutboxMessage.chat_id == chat)
            .order_by(col(OutboxMessage.id))
        )
        return [Reply.from_dict(m.payload) for m in rows]


def give_opinions(
    s: Services, team: dict[str, Any], overrides: dict[str, str] | None = None
) -> None:
    """Every reviewer of the team answers the prohibited categories of their dimension
    不属于 and gives their opinion: 同意, or the override for their key or their dimension
    (with an opinion text for anything but 同意)."""
    overrides = overrides or {}
    for key, reviewer in team.items():
        reviewer.seen += cards_for(s, reviewer.user_id)
        dimension = key.split("/")[0]
        for _ in s.policy.confirmations(dimension):
            reviewer.press("🟢 不属于")
        action = overrides.get(key, overrides.get(dimension, "✅ 同意"))
        reviewer.press(action)
        if action != "✅ 同意":
            reviewer.says("意见：须落实相关措施。")
            reviewer.press("跳过")
            reviewer.press("✅ 提交")


def conclude(
    s: Services, dispatcher: Dispatcher, label: str = "✅ 通过", serial: str | None = None
) -> list[Reply]:
    """The review group's 组长 presses 通过 (or `label`) on the newest conclusion card (of the
    project `serial`, when given), and 确认 when asked."""
    from tests.handlers.conftest import person

    chair = person(dispatcher, CHAIR_ID, "评审组长张")
    cards = [c for c in cards_for(s, CHAIR_ID) if serial is None or serial in c.text]
    assert cards, "the 组长 has no conclusion card"
    return chair.confirms(label, cards[-1])
