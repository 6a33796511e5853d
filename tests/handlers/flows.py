"""Helpers that put people and projects in place for review-and-decision tests, and find
them again."""

from __future__ import annotations

from decimal import Decimal

from handlers.context import Services
from handlers.intake.plans import findings_json, findings_of
from storage.tables import MessengerAccount, Person, Project
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
) -> int:
    """A project in the library with a plausible plan and its findings."""
    plan = {
        "name": f"{serial} 项目",
        "investor": "广东某某科技有限公司",
        "sector": "new_materials",
        "site": "smart_park",
        "land_area": "100",
        "total_investment": str(total_wan),
        "fixed_investment": str(int(total_wan * 0.8)),
        "annual_output_value": "6",
        "annual_tax": "3500",
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
                sector="new_materials",
                site="smart_park",
                total_investment_wan=Decimal(total_wan),
                land_area_mu=Decimal(100),
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
