"""Telegram and WeCom in one process: each messenger's runtime takes its own updates through
its own core, and one LeaderWork, with a sender for each messenger and one scheduler, is what
the process does while it leads. Two cores each competing for the leader's lock would leave
one messenger's outbox unsent (PostgreSQL) or run every job twice (SQLite's lock is the
process's)."""

from __future__ import annotations

from bot.core import BotCore, CoreRuntime, backup_plan
from bot.leader.work import LeaderWork, Leading
from bot.settings import Settings
from bot.telegram.runtime import TelegramRuntime
from bot.wecom.runtime import WeComRuntime


class BothRuntime(CoreRuntime):
    """A Telegram runtime and the WeCom runtime, started and stopped together; `core` is
    Telegram's (the Mini App's)."""

    def __init__(self, settings: Settings, telegram: TelegramRuntime, wecom: WeComRuntime) -> None:
        self.settings = settings
        self.telegram = telegram
        self.wecom = wecom
        self.core: BotCore | None = None
        self.api = f"the Bot API at {settings.api_base_url}"
        """The messenger API being started, for the operator when it cannot be reached."""
        self._leading: Leading | None = None

    async def start(self) -> None:
        """Start Telegram, then WeCom (texts there link to the Telegram bot), then compete for
        leadership with both senders."""
        await self.telegram.start()
        try:
            tg = self.telegram.core
            assert tg is not None
            self.api = f"WeCom's API at {self.settings.wecom_api_base_url}"
            self.wecom.bot_username = tg.services.bot_username
            await self.wecom.start()
        except BaseException:
            await self.telegram.stop()
            raise
        wx = self.wecom.core
        assert wx is not None
        s = self.settings
        work = LeaderWork(
            tg.services,
            [tg.sender, wx.sender],
            s.database_url,
            s.timezone,
            s.sweep_seconds,
            backup=backup_plan(s),
        )
        tg.work = wx.work = work  # an event on either wakes both senders
        self._leading = Leading(s.database_url, work)
        self._leading.start()
        self.core = tg

    async def stop(self) -> None:
        """Stop leading (the senders finish their pass), then WeCom, then Telegram."""
        if self._leading is not None:
            await self._leading.stop()
            self._leading = None
        await self.wecom.stop()
        await self.telegram.stop()
