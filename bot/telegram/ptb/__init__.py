"""The python-telegram-bot adapter: its client and its runtime."""
