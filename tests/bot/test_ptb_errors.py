"""python-telegram-bot's errors become the messenger port's, as the sender needs them."""

from __future__ import annotations

import pytest
import telegram

from bot.messenger import RetryLater, Transient
from bot.telegram.ptb.client import translate
from sandbox import SandboxServer

TOKEN = "123456:TEST-token"
ALICE = 1001

pytestmark = pytest.mark.asyncio


@pytest.mark.parametrize("retry_after", [0, 3])
async def test_a_429_is_flood_control_with_its_retry_after_even_when_it_is_zero(retry_after: int):
    # PTB raises RetryAfter only for a retry_after above 0; a 0 came as a network error, and
    # the sender waited a second as for a transient fault.
    async with SandboxServer(TOKEN) as sandbox:
        bot = telegram.Bot(TOKEN, base_url=f"{sandbox.url}/bot")
        sandbox.inject_fault("429", method="sendMessage", retry_after=retry_after)
        with pytest.raises(RetryLater) as caught:
            await translate(lambda: bot.send_message(ALICE, "你好"))
        assert caught.value.seconds == retry_after
        sandbox.inject_fault("500", method="sendMessage")
        with pytest.raises(Transient):
            await translate(lambda: bot.send_message(ALICE, "你好"))
        await bot.shutdown()
