"""The office reports the signed projects' progress to the city leading group from chat
(001 八: "不定期向市招商引资工作领导小组报告项目进展以及推进过程中遇到的问题和困难"): a Word
document, delivered to the city office's people, recorded (when, by whom) and audited."""

from __future__ import annotations

from datetime import date

from sqlmodel import select

from documents.word import docx_text
from handlers.context import Services
from handlers.dispatch import Dispatcher
from storage.tables import (
    Agreement,
    AuditEntry,
    LiaisonAssignment,
    OutboxMessage,
    ProblemItem,
    StoredFile,
)
from tests.conftest import Clock
from tests.handlers.conftest import person
from tests.handlers.flows import official, project
from workflow.roles import Role


def signed_world(s: Services) -> None:
    official(s, "800", "办公室王", Role.OFFICE, "office")
    official(s, "900", "市办李", Role.CITY_OFFICE, "city_office")
    official(s, "901", "市办赵", Role.CITY_OFFICE, "city_office")
    official(s, "330", "张国力", Role.LEADER, "district_gov")
    signed = project(s, "QX-2026-0002", 20000, stage="construction")
    project(s, "QX-2026-0003", 5000, stage="negotiation")  # not signed: not in the report
    with s.uow() as uow:
        uow.session.add(
            Agreement(
                project_id=signed,
                signed_on=date(2026, 10, 8),
                signer="张仁建",
                committed_start="2026-12",
                committed_production="2028-06",
            )
        )
        uow.session.add(LiaisonAssignment(project_id=signed, unit_id="land"))
        uow.session.add(
            ProblemItem(project_id=signed, text="项目用地报批进度滞后", units="land,planning")
        )
        uow.commit()


def city_messages(s: Services, chat: str) -> list[tuple[str, int | None]]:
    """The text and the file id of each message queued to a chat."""
    with s.uow() as uow:
        rows = uow.session.exec(select(OutboxMessage).where(OutboxMessage.chat_id == chat))
        return [(m.payload["text"], m.file_id) for m in rows]


def reports(s: Services) -> list[AuditEntry]:
    with s.uow() as uow:
        found = uow.audits("city_progress_report")
        for entry in found:
            uow.session.expunge(entry)
        return found


def _plain(text: str) -> str:
    """A document's text with its serials' unbreakable hyphens and joiners as plain hyphens."""
    return text.replace("\u2011", "-").replace("\u2060", "")


def test_the_office_previews_then_sends_the_report_to_each_city_office_official(
    services: Services,
):
    signed_world(services)
    office = person(Dispatcher(services), "800", "办公室王")
    (preview,) = office.says("/progress")
    assert "1 个已签约项目" in preview.text and "001 八" in preview.text
    assert "此前尚未报送过" in preview.text
    assert preview.document is not None and preview.document.content is not None
    text = _plain(docx_text(preview.document.content))
    assert text.startswith("清远市清新区招商引资项目进展情况报告")
    assert "清远市招商引资工作领导小组：" in text
    assert "QX-2026-0002" in text and "QX-2026-0003" not in text
    assert (
        "2026年10月8日" in text
        and "承诺动工：2026年12月" in text
        and "承诺投产：2028年6月" in text
    )
    assert "项目用地报批进度滞后（需协调：国土分局、规划分局）" in text
    assert "协议扫描件报市：尚未报送" in text and "联络单位：国土分局" in text
    assert city_messages(services, "900") == [] and reports(services) == []  # a preview only

    (sent,) = office.press("📤 报送市领导小组办公室")
    assert sent.edit and "已记录" in sent.text
    for chat in ("900", "901"):
        ((text_sent, file_id),) = city_messages(services, chat)
        assert "办公室王" in text_sent and file_id is not None
        with services.uow() as uow:
            stored = uow.session.get(StoredFile, file_id)
            assert stored is not None and stored.filename.endswith("项目进展报告.docx")
            assert "QX-2026-0002" in _plain(docx_text(stored.content or b""))
    assert city_messages(services, "330") == []  # the city's, not the district leader's
    (entry,) = reports(services)
    with services.uow() as uow:
        sender = uow.people.get(entry.actor_id or 0)
        assert sender is not None and sender.name == "办公室王"
    assert entry.at == services.clock() and entry.note == "1 project(s), 2 message(s)"


def test_a_second_press_at_once_sends_nothing_more_and_later_a_new_report_goes(
    services: Services, clock: Clock
):
    signed_world(services)
    office = person(Dispatcher(services), "800", "办公室王")
    office.says("/progress")
    office.press("📤 报送市领导小组办公室")
    clock.advance(minutes=9)
    (again,) = office.press("📤 报送市领导小组办公室")
    assert "未重复发送" in again.text and "办公室王" in again.text
    assert len(city_messages(services, "900")) == 1 and len(reports(services)) == 1
    clock.advance(minutes=1)
    (preview,) = office.says("/progress")
    assert "上次报送" in preview.text and "办公室王" in preview.text
    office.press("📤 报送市领导小组办公室")
    assert len(city_messages(services, "900")) == 2 and len(reports(services)) == 2


def test_without_a_city_office_official_nothing_is_sent_or_recorded(services: Services):
    official(services, "800", "办公室王", Role.OFFICE, "office")
    project(services, "QX-2026-0002", 20000, stage="signed")
    office = person(Dispatcher(services), "800", "办公室王")
    office.says("/progress")
    (reply,) = office.press("📤 报送市领导小组办公室")
    assert "无法报送" in reply.text and reports(services) == []


def test_without_a_signed_project_there_is_nothing_to_report(services: Services):
    official(services, "800", "办公室王", Role.OFFICE, "office")
    project(services, "QX-2026-0003", 5000, stage="negotiation")
    office = person(Dispatcher(services), "800", "办公室王")
    (reply,) = office.says("/progress")
    assert "没有已签约的项目" in reply.text and reply.document is None


def test_the_report_lists_every_signed_stage_in_serial_order(services: Services):
    official(services, "800", "办公室王", Role.OFFICE, "office")
    for serial, stage in (
        ("QX-2026-0009", "signed"),
        ("QX-2026-0005", "landing"),
        ("QX-2026-0007", "production"),
    ):
        project(services, serial, 8000, stage=stage)
    office = person(Dispatcher(services), "800", "办公室王")
    (preview,) = office.says("/progress")
    assert preview.document is not None and preview.document.content is not None
    text = _plain(docx_text(preview.document.content))
    found = [line for line in text.split("\n") if line.startswith("编号：")]
    assert found == ["编号：QX-2026-0005", "编号：QX-2026-0007", "编号：QX-2026-0009"]
    assert "已投产" in text and "⑤ 项目落地" in text


def test_a_forged_send_by_someone_else_is_refused_and_changes_nothing(services: Services):
    signed_world(services)
    leader = person(Dispatcher(services), "330", "张国力")
    (reply,) = leader.press_data("pg:send")
    assert "权限" in reply.text
    assert reports(services) == [] and city_messages(services, "900") == []
