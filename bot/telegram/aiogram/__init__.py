"""The aiogram 3 adapter: its client and its runtime."""
