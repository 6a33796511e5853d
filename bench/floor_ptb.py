"""The floor: bare python-telegram-bot 22 with concurrent updates, a ConversationHandler, one
SQLModel commit and one `reply_text` per update. Run as its own process by bench/hotpath.py:

    python bench/floor_ptb.py API_URL TOKEN DATABASE_URL"""

from __future__ import annotations

import asyncio
import os
import sys
import warnings

os.environ.setdefault("PTB_TIMEDELTA", "true")

from telegram import Update
from telegram.ext import (
    ApplicationBuilder,
    ContextTypes,
    ConversationHandler,
    MessageHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from floor_model import IN_THREAD, FloorStep, commit, floor_engine

ANSWERING = 0


def main() -> None:
    """Poll the fake Bot API and answer every message until killed."""
    api, token, url = sys.argv[1:4]
    engine = floor_engine(url)

    async def answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
        message = update.effective_message
        assert message is not None and message.text is not None
        row = FloorStep(chat_id=str(message.chat_id), text=message.text)
        if IN_THREAD:
            await asyncio.to_thread(commit, engine, row)
        else:
            commit(engine, row)
        await message.reply_text(f"收到：{message.text}")
        return ANSWERING

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBUserWarning)  # per_message and concurrency notes
        conversation = ConversationHandler(
            entry_points=[MessageHandler(filters.TEXT, answer)],
            states={ANSWERING: [MessageHandler(filters.TEXT, answer)]},
            fallbacks=[],
        )
    app = ApplicationBuilder().token(token).base_url(f"{api}/bot").concurrent_updates(64).build()
    app.add_handler(conversation)
    app.run_polling(poll_interval=0.0, timeout=10, allowed_updates=Update.ALL_TYPES)


if __name__ == "__main__":
    main()
