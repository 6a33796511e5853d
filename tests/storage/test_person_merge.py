"""A provisional person (a visitor's first message made them) folds into the person they are,
on both backends: what a visitor leaves behind moves, the audit keeps its rows, and a person
with records of their own is not merged."""

from __future__ import annotations

import pytest
from sqlmodel import select

from storage.tables import AuditEntry, FormDraft, OutboxMessage, Person, Project
from storage.uow import UnitOfWorkFactory


def a_visitor(uow_factory: UnitOfWorkFactory) -> tuple[int, int]:
    """An official on Telegram, and a visitor on WeCom with a draft, a queued notice and an
    audit row of their own; their ids."""
    with uow_factory() as uow:
        official = uow.people.add(Person(name="张三"))
        uow.people.link_account(official, "telegram", "7001", "7001")
        uow.people.grant(official.id or 0, "reviewer", unit_id=None)
        visitor = uow.people.add(Person(name="ZhangSan"))
        uow.people.link_account(visitor, "wecom", "ZhangSan", "ZhangSan")
        uow.drafts.save(visitor.id or 0, "ZhangSan", "registration", {"answers": {}})
        uow.outbox.enqueue("ZhangSan", {"text": "你好"}, person_id=visitor.id, messenger="wecom")
        uow.audit("blocked_bot", "account", 1, actor_id=visitor.id)
        uow.commit()
        return official.id or 0, visitor.id or 0


def test_a_provisional_person_merges_into_the_person_they_are(
    uow_factory: UnitOfWorkFactory,
) -> None:
    official_id, visitor_id = a_visitor(uow_factory)
    with uow_factory() as uow:
        official, visitor = uow.people.get(official_id), uow.people.get(visitor_id)
        assert official is not None and visitor is not None
        assert uow.people.records(visitor) == []
        assert "personrole.person_id" in uow.people.records(official)
        uow.people.merge(visitor, official)
        uow.commit()
    with uow_factory() as uow:
        assert uow.people.get(visitor_id) is None
        accounts = sorted(a.external_id for a in uow.people.accounts_of(official_id))
        assert accounts == ["7001", "ZhangSan"]
        [audit] = uow.session.exec(select(AuditEntry)).all()
        assert audit.action == "blocked_bot" and audit.actor_id == official_id
        [notice] = uow.session.exec(select(OutboxMessage)).all()
        assert notice.person_id == official_id
        [draft] = uow.session.exec(select(FormDraft)).all()
        assert draft.person_id == official_id


def test_a_person_with_a_project_of_their_own_is_not_merged(
    uow_factory: UnitOfWorkFactory,
) -> None:
    official_id, visitor_id = a_visitor(uow_factory)
    with uow_factory() as uow:
        project = Project(serial="QX-2026-0001", name="新材料项目", stage="lead")
        project.investor_person_id = visitor_id
        uow.session.add(project)
        uow.commit()
    with uow_factory() as uow:
        official, visitor = uow.people.get(official_id), uow.people.get(visitor_id)
        assert official is not None and visitor is not None
        assert uow.people.records(visitor) == ["project.investor_person_id"]
        with pytest.raises(ValueError, match="records of their own"):
            uow.people.merge(visitor, official)
