"""The office is told once a month that 001's trial period (001 九(一)) has ended, until the
policy file is renewed or marks the document as still in force; `policy check` warns too."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

from sqlmodel import select

from conversations.replies import Reply
from handlers.context import Services
from handlers.reporting.validity import validity_notice
from storage.tables import OutboxMessage
from tests.conftest import Clock
from tests.handlers.conftest import ROUTES, make_services
from tests.handlers.flows import official
from workflow.policy import InForceConfirmation
from workflow.policy_file import DEFAULT_POLICY_PATH
from workflow.roles import Role


def notices(s: Services, chat: str) -> list[Reply]:
    with s.uow() as uow:
        rows = uow.session.exec(select(OutboxMessage).where(OutboxMessage.chat_id == chat))
        return [
            Reply.from_dict(m.payload)
            for m in rows
            if (m.dedupe_key or "").startswith("policy-validity:")
        ]


def sweep(s: Services) -> None:
    with s.uow() as uow:
        validity_notice(s, uow)
        uow.commit()


def test_the_office_is_told_once_a_month_that_the_city_rules_have_outlived_their_trial(
    services: Services, clock: Clock
):
    official(services, "800", "办公室王", Role.OFFICE, "office")
    official(services, "810", "评审甲", Role.REVIEWER, "drc", "industrial_policy")
    sweep(services)
    sweep(services)
    (notice,) = notices(services, "800")
    assert "清远市招商引资项目遴选评审办法(试行)" in notice.text
    assert "2022年9月3日" in notice.text or "2022-09-03" in notice.text
    assert "001 九(一)" in notice.text
    assert notices(services, "810") == []  # the office's business, not a reviewer's
    clock.now = datetime(2026, 11, 30, 3, 0, tzinfo=UTC)
    sweep(services)
    assert len(notices(services, "800")) == 1  # still November
    clock.now = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
    sweep(services)
    assert len(notices(services, "800")) == 2  # December: once more


def test_nothing_is_said_once_the_file_marks_the_rules_still_in_force(
    services: Services, clock: Clock
):
    doc = services.policy.documents["001"].model_copy(
        update={"still_in_force_confirmed": InForceConfirmation(on=date(2026, 11, 2), by="张庆忠")}
    )
    policy = services.policy.model_copy(
        update={"documents": {**services.policy.documents, "001": doc}}
    )
    s = make_services(services.uow, policy, clock)
    official(s, "800", "办公室王", Role.OFFICE, "office")
    sweep(s)
    assert notices(s, "800") == []


def test_the_notice_is_a_reminder_and_waits_for_office_hours():
    (found,) = [w for w in ROUTES.sweeps if w.name == "policy_validity"]
    assert found.reminder and found.work is validity_notice


def test_nothing_is_said_while_the_trial_period_runs(services: Services, clock: Clock):
    official(services, "800", "办公室王", Role.OFFICE, "office")
    clock.now = datetime(2022, 9, 3, 3, 0, tzinfo=UTC)  # 11:00 on the last day of the trial
    sweep(services)
    assert notices(services, "800") == []
    clock.now = datetime(2022, 9, 5, 3, 0, tzinfo=UTC)
    sweep(services)
    assert len(notices(services, "800")) == 1


def run_check(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZHAOSHANG_")}
    return subprocess.run(
        [sys.executable, "-c", "from bot.cli import main; main()", "policy", "check", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_policy_check_warns_the_day_after_the_trial_and_not_on_its_last_day(tmp_path: Path):
    before = run_check(str(DEFAULT_POLICY_PATH), "--today", "2022-09-03")
    assert before.returncode == 0 and "warning" not in before.stderr
    after = run_check(str(DEFAULT_POLICY_PATH), "--today", "2022-09-04")
    assert after.returncode == 0 and "ok" in after.stdout
    assert "warning: document 001" in after.stderr and "001 九(一)" in after.stderr
    assert "2022-09-03" in after.stderr and "still_in_force_confirmed" in after.stderr
    confirmed = tmp_path / "confirmed.yaml"
    confirmed.write_text(
        DEFAULT_POLICY_PATH.read_text(encoding="utf-8").replace(
            '    validity_source: "001 九(一)"\n',
            '    validity_source: "001 九(一)"\n'
            "    still_in_force_confirmed: {on: 2026-11-02, by: 张庆忠}\n",
        ),
        encoding="utf-8",
    )
    quiet = run_check(str(confirmed), "--today", "2026-12-01")
    assert quiet.returncode == 0 and "warning" not in quiet.stderr


def test_policy_check_refuses_a_day_that_is_not_a_date():
    out = run_check(str(DEFAULT_POLICY_PATH), "--today", "2022-13-01")
    assert out.returncode == 2 and "--today" in out.stderr and "Traceback" not in out.stderr
