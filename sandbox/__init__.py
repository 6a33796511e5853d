"""A local stand-in for the Telegram Bot API, with the people who use the bot."""

from __future__ import annotations

from sandbox.client import SandboxClient
from sandbox.errors import ApiError, SandboxError
from sandbox.files import make_png
from sandbox.limits import FaultRule
from sandbox.server import SandboxServer
from sandbox.state import BOT_USERNAME, CallbackQueryRecord, CallRecord
from sandbox.transcript import TranscriptEntry

__all__ = [
    "BOT_USERNAME",
    "ApiError",
    "CallRecord",
    "CallbackQueryRecord",
    "FaultRule",
    "SandboxClient",
    "SandboxError",
    "SandboxServer",
    "TranscriptEntry",
    "make_png",
]
