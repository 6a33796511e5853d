"""`zhaoshang demo`: which demo plays, and what it prints — on Telegram an investor's plan
form (bot/demo.py), then with `--web` the Mini App until Ctrl-C; on WeCom a review round
(bot/demo_wecom.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from bot import demo, demo_wecom


def play(database: Path, runtime: str, web_port: int | None, show: Callable[[str], None]) -> None:
    """Play the demo on `runtime` and show its transcript and where its database is; with
    `web_port` (Telegram's runtimes), serve the Mini App after it until Ctrl-C."""
    if web_port is not None:
        demo.main_web(database, runtime, web_port, show)
        return
    transcript = demo_wecom.main(database) if runtime == "wecom" else demo.main(database, runtime)
    show(transcript)
    show("\n" + demo.footer(database))
