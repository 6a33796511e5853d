"""Storage on SQLite and PostgreSQL: migrations, the roster, serials, the unit of work."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from alembic import command
from sqlalchemy import inspect, text
from sqlmodel import SQLModel, select

from storage.db import alembic_config, make_engine, migrate
from storage.seed import seed_policy
from storage.tables import AuditEntry, OutboxMessage, Person, PersonRole, Project, Unit
from storage.uow import UnitOfWorkFactory
from tests.conftest import Clock
from workflow.policy import Policy


def test_migrations_build_the_whole_schema_from_an_empty_database(database_url: str):
    migrate(database_url)
    engine = make_engine(database_url)
    try:
        tables = set(inspect(engine).get_table_names())
        assert set(SQLModel.metadata.tables) <= tables
    finally:
        engine.dispose()
    command.check(alembic_config(database_url))  # the models and the migrations agree


def test_a_database_in_use_before_the_joint_review_upgrades_and_keeps_its_rows(database_url: str):
    # 0009 lets every unit of a dimension give its own opinion: the old one-opinion-per-
    # dimension constraint goes (by the name each backend gave it) while the rows stay.
    cfg = alembic_config(database_url)
    command.upgrade(cfg, "0008")
    engine = make_engine(database_url)
    rows = (
        "insert into unit (id, name, short, kind, member) values"
        " ('planning', '规划分局', '规划分局', 'department', true),"
        " ('taihe', '太和镇', '太和镇', 'town', true)",
        "insert into person (id, name, from_roster, created_at)"
        " values (1, '黄福辉', false, CURRENT_TIMESTAMP)",
        "insert into project (id, serial, name, stage, priority, awaiting_investor, plan,"
        " findings, created_at, updated_at) values (1, 'QX-2026-0001', '项目', 'review',"
        " false, false, '{}', '[]', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
        "insert into reviewround (id, project_id, number, level, opened_at, deadline)"
        " values (1, 1, 1, 'district', CURRENT_TIMESTAMP, '2026-11-30')",
        "insert into reviewopinion (id, round_id, dimension_id, unit_id, reviewer_id)"
        " values (1, 1, 'planning', 'planning', 1)",
        "insert into agreement (id, project_id, signed_on, signer, exit_mechanism,"
        " green_channel) values (1, 1, '2026-11-20', '张仁建', true, false)",
    )
    try:
        with engine.begin() as conn:
            for sql in rows:
                conn.execute(text(sql))
        engine.dispose()
        command.upgrade(cfg, "head")
        with engine.begin() as conn:
            conn.execute(
                text(
                    "insert into reviewopinion (id, round_id, dimension_id, unit_id,"
                    " confirmations) values (2, 1, 'planning', 'taihe', '{}')"
                )
            )
            kept = conn.execute(text("select reviewer_id from reviewopinion where id = 1"))
            assert kept.scalar_one() == 1
            clauses = conn.execute(text("select breach_liability from agreement")).scalar_one()
            assert clauses in (False, 0)  # an old agreement has not shown the new clauses
    finally:
        engine.dispose()
    command.check(cfg)


def test_seeding_twice_leaves_the_same_data(uow_factory: UnitOfWorkFactory, policy: Policy):
    with uow_factory() as uow:
        first = seed_policy(uow, policy)
        uow.commit()
    snapshot = _snapshot(uow_factory)
    with uow_factory() as uow:
        second = seed_policy(uow, policy)
        uow.commit()
    assert first.changed and not second.changed
    assert _snapshot(uow_factory) == snapshot
    assert len(snapshot["units"]) == len(policy.units)


def test_the_roster_brings_its_roles(uow_factory: UnitOfWorkFactory, policy: Policy):
    with uow_factory() as uow:
        seed_policy(uow, policy)
        uow.commit()
    with uow_factory() as uow:
        office = [p.name for p in uow.people.holders("office")]
        assert office == ["张庆忠", "吴惠红"]
        assert [p.name for p in uow.people.holders("reviewer", "environment")] == ["钟雪军"]
        assert [p.name for p in uow.people.position_holders("leading_group_leader")] == ["张仁建"]


def test_serial_numbers_count_up_per_year_and_survive_a_new_session(
    uow_factory: UnitOfWorkFactory,
):
    with uow_factory() as uow:
        assert uow.projects.next_serial("QX", 2026) == "QX-2026-0001"
        assert uow.projects.next_serial("QX", 2026) == "QX-2026-0002"
        assert uow.projects.next_serial("QX", 2027) == "QX-2027-0001"
        uow.commit()
    with uow_factory() as uow:
        assert uow.projects.next_serial("QX", 2026) == "QX-2026-0003"


def test_a_unit_of_work_rolls_back_unless_committed(uow_factory: UnitOfWorkFactory):
    with uow_factory() as uow:
        uow.people.add(Person(name="临时"))
        uow.audit("test", "person", 1)
    with uow_factory() as uow:
        assert uow.session.exec(select(Person)).all() == []
        assert uow.session.exec(select(AuditEntry)).all() == []


def test_a_project_keeps_exact_amounts_and_its_stage_history(uow_factory: UnitOfWorkFactory):
    with uow_factory() as uow:
        p = uow.projects.add(
            Project(
                serial="QX-2026-0001",
                name="新材料项目",
                stage="lead",
                total_investment_wan=Decimal("29999.99"),
                land_area_mu=Decimal("120.5"),
                plan={"name": "新材料项目"},
            )
        )
        uow.projects.move(p, "confirmed", "confirm", None, "信息确认")
        uow.commit()
    with uow_factory() as uow:
        p2 = uow.projects.by_serial("qx-2026-0001")
        assert p2 is not None and p2.stage == "confirmed"
        assert p2.total_investment_wan == Decimal("29999.99")
        assert p2.created_at.tzinfo is not None
        assert [(h.from_stage, h.to_stage) for h in uow.projects.history(p2.id or 0)] == [
            ("lead", "confirmed")
        ]
        assert uow.projects.count_by_stage() == {"confirmed": 1}
        assert [x.serial for x in uow.projects.listing(stage="confirmed")] == ["QX-2026-0001"]


def test_drafts_survive_a_new_engine_and_one_is_active_per_chat(database_url: str, clock: Clock):
    migrate(database_url)
    first = UnitOfWorkFactory(make_engine(database_url), clock)
    with first() as uow:
        person = uow.people.add(Person(name="投资人"))
        uow.drafts.save(person.id or 0, "42", "plan", {"step": "land_area"})
        uow.drafts.save(person.id or 0, "42", "opinion", {"step": "text"}, subject="7")
        uow.commit()
    first.engine.dispose()
    second = UnitOfWorkFactory(make_engine(database_url), clock)
    try:
        with second() as uow:
            active = uow.drafts.active(1, "42")
            assert active is not None and active.form_id == "opinion"
            plan = uow.drafts.find(1, "42", "plan")
            assert plan is not None and plan.data == {"step": "land_area"} and not plan.active
    finally:
        second.engine.dispose()


def test_the_outbox_drops_a_duplicate_and_a_row_is_claimed_once(
    uow_factory: UnitOfWorkFactory, clock: Clock
):
    now = clock()
    with uow_factory() as uow:
        a = uow.outbox.enqueue("100", {"text": "hello"}, dedupe_key="nag:econ:2026-11")
        b = uow.outbox.enqueue("100", {"text": "hello"}, dedupe_key="nag:econ:2026-11")
        uow.commit()
    assert a is not None and b is None
    with uow_factory() as uow:
        due = uow.outbox.due(now + timedelta(seconds=1))
        assert [m.id for m in due] == [a.id]
        assert uow.outbox.claim(a.id or 0, timedelta(seconds=30), now)
        assert not uow.outbox.claim(a.id or 0, timedelta(seconds=30), now)
        uow.commit()
    with uow_factory() as uow:
        assert uow.outbox.release_stale(now + timedelta(seconds=31)) == 1
        uow.outbox.mark_failed(a.id or 0, "Forbidden: bot was blocked by the user")
        uow.commit()
    with uow_factory() as uow:
        failed = uow.outbox.failed_unreported()
        assert [m.id for m in failed] == [a.id]
        stored = uow.session.get(OutboxMessage, a.id)
        assert stored is not None
        assert stored.status == "failed"


def _snapshot(uow_factory: UnitOfWorkFactory) -> dict[str, list[tuple[object, ...]]]:
    with uow_factory() as uow:
        s = uow.session
        return {
            "units": sorted((u.id, u.name, u.kind, u.member) for u in s.exec(select(Unit))),
            "people": sorted((p.id, p.name, p.unit_id) for p in s.exec(select(Person))),
            "roles": sorted(
                (r.person_id, r.role, r.unit_id or "") for r in s.exec(select(PersonRole))
            ),
        }


def test_an_update_is_recorded_once_and_a_redelivery_is_known(uow_factory: UnitOfWorkFactory):
    with uow_factory() as uow:
        assert uow.first_time("telegram:7")
        assert not uow.first_time("telegram:7")  # the same update again, in one transaction
        uow.commit()
    with uow_factory() as uow:
        assert not uow.first_time("telegram:7")
        assert uow.first_time("telegram:8")
        uow.rollback()
    with uow_factory() as uow:
        assert uow.first_time("telegram:8")  # a rolled-back step did not record it
