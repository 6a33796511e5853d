"""功能菜单 (/menu): each person's own commands as buttons. WeCom's app menu is one for every
member of the app, so its 功能菜单 entry opens this; on Telegram it is one more way in. A
command pressed there is the command typed: checked, audited and answered the same way."""

from __future__ import annotations

from sqlmodel import select

from handlers.buttons import MENU_BUTTONS
from handlers.context import Services
from handlers.dispatch import Dispatcher
from storage.tables import AuditEntry
from tests.handlers.conftest import person
from tests.handlers.flows import official
from workflow.roles import Role


def labels(replies) -> list[str]:
    return [b.text for row in replies[-1].buttons for b in row]


def test_the_menu_offers_each_person_the_commands_open_to_them(
    services: Services, dispatcher: Dispatcher
):
    official(services, "800", "办公室王", Role.OFFICE, "office")
    official(services, "901", "李投资", Role.INVESTOR, None)
    office = labels(person(dispatcher, "800", "办公室王").says("/menu"))
    investor = labels(person(dispatcher, "901", "李投资").says("/menu"))
    assert {"项目信息库", "全部催办", "联席会议", "邀请人员"} <= set(office)
    assert {"填写计划书", "我的项目"} <= set(investor)
    assert not {"项目信息库", "全部催办", "联席会议", "邀请人员"} & set(investor)
    assert "功能菜单" not in office, "the menu does not offer itself"


def test_a_command_pressed_on_the_menu_answers_as_the_command_typed(
    services: Services, dispatcher: Dispatcher
):
    official(services, "800", "办公室王", Role.OFFICE, "office")
    office = person(dispatcher, "800", "办公室王")
    typed = office.says("/pipeline")
    office.says("/menu")
    pressed = office.press("项目信息库")
    assert [r.text for r in pressed] == [r.text for r in typed]


def test_a_forged_menu_press_of_a_command_not_ones_own_is_refused_and_recorded(
    services: Services, dispatcher: Dispatcher
):
    official(services, "901", "李投资", Role.INVESTOR, None)
    investor = person(dispatcher, "901", "李投资")
    refused = investor.press_data(MENU_BUTTONS.encode("run", "pipeline"))
    assert "您没有权限" in refused[0].text
    unknown = investor.press_data(MENU_BUTTONS.encode("run", "nosuch"))
    assert "nosuch" in unknown[0].text
    with services.uow() as uow:
        actions = [a.action for a in uow.session.exec(select(AuditEntry))]
    assert "refused:/pipeline" in actions


def test_a_visitor_s_menu_starts_with_registration(services: Services, dispatcher: Dispatcher):
    visitor = person(dispatcher, "700", "访客")
    shown = visitor.says("/menu")
    assert "请先点按“开始使用”完成登记" in shown[0].text
    assert labels(shown)[0] == "开始使用"
    started = visitor.press("开始使用")
    assert "欢迎使用" in started[0].text and "您的姓名" in started[-1].text, "registration opens"
