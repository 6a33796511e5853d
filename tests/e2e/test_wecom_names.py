"""WeCom members' names (读取成员, user/get): the API's method against the WeCom sandbox over
HTTP, the runtime's cache of names (bounded, with a time to live, one lookup at a time per
member), and the real WeCom runtime on 127.0.0.1: a member's first event reaches the handlers
with their WeCom name, later ones read no name again, a failed lookup still delivers the event
with no name, and a person who starts on WeCom is registered under their WeCom name."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

import httpx
import pytest

from bot.messenger import Unreachable
from bot.wecom.api import WeComApi
from bot.wecom.errors import ConfigError, WeComError
from bot.wecom.runtime import MemberNames, WeComRuntime
from conversations.inbound import Inbound
from sandbox.wecom import WeComSandbox
from storage.uow import UnitOfWorkFactory
from tests.e2e.wecom_support import (
    until,
    wecom_only_bot,
    wecom_only_settings,
    wecom_only_uow_factory,
)

__all__ = ["wecom_only_bot", "wecom_only_settings", "wecom_only_uow_factory"]  # fixtures

MEMBER = "ZhangSan"
NAME = "张三"


@pytest.fixture
async def api(wx: WeComSandbox) -> AsyncIterator[WeComApi]:
    c = wx.config
    async with httpx.AsyncClient() as http:
        yield WeComApi(wx.url, c.corp_id, c.corp_secret, c.agent_id, http)


# -- 读取成员 against the sandbox ---------------------------------------------------------------


async def test_get_member_answers_the_member_s_name(wx: WeComSandbox, api: WeComApi) -> None:
    wx.add_user(MEMBER, NAME)
    member = await api.get_member(MEMBER)
    assert (member.userid, member.name) == (MEMBER, NAME)
    [call] = wx.calls("user/get")
    assert call.errcode == 0 and call.query["userid"] == MEMBER
    assert (await api.get_member("zhangsan")).name == NAME, "UserIDs compare without case"


async def test_a_member_added_without_a_name_is_named_by_their_userid(
    wx: WeComSandbox, api: WeComApi
) -> None:
    wx.add_user("LiSi")
    assert (await api.get_member("LiSi")).name == "LiSi"


async def test_get_member_refusals_are_the_port_s_errors_and_name_no_secret(
    wx: WeComSandbox, api: WeComApi
) -> None:
    wx.add_user("Hidden", "隐身", visible=False)
    with pytest.raises(Unreachable, match="60111") as unknown:
        await api.get_member("NoSuchMember")
    with pytest.raises(Unreachable, match="60011"):
        await api.get_member("Hidden")
    with pytest.raises(Unreachable, match="40003"):
        await api.get_member("-not-a-userid")
    with pytest.raises(WeComError, match="41009"):
        await api.get_member("")
    wx.inject_errcode(48002, api="user/get")
    wx.add_user(MEMBER, NAME)
    with pytest.raises(ConfigError, match="48002"):
        await api.get_member(MEMBER)
    token = await api.token()
    assert token not in str(unknown.value) and wx.config.corp_secret not in str(unknown.value)


async def test_an_injected_errcode_for_one_userid_spares_the_others(
    wx: WeComSandbox, api: WeComApi
) -> None:
    wx.add_user(MEMBER, NAME)
    wx.add_user("LiSi", "李四")
    wx.inject_errcode(60011, api="user/get", userid="lisi", times=None)
    assert (await api.get_member(MEMBER)).name == NAME
    with pytest.raises(Unreachable):
        await api.get_member("LiSi")


async def test_get_member_is_retried_once_with_a_fresh_token(
    wx: WeComSandbox, api: WeComApi
) -> None:
    wx.add_user(MEMBER, NAME)
    await api.token()
    wx.expire_tokens()
    assert (await api.get_member(MEMBER)).name == NAME
    assert [c.errcode for c in wx.calls("user/get")] == [42001, 0]


# -- the cache of names ------------------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.t = 100.0

    def __call__(self) -> float:
        return self.t


class Directory:
    """A scripted 读取成员: names by UserID, a failure for the others, each call counted."""

    def __init__(self, names: dict[str, str], delay: float = 0.0) -> None:
        self.names = names
        self.delay = delay
        self.asked: list[str] = []

    async def __call__(self, user_id: str) -> str:
        self.asked.append(user_id)
        if self.delay:
            await asyncio.sleep(self.delay)
        if user_id not in self.names:
            raise Unreachable("user/get: errcode 60111 (UserID不存在): userid not found")
        return self.names[user_id]


async def test_a_name_is_read_once_within_its_time_to_live_then_again() -> None:
    clock, directory = Clock(), Directory({MEMBER: NAME})
    names = MemberNames(directory, clock, ttl=3600.0)
    assert await names.name_of(MEMBER) == NAME
    clock.t += 3599.0
    assert await names.name_of(MEMBER) == NAME
    assert await names.name_of(MEMBER.lower()) == NAME
    assert directory.asked == [MEMBER]
    clock.t += 1.0
    directory.names[MEMBER] = "张三丰"
    assert await names.name_of(MEMBER) == "张三丰"
    assert directory.asked == [MEMBER, MEMBER]


async def test_a_failed_lookup_is_the_empty_name_and_is_not_retried_at_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock, directory = Clock(), Directory({})
    names = MemberNames(directory, clock, ttl=3600.0, failed_ttl=60.0)
    with caplog.at_level(logging.INFO, logger="bot.wecom.runtime"):
        assert await names.name_of(MEMBER) == ""
        assert await names.name_of(MEMBER) == ""
    assert directory.asked == [MEMBER]
    [record] = [r for r in caplog.records if "name not read" in r.getMessage()]
    assert record.levelno == logging.INFO and "60111" in record.getMessage()
    clock.t += 60.0
    directory.names[MEMBER] = NAME
    assert await names.name_of(MEMBER) == NAME


async def test_any_exception_of_a_lookup_is_the_empty_name() -> None:
    async def broken(user_id: str) -> str:
        raise RuntimeError("boom")

    names = MemberNames(broken, Clock())
    assert await names.name_of(MEMBER) == ""


async def test_the_cache_keeps_at_most_its_size_the_least_recent_going_first() -> None:
    directory = Directory({f"u{n}": f"name{n}" for n in range(5)})
    names = MemberNames(directory, Clock(), size=3)
    for n in range(3):
        await names.name_of(f"u{n}")
    await names.name_of("u0")  # u0 is now the most recent: u1 goes first
    await names.name_of("u3")
    assert len(names) == 3
    assert names.cached("u1") is None and names.cached("u0") == "name0"
    assert directory.asked == ["u0", "u1", "u2", "u3"]


async def test_events_that_come_during_a_lookup_share_it() -> None:
    directory = Directory({MEMBER: NAME}, delay=0.05)
    names = MemberNames(directory, Clock())
    answers = await asyncio.gather(*(names.name_of(MEMBER) for _ in range(5)))
    assert answers == [NAME] * 5 and directory.asked == [MEMBER]


async def test_a_slow_lookup_lets_the_event_go_on_and_keeps_the_name_for_the_next() -> None:
    directory = Directory({MEMBER: NAME}, delay=0.3)
    names = MemberNames(directory, Clock(), wait=0.05)
    assert await names.name_of(MEMBER) == ""
    await until(lambda: names.cached(MEMBER) == NAME)
    assert await names.name_of(MEMBER) == NAME and directory.asked == [MEMBER]
    await names.close()


async def test_close_stops_the_lookups_under_way() -> None:
    directory = Directory({MEMBER: NAME}, delay=10.0)
    names = MemberNames(directory, Clock(), wait=0.01)
    assert await names.name_of(MEMBER) == ""
    await asyncio.wait_for(names.close(), 1.0)
    assert names.cached(MEMBER) is None


# -- the runtime over HTTP -----------------------------------------------------------------


@pytest.fixture
def handled(bot: WeComRuntime, monkeypatch: pytest.MonkeyPatch) -> list[Inbound]:
    """The events the runtime hands to the core, in order."""
    core = bot.core
    assert core is not None
    seen: list[Inbound] = []
    original = core.handle

    async def spy(event: Inbound, press_id: str | None) -> None:
        seen.append(event)
        await original(event, press_id)

    monkeypatch.setattr(core, "handle", spy)
    return seen


async def test_a_member_s_events_reach_the_handlers_with_their_wecom_name_read_once(
    wx: WeComSandbox, bot: WeComRuntime, handled: list[Inbound]
) -> None:
    wx.add_user(MEMBER, NAME)
    first = await wx.send_text(MEMBER, "你好")
    assert first.status == 200 and first.answer == "", "answered at once, with an empty reply"
    await until(lambda: len(handled) == 1)
    assert (handled[0].user_id, handled[0].display_name) == (MEMBER, NAME)
    await wx.send_text(MEMBER, "还在吗")
    await wx.enter(MEMBER)
    await until(lambda: len(handled) == 3)
    assert [e.display_name for e in handled] == [NAME] * 3
    assert len(wx.calls("user/get")) == 1, "the name is read once, not for every event"


@pytest.mark.parametrize("errcode", [48002, 60011, -1], ids=["no-api-right", "invisible", "busy"])
async def test_a_failing_lookup_still_delivers_the_event_with_no_name(
    wx: WeComSandbox,
    bot: WeComRuntime,
    handled: list[Inbound],
    uow_factory: UnitOfWorkFactory,
    errcode: int,
) -> None:
    wx.add_user(MEMBER, NAME)
    wx.inject_errcode(errcode, api="user/get", times=None)
    delivery = await wx.enter(MEMBER)
    assert delivery.status == 200 and delivery.answer == ""
    await until(lambda: handled)
    assert (handled[0].user_id, handled[0].display_name) == (MEMBER, "")
    await wx.wait_for_message(MEMBER)  # the bot answered as it does today
    await wx.send_text(MEMBER, "你好")
    await until(lambda: len(handled) == 2)
    assert [c.errcode for c in wx.calls("user/get")] == [errcode], "not asked again at once"
    with uow_factory() as uow:
        account = uow.people.account("wecom", MEMBER)
        assert account is not None
        person = uow.people.get(account.person_id)
        assert person is not None and person.name == MEMBER, "named by the UserID as before"


async def test_a_person_who_starts_on_wecom_is_registered_under_their_wecom_name(
    wx: WeComSandbox, bot: WeComRuntime, uow_factory: UnitOfWorkFactory
) -> None:
    wx.add_user(MEMBER, NAME)
    await wx.enter(MEMBER)
    await wx.wait_for_message(MEMBER)
    with uow_factory() as uow:
        account = uow.people.account("wecom", MEMBER)
        assert account is not None
        person = uow.people.get(account.person_id)
        assert person is not None and person.name == NAME
