"""A chart over Telegram's HTTP API, on every runtime: /assessment gives the office the
workbook, then each unit's on-time rate as a photo it sees in the chat, its numbers in the
caption."""

from __future__ import annotations

import struct

from bot.demo import ChatUser
from bot.runtimes import Runtime
from sandbox import SandboxServer
from tests.e2e.conftest import OFFICE_ID
from tests.e2e.test_review_and_decision import invite, join


async def test_the_assessment_comes_with_its_chart_as_a_photo(
    sandbox: SandboxServer, bot: Runtime
) -> None:
    sb = sandbox
    sb.add_user(OFFICE_ID, "管理员")
    admin = ChatUser(sb, OFFICE_ID, "管理员")
    office = await join(sb, 800, "王主任", await invite(sb, admin, "领导小组办公室"))
    await office.say("/assessment")
    await sb.wait_idle(idle_ms=300, timeout=15)
    workbook, chart = [e for e in sb.transcript(office.user_id) if e.sender == "bot"][-2:]
    assert workbook.document is not None and workbook.document.endswith(".xlsx")
    assert chart.photo and chart.text is not None
    assert "月报按时报送率" in chart.text and "区环境保护局" in chart.text  # the numbers
    raw = sb.message(office.user_id, chart.message_id) or {}
    biggest = raw["photo"][-1]
    assert (biggest["width"], biggest["height"]) > (1000, 700)
    content = sb.file_content(biggest["file_id"])
    assert content[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", content[16:24]) == (biggest["width"], biggest["height"])
