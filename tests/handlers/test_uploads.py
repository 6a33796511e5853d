"""Uploads are kept, not only pointed at: the bytes of an accepted file are stored with their
SHA-256 and size in the same transaction as the answer, in the database or in a files folder."""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path

from sqlmodel import select

from conversations.draft import Draft
from handlers.context import Services
from handlers.dispatch import Dispatcher
from storage.files import FileStore
from storage.tables import StoredFile
from storage.uow import UnitOfWorkFactory
from tests.handlers.conftest import Person, person
from tests.handlers.test_onboarding import register

REPORT = b"%PDF-1.4\n" + bytes(range(256)) * 10


def at_the_report(services: Services, user_id: str = "101") -> Person:
    """A registered investor whose open plan asks for the feasibility report."""
    inv = person(Dispatcher(services), user_id, "李明")
    register(inv)
    inv.says("/new")
    with services.uow() as uow:
        p = uow.people.by_account("telegram", user_id)
        assert p is not None and p.id is not None
        row = uow.drafts.active(p.id, user_id)
        assert row is not None
        draft = Draft.model_validate(row.data).model_copy(update={"current": "feasibility_report"})
        uow.drafts.save(p.id, user_id, row.form_id, draft.model_dump(mode="json"))
        uow.commit()
    return inv


def files(factory: UnitOfWorkFactory) -> list[StoredFile]:
    with factory() as uow:
        rows = list(uow.session.exec(select(StoredFile)))
        uow.session.expunge_all()
        return rows


def report_answer(services: Services, user_id: str = "101") -> dict[str, object] | None:
    with services.uow() as uow:
        p = uow.people.by_account("telegram", user_id)
        assert p is not None and p.id is not None
        row = uow.drafts.active(p.id, user_id)
        assert row is not None
        return row.data["answers"].get("feasibility_report")


def test_an_accepted_upload_is_kept_in_the_database_with_its_digest(services: Services):
    inv = at_the_report(services)
    inv.sends_file("可行性研究报告.pdf", "application/pdf", len(REPORT), content=REPORT)
    [kept] = files(services.uow)
    assert kept.content == REPORT and kept.size == len(REPORT)
    assert kept.sha256 == hashlib.sha256(REPORT).hexdigest()
    assert kept.messenger_file_id == "file-可行性研究报告.pdf"
    assert kept.created_at is not None
    assert report_answer(services) == {
        "file_id": "file-可行性研究报告.pdf",
        "file_name": "可行性研究报告.pdf",
        "mime_type": "application/pdf",
        "size": len(REPORT),
        "sha256": kept.sha256,
    }
    assert services.files.read(kept) == REPORT


def test_with_a_files_folder_the_bytes_live_there_under_their_digest(
    services: Services, tmp_path: Path
):
    folder = tmp_path / "files"
    services = dataclasses.replace(services, files=FileStore(folder))
    inv = at_the_report(services)
    inv.sends_file("报告.pdf", "application/pdf", len(REPORT), content=REPORT)
    [kept] = files(services.uow)
    digest = hashlib.sha256(REPORT).hexdigest()
    assert kept.content is None and kept.sha256 == digest and kept.size == len(REPORT)
    path = folder / digest[:2] / digest[2:4] / digest
    assert path.read_bytes() == REPORT
    assert services.files.read(kept) == REPORT
    assert [p.name for p in folder.rglob("*") if p.is_file()] == [digest]  # no temporary left


def test_the_same_bytes_sent_twice_are_kept_once(services: Services):
    inv = at_the_report(services)
    inv.sends_file("报告.pdf", "application/pdf", len(REPORT), content=REPORT)
    inv.says("/back")
    inv.sends_file("报告（再发一次）.pdf", "application/pdf", len(REPORT), content=REPORT)
    assert len(files(services.uow)) == 1


def test_a_refused_or_unreceived_file_keeps_nothing(services: Services):
    inv = at_the_report(services)
    refused = inv.sends_file("setup.exe", "application/x-msdownload", 100)
    assert "不接受这类文件" in refused[0].text
    unreceived = inv.sends_file("报告.pdf", "application/pdf", 100, received=False)
    assert "文件未能接收完整" in unreceived[0].text
    assert files(services.uow) == [] and report_answer(services) is None
