"""In a real browser: the office opens the 工作台 from its /pipeline in chat and finds a project
on the board by a filter and a search, each card coloured by the days it has waited against
the policy's stall_days; at a phone's width the page never scrolls sideways; a forged and an
expired initData are refused, and the refusal is audited; screenshots of the board at 360 px
and 1280 px, light and dark."""

from __future__ import annotations

import time
from pathlib import Path
from urllib.parse import parse_qs, quote, urlencode, urlsplit

from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import Select, WebDriverWait
from sqlmodel import col, select

from sandbox.client import SandboxClient
from sandbox.webapp import DARK_THEME, launch_url
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
    web_app_url,
)
from workflow.roles import Role

OFFICE = 800


def colours(driver: WebDriver) -> dict[str, str]:
    """Each card on the page by its serial: its colour."""
    found = {}
    for card in driver.find_elements(By.CSS_SELECTOR, "article.card"):
        serial = card.find_element(By.TAG_NAME, "b").text.split()[0]
        found[serial] = str(card.get_attribute("data-colour"))
    return found


def column_counts(driver: WebDriver) -> dict[str, str]:
    """Each column's count, by its stage."""
    return {
        str(c.get_attribute("data-stage")): c.find_element(By.CSS_SELECTOR, "h2 .count").text
        for c in driver.find_elements(By.CSS_SELECTOR, "section.column")
    }


async def office_opens_the_board(stack: Stack, sb: SandboxClient) -> str:
    """The office asks for /pipeline in chat and opens its 🗂 工作台 (a web_app button): the
    launch address the sandbox signs for them, as Telegram's client opens it."""
    await sb.add_user(OFFICE, "王主任")
    mark = await sb.mark()
    await sb.send_text(OFFICE, "/pipeline")
    await sb.wait_for_bot_message(OFFICE, since=mark, timeout=20)
    url = web_app_url(await sb.transcript(OFFICE))
    assert url.startswith(stack.web_url) and "open=board" in url
    return (await sb.open_web_app(OFFICE, url))["url"]


async def test_the_office_finds_a_project_on_the_board_coloured_by_its_waiting_days(
    stack: Stack, sb: SandboxClient, browser: WebDriver, screenshots: Path
) -> None:
    stack.person(OFFICE, "王主任", Role.OFFICE, "office")
    # 已确认 (②) may wait 14 days (stall_days): within them green, past them amber, past
    # twice them red.
    fresh = stack.project("碳纤维复合材料项目", "confirmed", 3)
    late = stack.project("智能装备项目", "confirmed", 20, sector="equipment")
    stalled = stack.project("生物医药产业园项目", "confirmed", 40, sector="biomedicine")
    reviewing = stack.project("新能源电池材料项目", "review", 2, wan=60000)
    stack.start_bot()
    launch = await office_opens_the_board(stack, sb)

    viewport(browser, PHONE)
    open_page(browser, launch, "board")
    assert colours(browser) == {fresh: "green", late: "amber", stalled: "red", reviewing: "green"}
    counts = column_counts(browser)
    assert counts["confirmed"] == "3" and counts["review"] == "1" and counts["lead"] == "0"
    assert overflows(browser) == 0  # the columns scroll inside the page; the page does not
    shoot(browser, screenshots, "board-360-light")

    # A filter: the sector 新材料 leaves the two new-materials projects.
    Select(browser.find_element(By.NAME, "sector")).select_by_value("new_materials")
    apply(browser)
    assert colours(browser) == {fresh: "green", reviewing: "green"}
    # And a search within it: one project, in its column.
    box = browser.find_element(By.NAME, "q")
    box.clear()
    box.send_keys("电池")
    apply(browser)
    assert colours(browser) == {reviewing: "green"}
    assert column_counts(browser)["review"] == "1"
    assert column_counts(browser)["confirmed"] == "0"
    assert Select(browser.find_element(By.NAME, "sector")).first_selected_option.text == "新材料"
    assert overflows(browser) == 0

    viewport(browser, DESKTOP)
    open_page(browser, launch, "board")
    assert overflows(browser) == 0
    shoot(browser, screenshots, "board-1280-light")

    # The same person in Telegram's dark theme.
    data = parse_qs(urlsplit(launch).fragment)["tgWebAppData"][0]
    viewport(browser, PHONE)
    open_page(browser, launch_url(stack.web_url + "?open=board", data, DARK_THEME), "board")
    assert browser.execute_script("return Telegram.WebApp.colorScheme") == "dark"
    background = browser.execute_script("return getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(33, 45, 59)"  # DARK_THEME's bg_color
    shoot(browser, screenshots, "board-360-dark")


def apply(driver: WebDriver) -> None:
    """Press 筛选 and wait for the board the shell loads in place."""
    old = driver.find_element(By.CSS_SELECTOR, "body[data-page=board]")
    driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    WebDriverWait(driver, 15).until(lambda d: _gone(old))
    wait_for(driver, "body[data-page=board]")


def _gone(element: object) -> bool:
    try:
        element.is_enabled()  # type: ignore[attr-defined]
    except Exception:  # StaleElementReferenceException: the body was replaced
        return True
    return False


def refusals(stack: Stack) -> list[AuditEntry]:
    """The audit's rows of requests whose initData was refused."""
    with stack.uow_factory() as uow:
        rows = uow.session.exec(
            select(AuditEntry).where(col(AuditEntry.action) == "refused:web_auth")
        ).all()
        uow.session.expunge_all()
        return list(rows)


def forged(launch: str) -> str:
    """The launch address with one field of its initData changed (the user's name), its hash
    kept: what a person who edits the address or a modified client sends."""
    base, fragment = launch.split("#", 1)
    outer = parse_qs(fragment)
    fields = parse_qs(outer["tgWebAppData"][0])
    fields["user"] = [fields["user"][0].replace("王主任", "李局长")]
    assert fields["user"][0] != parse_qs(outer["tgWebAppData"][0])["user"][0]
    outer["tgWebAppData"] = [urlencode({k: v[0] for k, v in fields.items()}, quote_via=quote)]
    return base + "#" + urlencode({k: v[0] for k, v in outer.items()}, quote_via=quote)


async def test_a_forged_or_an_expired_init_data_is_refused_and_audited(
    stack: Stack, sb: SandboxClient, browser: WebDriver, screenshots: Path
) -> None:
    stack.person(OFFICE, "王主任", Role.OFFICE, "office")
    stack.project("碳纤维复合材料项目", "confirmed", 3)
    stack.start_bot()
    launch = await office_opens_the_board(stack, sb)
    viewport(browser, PHONE)

    browser.get("about:blank")
    browser.get(forged(launch))
    refusal = wait_for(browser, "p.refusal")
    assert refusal.text and not browser.find_elements(By.CSS_SELECTOR, "article.card")
    shoot(browser, screenshots, "refused-360-light")

    two_days_ago = int(time.time()) - 2 * 86400  # past web_auth_max_age (one day)
    url = web_app_url(await sb.transcript(OFFICE))
    expired = (await sb.open_web_app(OFFICE, url, auth_date=two_days_ago))["url"]
    browser.get("about:blank")
    browser.get(expired)
    refusal = wait_for(browser, "p.refusal")
    assert refusal.text and not browser.find_elements(By.CSS_SELECTOR, "article.card")

    assert [(r.allowed, r.note, r.object_id) for r in refusals(stack)] == [
        (False, "tampered", "/web/board"),
        (False, "expired", "/web/board"),
    ]
    open_page(browser, launch, "board")  # the good one still opens
