"""项目评审 end to end on WeCom over HTTP, the scenario of tests/e2e/test_review_and_decision.py:
the real bot (runtime "wecom") against the WeCom sandbox on 127.0.0.1, the bot on the test's
clock, WeCom's and the bot's WeCom client's seconds moved by the test.

Two rounds, each on template cards for every unit of every dimension of the policy's review
group (附件5; the site's park too): one fails on 环境影响's 不同意 (一票否决), the other passes
after 催办. The office's progress card is updated in place with a response_code, which WeCom
takes once and for 72 hours; after that the change comes as a new card. 催办 reaches each
pending reviewer at most once in a clock hour. The 评审意见表 comes as a file (media/upload,
then a file message).

Also: a monthly report's submit pressed twice, and WeCom's retry of the press, file the
report once; and a member outside the app's visible range is undeliverable, which the office
is told."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from bot.bootstrap import build_uow_factory
from bot.settings import Settings
from bot.wecom.runtime import WeComRuntime
from documents.word import docx_text
from sandbox.wecom import SentMessage, WeComSandbox
from sandbox.wecom.state import RESPONSE_CODE_LIFETIME
from storage.tables import AuditEntry, MonthlyReportRow, OutboxMessage, Person
from storage.uow import UnitOfWorkFactory
from tests.conftest import TEST_NOW, Clock
from tests.e2e.test_review_and_decision import POLICY, UNITS, add_project, stage_of
from tests.e2e.test_service import fill_in_monthly_report
from tests.e2e.wecom_support import (
    OFFICE,
    Member,
    WallClock,
    card_text,
    initialise_at,
    joined,
    labels,
    running,
    until,
    wecom_settings,
)
from tests.handlers.flows import reviewer_key
from workflow.reporting import reporting_period
from workflow.roles import Role

CHAIR = "ZhangQingZhong"
REVIEWERS = {
    reviewer_key(d.id, u, d.lead_unit): f"Reviewer{i:02d}" for i, (d, u) in enumerate(UNITS)
}
DIMENSION = {reviewer_key(d.id, u, d.lead_unit): d for d, u in UNITS}
VETO = "environment"  # 环境影响: a veto dimension (000 一(二)1)
LATE = ("land_use", "technology", "investor_strength")  # answer in round 2 after 催办
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def clock() -> Clock:
    """The bot's clock: Monday 2026-11-23, 10:00 in Asia/Shanghai, whatever the date."""
    return Clock(TEST_NOW)


@pytest.fixture
def settings(wx: WeComSandbox, tmp_path: Path, clock: Clock) -> Settings:
    s = wecom_settings(wx, tmp_path)
    initialise_at(s, clock)
    return s


@pytest.fixture
def uow_factory(settings: Settings, clock: Clock) -> Iterator[UnitOfWorkFactory]:
    factory = build_uow_factory(settings, clock)
    yield factory
    factory.engine.dispose()


@pytest.fixture
def wall() -> WallClock:
    return WallClock()


@pytest.fixture
async def bot(
    wx: WeComSandbox, settings: Settings, uow_factory: UnitOfWorkFactory, wall: WallClock
) -> AsyncIterator[WeComRuntime]:
    async with running(wx, settings, uow_factory) as runtime:
        assert runtime.client is not None
        runtime.client.clock = wall  # the seconds of the response codes and per-member limits
        yield runtime


def minutes_later(wx: WeComSandbox, wall: WallClock, minutes: float = 1.0) -> None:
    """Time passes for WeCom and for the bot's WeCom client: WeCom lets an app send a member
    30 messages a minute (bot/wecom/client.py USER_LIMITS), so a reviewer answers a minute
    after the one before, as reviewers do over a working day."""
    wx.advance(minutes * 60)
    wall.offset += minutes * 60


async def settle(bot: WeComRuntime) -> None:
    """The outbox delivered what the last step queued, and the callbacks under way ended."""
    assert bot.server is not None
    await bot.server.drain()
    bot.sender.wake()
    await bot.sender.drain(timeout=20)


def a_project(uow_factory: UnitOfWorkFactory, name: str) -> str:
    """A lead of 2亿 at the smart park (above 附件2's standards), as on Telegram."""
    with uow_factory() as uow:
        investor = uow.people.add(Person(name="李明"))
        uow.commit()
        assert investor.id is not None
        investor_id = investor.id
    return add_project(uow_factory, investor_id, name, 20000)


def review_group(wx: WeComSandbox, uow_factory: UnitOfWorkFactory) -> dict[str, Member]:
    """The office, a reviewer for each unit of each dimension and the review group's 组长,
    all joined in WeCom; the reviewers by `reviewer_key`."""
    joined(wx, uow_factory, OFFICE, "王主任", Role.OFFICE, "office")
    for d, u in UNITS:
        key = reviewer_key(d.id, u, d.lead_unit)
        name = f"{POLICY.unit(u).short}{d.name}评审员"
        joined(wx, uow_factory, REVIEWERS[key], name, Role.REVIEWER, u, dimension=d.id)
    joined(wx, uow_factory, CHAIR, "张庆忠", Role.REVIEW_CHAIR, "econ")
    return {key: Member(wx, userid) for key, userid in REVIEWERS.items()}


async def start_review(office: Member, bot: WeComRuntime, serial: str) -> None:
    """The office's card of the lead: confirmed (①→②), then its review opened."""
    await office.say(f"/project {serial}")
    await office.press("✅ 确认入库", serial)
    await office.press("⚖️ 发起评审", serial)
    await settle(bot)


async def answer(reviewer: Member, key: str, serial: str, verdict: str = "✅ 同意") -> None:
    """A reviewer on their card: each prohibited category 不属于 (001 六), then the verdict."""
    name = DIMENSION[key].name
    for _ in POLICY.confirmations(DIMENSION[key].id):
        await reviewer.press("🟢 不属于", serial, name)
    await reviewer.press(verdict, serial, name)


def answering_order(reviewers: dict[str, Member]) -> list[str]:
    """The reviewers in the order they answer: those with one press to make first (so the
    first two changes of the progress card are two opinions), 环境影响 last of them."""
    return sorted(
        reviewers, key=lambda k: (bool(POLICY.confirmations(DIMENSION[k].id)), k == VETO)
    )


def progress_cards(wx: WeComSandbox, serial: str) -> list[SentMessage]:
    """The office's progress cards of a project's round, as sent (each a new message)."""
    return [
        m
        for m in wx.messages(OFFICE)
        if m.msgtype == "template_card"
        and "评审进度" in card_text(m.body["template_card"])
        and serial in card_text(m.body["template_card"])
    ]


def progress_now(wx: WeComSandbox, serial: str) -> tuple[str, str]:
    """The newest progress card as the office sees it now: its task_id and text."""
    newest = progress_cards(wx, serial)[-1]
    view = wx.card(OFFICE, newest.body["template_card"]["task_id"])
    return view.task_id, card_text(view.card)


def urged(wx: WeComSandbox) -> dict[str, int]:
    """How many 催办 each reviewer received."""
    return {
        key: sum("催办" in (card_text(m.card) if m.card else m.content) for m in wx.messages(u))
        for key, u in REVIEWERS.items()
    }


def sheets(wx: WeComSandbox, user: str) -> list[tuple[SentMessage, str]]:
    """The Word files a member received, with the text of the message after each."""
    received = [m for m in wx.messages(user) if not m.dropped]
    return [
        (m, received[i + 1].content if i + 1 < len(received) else "")
        for i, m in enumerate(received)
        if m.msgtype == "file" and wx.media(m.body["file"]["media_id"]).filename.endswith(".docx")
    ]


def uploaded_before(wx: WeComSandbox, file: SentMessage) -> bool:
    """Whether the bot uploaded a file (media/upload) before it sent the file message."""
    calls = wx.calls()
    media_id = file.body["file"]["media_id"]
    sent = next(
        i
        for i, c in enumerate(calls)
        if c.api == "message/send"
        and c.errcode == 0
        and c.body.get("msgtype") == "file"
        and c.body["file"]["media_id"] == media_id
    )
    return any(c.api == "media/upload" and c.errcode == 0 for c in calls[:sent])


async def conclude(chair: Member, label: str, serial: str) -> None:
    """The 组长's conclusion on their card, then 确认 on the question it asks in its place."""
    await chair.press(label, serial, "评审结论")
    await chair.press("✅ 确认", serial)


async def test_a_veto_by_one_unit_fails_the_round_and_the_office_gets_the_sheet_as_a_file(
    wx: WeComSandbox, bot: WeComRuntime, uow_factory: UnitOfWorkFactory, wall: WallClock
) -> None:
    reviewers = review_group(wx, uow_factory)
    office, chair = Member(wx, OFFICE), Member(wx, CHAIR)
    serial = a_project(uow_factory, "新材料产业园项目")

    # The office's card of the lead is a template card; ✅ 确认入库 moves it ①→② in place.
    await office.say(f"/project {serial}")
    card = await until(lambda: office.card(serial, "信息收集"))
    assert card.card["card_type"] == "button_interaction"
    await office.press("✅ 确认入库", serial)
    await until(lambda: stage_of(uow_factory, serial) == "confirmed")
    confirmed = wx.card(OFFICE, card.task_id)
    assert confirmed.updates and "⚖️ 发起评审" in labels(confirmed.card), "updated in place"
    await office.press("⚖️ 发起评审", serial)
    await settle(bot)
    assert stage_of(uow_factory, serial) == "review"

    # Every unit of every dimension gets a card of its own (000 一(二)1, 附件5), the
    # prohibited categories to confirm first where its dimension has them (001 六).
    for key, reviewer in reviewers.items():
        first = "🟢 不属于" if POLICY.confirmations(DIMENSION[key].id) else "✅ 同意"
        assert reviewer.offering(first, serial, DIMENSION[key].name), key
    [progress] = progress_cards(wx, serial)
    task_id = progress.body["template_card"]["task_id"]
    assert f"评审进度 0/{len(UNITS)}" in card_text(progress.body["template_card"])

    # The first opinion updates the office's progress card in place, with its send's code.
    order = answering_order(reviewers)
    await answer(reviewers[order[0]], order[0], serial)
    await settle(bot)
    [update] = wx.card(OFFICE, task_id).updates
    assert update.response_code == progress.response_code and update.card is not None
    assert "评审进度 1/" in card_text(update.card)
    assert len(progress_cards(wx, serial)) == 1, "no new card for it"

    # WeCom took that code once: the next opinion comes as a new card, the first one as it
    # was, and the adapter does not offer WeCom the spent code.
    assert progress.response_code is not None
    assert wx.state.response_codes[progress.response_code].used_at is not None
    minutes_later(wx, wall)
    await answer(reviewers[order[1]], order[1], serial)
    await settle(bot)
    assert len(progress_cards(wx, serial)) == 2
    assert "评审进度 2/" in progress_now(wx, serial)[1]
    assert len(wx.card(OFFICE, task_id).updates) == 1
    assert not [c for c in wx.calls("message/update_template_card") if c.errcode]

    # 环境影响 disagrees, with its opinion and suggestion; every other unit agrees.
    for key in order[2:]:
        minutes_later(wx, wall)
        if key == VETO:
            await answer(reviewers[key], key, serial, "❌ 不同意")
            await reviewers[key].say("项目选址涉及生态保护红线，不符合“三线一单”要求。")
            await reviewers[key].say("建议另行选址。")
            await reviewers[key].press("✅ 提交")
        else:
            await answer(reviewers[key], key, serial)
    await settle(bot)
    assert f"评审进度 {len(UNITS)}/{len(UNITS)}" in progress_now(wx, serial)[1]
    assert stage_of(uow_factory, serial) == "review", "the 组长 concludes, not the opinions"

    # A veto by one unit fails the round: the 组长's card offers only 不通过.
    verdict = await until(lambda: chair.card(serial, "评审结论"))
    assert "❌ 不通过" in labels(verdict.card) and "✅ 通过" not in labels(verdict.card)
    await conclude(chair, "❌ 不通过", serial)
    await settle(bot)
    assert stage_of(uow_factory, serial) == "rejected"

    # The 评审意见表 comes to the office as a Word file, uploaded and then sent as a file
    # message, with the conclusion after it.
    [(file, caption)] = sheets(wx, OFFICE)
    assert uploaded_before(wx, file), "media/upload, then message/send msgtype file"
    assert "一票否决" in caption and serial in caption
    text = docx_text(wx.media(file.body["file"]["media_id"]).content)
    for needle in (
        "项目评审意见表",
        "环境影响",
        "区环境保护局",
        "不同意",
        "生态保护红线",
        "建议另行选址",
        "禁止引入类别（一）禁止类项目：不属于",
        "张庆忠",
    ):
        assert needle in text, needle
    assert sheets(wx, CHAIR), "the 组长 who concluded gets it too"


async def test_a_round_everyone_agrees_on_passes_after_urging_each_late_reviewer_once_an_hour(
    wx: WeComSandbox,
    bot: WeComRuntime,
    uow_factory: UnitOfWorkFactory,
    clock: Clock,
    wall: WallClock,
) -> None:
    reviewers = review_group(wx, uow_factory)
    office, chair = Member(wx, OFFICE), Member(wx, CHAIR)
    serial = a_project(uow_factory, "新材料二期项目")
    await start_review(office, bot, serial)
    for key in answering_order(reviewers):
        if key not in LATE:
            minutes_later(wx, wall)
            await answer(reviewers[key], key, serial)
    await settle(bot)
    pending = f"评审进度 {len(UNITS) - len(LATE)}/{len(UNITS)}"
    assert pending in progress_now(wx, serial)[1]
    assert urged(wx) == dict.fromkeys(REVIEWERS, 0)

    # 🔔 催办全部 on the progress card: each reviewer who has not answered gets one message.
    # WeCom has no toast: what Telegram shows over the chat, "已催办 3 人", comes as a message.
    shown = len(wx.messages(OFFICE))
    pressed = await office.press("🔔 催办全部", serial, pending)
    await settle(bot)
    assert urged(wx) == {k: int(k in LATE) for k in REVIEWERS}
    assert [m.content for m in wx.messages(OFFICE)[shown:]] == [f"已催办 {len(LATE)} 人。"]

    # The press gave that card a new code: the next opinion updates it in place again.
    cards, updates = len(progress_cards(wx, serial)), len(wx.card(OFFICE, pressed).updates)
    minutes_later(wx, wall)
    await answer(reviewers[LATE[0]], LATE[0], serial)  # on the 催办's card
    await settle(bot)
    assert len(wx.card(OFFICE, pressed).updates) == updates + 1
    assert len(progress_cards(wx, serial)) == cards
    assert f"评审进度 {len(UNITS) - 2}/" in card_text(wx.card(OFFICE, pressed).card)

    # 催办 again within the clock hour sends nothing; the office is told whom it spared.
    minutes_later(wx, wall)
    shown = len(wx.messages(OFFICE))
    await office.press("🔔 催办全部", serial)
    told = await until(
        lambda: [m.content for m in wx.messages(OFFICE)[shown:] if "本小时内已催办" in m.content]
    )
    assert "另 2 人本小时内已催办，未再发送" in told[0]
    await settle(bot)
    assert urged(wx) == {k: int(k in LATE) for k in REVIEWERS}

    # 72 hours pass at WeCom (not on the client's clock): WeCom refuses that press's code
    # (the sandbox answers 40058) and the next opinion comes as a new card.
    wx.advance(RESPONSE_CODE_LIFETIME)
    minutes_later(wx, wall)
    await answer(reviewers[LATE[1]], LATE[1], serial)
    await settle(bot)
    refused = [c.body for c in wx.calls("message/update_template_card") if c.errcode == 40058]
    assert len([b for b in refused if b["userids"] == [OFFICE]]) == 1, refused
    assert len(progress_cards(wx, serial)) == cards + 1
    newest, text = progress_now(wx, serial)
    assert newest != pressed and f"评审进度 {len(UNITS) - 1}/" in text

    # An hour later the last one is urged again, and answers on that 催办's card.
    clock.advance(hours=1)
    minutes_later(wx, wall)
    shown = len(wx.messages(OFFICE))
    await office.press("🔔 催办全部", serial)
    await settle(bot)
    assert urged(wx) == {k: int(k in LATE) + (k == LATE[2]) for k in REVIEWERS}
    assert [m.content for m in wx.messages(OFFICE)[shown:]] == ["已催办 1 人。"]
    minutes_later(wx, wall)
    await answer(reviewers[LATE[2]], LATE[2], serial)
    await settle(bot)
    assert f"评审进度 {len(UNITS)}/{len(UNITS)}" in progress_now(wx, serial)[1]

    # Nobody disagreed: the 组长 may conclude 通过, and the project goes on to the decision.
    verdict = await until(lambda: chair.card(serial, "评审结论"))
    assert "✅ 通过" in labels(verdict.card)
    await conclude(chair, "✅ 通过", serial)
    await settle(bot)
    assert stage_of(uow_factory, serial) == "decision"
    [(file, caption)] = sheets(wx, OFFICE)
    assert uploaded_before(wx, file) and serial in caption and "一票否决" not in caption
    assert "项目评审意见表" in docx_text(wx.media(file.body["file"]["media_id"]).content)


REPORTER = "XiaoChen"


async def test_a_monthly_report_s_submit_pressed_twice_and_retried_by_wecom_is_filed_once(
    wx: WeComSandbox, settings: Settings, clock: Clock, uow_factory: UnitOfWorkFactory
) -> None:
    period = reporting_period(clock().astimezone(SHANGHAI).date(), POLICY.deadlines)
    initialise_at(settings, clock, reporting_from=period)
    joined(wx, uow_factory, REPORTER, "经信局小陈", Role.UNIT_REPORTER, "econ")
    reporter = Member(wx, REPORTER)
    async with running(wx, settings, uow_factory) as bot:
        await fill_in_monthly_report(reporter)
        task_id, key = await until(lambda: reporter.offering("✅ 提交"))
        first, second = await wx.press_twice(REPORTER, task_id, key)
        again = await wx.replay(first)  # WeCom's retry of the first, unchanged
        assert (first.status, second.status, again.status) == (200, 200, 200)
        await settle(bot)

    def thanks() -> list[str]:
        shown = [m.content for m in wx.messages(REPORTER)]
        shown += [card_text(u.card) for u in wx.updates() if u.card is not None]
        return [t for t in shown if "月报已报送" in t]

    assert len(thanks()) == 1, thanks()
    with uow_factory() as uow:
        report = uow.reports.get("econ", period)
        assert report is not None and report.submitted_at is not None
        rows = uow.session.exec(
            select(MonthlyReportRow).where(MonthlyReportRow.report_id == report.id)
        ).all()
        assert [r.problem for r in rows] == ["用地报批进度滞后。"]
        filed = uow.session.exec(select(AuditEntry).where(AuditEntry.action == "monthly_report"))
        assert len(filed.all()) == 1
        # The second press was answered (the form is no longer open); the retry was not.
        refused = uow.session.exec(
            select(AuditEntry).where(AuditEntry.action == "refused:form_button")
        )
        assert len(refused.all()) == 1
    assert any("这张表单已暂停或已提交" in m.content for m in wx.messages(REPORTER))


@pytest.mark.parametrize("errcode", [None, 60011], ids=["outside-visible-range", "60011"])
async def test_a_reviewer_outside_the_app_s_visible_range_is_undeliverable_and_the_office_is_told(
    wx: WeComSandbox,
    bot: WeComRuntime,
    uow_factory: UnitOfWorkFactory,
    errcode: int | None,
) -> None:
    joined(wx, uow_factory, OFFICE, "王主任", Role.OFFICE, "office")
    land = REVIEWERS["land_use"]
    joined(wx, uow_factory, land, "黄志明", Role.REVIEWER, "land", dimension="land_use")
    if errcode is None:
        wx.set_visible(land, False)  # message/send names them in invaliduser: 81013
    else:
        wx.inject_errcode(errcode, api="message/send", userid=land, times=None)
    serial = a_project(uow_factory, "新材料产业园项目")
    office = Member(wx, OFFICE)
    await start_review(office, bot, serial)
    await until(lambda: any("无法送达" in m.content for m in wx.messages(OFFICE)), timeout=15)
    [notice] = [m.content for m in wx.messages(OFFICE) if "无法送达" in m.content]
    assert "1 条通知无法送达" in notice and "黄志明（国土分局）" in notice, notice
    # Told why in words, not WeCom's errcode, and what the administrator can do about it.
    assert "黄志明（国土分局）：不在企业微信应用的可见范围内" in notice, notice
    assert "errcode" not in notice and "invaliduser" not in notice, notice
    assert "加入本应用的可见范围" in notice, notice
    assert not [m for m in wx.messages(land) if not m.dropped]
    with uow_factory() as uow:
        rows = uow.session.exec(select(OutboxMessage).where(OutboxMessage.chat_id == land)).all()
        assert rows and {r.status for r in rows} == {"failed"}
