"""Every unit the documents name takes part in the review (000 一(二)1, 附件3, 附件5), the round is
concluded by the review group's 组长/副组长, and the prohibited categories no screening can
compute are confirmed by the reviewers of the responsible dimension (001 六(一)(二)(四))."""

from __future__ import annotations

import pytest
from sqlmodel import select

from conversations.replies import Reply
from documents.word import docx_text
from handlers.context import Services
from handlers.dispatch import Dispatcher
from storage.tables import AuditEntry, OutboxMessage
from tests.handlers.conftest import Person, person
from tests.handlers.flows import (
    CHAIR_ID,
    cards_for,
    conclude,
    give_opinions,
    official,
    project,
    project_of,
    review_team,
)
from workflow.roles import Role


@pytest.fixture
def office(services: Services, dispatcher: Dispatcher) -> Person:
    official(services, "800", "办公室王", Role.OFFICE, "office")
    return person(dispatcher, "800", "办公室王")


@pytest.fixture
def team(services: Services, dispatcher: Dispatcher) -> dict[str, Person]:
    return review_team(services, dispatcher)


def start(services: Services, office: Person, serial: str, **kw: object) -> int:
    pid = project(services, serial, 20000, **kw)  # type: ignore[arg-type]
    office.says(f"/project {serial}")
    office.press("⚖️ 发起评审")
    return pid


def stage(s: Services, pid: int) -> str:
    with s.uow() as uow:
        return project_of(uow, pid).stage


def round_id(s: Services, pid: int) -> int:
    with s.uow() as uow:
        rnd = uow.reviews.latest(pid)
        assert rnd is not None and rnd.id is not None
        return rnd.id


def refusals(s: Services) -> list[str]:
    with s.uow() as uow:
        rows = uow.session.exec(select(AuditEntry).where(AuditEntry.allowed == False)).all()  # noqa: E712
        return [r.action for r in rows]


def card_of(s: Services, who: Person) -> Reply:
    """The newest review card in a reviewer's chat."""
    cards = [c for c in cards_for(s, who.user_id) if (c.card or "").startswith("rv:")]
    assert cards, f"{who.name} has no review card"
    return cards[-1]


def labels(reply: Reply) -> list[str]:
    return [b.text for row in reply.buttons for b in row]


def last_for(s: Services, chat: str, needle: str) -> Reply:
    found = [r for r in cards_for(s, chat) if needle in r.text]
    assert found, f"nothing with {needle!r} for {chat}"
    return found[-1]


# -- every unit gets its card ------------------------------------------------------------------


def test_each_co_responsible_unit_gets_its_own_card(services: Services, office, team):
    start(services, office, "QX-2026-0001")
    for key in (
        "park_entry/ccpit",  # 贸促会, 入园条件
        "investor_strength/ccpit",  # 贸促会, 投资实力
        "economic_benefit/state_tax",  # 国税局
        "economic_benefit/local_tax",  # 地税局
        "legal_risk/legal",  # 法制局
        "energy/econ",  # 经信局 beside 发改局
        "planning/housing",  # 住建局 (附件3), in 建设规划
        "planning/park_committee",  # 选址园区: the project is in the park
    ):
        card = card_of(services, team[key])
        assert "本维度共同评审" in card.text or key.startswith("energy")
        assert "✅ 同意" in labels(card) or "🟢 不属于" in labels(card), key
    progress = next(r for r in reversed(office.seen) if "评审进度" in r.text)
    assert f"评审进度 0/{len(team)}" in progress.text
    assert "入园条件（贸促会" in progress.text and "经济效益（地税局" in progress.text


def test_the_sited_town_reviews_planning_and_the_park_does_not(
    services: Services, dispatcher: Dispatcher, office
):
    official(services, "1200", "太和镇规划评审", Role.REVIEWER, "taihe", "planning")
    official(services, "1201", "管委会规划评审", Role.REVIEWER, "park_committee", "planning")
    pid = project(services, "QX-2026-0001", 20000)
    with services.uow() as uow:
        p = project_of(uow, pid)
        p.site, p.plan = "taihe", {**p.plan, "site": "taihe"}
        uow.session.add(p)
        uow.commit()
    office.says("/project QX-2026-0001")
    office.press("⚖️ 发起评审")
    town = [c for c in cards_for(services, "1200") if (c.card or "").startswith("rv:")]
    assert len(town) == 1 and "建设规划" in town[0].text and "太和镇" in town[0].text
    assert not [c for c in cards_for(services, "1201") if (c.card or "").startswith("rv:")]


def test_one_units_disagreement_makes_the_dimensions_verdict(services: Services, office, team):
    start(services, office, "QX-2026-0001")
    give_opinions(services, team, {"park_entry/ccpit": "❌ 不同意"})
    card = last_for(services, CHAIR_ID, "评审结论")
    assert "入园条件：不同意" in card.text  # 经信局 agreed; the joint verdict is 不同意
    assert "经信局" in card.text and "贸促会" in card.text
    assert "经济效益：同意" in card.text
    progress = last_for(services, "800", f"评审进度 {len(team)}/{len(team)}")
    assert "入园条件（贸促会" in progress.text and "不同意" in progress.text


# -- the 组长 concludes ---------------------------------------------------------------------------


def test_the_round_waits_for_the_leader_and_the_office_cannot_conclude(
    services: Services, office, team
):
    pid = start(services, office, "QX-2026-0001")
    give_opinions(services, team)
    assert stage(services, pid) == "review"  # every opinion in: still the 组长's to conclude
    progress = last_for(services, "800", f"评审进度 {len(team)}/{len(team)}")
    assert "待评审小组组长/副组长作出结论" in progress.text
    assert "🏁 结束评审" not in labels(progress)
    assert any("已提请评审小组组长/副组长" in r.text for r in cards_for(services, "800"))
    rid = round_id(services, pid)
    refused = office.press_data(f"rc:pass:{rid}")
    assert "⛔" in refused[0].text or "无权" in refused[0].text
    assert stage(services, pid) == "review"
    kept = last_for(services, CHAIR_ID, "评审结论")  # the 组长's card, before it is pressed
    replies = conclude(services, office.dispatcher)
    assert stage(services, pid) == "decision"
    assert any(r.document and r.document.filename.endswith(".docx") for r in replies)
    assert any("评审结论：通过" in r.text for r in cards_for(services, "800"))
    chair = person(office.dispatcher, CHAIR_ID, "评审组长张")
    again = chair.confirms("❌ 不通过", kept)  # the card kept, pressed again
    assert "本轮评审已结束" in again[0].text
    assert stage(services, pid) == "decision"


def test_no_conclusion_before_every_unit_has_given_its_opinion(
    services: Services, dispatcher: Dispatcher, office, team
):
    pid = start(services, office, "QX-2026-0001")
    give_opinions(services, {k: v for k, v in team.items() if k != "legal_risk/legal"})
    assert not [c for c in cards_for(services, CHAIR_ID) if "评审结论" in c.text]
    chair = person(dispatcher, CHAIR_ID, "评审组长张")
    replies = chair.press_data(f"rc:pass:{round_id(services, pid)}")  # forged: no card yet
    assert "还有 1 个评审单位未表态" in replies[0].text
    assert stage(services, pid) == "review"
    assert "refused:review_conclusion" not in refusals(services)


def test_a_veto_can_only_be_concluded_not_passed(
    services: Services, dispatcher: Dispatcher, office, team
):
    pid = start(services, office, "QX-2026-0001")
    give_opinions(services, team, {"environment": "❌ 不同意"})
    card = last_for(services, CHAIR_ID, "评审结论")
    assert labels(card) == ["❌ 不通过"]
    assert "001 四(一)、六(三)" in card.text
    chair = person(dispatcher, CHAIR_ID, "评审组长张")
    refused = chair.press_data(f"rc:pass:{round_id(services, pid)}")
    assert "一票否决（001 四(一)、六(三)）" in refused[0].text
    assert stage(services, pid) == "review"
    conclude(services, dispatcher, "❌ 不通过")
    assert stage(services, pid) == "rejected"


def test_the_city_office_cannot_conclude_a_district_round(
    services: Services, dispatcher: Dispatcher, office, team
):
    official(services, "700", "市办刘", Role.CITY_OFFICE, "city_office")
    pid = start(services, office, "QX-2026-0001")
    give_opinions(services, team)
    city = person(dispatcher, "700", "市办刘")
    city.press_data(f"rc:pass:{round_id(services, pid)}")
    assert refusals(services)[-1] == "refused:review_conclusion"
    assert stage(services, pid) == "review"


# -- the minutes -------------------------------------------------------------------------------


def test_the_minutes_name_a_disagreement_and_never_say_conditional_pass(
    services: Services, office, team
):
    pid = start(services, office, "QX-2026-0001")
    give_opinions(services, team, {"economic_benefit/state_tax": "❌ 不同意"})
    conclude(services, office.dispatcher)
    assert stage(services, pid) == "decision"
    office.says("/meeting")
    office.press("➕ 安排新的联席会议")
    office.says("2026-12-03")
    office.press("14:30")
    office.says("区政府第一会议室")
    office.press("✅ 提交")
    office.says("/agenda 1 QX-2026-0001")
    office.press("✅ QX-2026-0001 准予落户")
    replies = office.press("🧾 生成会议纪要")
    doc = next(r.document for r in replies if r.document)
    text = docx_text(doc.content or b"")
    assert "有条件通过" not in text
    assert "不同意意见：经济效益（区国税局）：意见：须落实相关措施。" in text
    assert "其中1个项目有评审单位不同意" in text
    assert "评审通过的1个项目" not in text


# -- the prohibited categories the reviewers confirm -------------------------------------------


def test_industrial_policy_confirms_the_catalogue_and_the_lists_before_its_opinion(
    services: Services, office, team
):
    pid = start(services, office, "QX-2026-0001")
    drc = team["industrial_policy"]
    card = card_of(services, drc)
    assert "禁止类项目" in card.text and "001 六(一)" in card.text
    assert "负面清单" in card.text and "001 六(二)" in card.text
    assert labels(card)[:2] == ["🟢 不属于", "⛔ 属于"]
    assert "✅ 同意" not in labels(card)
    op = int((card.card or "rv:0").split(":")[1])
    refused = drc.press_data(f"rv:ok:{op}")  # forged: no opinion before the answers
    assert "请先确认本项目是否属于“禁止类项目”" in refused[0].text
    drc.seen.append(card)
    drc.press("🟢 不属于")
    drc.press("🟢 不属于")
    assert "✅ 同意" in labels(drc.seen[-1])
    again = drc.press_data(f"rv:cf:{op}:0:yes")  # a second answer to the same question
    assert "已确认为“不属于”" in again[0].text
    with services.uow() as uow:
        assert uow.reviews.opinion(op).confirmations == {  # type: ignore[union-attr]
            "forbidden_catalogue": "no",
            "negative_list": "no",
        }
        assert not [f for f in project_of(uow, pid).findings if f["status"] == "fail"]
    legal = card_of(services, team["legal_risk"])
    assert "法律法规禁止" in legal.text and "001 六(四)" in legal.text


def test_a_yes_makes_the_project_prohibited_and_only_disagree_open(
    services: Services, dispatcher: Dispatcher, office, team
):
    pid = start(services, office, "QX-2026-0001")
    drc = team["industrial_policy"]
    drc.seen.append(card_of(services, drc))
    drc.press("⛔ 属于")
    with services.uow() as uow:
        found = [f for f in project_of(uow, pid).findings if f["code"] == "prohibited"]
        assert [(f["status"], f["citation"]) for f in found] == [("fail", "001 六(一)")]
    drc.press("🟢 不属于")
    assert labels(drc.seen[-1])[:2] == ["❌ 不同意", "💬 评论"]
    op = int((drc.seen[-1].card or "rv:0").split(":")[1])
    assert "只能为“不同意”" in drc.press_data(f"rv:ok:{op}")[0].text
    assert "只能为“不同意”" in drc.press_data(f"rv:cond:{op}")[0].text
    give_opinions(
        services,
        {k: v for k, v in team.items() if k != "industrial_policy"},
    )
    drc.press("❌ 不同意")
    drc.says("属于国家产业投资目录禁止类。")
    drc.press("跳过")
    drc.press("✅ 提交")
    card = last_for(services, CHAIR_ID, "评审结论")
    assert labels(card) == ["❌ 不通过"] and "禁止类项目" in card.text
    chair = person(dispatcher, CHAIR_ID, "评审组长张")
    refused = chair.press_data(f"rc:pass:{round_id(services, pid)}")
    assert "属于禁止引入类别“禁止类项目”（001 六(一)）" in refused[0].text
    replies = conclude(services, dispatcher, "❌ 不通过")
    assert stage(services, pid) == "rejected"
    doc = next(r.document for r in replies if r.document)
    text = docx_text(doc.content or b"")
    assert "禁止引入类别（一）禁止类项目：属于" in text
    assert "禁止引入类别（二）负面清单：不属于" in text


def test_another_units_reviewer_cannot_answer_a_confirmation(services: Services, office, team):
    pid = start(services, office, "QX-2026-0001")
    card = card_of(services, team["industrial_policy"])
    op = int((card.card or "rv:0").split(":")[1])
    replies = team["environment"].press_data(f"rv:cf:{op}:0:yes")
    assert "不是您负责评审的维度" in replies[0].text
    assert refusals(services) == ["refused:review_dimension"]
    with services.uow() as uow:
        assert not [f for f in project_of(uow, pid).findings if f["status"] == "fail"]
    stale = team["industrial_policy"].press_data(f"rv:cf:{op}:7:no")  # no 8th question
    assert stale[0].text
    with services.uow() as uow:
        assert uow.reviews.opinion(op).confirmations == {}  # type: ignore[union-attr]


def test_the_sheet_prints_annex_5s_rows_and_units_and_adds_legal_risk_after(
    services: Services, office, team
):
    start(services, office, "QX-2026-0001")
    give_opinions(services, team, {"park_entry/ccpit": "☑️ 有条件同意"})
    replies = conclude(services, office.dispatcher)
    doc = next(r.document for r in replies if r.document)
    text = docx_text(doc.content or b"")
    for needle in (
        "市城乡规划局清新分局、选址园区",
        "区经济和信息化局、区贸促会",
        "区经济和信息化局、区国税局、区地税局",
        "清新工业园管委会：同意",
        "区住房城乡建设局：同意",
        "区贸促会：有条件同意",
        "按000 一(二)1(10)增列于后",
        "评审结论由项目评审小组评审组长张作出",
    ):
        assert needle in text, needle
    assert text.index("投资实力评审") < text.index("项目法律风险评审")
    with services.uow() as uow:
        sent = uow.session.exec(select(OutboxMessage).where(OutboxMessage.file_id != None)).all()  # noqa: E711
        assert {m.chat_id for m in sent} >= {"800"}
