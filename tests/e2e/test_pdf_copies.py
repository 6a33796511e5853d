"""Over Telegram's HTTP API, on both runtimes: a Word document reaches the person as .docx and
then as .pdf, both as a reply sent at once (the office's /progress preview) and as an outbox
notification (the report sent on to the city office). The PDF is LibreOffice's, of the same
document; without LibreOffice these are skipped, except in CI."""

from __future__ import annotations

import asyncio
import io
import os
from pathlib import Path
from typing import Any

import pypdf
import pytest

from bot.bootstrap import initialise
from bot.demo import ChatUser
from bot.runtimes import Runtime
from bot.settings import Settings
from documents.pdf import find_soffice
from sandbox import SandboxServer
from storage.tables import Person
from storage.uow import UnitOfWorkFactory
from tests.e2e.conftest import OFFICE_ID, RUNTIMES, settings_for
from tests.e2e.test_review_and_decision import OFFICE, add_project, invite, join, settle

CITY_OFFICE = 700

pytestmark = pytest.mark.skipif(
    find_soffice() is None and not os.environ.get("CI"),
    reason="LibreOffice is not installed (in CI it must be)",
)


@pytest.fixture(params=RUNTIMES)
def settings(request: pytest.FixtureRequest, sandbox: SandboxServer, tmp_path: Path) -> Settings:
    """The e2e settings with PDF copies on, once for each runtime."""
    s = settings_for(sandbox, tmp_path, request.param, pdf_copies=True)
    initialise(s)
    return s


async def documents_in(sb: SandboxServer, chat: int, count: int) -> list[dict[str, Any]]:
    """The files the bot has sent to a chat, in order, once there are `count` of them (the PDF
    copy follows its Word document after the conversion, seconds later)."""
    found: list[dict[str, Any]] = []
    async with asyncio.timeout(60):
        while len(found) < count:
            await asyncio.sleep(0.2)
            found = []
            for entry in sb.transcript(chat):
                if entry.sender != "bot" or entry.deleted:
                    continue
                raw = sb.message(chat, entry.message_id) or {}
                if raw.get("document"):
                    found.append({**raw["document"], "buttons": entry.buttons})
    return found


def assert_same_document_as_pdf(sb: SandboxServer, word: dict[str, Any], pdf: dict[str, Any]):
    assert word["file_name"].endswith(".docx") and word["buttons"]  # the buttons stay on the Word
    assert pdf["file_name"] == word["file_name"].removesuffix(".docx") + ".pdf"
    assert pdf["mime_type"] == "application/pdf" and not pdf["buttons"]
    reader = pypdf.PdfReader(io.BytesIO(sb.file_content(pdf["file_id"])))
    text = "".join(page.extract_text() or "" for page in reader.pages).replace("\n", "")
    assert "新能源汽车电机壳体项目" in text.replace(" ", "")


async def test_a_word_document_reaches_the_person_as_docx_and_as_pdf(
    sandbox: SandboxServer, bot: Runtime, uow_factory: UnitOfWorkFactory
):
    sb = sandbox
    sb.add_user(OFFICE_ID, "管理员")
    admin = ChatUser(sb, OFFICE_ID, "管理员")
    office = await join(sb, OFFICE, "王主任", await invite(sb, admin, "领导小组办公室"))
    await join(sb, CITY_OFFICE, "市办刘科长", await invite(sb, admin, "市领导小组办公室"))
    with uow_factory() as uow:
        investor = uow.people.add(Person(name="李明"))
        uow.commit()
        investor_id = investor.id or 0
    serial = add_project(uow_factory, investor_id, "新能源汽车电机壳体项目", 20000)
    with uow_factory() as uow:
        project = uow.projects.by_serial(serial)
        assert project is not None
        project.stage = "signed"
        uow.commit()

    await office.say("/progress")  # a reply sent at once
    word, pdf = await documents_in(sb, OFFICE, 2)
    assert_same_document_as_pdf(sb, word, pdf)

    await office.press("📤 报送市领导小组办公室")  # a notification through the outbox
    await settle(sb, bot)
    word, pdf = await documents_in(sb, CITY_OFFICE, 2)
    assert_same_document_as_pdf(sb, {**word, "buttons": [["-"]]}, pdf)
    assert len(await documents_in(sb, OFFICE, 2)) == 2  # the office's Word was not sent twice
