"""Every Word document the bot sends is followed by the same document as PDF, so a phone shows
it without an office app; charts are shown as photos. A PDF copy never loses, delays for long
or repeats the Word document: the Word goes first, and once it is out nothing about the copy
fails the delivery."""

from __future__ import annotations

import asyncio
import logging
import sys
import threading
from pathlib import Path

import pytest
from sqlmodel import select

from bot.bootstrap import build_services, pdf_converter
from bot.messenger import RetryLater, Transient
from bot.outbox.delivery import CAPTION_LIMIT, PdfMaker, deliver
from bot.outbox.ratelimit import RateLimiter
from bot.outbox.sender import OutboxSender
from bot.settings import Settings
from conversations.replies import Button, Document, Keyboard, Reply
from documents.pdf import DOCX_MIME, PdfConverter, PdfError
from storage.tables import OutboxMessage
from storage.uow import UnitOfWorkFactory
from tests.bot.test_ratelimit import FakeClock
from tests.bot.test_sender import FakeMessenger
from tests.documents.test_pdf import FAKE_SOFFICE

WORD = b"PK\x03\x04 the review sheet"
BUTTONS: Keyboard = ((Button("签收", data="doc:ack:3"),),)


class Converter:
    """A converter that makes a recognisable PDF, or fails, and counts its calls."""

    def __init__(self, fail: bool = False) -> None:
        self.fail = fail
        self.calls = 0
        self.threads: set[str] = set()

    def convert(self, docx: bytes) -> bytes:
        self.calls += 1
        self.threads.add(threading.current_thread().name)
        if self.fail:
            raise PdfError("LibreOffice made no PDF (exit 1)")
        return b"%PDF-1.4 of " + docx


@pytest.fixture
def fake_soffice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A stand-in for LibreOffice's program (tests/documents/test_pdf.py)."""
    program = tmp_path / "soffice"
    program.write_text(FAKE_SOFFICE.format(python=sys.executable))
    program.chmod(0o755)
    monkeypatch.setenv("FAKE_SOFFICE_LOG", str(tmp_path / "runs.log"))
    return program


def outbox_sender(
    uow_factory: UnitOfWorkFactory, pdf: PdfMaker
) -> tuple[OutboxSender, FakeMessenger]:
    """A sender on virtual time that makes PDF copies, and the messenger it sends through."""
    clock = FakeClock()
    client = FakeMessenger(clock)
    return OutboxSender(client, uow_factory, RateLimiter(clock), pdf=pdf), client


def word(name: str = "评审意见表-QX-2026-0001.docx", mime: str = DOCX_MIME) -> Document:
    return Document(filename=name, content=WORD, mime_type=mime)


def sent(client: FakeMessenger) -> list[tuple[str, str, str, Keyboard]]:
    """What reached the chat: (kind, file name or text, caption, buttons)."""
    return [
        (c.kind, c.document.filename if c.document else c.text, c.text, c.buttons)
        for c in client.delivered
    ]


async def test_a_word_reply_is_followed_by_its_pdf_without_caption_or_buttons(
    sqlite_uow_factory: UnitOfWorkFactory,
):
    client = FakeMessenger(FakeClock())
    converter = Converter()
    reply = Reply("<b>评审意见表</b>", BUTTONS, document=word())

    message_id = await deliver(client, sqlite_uow_factory, "10", reply, pdf=converter)

    assert sent(client) == [
        ("send_document", "评审意见表-QX-2026-0001.docx", "<b>评审意见表</b>", BUTTONS),
        ("send_document", "评审意见表-QX-2026-0001.pdf", "", ()),
    ]
    pdf = client.delivered[1].document
    assert pdf is not None and (pdf.content, pdf.mime_type) == (
        b"%PDF-1.4 of " + WORD,
        "application/pdf",
    )
    assert message_id == "1"  # the Word carries the reply
    assert converter.threads and "MainThread" not in converter.threads  # off the event loop


async def test_a_word_document_is_recognised_by_its_name_too(
    sqlite_uow_factory: UnitOfWorkFactory,
):
    client = FakeMessenger(FakeClock())
    reply = Reply("纪要", document=word("会议纪要.docx", "application/octet-stream"))
    await deliver(client, sqlite_uow_factory, "10", reply, pdf=Converter())
    assert [name for _, name, _, _ in sent(client)] == ["会议纪要.docx", "会议纪要.pdf"]


async def test_a_workbook_gets_no_pdf_copy(sqlite_uow_factory: UnitOfWorkFactory):
    client = FakeMessenger(FakeClock())
    converter = Converter()
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    reply = Reply("月报汇总", document=word("月报汇总-2026-11.xlsx", xlsx))
    await deliver(client, sqlite_uow_factory, "10", reply, pdf=converter)
    assert [name for _, name, _, _ in sent(client)] == ["月报汇总-2026-11.xlsx"]
    assert converter.calls == 0


async def test_without_a_converter_the_word_goes_alone(sqlite_uow_factory: UnitOfWorkFactory):
    client = FakeMessenger(FakeClock())
    await deliver(client, sqlite_uow_factory, "10", Reply("意见表", document=word()))
    assert [kind for kind, *_ in sent(client)] == ["send_document"]


async def test_a_conversion_that_fails_still_sends_the_word_and_says_why_in_the_log(
    sqlite_uow_factory: UnitOfWorkFactory, caplog: pytest.LogCaptureFixture
):
    client = FakeMessenger(FakeClock())
    with caplog.at_level(logging.WARNING, "bot.outbox.delivery"):
        message_id = await deliver(
            client, sqlite_uow_factory, "10", Reply("意见表", document=word()), pdf=Converter(True)
        )
    assert [name for _, name, _, _ in sent(client)] == ["评审意见表-QX-2026-0001.docx"]
    assert message_id == "1"  # the Word carries the reply
    assert "no PDF copy of 评审意见表-QX-2026-0001.docx" in caplog.text
    assert "exit 1" in caplog.text


async def test_a_conversion_that_takes_too_long_is_not_waited_for(
    sqlite_uow_factory: UnitOfWorkFactory, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr("bot.outbox.delivery.PDF_WAIT", 0.2)
    release = threading.Event()

    class Stuck(Converter):
        def convert(self, docx: bytes) -> bytes:
            release.wait(10)
            return super().convert(docx)

    client = FakeMessenger(FakeClock())
    try:
        async with asyncio.timeout(5):
            await deliver(
                client, sqlite_uow_factory, "10", Reply("意见表", document=word()), pdf=Stuck()
            )
    finally:
        release.set()
    assert [kind for kind, *_ in sent(client)] == ["send_document"]


async def test_a_429_on_the_pdf_is_waited_out_and_the_word_is_not_sent_again(
    sqlite_uow_factory: UnitOfWorkFactory,
):
    clock = FakeClock()
    client = FakeMessenger(clock)
    client.fail_on = {2: RetryLater(3)}
    reply = Reply("意见表", document=word())

    await deliver(
        client, sqlite_uow_factory, "10", reply, limiter=RateLimiter(clock), pdf=Converter()
    )

    assert [(c.kind, c.error is None) for c in client.calls] == [
        ("send_document", True),
        ("send_document", False),
        ("send_document", True),
    ]
    assert [name for _, name, _, _ in sent(client)][-1].endswith(".pdf")
    assert client.calls[2].at - client.calls[1].at >= 3.0


async def test_an_outbox_document_to_ten_people_is_converted_once_and_each_gets_both(
    uow_factory: UnitOfWorkFactory, fake_soffice: Path
):
    converter = PdfConverter(str(fake_soffice))
    sender, client = outbox_sender(uow_factory, converter)
    with uow_factory() as uow:
        stored = uow.outbox.store_file("会议纪要-2026年第3期.docx", WORD, DOCX_MIME)
        for n in range(10):
            uow.outbox.enqueue(f"90{n:02d}", Reply("<b>会议纪要</b>").to_dict(), file_id=stored.id)
        uow.commit()

    assert await sender.drain() == 10

    for n in range(10):
        names = [c.document.filename for c in client.to(f"90{n:02d}") if c.document]
        assert names == ["会议纪要-2026年第3期.docx", "会议纪要-2026年第3期.pdf"]
    assert converter.conversions == 1
    converter.close()


async def test_an_outbox_row_whose_pdf_cannot_be_sent_is_settled_as_sent_not_retried(
    uow_factory: UnitOfWorkFactory,
):
    sender, client = outbox_sender(uow_factory, Converter())
    client.fail_on = {2: Transient("connection reset")}
    with uow_factory() as uow:
        stored = uow.outbox.store_file("评审意见表.docx", WORD, DOCX_MIME)
        uow.outbox.enqueue("9001", Reply("意见表").to_dict(), file_id=stored.id)
        uow.commit()

    assert await sender.drain() == 1
    assert await sender.drain() == 0

    assert [c.document.filename for c in client.delivered if c.document] == ["评审意见表.docx"]
    with uow_factory() as uow:
        [row] = uow.session.exec(select(OutboxMessage)).all()
        assert row.status == "sent"


async def test_an_outbox_row_whose_conversion_fails_is_sent_as_word_once(
    uow_factory: UnitOfWorkFactory,
):
    sender, client = outbox_sender(uow_factory, Converter(fail=True))
    with uow_factory() as uow:
        stored = uow.outbox.store_file("评审意见表.docx", WORD, DOCX_MIME)
        uow.outbox.enqueue("9001", Reply("意见表").to_dict(), file_id=stored.id)
        uow.commit()

    assert await sender.drain() == 1
    assert await sender.drain() == 0
    assert [c.kind for c in client.calls] == ["send_document"]


async def test_a_chart_is_shown_as_a_photo_with_its_caption_and_buttons(
    sqlite_uow_factory: UnitOfWorkFactory,
):
    client = FakeMessenger(FakeClock())
    chart = Document(filename="周报漏斗图.png", content=b"\x89PNG chart", mime_type="image/png")
    converter = Converter()
    await deliver(
        client, sqlite_uow_factory, "10", Reply("本周项目", BUTTONS, chart), pdf=converter
    )
    assert sent(client) == [("send_photo", "周报漏斗图.png", "本周项目", BUTTONS)]
    assert converter.calls == 0


async def test_a_chart_with_a_text_too_long_for_a_caption_comes_after_the_text(
    sqlite_uow_factory: UnitOfWorkFactory,
):
    client = FakeMessenger(FakeClock())
    chart = Document(filename="月报.png", content=b"\x89PNG chart", mime_type="image/png")
    text = "各单位报送情况\n" * (CAPTION_LIMIT // 7)
    await deliver(client, sqlite_uow_factory, "10", Reply(text, BUTTONS, chart))
    assert [(kind, caption == "") for kind, _, caption, _ in sent(client)] == [
        ("send_text", False),
        ("send_photo", True),
    ]
    assert client.delivered[-1].buttons == BUTTONS


def test_pdf_copies_are_on_when_libreoffice_is_found(
    tmp_path: Path, sqlite_uow_factory: UnitOfWorkFactory
):
    program = tmp_path / "soffice"
    program.write_text("#!/bin/sh\n")
    program.chmod(0o755)
    settings = Settings(soffice=str(program), _env_file=None)  # type: ignore[call-arg]
    converter = pdf_converter(settings)
    assert converter is not None and converter.program == str(program)
    assert pdf_converter(settings) is converter  # one per program: one cache for all
    assert not build_services(settings, sqlite_uow_factory, "b").libreoffice_missing


def test_pdf_copies_are_off_without_libreoffice_or_when_switched_off(
    tmp_path: Path, sqlite_uow_factory: UnitOfWorkFactory, caplog: pytest.LogCaptureFixture
):
    missing = Settings(soffice=str(tmp_path / "no-soffice"), _env_file=None)  # type: ignore[call-arg]
    with caplog.at_level(logging.WARNING, "bot.bootstrap"):
        assert pdf_converter(missing) is None
    assert "LibreOffice" in caplog.text and "Word only" in caplog.text
    assert build_services(missing, sqlite_uow_factory, "b").libreoffice_missing  # told once
    off = Settings(pdf_copies=False, _env_file=None)  # type: ignore[call-arg]
    assert pdf_converter(off) is None
    assert not build_services(off, sqlite_uow_factory, "b").libreoffice_missing  # on purpose
