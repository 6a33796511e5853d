"""Files sent from WeCom, end to end over HTTP: the real bot (runtime "wecom") against the WeCom
sandbox on 127.0.0.1, an investor at the plan's feasibility-report question. A member's file
comes as a `file` (or `image`) callback with a MediaId and no size; the bot fetches it with
media/get. A program is refused without being fetched; a PDF is fetched once and kept byte for
byte, with its name; a picture is taken too (the question takes JPG and PNG scans); a failed
media/get (WeCom busy on every attempt, or 40007 for a MediaId it no longer knows) asks for the
file again and changes nothing; a file over the form's 20 MB is refused as too large, its body
not read (media/get's Content-Length tells it), and the API stops reading a body without one at
the limit."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Awaitable

import httpx
import pytest
from sqlmodel import select

from bot.messenger import FileTooLarge
from bot.wecom.api import WeComApi
from bot.wecom.runtime import WeComRuntime
from conversations.draft import Draft
from conversations.files import MAX_FILE_SIZE
from sandbox.wecom import Delivery, WeComSandbox
from sandbox.wecom.callbacks import file_message
from storage.tables import StoredFile
from storage.uow import UnitOfWorkFactory
from tests.e2e.wecom_support import (  # the fixtures: the bot on WeCom alone
    Member,
    card_text,
    until,
    wecom_only_bot,
    wecom_only_settings,
    wecom_only_uow_factory,
)

__all__ = ["wecom_only_bot", "wecom_only_settings", "wecom_only_uow_factory"]

INVESTOR = "LiMing"
QUESTION = "feasibility_report"
REPORT = b"%PDF-1.4\n% feasibility report\n" + bytes(range(256)) * 40
REPORT_NAME = "可行性研究报告.pdf"
PHOTO = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8
NOT_RECEIVED = "文件未能接收完整，本项没有改动，请重新发送该文件"
ASKED = "项目可行性研究报告"  # the question's label, in its prompt and in every refusal
TYPES = "pdf、doc、docx、wps、xls、xlsx、et、ppt、pptx、zip、rar、7z、jpg、png"


async def at_the_file_question(wx: WeComSandbox, uow_factory: UnitOfWorkFactory) -> Member:
    """An investor registered on WeCom with a plan open, its draft moved to the feasibility
    report (as tests/e2e/test_files.py `at_the_file_question` does on Telegram)."""
    wx.add_user(INVESTOR, "李明")
    member = Member(wx, INVESTOR)
    for text in ("/start", "李明", "广东华锐精密科技股份有限公司", "13800138000"):
        await member.say(text)
    await member.press("同意")
    await member.press("✅ 提交")
    await member.say("/new")
    # The registration's last lines may answer the say; the plan's first question ends /new.
    await until(lambda: member.card("投资项目名称", "第 1/58 项"))
    with uow_factory() as uow:
        person = uow.people.by_account("wecom", INVESTOR)
        assert person is not None and person.id is not None
        row = uow.drafts.active(person.id, INVESTOR)
        assert row is not None
        draft = Draft.model_validate(row.data).model_copy(update={"current": QUESTION})
        uow.drafts.save(person.id, INVESTOR, row.form_id, draft.model_dump(mode="json"))
        uow.commit()
    return member


def current_step(uow_factory: UnitOfWorkFactory) -> str | None:
    """The question the bot is asking the investor now (read from the stored draft)."""
    with uow_factory() as uow:
        person = uow.people.by_account("wecom", INVESTOR)
        if person is None or person.id is None:
            return None
        row = uow.drafts.active(person.id, INVESTOR)
        return None if row is None else Draft.model_validate(row.data).current


def answer(uow_factory: UnitOfWorkFactory) -> object:
    """The draft's stored answer to the feasibility report (None when unanswered)."""
    with uow_factory() as uow:
        person = uow.people.by_account("wecom", INVESTOR)
        assert person is not None and person.id is not None
        row = uow.drafts.active(person.id, INVESTOR)
        assert row is not None
        return row.data["answers"].get(QUESTION)


def stored_files(uow_factory: UnitOfWorkFactory) -> list[StoredFile]:
    """Every file the bot kept."""
    with uow_factory() as uow:
        rows = list(uow.session.exec(select(StoredFile)))
        uow.session.expunge_all()  # kept readable after the unit of work ends
        return rows


def said_since(wx: WeComSandbox, seen: int) -> str:
    """What the bot sent the investor from their `seen`-th message on (texts, and cards' titles
    and text), as one text."""
    return "\n".join(
        card_text(m.body["template_card"]) if m.msgtype == "template_card" else m.content or ""
        for m in wx.messages(INVESTOR)[seen:]
    )


def media_gets(wx: WeComSandbox) -> list[int]:
    """The errcode of each media/get the bot made, in order (0: the file was served)."""
    return [c.errcode for c in wx.calls("media/get")]


async def send(member: Member, delivery: Awaitable[Delivery]) -> str:
    """What the member sends (a `wx.send_*` call), answered at once with an empty body as WeCom
    expects, then what the bot told them up to the question card that follows (the question
    asked again, or the next one)."""
    wx, seen = member.wx, len(member.wx.messages(INVESTOR))
    sent = await delivery
    assert sent.status == 200 and sent.answer == "", "answered at once, with an empty reply"
    await until(lambda: any(m.msgtype == "template_card" for m in wx.messages(INVESTOR)[seen:]))
    return said_since(wx, seen)


def asked_again(said: str) -> bool:
    """Whether the bot's answer ends by asking for the feasibility report again."""
    last = said.rstrip().rsplit("\n", 4)
    return f"B.21 {ASKED}" in said and last[-1] == f"可接受的格式：{TYPES}。"


async def test_a_program_is_refused_and_a_pdf_is_kept_byte_for_byte(
    wx: WeComSandbox, bot: WeComRuntime, uow_factory: UnitOfWorkFactory
) -> None:
    member = await at_the_file_question(wx, uow_factory)

    said = await send(
        member,
        wx.send_file(INVESTOR, "setup.exe", b"MZ\x90\x00program", "application/x-msdownload"),
    )
    assert f"“{ASKED}”未能保存：不接受这类文件" in said and TYPES in said
    assert asked_again(said)
    assert current_step(uow_factory) == QUESTION and answer(uow_factory) is None
    assert stored_files(uow_factory) == []
    assert media_gets(wx) == []  # a refused type is not even fetched

    said = await send(member, wx.send_file(INVESTOR, REPORT_NAME, REPORT, "application/pdf"))
    assert "未能保存" not in said and "请核对投资项目计划书" in said  # on to the summary
    assert current_step(uow_factory) != QUESTION
    assert media_gets(wx) == [0]  # downloaded once
    [kept] = stored_files(uow_factory)
    assert kept.content == REPORT and kept.size == len(REPORT)
    assert kept.sha256 == hashlib.sha256(REPORT).hexdigest()
    assert kept.filename == REPORT_NAME  # the FileName of WeCom's callback
    assert kept.messenger_file_id and wx.media(kept.messenger_file_id).content == REPORT
    assert wx.calls("media/get")[0].query["media_id"] == kept.messenger_file_id
    stored = answer(uow_factory)
    assert isinstance(stored, dict) and stored["sha256"] == kept.sha256
    assert stored["file_name"] == REPORT_NAME


async def test_a_picture_is_taken_as_a_scan(
    wx: WeComSandbox, bot: WeComRuntime, uow_factory: UnitOfWorkFactory
) -> None:
    """The question takes JPG and PNG scans, and a picture comes as WeCom's image message (a
    MediaId, no name): fetched once and kept as it came."""
    member = await at_the_file_question(wx, uow_factory)
    said = await send(member, wx.send_image(INVESTOR, PHOTO, "扫描件.png"))
    assert "未能保存" not in said and "请核对投资项目计划书" in said
    assert current_step(uow_factory) != QUESTION
    assert media_gets(wx) == [0]
    [kept] = stored_files(uow_factory)
    assert kept.content == PHOTO and kept.sha256 == hashlib.sha256(PHOTO).hexdigest()
    assert kept.filename is not None and kept.filename.startswith("image_")  # WeCom names none
    assert kept.filename in said  # the summary shows the scan as kept


async def test_wecom_busy_on_every_attempt_asks_for_the_file_again(
    wx: WeComSandbox, bot: WeComRuntime, uow_factory: UnitOfWorkFactory
) -> None:
    """media/get answers -1 (系统繁忙, "建议重试次数不超过3次") to each of the bot's three
    attempts: the investor is asked for the file again, nothing changes; sent again, it is
    kept."""
    member = await at_the_file_question(wx, uow_factory)
    wx.inject_errcode(-1, api="media/get", times=3)
    said = await send(member, wx.send_file(INVESTOR, REPORT_NAME, REPORT, "application/pdf"))
    assert f"“{ASKED}”未能保存：{NOT_RECEIVED}" in said and asked_again(said)
    assert media_gets(wx) == [-1, -1, -1]  # retried, then given up
    assert current_step(uow_factory) == QUESTION and answer(uow_factory) is None
    assert stored_files(uow_factory) == []

    said = await send(member, wx.send_file(INVESTOR, REPORT_NAME, REPORT, "application/pdf"))
    assert "未能保存" not in said and current_step(uow_factory) != QUESTION
    assert media_gets(wx) == [-1, -1, -1, 0]
    assert [f.content for f in stored_files(uow_factory)] == [REPORT]


async def test_a_media_id_wecom_does_not_know_asks_for_the_file_again(
    wx: WeComSandbox, bot: WeComRuntime, uow_factory: UnitOfWorkFactory
) -> None:
    """A file message whose MediaId WeCom no longer serves (a media_id is valid three days):
    media/get answers 40007 (不合法的媒体文件id), which no retry helps. The investor is asked
    for the file again, nothing changes; sent again, it is kept."""
    member = await at_the_file_question(wx, uow_factory)
    c = wx.config
    callback = file_message(
        c.corp_id,
        INVESTOR,
        int(wx.now()),
        "3" + "x" * 54,
        REPORT_NAME,
        "9000000000000000001",
        c.agent_id,
    )
    said = await send(member, wx.deliver(callback, userid=INVESTOR, kind="file"))
    assert f"“{ASKED}”未能保存：{NOT_RECEIVED}" in said and asked_again(said)
    assert media_gets(wx) == [40007]  # once: an invalid media_id is not retried
    assert current_step(uow_factory) == QUESTION and answer(uow_factory) is None
    assert stored_files(uow_factory) == []

    said = await send(member, wx.send_file(INVESTOR, REPORT_NAME, REPORT, "application/pdf"))
    assert "未能保存" not in said and current_step(uow_factory) != QUESTION
    assert media_gets(wx) == [40007, 0]
    assert [f.content for f in stored_files(uow_factory)] == [REPORT]


async def test_a_file_over_the_limit_is_refused_as_too_large_unread(
    wx: WeComSandbox, bot: WeComRuntime, uow_factory: UnitOfWorkFactory
) -> None:
    """WeCom's file message tells no size, so the bot cannot refuse a large file before asking
    media/get for it; media/get's Content-Length tells it, and the bot stops there, before the
    body, and says the file is too large (not "send it again", which would fail again)."""
    member = await at_the_file_question(wx, uow_factory)
    big = REPORT + b"0" * (MAX_FILE_SIZE + 1 - len(REPORT))
    said = await send(
        member, wx.send_file(INVESTOR, "可行性研究报告（终稿）.pdf", big, "application/pdf")
    )
    assert f"“{ASKED}”未能保存：文件超过 20 MB，请压缩后重新发送" in said, said
    assert NOT_RECEIVED not in said and asked_again(said)
    assert media_gets(wx) == [0]  # asked once (no retry), and left unread
    assert current_step(uow_factory) == QUESTION and answer(uow_factory) is None
    assert stored_files(uow_factory) == []

    said = await send(member, wx.send_file(INVESTOR, REPORT_NAME, REPORT, "application/pdf"))
    assert "未能保存" not in said and [f.content for f in stored_files(uow_factory)] == [REPORT]


async def test_media_get_stops_reading_a_body_without_a_length_at_the_limit() -> None:
    """A media/get answer with no Content-Length (chunked): the API reads it chunk by chunk and
    stops at the first one past `max_bytes`, FileTooLarge, not reading the rest."""
    chunk, chunks, pulled = 64 * 1024, 64, []

    async def body() -> AsyncIterator[bytes]:
        for n in range(chunks):
            pulled.append(n)
            yield b"%" * chunk

    def serve(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("gettoken"):
            return httpx.Response(
                200, json={"errcode": 0, "access_token": "T", "expires_in": 7200}
            )
        assert request.url.params["media_id"] == "MEDIA-1"
        return httpx.Response(200, headers={"content-type": "application/pdf"}, content=body())

    limit = 10 * chunk
    async with httpx.AsyncClient(transport=httpx.MockTransport(serve)) as http:
        api = WeComApi("http://wecom.invalid", "corp", "secret", 1000002, http)
        with pytest.raises(FileTooLarge):
            await api.download("MEDIA-1", max_bytes=limit)
        assert len(pulled) == limit // chunk + 1  # the chunk that passed the limit, no more
        assert await api.download("MEDIA-1", max_bytes=chunks * chunk) == b"%" * (chunks * chunk)
