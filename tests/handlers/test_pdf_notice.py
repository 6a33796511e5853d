"""Without LibreOffice the documents go as Word only, and the office is told so, once."""

from __future__ import annotations

from dataclasses import replace

from sqlmodel import select

from conversations.replies import Reply
from handlers.context import Services
from handlers.pipeline.pdf_notice import DEDUPE_KEY, pdf_copies_off
from storage.tables import OutboxMessage
from tests.handlers.conftest import ROUTES
from tests.handlers.flows import official
from workflow.roles import Role


def notices(s: Services, chat: str) -> list[Reply]:
    with s.uow() as uow:
        rows = uow.session.exec(select(OutboxMessage).where(OutboxMessage.chat_id == chat))
        return [
            Reply.from_dict(m.payload) for m in rows if (m.dedupe_key or "").startswith(DEDUPE_KEY)
        ]


def sweep(s: Services, *, libreoffice_missing: bool = True) -> int:
    """The sweep, on a server without LibreOffice unless told otherwise."""
    s = replace(s, libreoffice_missing=libreoffice_missing)
    with s.uow() as uow:
        sent = pdf_copies_off(s, uow)
        uow.commit()
    return sent


def test_the_office_is_told_once_that_documents_go_without_a_pdf_copy(services: Services):
    official(services, "800", "办公室王", Role.OFFICE, "office")
    official(services, "810", "评审甲", Role.REVIEWER, "drc", "industrial_policy")
    assert sweep(services) == 1
    assert sweep(services) == 0
    (notice,) = notices(services, "800")
    assert "LibreOffice" in notice.text and "PDF" in notice.text
    assert "libreoffice-writer-nogui fonts-noto-cjk" in notice.text  # how to turn them on
    assert notices(services, "810") == []  # the office's business, not a reviewer's


def test_an_official_who_joins_the_office_later_is_told_too_and_only_once(services: Services):
    official(services, "800", "办公室王", Role.OFFICE, "office")
    sweep(services)
    official(services, "801", "办公室李", Role.OFFICE, "office")
    assert sweep(services) == 1
    sweep(services)
    assert len(notices(services, "800")) == 1
    assert len(notices(services, "801")) == 1


def test_nobody_is_told_while_pdf_copies_are_made_or_switched_off_on_purpose(
    services: Services,
):
    official(services, "800", "办公室王", Role.OFFICE, "office")
    assert sweep(services, libreoffice_missing=False) == 0
    assert notices(services, "800") == []


def test_an_english_speaking_office_reads_the_notice_in_english(services: Services):
    official(services, "800", "Office Wang", Role.OFFICE, "office")
    with services.uow() as uow:
        person = uow.people.by_account("telegram", "800")
        assert person is not None
        person.locale = "en"
        uow.commit()
    sweep(services)
    (notice,) = notices(services, "800")
    assert "without a PDF copy" in notice.text


def test_the_leader_looks_at_it_on_every_sweep_in_office_hours():
    [entry] = [sweep for sweep in ROUTES.sweeps if sweep.work is pdf_copies_off]
    assert entry.reminder  # a notice to people: office hours on working days
