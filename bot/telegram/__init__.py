"""Telegram: one client base and one update-to-event path, shared by the two library adapters
(`ptb/` for python-telegram-bot, `aiogram/` for aiogram 3)."""
