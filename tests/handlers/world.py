"""A world with one person of every kind and one object of every kind they act on, built once
into a SQLite file and copied for each case, so a case can change it freely."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from conversations.forms.registration import REGISTRATION_FORM
from conversations.inbound import Inbound, parse_command
from handlers.context import Services
from handlers.dispatch import Dispatcher
from storage.db import make_engine, migrate
from storage.deployment import record_deployment_start
from storage.seed import seed_policy
from storage.tables import (
    AdmissionExceptionRequest,
    Agreement,
    AuditEntry,
    CityCase,
    LiaisonAssignment,
    Meeting,
    MeetingAttendee,
    MeetingItem,
    ProblemItem,
)
from storage.uow import UnitOfWorkFactory
from tests.conftest import Clock
from tests.handlers.conftest import make_services
from tests.handlers.flows import official, project
from workflow.policy import Policy
from workflow.roles import Role

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # a Monday, 10:00 in Qingyuan

# The people, by the user id they write from.
PEOPLE: dict[str, str] = {
    "stranger": "7001",
    "visitor": "7002",  # part-way through registration
    "investor": "7003",
    "other_investor": "7004",
    "reviewer_x": "7005",
    "reviewer_y": "7006",
    "delegate": "7007",  # A/B 岗 of reviewer_x
    "unit_head": "7008",
    "reporter": "7009",
    "liaison": "7010",
    "office": "7011",
    "city_office": "7012",
    "city_exec_deputy": "7013",  # 市常务副组长
    "city_leader": "7014",  # 市组长
    "leader": "7015",
    "admin": "7016",
    "drc_filing": "7017",  # 发改局核准备案
    "review_chair": "7018",  # 评审小组组长 (附件3): concludes a district round
}
COLUMNS = tuple(PEOPLE)
UNREGISTERED = frozenset({"stranger", "visitor"})
REGISTERED = frozenset(COLUMNS) - UNREGISTERED
OFFICIALS = REGISTERED - {"investor", "other_investor"}
CITY = frozenset({"city_office", "city_exec_deputy", "city_leader"})
# Refusals for who the person is (the rest are the documents' rules, such as a stage guard).
AUTHORITY = frozenset(
    {
        "common#not_allowed",
        "common#project_not_found",
        "common#form_not_open",
        "review#not_your_dimension",
        "review#opinions_confidential",
        "delegates#not_your_unit",
        "city#not_your_step",
        "city#not_your_round",
    }
)


@dataclass(frozen=True)
class World:
    """The ids of what the people act on."""

    ids: dict[str, int]
    dimension_unit: str
    unit_head_unit: str
    reporter_unit: str


# -- the world --------------------------------------------------------------------------------


def build_world(s: Services, dispatcher: Dispatcher) -> World:
    policy = s.policy
    dim_x, dim_y = policy.review_dimensions[0], policy.review_dimensions[1]
    head_unit = policy.member_units()[0].id
    ids: dict[str, int] = {}

    def say(who: str, text: str) -> None:
        name, args = parse_command(text) or ("", "")
        dispatcher.handle(
            Inbound(PEOPLE[who], PEOPLE[who], command=name or None, args=args, text=text)
        )

    ids["investor"] = official(s, PEOPLE["investor"], "投资方甲", Role.INVESTOR, None)
    ids["other_investor"] = official(s, PEOPLE["other_investor"], "投资方乙", Role.INVESTOR, None)
    ids["reviewer_x"] = official(
        s, PEOPLE["reviewer_x"], "评审甲", Role.REVIEWER, dim_x.lead_unit, dim_x.id
    )
    ids["reviewer_y"] = official(
        s, PEOPLE["reviewer_y"], "评审乙", Role.REVIEWER, dim_y.lead_unit, dim_y.id
    )
    ids["delegate"] = official(
        s,
        PEOPLE["delegate"],
        "代办丙",
        Role.REVIEWER,
        dim_x.lead_unit,
        dim_x.id,
        delegate_of=ids["reviewer_x"],
    )
    ids["unit_head"] = official(s, PEOPLE["unit_head"], "局长丁", Role.UNIT_HEAD, head_unit)
    ids["reporter"] = official(s, PEOPLE["reporter"], "报送戊", Role.UNIT_REPORTER, head_unit)
    ids["liaison"] = official(s, PEOPLE["liaison"], "联络己", Role.LIAISON, head_unit)
    ids["office"] = official(s, PEOPLE["office"], "办公室庚", Role.OFFICE, "office")
    ids["city_office"] = official(
        s, PEOPLE["city_office"], "市办辛", Role.CITY_OFFICE, "city_office"
    )
    ids["city_exec_deputy"] = official(
        s, PEOPLE["city_exec_deputy"], "常务壬", Role.CITY_EXEC_DEPUTY, "city_group"
    )
    ids["city_leader"] = official(
        s, PEOPLE["city_leader"], "组长癸", Role.CITY_LEADER, "city_group"
    )
    ids["leader"] = official(s, PEOPLE["leader"], "区领导子", Role.LEADER, "district_gov")
    ids["drc_filing"] = official(s, PEOPLE["drc_filing"], "发改丑", Role.DRC_FILING, "drc")
    ids["review_chair"] = official(s, PEOPLE["review_chair"], "组长寅", Role.REVIEW_CHAIR, "econ")
    say("admin", "/whoami")  # an administrator from the settings exists from their first word
    say("visitor", "/start")

    ids["project"] = project(s, "QX-2026-0001", 20000, investor_id=ids["investor"])
    ids["returned"] = project(s, "QX-2026-0002", 20000, investor_id=ids["investor"])
    ids["signed"] = project(s, "QX-2026-0003", 20000, "signed", investor_id=ids["investor"])
    ids["deciding"] = project(s, "QX-2026-0004", 50000, "decision")
    # 16000 万元 fixed on 200 亩: 80 万元/亩, below 380, so prohibited (001 六(五)).
    ids["blocked"] = project(s, "QX-2026-0005", 20000, "lead", land_mu=200)
    # Cross-region applications to the city office (001 七(二)1(2)), and a recalled project
    # in the city's own round (001 七(二)2(2)).
    ids["cross_region"] = project(s, "QX-2026-0006", 20000, "lead")
    ids["cross_region_accepted"] = project(s, "QX-2026-0007", 20000, "confirmed")
    ids["recalled"] = project(s, "QX-2026-0008", 20000, "review")
    dispatcher.handle(
        Inbound(PEOPLE["office"], PEOPLE["office"], callback_data=f"pr:review:{ids['project']}")
    )
    with s.uow() as uow:
        returned = uow.projects.get(ids["returned"])
        assert returned is not None
        returned.awaiting_investor = True
        uow.session.add(returned)
        rnd = uow.reviews.latest(ids["project"])
        assert rnd is not None and rnd.id is not None
        ids["round"] = rnd.id
        # The role rows /delegate's buttons name: reviewer_x's own, and their A/B 岗's.
        ids["reviewer_x_row"] = uow.people.roles_of(ids["reviewer_x"])[0].id or 0
        ids["delegate_row"] = uow.people.roles_of(ids["delegate"])[0].id or 0
        for op in uow.reviews.opinions(rnd.id):
            if op.dimension_id == dim_x.id:
                ids["opinion_x"] = op.id or 0
            if op.dimension_id == dim_y.id:
                ids["opinion_y"] = op.id or 0
        meeting = Meeting(title="联席会议", scheduled_at=NOW + timedelta(days=3), created_at=NOW)
        forum = Meeting(
            title="座谈会", scheduled_at=NOW + timedelta(days=5), kind="forum", created_at=NOW
        )
        uow.session.add(meeting)
        uow.session.add(forum)
        uow.session.flush()
        ids["meeting"], ids["forum"] = meeting.id or 0, forum.id or 0
        item = MeetingItem(meeting_id=ids["meeting"], project_id=ids["deciding"])
        uow.session.add(item)
        uow.session.add(MeetingAttendee(meeting_id=ids["forum"], person_id=ids["investor"]))
        case = CityCase(project_id=ids["deciding"], route="approval", submitted_at=NOW)
        uow.session.add(case)
        assignment = LiaisonAssignment(
            project_id=ids["signed"],
            unit_id=head_unit,
            leader_id=ids["unit_head"],
            officer_id=ids["liaison"],
            assigned_at=NOW,
        )
        uow.session.add(assignment)
        problem = ProblemItem(
            project_id=ids["signed"],
            raised_by=ids["liaison"],
            text="用电报装",
            units=head_unit,
            raised_at=NOW,
        )
        uow.session.add(problem)
        # The signed project's agreement waits for 发改局's 核准并备案.
        uow.session.add(Agreement(project_id=ids["signed"], signed_on=NOW.date(), signer="张国力"))
        uow.session.flush()
        request = AdmissionExceptionRequest(
            project_id=ids["blocked"],
            kind="special_circumstances",
            reason="企业承诺二期追加投资",
            lifts=["prohibited:001 六(五)"],
            requested_by=ids["office"],
            requested_at=NOW,
        )
        uow.session.add(request)
        uow.session.flush()
        ids["exception"] = request.id or 0
        for key in ("cross_region", "cross_region_accepted"):
            applied = uow.projects.get(ids[key])
            assert applied is not None
            applied.plan = {**applied.plan, "application_route": "cross_region"}
            uow.session.add(applied)
        city_round = uow.reviews.open_round(ids["recalled"], NOW.date(), None, "city")
        ids["city_round"] = city_round.id or 0
        ids["item"], ids["case"] = item.id or 0, case.id or 0
        ids["assignment"], ids["problem"] = assignment.id or 0, problem.id or 0
        uow.commit()
    return World(ids, dim_x.lead_unit, head_unit, head_unit)


@pytest.fixture(scope="module")
def template(
    tmp_path_factory: pytest.TempPathFactory, policy: Policy
) -> Iterator[tuple[Path, World, Services]]:
    """One database with the world in it, copied for every case."""
    path = tmp_path_factory.mktemp("authority") / "world.db"
    url = f"sqlite:///{path}"
    migrate(url)
    factory = UnitOfWorkFactory(make_engine(url), Clock(NOW))
    with factory() as uow:
        seed_policy(uow, policy)
        record_deployment_start(uow, NOW - timedelta(days=90))
        uow.commit()
    s = make_services(factory, policy, Clock(NOW), admins=frozenset({PEOPLE["admin"]}))
    world = build_world(s, Dispatcher(s))
    factory.engine.dispose()
    yield path, world, s


@dataclass
class Copy:
    """A copy of the world's database with a dispatcher on it."""

    path: Path
    services: Services
    dispatcher: Dispatcher
    counter: int = 0  # for fresh update ids

    def dump(self) -> list[str]:
        """Every row of every table, but the audit log and the handled update ids."""
        with sqlite3.connect(self.path) as conn:
            return [
                line
                for line in conn.iterdump()
                if not line.startswith(
                    ('INSERT INTO "auditentry"', 'INSERT INTO "processedupdate"')
                )
            ]

    def refusals(self) -> list[str]:
        """The refusals audited so far, by the message the person got."""
        with self.services.uow() as uow:
            rows = uow.session.exec(select(AuditEntry).where(AuditEntry.allowed == False)).all()  # noqa: E712
            return [r.note or "" for r in rows]

    def registering(self, user_id: str) -> bool:
        """Whether this messenger user has a registration form open."""
        with self.services.uow() as uow:
            account = uow.people.account("telegram", user_id)
            return account is not None and any(
                d.form_id == REGISTRATION_FORM.id for d in uow.drafts.of_person(account.person_id)
            )

    def close(self) -> None:
        self.services.uow.engine.dispose()


def copy_of(template: tuple[Path, World, Services], into: Path) -> Copy:
    shutil.copy(template[0], into)
    factory = UnitOfWorkFactory(make_engine(f"sqlite:///{into}"), Clock(NOW))
    s = replace(template[2], uow=factory)  # the same renderer: templates compile once
    return Copy(into, s, Dispatcher(s))


def event(who: str, payload: str, n: int) -> Inbound:
    uid = PEOPLE[who]
    if payload.startswith("/"):
        name, args = parse_command(payload) or ("", "")
        return Inbound(uid, uid, command=name, args=args, text=payload, update_id=str(n))
    return Inbound(uid, uid, callback_data=payload, message_id="1", update_id=str(n))
