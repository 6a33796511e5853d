"""How an invitation is opened on each messenger the deployment runs: Telegram's deep link,
and the words a WeCom member sends the app."""

from __future__ import annotations

from typing import Final

from handlers.context import Services
from storage.tables import Invitation

INVITE_PREFIX: Final = "inv_"


def invite_link(s: Services, inv: Invitation) -> str | None:
    """The link that opens an invitation in the Telegram bot (None: Telegram does not run)."""
    if "telegram" not in s.messengers or not s.bot_username:
        return None
    return f"https://t.me/{s.bot_username}?start={INVITE_PREFIX}{inv.code}"


def wecom_code(s: Services, inv: Invitation) -> str | None:
    """What a WeCom member sends the app to open an invitation (None: WeCom does not run)."""
    return f"/start {INVITE_PREFIX}{inv.code}" if "wecom" in s.messengers else None
