"""The people and the project of `zhaoshang demo --runtime wecom`: the office's 王主任, one
reviewer for each unit that reviews (the site's park too, 附件5), the review group's 组长, and
one plan ready for review (① 入库 confirmed by the office), as the bot's database holds them
once they joined by invitation and the investor's plan was confirmed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Final

from sqlmodel import select

from bot.demo_plan import INVESTOR, TYPED
from handlers.intake.plans import findings_json, plan_figures
from storage.tables import MessengerAccount, Person, Project
from storage.uow import UnitOfWorkFactory
from workflow.policy import Policy
from workflow.roles import Role
from workflow.screening import screen

SITE: Final = "smart_park"  # 清新智能制造产业园: its 管委会 reviews 建设规划 too


@dataclass(frozen=True, slots=True)
class Member:
    """Someone of the demo, as a WeCom member (UserID and name) and a person in the bot."""

    userid: str
    name: str
    unit: str  # the unit's id
    role: Role
    title: str | None = None  # how the transcript names their place, else by their unit

    def label(self, policy: Policy) -> str:
        """How the transcript names them: "钟雪军（环保局）"."""
        return f"{self.name}（{self.title or policy.unit(self.unit).short}）"


OFFICE: Final = Member("WangZhuRen", "王主任", "office", Role.OFFICE)
# The review group's 组长 (附件3); not the roster's, who also heads the office and 经信局.
CHAIR: Final = Member("ZhaoZhiYuan", "赵志远", "econ", Role.REVIEW_CHAIR, "评审小组组长")
# One reviewer for each unit, who reviews every dimension their unit is named for.
REVIEWERS: Final = {
    m.unit: m
    for m in (
        Member("ZengWeiKun", "曾卫坤", "drc", Role.REVIEWER),
        Member("ZhongXueJun", "钟雪军", "environment", Role.REVIEWER),
        Member("HuangFuHui", "黄福辉", "planning", Role.REVIEWER),
        Member("QiuLiang", "邱亮", "housing", Role.REVIEWER),
        Member("ChenJianMing", "陈建明", "park_committee", Role.REVIEWER),
        Member("LinYiQiang", "林毅强", "land", Role.REVIEWER),
        Member("LiuXiaoDong", "刘晓东", "econ", Role.REVIEWER),
        Member("HeMeiLing", "何美玲", "ccpit", Role.REVIEWER),
        Member("YangCheng", "杨诚", "state_tax", Role.REVIEWER),
        Member("LiuTao", "刘韬", "local_tax", Role.REVIEWER),
        Member("XuZeCheng", "徐泽城", "gov_office", Role.REVIEWER),
        Member("LuoWenBin", "罗文斌", "legal", Role.REVIEWER),
    )
}


def reviewer_units(policy: Policy) -> list[str]:
    """The units that review a project on the demo's site, in the policy's order."""
    site_unit = policy.site_unit(SITE)
    units = (u for d in policy.review_dimensions for u in d.units_for(site_unit))
    return list(dict.fromkeys(units))


def cast(policy: Policy) -> list[Member]:
    """Everyone of the demo: the office, the reviewers of the units the policy names, the 组长."""
    missing = [u for u in reviewer_units(policy) if u not in REVIEWERS]
    if missing:
        raise LookupError(f"the demo has no reviewer for {', '.join(missing)}")
    return [OFFICE, *(REVIEWERS[u] for u in reviewer_units(policy)), CHAIR]


def join(uow_factory: UnitOfWorkFactory, member: Member) -> int:
    """Their person (the roster's, when it names them in that unit), WeCom account and role,
    as an accepted invitation leaves them; returns the person's id."""
    with uow_factory() as uow:
        listed = select(Person).where(Person.unit_id == member.unit, Person.name == member.name)
        person = uow.session.exec(listed).first() or uow.people.add(
            Person(name=member.name, unit_id=member.unit)
        )
        assert person.id is not None
        uow.session.add(
            MessengerAccount(
                person_id=person.id,
                messenger="wecom",
                external_id=member.userid,
                chat_id=member.userid,
            )
        )
        uow.people.grant(person.id, member.role.value, unit_id=member.unit)
        uow.commit()
        return person.id


def plan(year: int) -> dict[str, Any]:
    """The investor's plan as the form stores it (figures in 亩, 万元 and 亿元); building in
    the two years after `year`."""
    return {
        **{k: TYPED[k] for k in ("name", "content", "investor", "products", "project_lead")},
        "sector": "equipment",
        "investor_category": "listed",
        "site": SITE,
        "application_route": "local",
        "land_area": "120",
        "land_use": "purchase",
        "land_source": "new",
        "plot_ratio": "1.2",
        "total_investment": "65000",
        "fixed_investment": "52000",
        "phase_count": 2,
        "construction_months": 24,
        "phases": [
            {"start": f"{year + 1}-03", "end": f"{year + 1}-12"},
            {"start": f"{year + 2}-03", "end": f"{year + 2}-12"},
        ],
        "phase_figures": [
            {"land": "70", "fixed_investment": "30000", "output": "5", "tax": "2500"},
            {"land": "50", "fixed_investment": "22000", "output": "3.5", "tax": "1700"},
        ],
        "transformer_kva": "8000",
        "jobs": 600,
        "annual_output_value": "8.5",
        "annual_tax": "4200",
        "automation_rate": "75",
        "rd_staff_share": "18",
        "high_tech": True,
        "famous_brand": False,
        "phd_lead": False,
        "rd_platform": True,
        "core_technology": True,
        "headquarters": False,
        "encouraged_category": "yes",
        "expansion": False,
        "single_project": True,
        "eco_red_line": "no",
        "planning_eia": "yes",
        "environment_negative_list": "no",
        "work_safety": "yes",
        "contact_name": INVESTOR["name"],
        "contact_phone": TYPED["contact_phone"],
    }


def add_project(
    uow_factory: UnitOfWorkFactory, policy: Policy, office_id: int, now: datetime
) -> str:
    """The investor's plan, submitted and screened, and confirmed into the library (①) by the
    office; returns its serial."""
    answers = plan(now.year)
    findings = findings_json(screen(plan_figures(answers), policy))
    with uow_factory() as uow:
        investor = uow.people.add(Person(name=INVESTOR["name"], company=INVESTOR["company"]))
        uow.session.flush()
        serial = uow.projects.next_serial(policy.serial_prefix, now.year)
        project = uow.projects.add(
            Project(
                serial=serial,
                name=answers["name"],
                investor_name=answers["investor"],
                investor_person_id=investor.id,
                stage="lead",
                sector=answers["sector"],
                site=SITE,
                total_investment_wan=Decimal(answers["total_investment"]),
                land_area_mu=Decimal(answers["land_area"]),
                plan=answers,
                findings=findings,
                priority=any(f["code"] == "priority" for f in findings),
            )
        )
        uow.projects.record_creation(project, investor.id)
        uow.projects.move(project, "confirmed", "confirm", office_id)
        uow.commit()
    return serial
