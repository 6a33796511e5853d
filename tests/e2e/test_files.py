"""Files over Telegram's HTTP API, on both runtimes: a program is refused, a document is
downloaded once (getFile and the file URL) and kept byte for byte, and a failed download asks
for the file again and changes nothing."""

from __future__ import annotations

import hashlib

from sqlmodel import select

from bot.demo import ChatUser, current_step
from bot.runtimes import Runtime
from conversations.draft import Draft
from sandbox import SandboxServer
from storage.tables import StoredFile
from storage.uow import UnitOfWorkFactory

INVESTOR = 10001
REPORT = b"%PDF-1.4\n% feasibility report\n" + bytes(range(256)) * 40


async def at_the_file_question(sb: SandboxServer, uow_factory: UnitOfWorkFactory) -> ChatUser:
    """Register an investor, open a plan, and move its draft to the feasibility report."""
    sb.add_user(INVESTOR, "李明")
    user = ChatUser(sb, INVESTOR, "李明")
    for text in ("/start", "李明", "广东华锐精密科技股份有限公司", "13800138000"):
        await user.say(text)
    await user.press("同意")
    await user.press("✅ 提交")
    await user.say("/new")
    with uow_factory() as uow:
        person = uow.people.by_account("telegram", str(INVESTOR))
        assert person is not None and person.id is not None
        row = uow.drafts.active(person.id, str(INVESTOR))
        assert row is not None
        draft = Draft.model_validate(row.data).model_copy(update={"current": "feasibility_report"})
        uow.drafts.save(person.id, str(INVESTOR), row.form_id, draft.model_dump(mode="json"))
        uow.commit()
    return user


def stored_files(uow_factory: UnitOfWorkFactory) -> list[StoredFile]:
    with uow_factory() as uow:
        rows = list(uow.session.exec(select(StoredFile)))
        uow.session.expunge_all()  # kept readable after the unit of work ends
        return rows


async def test_a_program_is_refused_and_a_pdf_is_kept_byte_for_byte(
    sandbox: SandboxServer, bot: Runtime, uow_factory: UnitOfWorkFactory
):
    user = await at_the_file_question(sandbox, uow_factory)

    await user.send_file("setup.exe", "application/x-msdownload", b"MZ\x90\x00program")
    transcript = sandbox.render_transcript(INVESTOR)
    assert "“项目可行性研究报告”未能保存：不接受这类文件" in transcript
    assert "pdf、doc、docx、wps、xls、xlsx、et、ppt、pptx、zip、rar、7z、jpg、png" in transcript
    assert current_step(uow_factory, INVESTOR) == "feasibility_report"
    assert stored_files(uow_factory) == []
    assert sandbox.calls("getFile") == []  # a refused type is not even fetched

    await user.send_file("可行性研究报告.pdf", "application/pdf", REPORT)
    assert current_step(uow_factory, INVESTOR) != "feasibility_report"
    [kept] = stored_files(uow_factory)
    assert kept.content == REPORT and kept.size == len(REPORT)
    assert kept.sha256 == hashlib.sha256(REPORT).hexdigest()
    assert kept.filename == "可行性研究报告.pdf" and kept.mime_type == "application/pdf"
    assert kept.messenger_file_id and sandbox.file_content(kept.messenger_file_id) == REPORT
    assert len(sandbox.calls("getFile")) == 1  # downloaded once
    with uow_factory() as uow:
        person = uow.people.by_account("telegram", str(INVESTOR))
        assert person is not None and person.id is not None
        row = uow.drafts.active(person.id, str(INVESTOR))
        assert row is not None
        assert row.data["answers"]["feasibility_report"]["sha256"] == kept.sha256


async def test_a_failed_download_asks_for_the_file_again_and_changes_nothing(
    sandbox: SandboxServer, bot: Runtime, uow_factory: UnitOfWorkFactory
):
    user = await at_the_file_question(sandbox, uow_factory)
    sandbox.inject_fault(500, method="getFile", times=3)
    await user.send_file("可行性研究报告.pdf", "application/pdf", REPORT)
    await sandbox.wait_idle(idle_ms=200, timeout=20)
    transcript = sandbox.render_transcript(INVESTOR)
    assert "文件未能接收完整，本项没有改动，请重新发送该文件" in transcript
    assert current_step(uow_factory, INVESTOR) == "feasibility_report"
    assert stored_files(uow_factory) == []

    await user.send_file("可行性研究报告.pdf", "application/pdf", REPORT)
    assert current_step(uow_factory, INVESTOR) != "feasibility_report"
    assert [f.content for f in stored_files(uow_factory)] == [REPORT]
