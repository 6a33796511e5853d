"""The charts go where people look: the weekly digest carries the pipeline's funnel, the
monthly aggregate is followed by who filed on time, late or not at all, and /assessment by each
unit's on-time rate; the numbers stay in the text, and without a CJK font the text goes alone."""

from __future__ import annotations

import struct
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import col, select

from documents import charts
from documents.charts import fonts
from handlers.context import Services
from handlers.dispatch import Dispatcher
from handlers.reporting.aggregate import aggregate_data, send_aggregate, status_of
from handlers.reporting.digest import pipeline_funnel, standings, weekly_digest
from storage.deployment import record_deployment_start
from storage.tables import OutboxMessage, StoredFile
from tests.conftest import Clock
from tests.handlers.conftest import person
from tests.handlers.flows import official, project
from workflow.reporting import window
from workflow.roles import Role

MONDAY = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # 10:00 in Qingyuan


def png_size(content: bytes) -> tuple[int, int]:
    assert content[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    width, height = struct.unpack(">II", content[16:24])
    return width, height


def rows_to(s: Services, chat: str, key: str) -> list[OutboxMessage]:
    with s.uow() as uow:
        found = uow.session.exec(
            select(OutboxMessage)
            .where(OutboxMessage.chat_id == chat, col(OutboxMessage.dedupe_key).startswith(key))
            .order_by(col(OutboxMessage.id))
        )
        rows = list(found)
        for row in rows:
            uow.session.expunge(row)  # readable once the unit of work is closed
        return rows


def stored(s: Services, file_id: int | None) -> StoredFile:
    assert file_id is not None, "the notification carries no file"
    with s.uow() as uow:
        found = uow.outbox.file(file_id)
        assert found is not None
        uow.session.expunge(found)
        return found


def no_cjk_font(monkeypatch: pytest.MonkeyPatch) -> None:
    """A machine without fonts-noto-cjk, as far as the charts can tell."""
    monkeypatch.setattr(fonts, "cjk_font", lambda: None)


def a_library_with_stalled_projects(s: Services, clock: Clock) -> None:
    """Leads waiting 3, 10 and 20 days (the policy allows 7), a negotiation of 3 days, an
    agreement signed 83 days ago (60 allowed) and a project under construction."""
    for serial, stage, days in (
        ("QX-2026-0001", "lead", 20),
        ("QX-2026-0002", "lead", 10),
        ("QX-2026-0003", "lead", 3),
        ("QX-2026-0004", "negotiation", 3),
        ("QX-2026-0005", "signed", 83),
        ("QX-2026-0006", "construction", 200),
    ):
        clock.now = MONDAY - timedelta(days=days)
        project(s, serial, 20000, stage=stage)
    clock.now = MONDAY


def test_the_weekly_digest_carries_the_funnel_and_keeps_its_numbers_in_the_text(
    services: Services, clock: Clock
) -> None:
    s = services
    official(s, "700", "张组长", Role.LEADER, None)
    a_library_with_stalled_projects(s, clock)
    with s.uow() as uow:
        data = pipeline_funnel(standings(s, uow, MONDAY.date()))
    bars = {b.stage: (b.green, b.amber, b.red) for b in data.stages}
    assert bars["lead"] == (1, 1, 1)
    assert bars["negotiation"] == (1, 0, 0)
    assert bars["signed"] == (0, 1, 0)
    assert bars["construction"] == (1, 0, 0)  # the policy sets no days for construction
    assert bars["city"] == (0, 0, 0)

    with s.uow() as uow:
        assert weekly_digest(s, uow) == 1
        uow.commit()
    (row,) = rows_to(s, "700", "digest:")
    chart = stored(s, row.file_id)
    assert chart.mime_type == "image/png" and chart.filename.endswith(".png")
    assert png_size(chart.content or b"") == (1020, 720)
    text = row.payload["text"]
    assert "① 信息收集：3" in text and "③ 项目洽谈：1" in text  # the numbers stay in the text
    assert "🔴 QX-2026-0001" in text and "🟠 QX-2026-0002" in text


def test_without_a_cjk_font_the_digest_goes_as_text_alone(
    services: Services, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    s = services
    official(s, "700", "张组长", Role.LEADER, None)
    a_library_with_stalled_projects(s, clock)
    no_cjk_font(monkeypatch)
    with s.uow() as uow:
        assert weekly_digest(s, uow) == 1
        uow.commit()
    (row,) = rows_to(s, "700", "digest:")
    assert row.file_id is None and "① 信息收集：3" in row.payload["text"]


def a_month_of_reports(s: Services) -> None:
    """November: 环保局 files on 3 December, 经信局 on the 7th (due the 5th), nobody else."""
    shanghai = timedelta(hours=8)
    with s.uow() as uow:
        for unit, day in (("environment", 3), ("econ", 7)):
            at = datetime(2026, 12, day, 10, tzinfo=UTC) - shanghai
            uow.reports.submit(unit, "2026-11", None, at, [], nothing_to_report=True)
        uow.commit()


def test_the_monthly_aggregate_is_followed_by_the_report_status_chart(
    services: Services, clock: Clock
) -> None:
    s = services
    official(s, "800", "办公室王", Role.OFFICE, "office")
    a_month_of_reports(s)
    w = window("2026-11", s.policy.deadlines)
    with s.uow() as uow:
        status = status_of(aggregate_data(s, uow, w))
    filed = {u.unit: u.filed for u in status.units}
    assert filed["区环境保护局"] == "on_time" and filed["区经济和信息化局"] == "late"
    assert [status.count(f) for f in charts.FILED] == [1, 1, 11]

    clock.now = datetime(2026, 12, 7, 2, tzinfo=UTC)
    with s.uow() as uow:
        assert send_aggregate(s, uow, w) == 2  # the aggregate, then the status
        assert send_aggregate(s, uow, w) == 0  # once
        uow.commit()
    aggregate, chart_row = rows_to(s, "800", "mr:")
    assert stored(s, aggregate.file_id).filename.endswith(".xlsx")
    chart = stored(s, chart_row.file_id)
    assert chart.mime_type == "image/png" and png_size(chart.content or b"") == (1020, 720)
    text = chart_row.payload["text"]
    assert "按时报送：1" in text
    assert "逾期报送：1 个（区经济和信息化局）" in text
    assert "未报送：11 个" in text and "区发展改革局" in text


def test_without_a_cjk_font_the_report_status_still_goes_as_text(
    services: Services, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    s = services
    official(s, "800", "办公室王", Role.OFFICE, "office")
    a_month_of_reports(s)
    no_cjk_font(monkeypatch)
    clock.now = datetime(2026, 12, 7, 2, tzinfo=UTC)
    with s.uow() as uow:
        send_aggregate(s, uow, window("2026-11", s.policy.deadlines))
        uow.commit()
    _, status = rows_to(s, "800", "mr:")
    assert (
        status.file_id is None and "逾期报送：1 个（区经济和信息化局）" in status.payload["text"]
    )


def a_year_of_reports(s: Services) -> None:
    """The bot asked for reports from September: 环保局 filed all three on time, 经信局 one on
    time, one late and one never; the others filed nothing."""
    shanghai = timedelta(hours=8)
    with s.uow() as uow:
        record_deployment_start(uow, MONDAY, reporting_from="2026-09")
        filings = {
            "environment": {"2026-09": date(2026, 10, 3), "2026-10": date(2026, 11, 4)},
            "econ": {"2026-09": date(2026, 10, 5), "2026-10": date(2026, 11, 9)},
        }
        filings["environment"]["2026-11"] = date(2026, 12, 1)
        for unit, periods in filings.items():
            for period, day in periods.items():
                at = datetime(day.year, day.month, day.day, 10, tzinfo=UTC) - shanghai
                uow.reports.submit(unit, period, None, at, [], nothing_to_report=True)
        uow.commit()


def test_the_assessment_is_followed_by_each_units_on_time_rate(
    services: Services, clock: Clock
) -> None:
    s = services
    official(s, "800", "办公室王", Role.OFFICE, "office")
    a_year_of_reports(s)
    clock.now = datetime(2027, 1, 11, 2, tzinfo=UTC)
    office = person(Dispatcher(s), "800", "办公室王")
    workbook, rates = office.says("/assessment 2026")
    assert workbook.document is not None and workbook.document.filename.endswith(".xlsx")
    assert rates.document is not None and rates.document.mime_type == "image/png"
    width, height = png_size(rates.document.content or b"")
    assert width == 1020 and height > 720  # thirteen units, a bar each
    lines = rates.text.splitlines()
    assert lines[1] == "· 区环境保护局：100%（应报 3，按时 3，逾期 0，未报 0）"  # the best first
    assert lines[2] == "· 区经济和信息化局：33.3%（应报 3，按时 1，逾期 1，未报 1）"
    assert "· 区贸促会：0%（应报 3，按时 0，逾期 0，未报 3）" in lines


def test_without_a_cjk_font_the_assessment_rates_go_as_text(
    services: Services, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    s = services
    official(s, "800", "办公室王", Role.OFFICE, "office")
    a_year_of_reports(s)
    no_cjk_font(monkeypatch)
    clock.now = datetime(2027, 1, 11, 2, tzinfo=UTC)
    _, rates = person(Dispatcher(s), "800", "办公室王").says("/assessment 2026")
    assert rates.document is None and "区环境保护局：100%" in rates.text
