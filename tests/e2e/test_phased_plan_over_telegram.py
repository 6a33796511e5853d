"""A phased plan over HTTP (遴选办法 四(三)): the investor gives each phase's land, investment,
output and tax, and the findings name the phase that falls short."""

from __future__ import annotations

from sqlmodel import select

from bot.demo import ChatUser, answer, current_step
from bot.runtimes import Runtime
from sandbox import SandboxServer
from storage.tables import Project
from storage.uow import UnitOfWorkFactory

USER = 4242
# The second phase: 1.5亿 on 50 亩 is 300 万元/亩, below 附件2's 500; the first phase passes.
CHANGED = {"phase_figures.2.output": "1.5", "annual_output_value": "6.5亿"}


async def test_a_phased_plan_names_the_phase_that_falls_short(
    sandbox: SandboxServer, bot: Runtime, uow_factory: UnitOfWorkFactory
):
    sandbox.add_user(USER, "李明")
    user = ChatUser(sandbox, USER, "李明")
    for text in ("/start", "李明", "广东华锐精密科技股份有限公司", "13800138000"):
        await user.say(text)
    await user.press("同意")
    await user.press("✅ 提交")
    await user.say("/new")
    for _ in range(200):
        step = current_step(uow_factory, USER)
        if step in (None, "summary"):
            break
        if step in CHANGED:
            await user.say(CHANGED[step])
        else:
            await answer(user, step)
    assert current_step(uow_factory, USER) == "summary"
    transcript = sandbox.render_transcript(USER)
    assert "二期用地面积" in transcript and "二期达产年产值" in transcript
    assert "二期亩均产值 300万元/亩，低于 500万元/亩 的标准（单期投入产出也须达标）" in transcript
    assert "一期亩均产值 714.29万元/亩，达到 500万元/亩 的标准" in transcript
    await user.press("✅ 提交")
    with uow_factory() as uow:
        project = uow.session.exec(select(Project)).one()
        short = [
            (f["params"]["phase"], f["params"]["indicator"])
            for f in project.findings
            if f["code"] == "phase_indicator" and f["status"] == "fail"
        ]
        assert short == [(2, "output_per_mu")]
        assert [f["params"]["number"] for f in project.findings if f["code"] == "prohibited"] == [
            5
        ]
        assert project.priority is False
    assert sandbox.unanswered_callback_queries() == []
