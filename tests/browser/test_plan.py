"""In a real browser: an investor starts the plan (附件4) in chat, opens it as one page from the
form's 📋 在网页中填写 button, answers there — one wrong answer refused beside its field, the
draft unchanged — then goes on in chat (/continue) where the page left off, finds the page's
answers there when chat reaches them, and submits; the chat gets its confirmation.
Screenshots of the plan page at 360 px and 1280 px."""

from __future__ import annotations

from pathlib import Path

from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import WebDriverWait

from bot import demo_plan
from bot.demo import answer, current_step
from conversations.draft import Draft
from sandbox.client import SandboxClient
from tests.browser.conftest import (
    DESKTOP,
    PHONE,
    RemoteUser,
    Stack,
    open_page,
    overflows,
    shoot,
    viewport,
    wait_for,
    web_app_url,
)
from workflow.roles import Role

INVESTOR = 10001
WEB_PAGE = "📋 在网页中填写"
PAGE_FIELDS = ("investor", "land_area")  # answered on the page; the rest in chat
KEEP = "保持原答案 »"


def answers(stack: Stack) -> dict[str, object]:
    """The investor's draft's answers, as stored (the one draft chat and page share)."""
    with stack.uow_factory() as uow:
        person = uow.people.by_account("telegram", str(INVESTOR))
        assert person is not None and person.id is not None
        row = uow.drafts.active(person.id, str(INVESTOR))
        assert row is not None
        return dict(Draft.model_validate(row.data).answers)


def type_into(driver: WebDriver, field: str, text: str) -> None:
    """Type an answer into a question of the page and save it; wait for the question's answer
    (its form, replaced in place)."""
    form = driver.find_element(By.ID, f"q-{field}")
    box = form.find_element(By.CSS_SELECTOR, "[name=value]")
    box.clear()
    box.send_keys(text)
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    WebDriverWait(driver, 15).until(lambda d: _stale(box))
    wait_for(driver, f"#q-{field}")


def _stale(element: object) -> bool:
    try:
        element.is_enabled()  # type: ignore[attr-defined]
    except Exception:  # StaleElementReferenceException: replaced by the server's answer
        return True
    return False


async def test_an_investor_fills_the_plan_on_the_page_and_submits_it_in_chat(
    stack: Stack, sb: SandboxClient, browser: WebDriver, screenshots: Path
) -> None:
    stack.person(INVESTOR, "李明", Role.INVESTOR, company="广东华锐精密科技股份有限公司")
    stack.start_bot()
    await sb.add_user(INVESTOR, "李明")
    me = RemoteUser(sb, INVESTOR)

    # In chat: the plan's first answers.
    await me.say("/new")
    for first in ("name", "content"):
        assert current_step(stack.uow_factory, INVESTOR) == first
        await answer(me, first)
    url = web_app_url(await sb.transcript(INVESTOR), WEB_PAGE)
    launch = (await sb.open_web_app(INVESTOR, url))["url"]

    # On the page: the same draft, the chat's answers in it.
    viewport(browser, PHONE)
    open_page(browser, launch, "plan")
    name = browser.find_element(By.CSS_SELECTOR, "#q-name [name=value]")
    assert name.get_attribute("value") == demo_plan.TYPED["name"]
    type_into(browser, "investor", demo_plan.TYPED["investor"])
    # A wrong answer is refused beside its field, in chat's words; the draft keeps nothing.
    type_into(browser, "land_area", demo_plan.WRONG["land_area"][0])
    error = browser.find_element(By.CSS_SELECTOR, "#q-land_area .error")
    assert "计划用地面积" in error.text and "亩" in error.text and "平方米" in error.text
    assert "land_area" not in answers(stack)
    assert overflows(browser) == 0
    browser.execute_script("document.getElementById('q-land_area').scrollIntoView()")
    shoot(browser, screenshots, "plan-360-refused")
    type_into(browser, "land_area", demo_plan.TYPED["land_area"])
    assert not browser.find_elements(By.CSS_SELECTOR, "#q-land_area .error")
    assert {"investor", "land_area"} <= set(answers(stack))
    browser.execute_script("window.scrollTo(0, 0)")
    shoot(browser, screenshots, "plan-360-light")
    viewport(browser, DESKTOP)
    assert overflows(browser) == 0
    shoot(browser, screenshots, "plan-1280-light")

    # Back in chat: /continue asks where the page left off, and the plan is submitted there.
    asked = await me.say("/continue")
    assert current_step(stack.uow_factory, INVESTOR) not in (*PAGE_FIELDS, "name", "content")
    assert asked["text"]
    for _ in range(200):
        step = current_step(stack.uow_factory, INVESTOR)
        if step in (None, "summary"):
            break
        if step in PAGE_FIELDS:  # reached in its turn: the page's answer is there to keep
            asked = (await sb.transcript(INVESTOR))[-1]
            assert "当前填写：120 亩" in asked["text"] and step == "land_area"
            await me.press(KEEP)
            continue
        await answer(me, step)
    thanks = await me.press("✅ 提交")
    assert "QX-" in thanks["text"]
    with stack.uow_factory() as uow:
        person = uow.people.by_account("telegram", str(INVESTOR))
        assert person is not None and person.id is not None
        (project,) = uow.projects.of_investor(person.id)
        assert project.land_area_mu == 120  # the page's answer
        assert project.investor_name == demo_plan.TYPED["investor"]
