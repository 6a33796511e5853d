"""`zhaoshang demo --web`: the demo plays as it does without it, then serves the Mini App beside
the sandbox on 127.0.0.1 and prints the addresses of the office's board and of the investor's
page, each signed for its person as Telegram opens a Mini App; Ctrl-C ends it cleanly."""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from tests.e2e.conftest import this_years_serial
from tests.e2e.processes import Process, free_port

pytestmark = pytest.mark.e2e
HEADER = "X-Telegram-Init-Data"


def signed(address: str) -> tuple[str, str, dict[str, str]]:
    """A printed address as its page sees it: the shell's URL, the page it opens, and the
    initData of its fragment in the header the shell sends it in."""
    parts = urlsplit(address)
    data = parse_qs(parts.fragment)["tgWebAppData"][0]
    page = parse_qs(parts.query).get("open", ["home"])[0]
    return parts._replace(fragment="").geturl(), page, {HEADER: data}


def test_the_demo_with_web_prints_the_board_and_the_investors_page_until_ctrl_c(
    tmp_path: Path,
) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZHAOSHANG_")}
    database = tmp_path / "demo.db"
    cli = [sys.executable, "-c", "from bot.cli import main; main()"]
    args = ["demo", "--web", "--web-port", str(port), "--database", str(database)]
    demo = Process([*cli, *args], env, tmp_path)
    try:
        demo.line("Ctrl-C", timeout=120)
        printed = "".join(demo.seen)
        assert "[ ✅ 提交 ]" in printed and this_years_serial(1) in printed  # the demo, as ever
        board_line = next(x for x in demo.seen if "招商项目信息库" in x and "http" in x)
        investor_line = next(x for x in demo.seen if "投资方页面" in x)
        board = board_line[board_line.index("http://") :].strip()
        investor = investor_line[investor_line.index("http://") :].strip()
        base = f"http://127.0.0.1:{port}/web/"

        shell, page, headers = signed(board)
        assert shell.startswith(base) and page == "board"
        assert "telegram-web-app.js" in httpx.get(shell).text  # the sandbox's stand-in
        got = httpx.get(base + page, headers=headers)
        assert got.status_code == 200, got.text
        assert 'data-page="board"' in got.text and this_years_serial(1) in got.text

        shell, page, headers = signed(investor)
        assert shell.startswith(base)
        got = httpx.get(base + page, headers=headers)
        assert got.status_code == 200, got.text
        assert this_years_serial(1) in got.text  # the investor's own project
        assert httpx.get(base + "board", headers=headers).status_code == 403  # not theirs

        assert httpx.get(base + "board").status_code == 401  # without initData
    finally:
        code = demo.stop(signal.SIGINT)
    assert code == 0, demo.output()
    assert "演示已结束" in demo.output()
