"""In a real browser: a leader opens the Mini App from the chat's menu button (工作台) and from
there the charts: projects by stage coloured by their waiting days, investment by sector and by
stage, review turnaround, report punctuality; an investor's 工作台 offers no charts, and the
charts' address refuses them. Screenshots of the charts at 360 px and 1280 px."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from sandbox.client import SandboxClient
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
from workflow.roles import Role

LEADER, INVESTOR = 700, 10001


async def menu_button_url(sb: SandboxClient, user_id: int) -> str:
    """The address of the chat's menu button (a web_app) the bot set for this person."""
    for _ in range(100):
        for call in reversed(await sb.calls("setChatMenuButton")):
            params = call["params"]
            if str(params.get("chat_id")) == str(user_id):
                button = params["menu_button"]
                if isinstance(button, str):  # as the library posted it, form-encoded
                    button = json.loads(button)
                return str(button["web_app"]["url"])
        await asyncio.sleep(0.1)
    raise AssertionError(f"no menu button for {user_id}")


async def test_a_leader_opens_the_charts_from_the_workbench(
    stack: Stack, sb: SandboxClient, browser: WebDriver, screenshots: Path
) -> None:
    stack.person(LEADER, "陈组长", Role.LEADER, "district_gov")
    stack.person(INVESTOR, "李明", Role.INVESTOR, company="广东华锐精密科技股份有限公司")
    stack.project("碳纤维复合材料项目", "confirmed", 3, wan=20000)
    stack.project("智能装备项目", "confirmed", 40, sector="equipment", wan=50000)
    stack.project("新能源电池材料项目", "review", 2, wan=60000)
    stack.start_bot()
    await sb.add_user(LEADER, "陈组长")
    await sb.add_user(INVESTOR, "李明")

    mark = await sb.mark()
    await sb.send_text(LEADER, "/start")
    await sb.wait_for_bot_message(LEADER, since=mark, timeout=20)
    url = await menu_button_url(sb, LEADER)
    assert url.startswith(stack.web_url)
    launch = (await sb.open_web_app(LEADER, url))["url"]

    viewport(browser, PHONE)
    open_page(browser, launch, "home")
    browser.find_element(By.CSS_SELECTOR, 'a[data-load][href="/web/charts"]').click()
    wait_for(browser, 'body[data-page="charts"]')
    bars = {
        str(li.get_attribute("data-stage")): str(li.get_attribute("data-total"))
        for li in browser.find_elements(By.CSS_SELECTOR, "#stages li[data-stage]")
    }
    assert bars["confirmed"] == "2" and bars["review"] == "1"
    assert browser.find_elements(By.CSS_SELECTOR, "#stages .fill.red")  # 40 days in ②
    for section in ("by-sector", "by-stage", "turnaround", "punctuality"):
        assert browser.find_element(By.ID, section).is_displayed()
    assert "新材料" in browser.find_element(By.ID, "by-sector").text
    assert overflows(browser) == 0
    shoot(browser, screenshots, "charts-360-light")
    viewport(browser, DESKTOP)
    assert overflows(browser) == 0
    shoot(browser, screenshots, "charts-1280-light")

    # The investor's 工作台 has no charts, and the address itself refuses them.
    mark = await sb.mark()
    await sb.send_text(INVESTOR, "/start")
    await sb.wait_for_bot_message(INVESTOR, since=mark, timeout=20)
    mine = (await sb.open_web_app(INVESTOR, stack.web_url))["url"]
    viewport(browser, PHONE)
    open_page(browser, mine, "home")
    assert not browser.find_elements(By.CSS_SELECTOR, 'a[href="/web/charts"]')
    browser.execute_script("zhaoshangLoad('/web/charts', true)")
    flash = wait_for(browser, "p.flash")
    assert flash.text  # chat's refusal, shown on the page it was asked from
    assert browser.find_elements(By.CSS_SELECTOR, 'body[data-page="home"]')
