"""The floor: bare aiogram 3, one SQLModel commit and one `answer` per update. Run as its own
process by bench/hotpath.py:

    python bench/floor_aiogram.py API_URL TOKEN DATABASE_URL"""

from __future__ import annotations

import asyncio
import os
import sys

from aiogram import Bot, Dispatcher, Router
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import Message

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from floor_model import IN_THREAD, FloorStep, commit, floor_engine


async def serve(api: str, token: str, url: str) -> None:
    """Poll the fake Bot API and answer every message until killed."""
    engine = floor_engine(url)
    router = Router()

    @router.message()
    async def answer(message: Message) -> None:
        row = FloorStep(chat_id=str(message.chat.id), text=message.text or "")
        if IN_THREAD:
            await asyncio.to_thread(commit, engine, row)
        else:
            commit(engine, row)
        await message.answer(f"收到：{message.text}")

    dp = Dispatcher()
    dp.include_router(router)
    bot = Bot(token, session=AiohttpSession(api=TelegramAPIServer.from_base(api)))
    await dp.start_polling(bot, handle_signals=True, polling_timeout=10)


if __name__ == "__main__":
    asyncio.run(serve(*sys.argv[1:4]))
