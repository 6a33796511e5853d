"""Liaison for a signed project (附件7): leader and officer per unit, the table, check-ins
every two weeks, and problems that stay open until someone closes them."""

from __future__ import annotations

from sqlmodel import select

from conversations.replies import Reply
from documents.word import docx_text
from handlers.context import Services
from handlers.dispatch import Dispatcher
from handlers.sweeps import run_all
from storage.tables import OutboxMessage, ProblemItem
from tests.handlers.conftest import Clock, person
from tests.handlers.flows import official, project, project_of
from workflow.roles import Role


def inbox(s: Services, chat: str) -> list[Reply]:
    with s.uow() as uow:
        rows = uow.session.exec(select(OutboxMessage).where(OutboxMessage.chat_id == chat))
        return [Reply.from_dict(m.payload) for m in rows]


def test_liaison_officers_follow_a_signed_project(services: Services, clock: Clock) -> None:
    official(services, "800", "办公室王", Role.OFFICE, "office")
    official(services, "310", "经信局张局长", Role.UNIT_HEAD, "econ")
    official(services, "311", "经信局小陈", Role.UNIT_REPORTER, "econ")
    official(services, "320", "住建局许局长", Role.UNIT_HEAD, "housing")
    official(services, "330", "张国力", Role.LEADER, "district_gov")
    pid = project(services, "QX-2026-0002", 20000, stage="signed")
    d = Dispatcher(services)
    office = person(d, "800", "办公室王")
    office.says("/project QX-2026-0002")
    card = office.press("🤝 联络员")
    assert "区四套班子领导分头联系" in card[0].text  # 2亿: district leaders from 1亿
    office.press("经信局")
    office.press("经信局张局长")
    done = office.press("经信局小陈")
    assert "负责领导 经信局张局长，联络员 经信局小陈" in done[0].text
    office.press("👤 区领导联系")
    office.press("张国力")
    office.press("张国力")
    table = office.press("📄 项目建设联络表")[0].document
    assert table is not None and table.content is not None
    text = docx_text(table.content)
    assert "项目建设联络表" in text and "经信局小陈" in text and "张国力" in text
    assert any("联络员" in r.text for r in inbox(services, "311"))

    clock.advance(days=13)
    run_all(services)
    assert not [r for r in inbox(services, "311") if "近两周" in r.text]
    clock.advance(days=1)
    run_all(services)
    run_all(services)
    asks = [r for r in inbox(services, "311") if "近两周" in r.text]
    assert len(asks) == 1
    officer = person(d, "311", "经信局小陈")
    officer.seen += asks
    officer.press("📝 填写跟踪情况")
    officer.says("主体厂房已封顶。")
    officer.says("12000万元")
    officer.says("施工用电临时接入迟迟未办理。")
    officer.says("住建局")
    officer.press("✅ 提交")
    head = person(d, "320", "住建局许局长")
    head.seen += [r for r in inbox(services, "320") if "需要协调" in r.text]
    assert head.seen and "施工用电" in head.seen[-1].text
    with services.uow() as uow:
        assert len(uow.service.open_problems(pid)) == 1
        assert project_of(uow, pid).invested_wan == 12000
    head.press("✅ 已解决")
    with services.uow() as uow:
        item = uow.session.exec(select(ProblemItem)).one()
        assert item.closed_at is not None


def test_the_yearly_assessment_counts_reports_reviews_and_follow_up(
    services: Services, clock: Clock
) -> None:
    from datetime import date
    from decimal import Decimal

    from documents.excel import xlsx_rows
    from storage.tables import Agreement

    official(services, "800", "办公室王", Role.OFFICE, "office")
    pid = project(services, "QX-2026-0002", 20000, stage="construction")
    with services.uow() as uow:
        uow.decisions.add(
            Agreement(
                project_id=pid,
                signed_on=date(2026, 3, 1),
                signer="张仁建",
                committed_start="2026-06",
                committed_production="2027-06",
            )
        )
        project_of(uow, pid).invested_wan = Decimal(15000)
        uow.commit()
    office = person(Dispatcher(services), "800", "办公室王")
    reply = office.says("/assessment 2026")[0]
    assert reply.document is not None and reply.document.filename.endswith(".xlsx")
    assert reply.document.content is not None
    sheets = xlsx_rows(reply.document.content)
    text = "\n".join(str(c) for rows in sheets.values() for r in rows for c in r if c is not None)
    assert "区经济和信息化局" in text and "QX-2026-0002" in text
    assert "0.75" in text  # 15000 of 20000 万元 in place
    assert "用法" in office.says("/assessment 1999")[0].text


def test_the_liaison_table_names_each_units_business_and_phones(
    services: Services, clock: Clock
) -> None:
    official(services, "800", "办公室王", Role.OFFICE, "office")
    official(services, "310", "经信局张局长", Role.UNIT_HEAD, "econ")
    official(services, "311", "经信局小陈", Role.UNIT_REPORTER, "econ")
    with services.uow() as uow:
        for user, phone in (("310", "0763-5812345"), ("311", "13800138011")):
            found = uow.people.by_account("telegram", user)
            assert found is not None
            found.phone = phone
            uow.session.add(found)
        uow.commit()
    project(services, "QX-2026-0002", 20000, stage="signed")
    office = person(Dispatcher(services), "800", "办公室王")
    office.says("/project QX-2026-0002")
    office.press("🤝 联络员")
    office.press("经信局")
    office.press("经信局张局长")
    office.press("经信局小陈")
    table = office.press("📄 项目建设联络表")[0].document
    assert table is not None and table.content is not None
    text = docx_text(table.content)
    business = services.policy.unit("econ").business
    assert business is not None and business.text in text  # 主要负责业务, from the policy
    assert "0763-5812345" in text and "13800138011" in text  # each under its name


def test_a_district_leader_in_both_roles_is_named_once_and_told_once(
    services: Services, clock: Clock
) -> None:
    official(services, "800", "办公室王", Role.OFFICE, "office")
    official(services, "330", "张国力", Role.LEADER, "district_gov")
    official(services, "331", "李副区长", Role.LEADER, "district_gov")
    project(services, "QX-2026-0002", 20000, stage="signed")
    office = person(Dispatcher(services), "800", "办公室王")
    office.says("/project QX-2026-0002")
    office.press("🤝 联络员")
    office.press("👤 区领导联系")
    office.press("张国力")
    office.press("张国力")
    told = [r for r in inbox(services, "330") if "您已被指定" in r.text]
    assert len(told) == 1 and "负责领导和联络员" in told[0].text
    table = office.press("📄 项目建设联络表")[0].document
    assert table is not None and table.content is not None
    text = docx_text(table.content)
    assert "区四套班子领导张国力分头联系" in text
    assert "张国力、张国力" not in text
    # Two different leaders are both named, and each told of their own role.
    office.press("👤 区领导联系")
    office.press("张国力")
    office.press("李副区长")
    assert [r.text for r in inbox(services, "331") if "联络员" in r.text]
    table = office.press("📄 项目建设联络表")[0].document
    assert table is not None and table.content is not None
    assert "张国力、李副区长分头联系" in docx_text(table.content)


def test_a_problem_two_units_share_counts_once_in_the_assessment_overview(
    services: Services, clock: Clock
) -> None:
    from documents.excel import xlsx_rows

    official(services, "800", "办公室王", Role.OFFICE, "office")
    pid = project(services, "QX-2026-0002", 20000, stage="construction")
    with services.uow() as uow:
        uow.service.raise_problem(
            ProblemItem(project_id=pid, text="施工用电", units="housing,land", raised_at=clock())
        )
        uow.commit()
    office = person(Dispatcher(services), "800", "办公室王")
    reply = office.says(f"/assessment {clock().year}")[0]
    assert reply.document is not None and reply.document.content is not None
    sheets = xlsx_rows(reply.document.content)
    overview = next(rows for name, rows in sheets.items() if "总体" in name)
    (open_row,) = [r for r in overview if r and r[0] == "未解决问题（个）"]
    assert open_row[1] == 1  # one problem, though two units' rows each show it
    units = next(rows for name, rows in sheets.items() if "成员单位" in name)
    header = next(r for r in units if "未解决问题" in r)
    col = header.index("未解决问题")
    counts = {
        r[1]: r[col] for r in units if r and r[1] in ("区住房城乡建设局", "市国土资源局清新分局")
    }
    assert counts == {"区住房城乡建设局": 1, "市国土资源局清新分局": 1}


def test_the_follow_up_figures_flag_an_agreement_that_differs_from_the_plan(
    services: Services, clock: Clock
) -> None:
    from datetime import date
    from decimal import Decimal

    from documents.excel import xlsx_rows
    from storage.tables import Agreement

    official(services, "800", "办公室王", Role.OFFICE, "office")
    same = project(services, "QX-2026-0002", 20000, stage="construction")
    lower = project(services, "QX-2026-0003", 20000, stage="construction")
    with services.uow() as uow:
        for pid, intensity in ((same, "400"), (lower, "380")):
            uow.decisions.add(
                Agreement(
                    project_id=pid,
                    signed_on=date(clock().year, 3, 1),
                    signer="张仁建",
                    committed_intensity=Decimal(intensity),
                    committed_output_yi=Decimal(6),
                    committed_tax_wan=Decimal(3500),
                )
            )
        uow.commit()
    office = person(Dispatcher(services), "800", "办公室王")
    reply = office.says(f"/assessment {clock().year}")[0]
    assert reply.document is not None and reply.document.content is not None
    rows = next(r for name, r in xlsx_rows(reply.document.content).items() if "项目" in name)
    flags = {r[0]: r[-1] for r in rows if r and str(r[0]).startswith("QX-")}
    assert flags == {"QX-2026-0002": "一致", "QX-2026-0003": "投资强度"}
