"""The Mini App in a real browser: the real bot (`zhaoshang run`, its own process) serving the
Mini App beside the sandbox (`python -m sandbox`, its own process), both on 127.0.0.1, and
Debian's headless Chromium driven by Selenium through its chromedriver.

A person opens the Mini App as Telegram does: the sandbox signs initData for its user and
hands back the launch address (the data in its fragment); the browser goes there; the shell
loads the page with the data in a header. Each server is stopped by its process id, the
browser once per module (`driver.quit()`, then its chromedriver's pid is checked gone).

Screenshots go to `ZHAOSHANG_SCREENSHOTS` (a folder), by default a temporary one: never into
the repository. In CI (`CI` set) a missing chromium or chromedriver fails these tests; on a
workstation without them they are skipped.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import sys
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

from bot.bootstrap import build_uow_factory, initialise
from bot.settings import Settings
from sandbox.client import SandboxClient
from storage.tables import MessengerAccount, Person, Project
from storage.uow import UnitOfWorkFactory
from tests.e2e.conftest import TOKEN, bot_today, subprocess_env
from tests.e2e.processes import Process, free_port
from workflow.roles import Role

CHROMIUM = shutil.which("chromium")
CHROMEDRIVER = shutil.which("chromedriver")
PHONE = (360, 800)
DESKTOP = (1280, 900)
WAIT = 15.0  # seconds a page gets to appear


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test here drives the browser against the real bot."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.e2e)


@dataclass
class Stack:
    """The sandbox and the bot with its Mini App, each in its own process, on 127.0.0.1."""

    tmp_path: Path
    sandbox: Process
    sandbox_url: str
    settings: Settings
    uow_factory: UnitOfWorkFactory
    bot: Process | None = None

    @property
    def web_url(self) -> str:
        """The Mini App's address (its shell), as the bot's buttons name it."""
        assert self.settings.web_url is not None
        return self.settings.web_url

    def start_bot(self) -> None:
        """Start `zhaoshang run` and wait until its Mini App answers."""
        env = subprocess_env(self.settings)
        env.update(
            ZHAOSHANG_WEB_URL=self.web_url,
            ZHAOSHANG_WEB_LISTEN="127.0.0.1",
            ZHAOSHANG_WEB_PORT=str(self.settings.web_port),
            ZHAOSHANG_WEB_SCRIPT_URL=self.settings.web_script_url,
        )
        self.bot = Process(
            [sys.executable, "-c", "from bot.cli import main; main()", "run"], env, self.tmp_path
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.bot.proc.poll() is not None:
                raise AssertionError(f"the bot stopped:\n{self.bot.output()}")
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(self.web_url, timeout=2).status_code == 200:
                    return
            time.sleep(0.1)
        raise AssertionError(f"the Mini App never answered:\n{self.bot.output()}")

    def person(
        self, user_id: int, name: str, role: Role, unit: str | None = None, **extra: Any
    ) -> int:
        """Someone who joined in a role (as an accepted invitation leaves them): their person,
        account and role in the bot's database; returns the person's id."""
        with self.uow_factory() as uow:
            person = uow.people.add(Person(name=name, unit_id=unit, **extra))
            assert person.id is not None
            chat = str(user_id)
            uow.session.add(MessengerAccount(person_id=person.id, external_id=chat, chat_id=chat))
            uow.people.grant(person.id, role.value, unit_id=unit)
            uow.commit()
            return person.id

    def project(
        self,
        name: str,
        stage: str,
        days: int,
        *,
        sector: str = "new_materials",
        site: str = "smart_park",
        wan: int = 20000,
        investor: str = "清远某某有限公司",
    ) -> str:
        """A project that has waited `days` in its stage, as the library keeps it: its serial."""
        since = datetime.now(UTC) - timedelta(days=days, hours=1)
        with self.uow_factory() as uow:
            serial = uow.projects.next_serial("QX", bot_today().year)
            uow.projects.add(
                Project(
                    serial=serial,
                    name=name,
                    investor_name=investor,
                    stage=stage,
                    sector=sector,
                    site=site,
                    total_investment_wan=Decimal(wan),
                    land_area_mu=Decimal(40),
                    plan={"name": name, "site": site, "sector": sector},
                    created_at=since,
                    updated_at=since,
                )
            )
            uow.commit()
        return serial


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[Stack]:
    """The sandbox running, the bot's database made; the test adds people, then starts the bot
    (`stack.start_bot()`). Both processes are stopped by their pid afterwards."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZHAOSHANG_")}
    sandbox = Process(
        [sys.executable, "-m", "sandbox", "--port", "0", "--token", TOKEN], env, tmp_path
    )
    url = sandbox.line("Telegram sandbox listening on ").rsplit(" ", 1)[1]
    port = free_port()
    settings = Settings(
        bot_token=TOKEN,
        database_url=f"sqlite:///{tmp_path / 'bot.db'}",
        api_base_url=url,
        runtime="ptb",
        pdf_copies=False,
        web_url=f"http://127.0.0.1:{port}/web/",
        web_listen="127.0.0.1",
        web_port=port,
        web_script_url=f"{url}/telegram-web-app.js",
        _env_file=None,
    )  # type: ignore[call-arg]
    initialise(settings)
    factory = build_uow_factory(settings)
    found = Stack(tmp_path, sandbox, url, settings, factory)
    try:
        yield found
    finally:
        try:
            if found.bot is not None:
                code = found.bot.stop(signal.SIGTERM)
                assert code == 0, found.bot.output()  # a clean stop
        finally:
            sandbox.stop(signal.SIGINT)
            factory.engine.dispose()


@pytest.fixture
async def sb(stack: Stack) -> AsyncIterator[SandboxClient]:
    """The sandbox's user side, over its control API."""
    async with SandboxClient(stack.sandbox_url) as client:
        yield client


@pytest.fixture(scope="module")
def browser() -> Iterator[WebDriver]:
    """One headless Chromium for the module (Debian's chromium and chromedriver)."""
    if CHROMIUM is None or CHROMEDRIVER is None:
        if os.environ.get("CI"):
            pytest.fail("chromium and chromedriver must be installed in CI: .ci/run installs them")
        pytest.skip("chromium or chromedriver is not installed")
    options = Options()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,900"):
        options.add_argument(arg)
    options.add_argument("--lang=zh-CN")
    service = Service(CHROMEDRIVER)
    driver = webdriver.Chrome(options=options, service=service)
    driver.set_page_load_timeout(WAIT)
    process = service.process
    assert process is not None
    try:
        yield driver
    finally:
        driver.quit()  # ends Chromium and its chromedriver; make sure of it, by its pid
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder the screenshots go to: `ZHAOSHANG_SCREENSHOTS`, or a temporary one."""
    named = os.environ.get("ZHAOSHANG_SCREENSHOTS")
    folder = Path(named) if named else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def viewport(driver: WebDriver, size: tuple[int, int]) -> None:
    """Show the page as a screen this wide and high (a phone is a mobile viewport)."""
    width, height = size
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600},
    )


def open_page(driver: WebDriver, launch_url: str, page: str) -> WebElement:
    """Go to the launch address as Telegram's client does, and wait for the page's body."""
    driver.get("about:blank")  # a new document: the shell starts afresh
    driver.get(launch_url)
    return wait_for(driver, f'body[data-page="{page}"]')


def wait_for(driver: WebDriver, css: str, timeout: float = WAIT) -> WebElement:
    """The first element matching `css`, once it is there."""
    found = WebDriverWait(driver, timeout).until(
        lambda d: next(iter(d.find_elements(By.CSS_SELECTOR, css)), False)
    )
    assert isinstance(found, WebElement)
    return found


def overflows(driver: WebDriver) -> int:
    """By how many pixels the page is wider than the screen (0: no horizontal scrolling)."""
    return int(
        driver.execute_script(
            "var e = document.documentElement;"
            "return Math.max(e.scrollWidth, document.body.scrollWidth) - e.clientWidth;"
        )
    )


def shoot(driver: WebDriver, folder: Path, name: str) -> Path:
    """A screenshot of the screen as it is now."""
    path = folder / f"{name}.png"
    driver.save_screenshot(str(path))
    return path


def web_app_url(transcript: list[dict[str, Any]], label: str | None = None) -> str:
    """The address of the newest web_app button (with this label) in a chat."""
    for entry in reversed(transcript):
        for row in entry.get("buttons") or []:
            for text, target in row:
                if label in (None, text) and str(target).startswith("web_app:"):
                    return str(target).removeprefix("web_app:")
    raise AssertionError(f"no web_app button {label!r} in the chat")


class RemoteUser:
    """A person in the sandbox (over its control API) who waits for the bot's answer after
    each action: the remote twin of `bot.demo.ChatUser`, so the demo's scripted answers
    (`bot.demo.answer`) play through it too."""

    def __init__(self, sb: SandboxClient, user_id: int) -> None:
        self.sb = sb
        self.user_id = user_id

    async def say(self, text: str) -> dict[str, Any]:
        """Type a message and wait for the bot's answer."""
        mark = await self.sb.mark()
        await self.sb.send_text(self.user_id, text)
        return await self._answer(mark)

    async def press(self, label: str) -> dict[str, Any]:
        """Press the newest button with this label and wait for the bot's answer."""
        message_id = await self._message_with(label)
        mark = await self.sb.mark()
        await self.sb.press(self.user_id, self.user_id, message_id, button_text=label)
        return await self._answer(mark)

    async def send_file(self, name: str, mime: str, content: bytes) -> dict[str, Any]:
        """Send a document and wait for the bot's answer."""
        mark = await self.sb.mark()
        await self.sb.send_document(self.user_id, name, content, mime)
        return await self._answer(mark)

    async def _answer(self, mark: int) -> dict[str, Any]:
        message = await self.sb.wait_for_bot_message(self.user_id, since=mark, timeout=20)
        await self.sb.wait_idle(idle_ms=60, timeout=20)
        return message

    async def _message_with(self, label: str) -> int:
        for entry in reversed(await self.sb.transcript(self.user_id)):
            if entry["sender"] != "bot":
                continue
            if any(text == label for row in entry["buttons"] for text, _ in row):
                return int(entry["message_id"])
        raise LookupError(f"no button {label!r} in the chat")
