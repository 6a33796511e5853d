"""A card that a newer one replaces loses its buttons and says where the current one is: after
the city returns a project and the office sends it again, the city official's first card is
edited to its last state, without buttons: at the return with the city's comment, and at the
re-send with a line pointing to the new card below."""

from __future__ import annotations

from conversations.replies import Reply
from handlers.context import Actor, Services
from handlers.decision.city import send_to_city
from handlers.dispatch import Dispatcher
from tests.handlers.conftest import person
from tests.handlers.flows import cards_for, official, project, project_of
from tests.handlers.test_card_buttons import press
from workflow.roles import Role


def send(s: Services, pid: int) -> None:
    with s.uow() as uow:
        clerk = uow.people.by_account("telegram", "800")
        send_to_city(s, uow, Actor(clerk, None, "zh-Hans"), project_of(uow, pid))
        uow.commit()


def test_the_card_of_a_returned_case_loses_its_buttons_and_points_to_the_one_sent_again(
    services: Services, dispatcher: Dispatcher
) -> None:
    official(services, "800", "办公室王", Role.OFFICE, "office")
    official(services, "701", "市常务副组长", Role.CITY_EXEC_DEPUTY, "city_group")
    pid = project(services, "QX-2026-0001", 50000, stage="city")
    send(services, pid)
    deputy = person(dispatcher, "701", "市常务副组长")
    [first] = [c for c in cards_for(services, "701") if c.card]
    deputy.seen.append(first)
    press(deputy, "↩️ 退回", first)
    deputy.says("请补充退出机制条款。")
    deputy.press("✅ 提交")
    [returned] = [c for c in cards_for(services, "701") if c.final]
    assert returned.card == first.card and returned.buttons == ()  # at once, not at the re-send
    assert "已退回清新区，按钮已收起。退回意见：请补充退出机制条款。" in returned.text
    with services.uow() as uow:
        project_of(uow, pid).stage = "city"  # the office sent it again (its guarded move aside)
        uow.commit()
    send(services, pid)

    cards = [c for c in cards_for(services, "701") if c.card]
    last: Reply = [c for c in cards if c.final][-1]
    assert last.card == first.card and last.buttons == ()
    assert last.text.startswith(first.text) and "此卡片已由下方的新卡片取代" in last.text
    newer = [c for c in cards if c.card != first.card]
    assert newer and newer[-1].buttons and not newer[-1].final
