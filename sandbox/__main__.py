"""Run the sandbox standalone: python -m sandbox --port 8081 [--token T]."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal

from sandbox.server import LOCALHOST, SandboxServer


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(prog="python -m sandbox", description=__doc__)
    parser.add_argument("--host", default=LOCALHOST, choices=[LOCALHOST])
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--token", default=None, help="accept only this bot token")
    parser.add_argument("--enforce-limits", action="store_true", help="answer 429 like Telegram")
    return parser.parse_args(argv)


async def serve(args: argparse.Namespace) -> None:
    """Start the sandbox, print its URL and run until cancelled."""
    server = SandboxServer(args.token, enforce_limits=args.enforce_limits)
    url = await server.start(args.host, args.port)
    print(f"Telegram sandbox listening on {url}", flush=True)
    print(f"  python-telegram-bot: base_url={url}/bot  base_file_url={url}/file/bot", flush=True)
    print(f"  aiogram: TelegramAPIServer.from_base({url!r})", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await server.stop()


def main(argv: list[str] | None = None) -> None:
    """Entry point."""
    args = parse_args(argv)
    # Ctrl-C stops it even when it was started with SIGINT ignored, as the child of a process
    # that ignores it is: Python would leave it ignored, and the sandbox would never stop.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(args))
    print("Telegram sandbox stopped", flush=True)


if __name__ == "__main__":
    main()
