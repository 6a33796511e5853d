"""In a real browser: the office finds an investor's new project on the board, opens it and
confirms it there (① → ②) with the same guarded press its chat card makes; the card in the
office's chat updates; Telegram's back button returns to the board. Screenshots of the project
page at 360 px and 1280 px."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import WebDriverWait
from sqlmodel import col, select

from sandbox.client import SandboxClient
from storage.tables import AuditEntry
from tests.browser.conftest import (
    DESKTOP,
    PHONE,
    Stack,
    open_page,
    overflows,
    shoot,
    viewport,
    wait_for,
)
from tests.browser.test_board import OFFICE, office_opens_the_board
from tests.e2e.test_review_and_decision import add_project, stage_of
from workflow.roles import Role

INVESTOR = 10001
CONFIRM_INTO_LIBRARY = "✅ 确认入库"


def labels(entry: dict[str, Any]) -> list[str]:
    """The labels of a chat message's buttons."""
    return [text for row in entry.get("buttons") or [] for text, _ in row]


async def card_in_chat(sb: SandboxClient, message_id: int) -> dict[str, Any]:
    """The office's chat card as it reads now."""
    return next(e for e in await sb.transcript(OFFICE) if e["message_id"] == message_id)


async def test_the_office_opens_the_project_from_the_board_and_confirms_it(
    stack: Stack, sb: SandboxClient, browser: WebDriver, screenshots: Path
) -> None:
    stack.person(OFFICE, "王主任", Role.OFFICE, "office")
    company = "广东华锐精密科技股份有限公司"
    investor = stack.person(INVESTOR, "李明", Role.INVESTOR, company=company)
    serial = add_project(stack.uow_factory, investor, "新能源汽车电机壳体项目", 20000)
    stack.start_bot()
    await sb.add_user(INVESTOR, "李明")

    # The office has the project's card in chat (as /project shows it).
    launch = await office_opens_the_board(stack, sb)
    mark = await sb.mark()
    await sb.send_text(OFFICE, f"/project {serial}")
    card = int((await sb.wait_for_bot_message(OFFICE, since=mark, timeout=20))["message_id"])
    before = await card_in_chat(sb, card)
    assert CONFIRM_INTO_LIBRARY in labels(before)

    # On the board, under ① 信息收集, it opens the project's page in place.
    viewport(browser, PHONE)
    open_page(browser, launch, "board")
    browser.find_element(
        By.CSS_SELECTOR, 'section[data-stage="lead"] a[data-load][href^="/web/project/"]'
    ).click()
    wait_for(browser, 'body[data-page="project"]')
    assert serial in browser.find_element(By.TAG_NAME, "body").text
    assert browser.execute_script("return Telegram.WebApp.BackButton.isVisible") is True
    assert overflows(browser) == 0
    shoot(browser, screenshots, "project-360-light")

    # 确认入库 on the page: the same press as the chat card's, with its guards.
    press(browser, CONFIRM_INTO_LIBRARY)
    if browser.find_elements(By.XPATH, '//section[@id="actions"]//button[text()="✅ 确认"]'):
        press(browser, "✅ 确认")  # a question asked first, as chat asks it on the card
    assert stage_of(stack.uow_factory, serial) == "confirmed"
    actions = browser.find_element(By.ID, "actions").text
    assert CONFIRM_INTO_LIBRARY not in actions
    with stack.uow_factory() as uow:
        confirmed = uow.session.exec(
            select(AuditEntry).where(col(AuditEntry.action) == "confirm")
        ).all()
        assert [(a.from_value, a.to_value) for a in confirmed] == [("lead", "confirmed")]

    # The office's chat card is brought up to date (the outbox edits it where it is shown).
    deadline = time.monotonic() + 20
    after = before
    while time.monotonic() < deadline:
        after = await card_in_chat(sb, card)
        if CONFIRM_INTO_LIBRARY not in labels(after):
            break
        await asyncio.sleep(0.2)
    assert after["edited"] and CONFIRM_INTO_LIBRARY not in labels(after)
    assert after["text"] != before["text"] and "② 信息确认" in after["text"]

    viewport(browser, DESKTOP)
    browser.refresh()  # the shell opens the board again from the launch address
    wait_for(browser, 'body[data-page="board"]')
    assert browser.find_elements(
        By.CSS_SELECTOR, 'section[data-stage="confirmed"] a[href^="/web/project/"]'
    )
    browser.find_element(By.CSS_SELECTOR, 'a[data-load][href^="/web/project/"]').click()
    wait_for(browser, 'body[data-page="project"]')
    assert overflows(browser) == 0
    shoot(browser, screenshots, "project-1280-light")
    # Telegram's back button: the board again.
    assert browser.execute_script("return TelegramSandbox.pressBack()") is True
    wait_for(browser, 'body[data-page="board"]')
    assert browser.execute_script("return Telegram.WebApp.BackButton.isVisible") is False


def press(driver: WebDriver, label: str) -> None:
    """Press a button of the page's #actions and wait for the section it answers with."""
    section = driver.find_element(By.ID, "actions")
    section.find_element(By.XPATH, f'.//button[normalize-space()="{label}"]').click()
    WebDriverWait(driver, 15).until(lambda d: _stale(section))
    wait_for(driver, "#actions")


def _stale(element: Any) -> bool:
    try:
        element.is_enabled()
    except Exception:  # StaleElementReferenceException: the section was replaced
        return True
    return False
