"""/services: every member unit's published 工作职责、服务事项、办理程序、办事时限
(000 一(三)2(2)), for anyone — a stranger who never registered, an investor, an official —
chosen by buttons, in pages that fit one message."""

from __future__ import annotations

from sqlmodel import select

from handlers.context import Services
from handlers.dispatch import Dispatcher
from storage.tables import AuditEntry
from tests.conftest import Clock
from tests.handlers.conftest import make_services, person
from tests.handlers.flows import official
from workflow.policy import Policy, PublishedServices, ServiceItem
from workflow.roles import Role


def test_each_of_the_thirteen_member_units_publishes_its_services(policy: Policy):
    published = {e.unit for e in policy.published_services}
    assert published == {u.id for u in policy.member_units()}
    for entry in policy.published_services:
        assert entry.source == "000 一(三)2(2)" and entry.duties
        assert all(i.name and i.procedure and i.time_limit for i in entry.items)


def test_a_stranger_who_never_registered_sees_a_units_duties_items_procedures_and_limits(
    dispatcher: Dispatcher, policy: Policy
):
    stranger = person(dispatcher, "5001", "路人")
    (listing,) = stranger.says("/services")
    assert "000 一(三)2(2)" in listing.text
    labels = [b.text for row in listing.buttons for b in row]
    assert len(labels) == 13 and "环保局" in labels
    (page,) = stranger.press("环保局")
    assert page.edit and "区环境保护局" in page.text
    env = next(e for e in policy.published_services if e.unit == "environment")
    assert env.duties in page.text
    for item in env.items:
        assert item.name in page.text and item.time_limit in page.text
    assert "办理程序" in page.text and "办事时限" in page.text
    (back,) = stranger.press("« 单位列表")
    assert len([b for row in back.buttons for b in row]) == 13


def test_an_investor_and_a_reviewer_see_the_same_items_in_their_language(services: Services):
    official(services, "5002", "投资方", Role.INVESTOR, None)
    official(services, "5003", "评审", Role.REVIEWER, "drc", "industrial_policy")
    d = Dispatcher(services)
    investor = person(d, "5002", "投资方")
    investor.says("/services")
    (page,) = investor.press("发改局")
    assert "企业投资项目备案" in page.text
    reviewer = person(d, "5003", "评审", language="en")
    (listing,) = reviewer.says("/services")
    assert "published services" in listing.text
    (page,) = reviewer.press("发改局")
    assert "企业投资项目备案" in page.text and "Time limit" in page.text


def long_policy(policy: Policy, items: int) -> Policy:
    entry = PublishedServices(
        unit="drc",
        duties="负责全区发展改革工作。",
        items=tuple(
            ServiceItem(
                name=f"事项{n}", procedure="申请 → 受理 → " * 12 + "办结", time_limit="5个工作日"
            )
            for n in range(1, items + 1)
        ),
        source="000 一(三)2(2)",
    )
    return policy.model_copy(update={"published_services": (entry,)})


def test_a_long_list_is_paged_under_the_messenger_limit_and_every_item_appears_once(
    services: Services, clock: Clock
):
    s = make_services(services.uow, long_policy(services.policy, 40), clock)
    visitor = person(Dispatcher(s), "5004", "访客")
    visitor.says("/services")
    (page,) = visitor.press("发改局")
    texts = [page.text]
    while any(b.text == "下一页 ▶️" for row in page.buttons for b in row):
        (page,) = visitor.press("下一页 ▶️")
        texts.append(page.text)
    assert len(texts) > 1 and all(len(t) < 4096 for t in texts)
    assert f"第 {len(texts)}/{len(texts)} 页" in texts[-1]
    joined = "\n".join(texts)
    for n in range(1, 41):
        assert joined.count(f"<b>{n}. 事项{n}</b>") == 1
    (prev,) = visitor.press("◀️ 上一页")
    assert prev.text == texts[-2]


def test_a_short_list_is_one_page_without_page_buttons(services: Services, clock: Clock):
    s = make_services(services.uow, long_policy(services.policy, 2), clock)
    visitor = person(Dispatcher(s), "5005", "访客")
    visitor.says("/services")
    (page,) = visitor.press("发改局")
    labels = [b.text for row in page.buttons for b in row]
    assert labels == ["« 单位列表"] and "页" not in page.text.splitlines()[-1]


def test_a_forged_unit_or_page_is_refused_and_changes_nothing(dispatcher: Dispatcher):
    stranger = person(dispatcher, "5006", "路人")
    for data in ("sv:u:13:0", "sv:u:0:1", "sv:u:999:0", "sv:u:x:0", "sv:u:0"):
        (reply,) = stranger.press_data(data)
        assert "按钮" in reply.text or "过期" in reply.text or "失效" in reply.text, reply.text
    with dispatcher.services.uow() as uow:
        rows = uow.session.exec(select(AuditEntry).where(AuditEntry.allowed == False)).all()  # noqa: E712
        assert len(rows) == 5
