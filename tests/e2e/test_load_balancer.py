"""Two `zhaoshang run` processes in webhook mode behind HAProxy (deploy/haproxy.cfg), on one
PostgreSQL: fifty investors fill their plans while one process is killed and restarted, and
the load balancer sends each update the dead process could not answer to the other one."""

# Longer than 300 lines: the harness (HAProxy, investors who wait for each question) and the one
# scenario it serves read best together.

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import socket
import subprocess
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import col, select

from bot import demo_plan
from bot.bootstrap import build_uow_factory, initialise
from bot.demo import current_step
from bot.settings import Settings
from sandbox import SandboxServer
from storage.tables import (
    FormDraft,
    MessengerAccount,
    OutboxMessage,
    Person,
    ProcessedUpdate,
    Project,
)
from storage.uow import UnitOfWorkFactory
from tests.e2e.conftest import TOKEN, subprocess_env
from tests.e2e.test_two_processes import Bot, delivered, until
from workflow.policy_file import DEFAULT_POLICY_PATH
from workflow.roles import Role

pytestmark = [pytest.mark.postgres, pytest.mark.e2e]

HAPROXY_CFG = Path(__file__).resolve().parents[2] / "deploy" / "haproxy.cfg"
INVESTORS = [40000 + i for i in range(50)]
OFFICE = 800
REPLY = 8.0  # seconds an investor waits for the bot's answer before trying /continue


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def listening(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def balancer_status(url: str) -> int:
    """The status HAProxy gives a GET: 503 while it sees no process up, else the bot's own."""
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return 0


class LoadBalancer:
    """HAProxy with the deployment's configuration, on 127.0.0.1, in front of two ports."""

    def __init__(self, port: int, backends: tuple[int, int]) -> None:
        haproxy = shutil.which("haproxy")
        assert haproxy is not None
        env = os.environ | {
            "ZHAOSHANG_LB_BIND": f"127.0.0.1:{port}",
            "ZHAOSHANG_BOT_1": f"127.0.0.1:{backends[0]}",
            "ZHAOSHANG_BOT_2": f"127.0.0.1:{backends[1]}",
        }
        self.port = port
        self.proc = subprocess.Popen(
            [haproxy, "-f", str(HAPROXY_CFG), "-db"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/telegram"

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.kill(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


def county_policy(tmp_path: Path) -> Path:
    """A county whose monthly report is due on the 1st: last month's aggregate is due on any
    day this runs, so the schedule has a notice to send (once) while the plans are filled."""
    policy = tmp_path / "county.yaml"
    policy.write_text(
        DEFAULT_POLICY_PATH.read_text(encoding="utf-8").replace(
            "monthly_report_due_day: 5", "monthly_report_due_day: 1"
        ),
        encoding="utf-8",
    )
    return policy


def register(uow_factory: UnitOfWorkFactory) -> None:
    """The office, and fifty investors who registered and consented earlier."""
    me = demo_plan.INVESTOR
    with uow_factory() as uow:
        office = uow.people.add(Person(name="办公室王", unit_id="office"))
        assert office.id is not None
        uow.session.add(
            MessengerAccount(person_id=office.id, external_id=str(OFFICE), chat_id=str(OFFICE))
        )
        uow.people.grant(office.id, Role.OFFICE.value, unit_id="office")
        for chat in INVESTORS:
            person = uow.people.add(
                Person(
                    name=f"{me['name']}{chat}",
                    company=me["company"],
                    phone=me["phone"],
                    consent_at=uow.now(),
                )
            )
            assert person.id is not None
            uow.session.add(
                MessengerAccount(person_id=person.id, external_id=str(chat), chat_id=str(chat))
            )
            uow.people.grant(person.id, Role.INVESTOR.value)
        uow.commit()


def buttons(message: dict[str, Any]) -> list[str]:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return [b["text"] for row in rows for b in row]


def has_buttons(message: dict[str, Any]) -> bool:
    return bool(buttons(message))


def question_of(message: dict[str, Any]) -> frozenset[str]:
    """The form-step tokens a message's buttons carry (f:<action>:<token>…): which question
    it asks."""
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    data = [str(b.get("callback_data") or "") for row in rows for b in row]
    return frozenset(d.split(":")[2] for d in data if d.startswith("f:") and d.count(":") >= 2)


class Investor:
    """A person filling in the plan, each answer given once the bot showed the next question.

    The final press's reply may never come (its process died after submitting, before
    replying; the press sent again finds no form open): that is met as a person would, with
    /continue."""

    def __init__(self, sb: SandboxServer, uow_factory: UnitOfWorkFactory, chat: int) -> None:
        self.sb = sb
        self.uow_factory = uow_factory
        self.chat = chat
        self.last: dict[str, Any] = {}
        self.silent: list[str] = []

    async def act(self, do: Callable[[], object], asks: bool = True) -> None:
        """Do something and wait for the bot's answer: a question (with its buttons) when
        `asks`, else any message."""
        answered = question_of(self.last)

        def next_question(message: dict[str, Any]) -> bool:
            # Not the question just answered: after a kill that question can come once more,
            # for the answer before (an update sent again shows its question again).
            return has_buttons(message) and (not answered or question_of(message) != answered)

        wanted = next_question if asks else None
        mark = self.sb.mark()
        do()
        try:
            self.last = await self.sb.wait_for_bot_message(
                self.chat, wanted, since=mark, timeout=REPLY
            )
        except TimeoutError:
            # An answer sent again after its process died is shown its question again
            # (handlers/dispatch.py), so a question never goes missing; only the last press,
            # after which no form is open, can go unanswered that way.
            assert not asks, f"no question came back: {self.sb.render_transcript(self.chat)}"
            self.silent.append(self.sb.render_transcript(self.chat).rsplit("\n\n", 1)[-1])
            mark = self.sb.mark()
            self.sb.send_text(self.chat, "/continue")
            self.last = await self.sb.wait_for_bot_message(
                self.chat, wanted, since=mark, timeout=REPLY
            )

    async def say(self, text: str) -> None:
        await self.act(lambda: self.sb.send_text(self.chat, text))

    async def press(self, label: str, asks: bool = True) -> None:
        assert label in buttons(self.last), f"no [{label}] under the bot's last message"
        message_id = self.last["message_id"]
        chat = self.chat
        await self.act(lambda: self.sb.press(chat, chat, message_id, button_text=label), asks)

    async def send_report(self) -> None:
        name, mime = demo_plan.FEASIBILITY_REPORT
        await self.act(lambda: self.sb.send_document(self.chat, name, b"%PDF-1.4", mime))

    async def step(self) -> str | None:
        return await asyncio.to_thread(current_step, self.uow_factory, self.chat)

    async def fill_plan(self) -> None:
        """The whole plan, from /new to the submit button."""
        await self.say("/new")
        step = await self.step()
        while step not in (None, "summary"):
            if step in demo_plan.PRESSED:
                await self.say(demo_plan.PRESSED[step])  # a choice may be typed too
            elif step in demo_plan.TYPED:
                await self.say(demo_plan.TYPED[step])
            elif step in demo_plan.SKIPPED:
                await self.press(demo_plan.SKIP_LABEL)
            else:
                await self.send_report()
            taken, step = step, await self.step()
            assert step != taken, f"{self.chat}: the answer to {taken} was lost"
        await self.press("✅ 提交", asks=False)


async def test_fifty_plans_survive_a_killed_process_behind_the_load_balancer(
    sandbox: SandboxServer, pg_url: str, tmp_path: Path
) -> None:
    if shutil.which("haproxy") is None:
        pytest.skip("HAProxy is not installed (.ci/run installs Debian's haproxy)")
    settings = Settings(
        bot_token=TOKEN,
        database_url=pg_url,
        api_base_url=sandbox.url,
        policy_file=county_policy(tmp_path),
        _env_file=None,
    )
    today = date.today()  # the bots below run on the real clock
    last_month = f"{today.year - (today.month == 1):04d}-{(today.month - 2) % 12 + 1:02d}"
    initialise(settings, reporting_from=last_month)
    uow_factory = build_uow_factory(settings)
    register(uow_factory)
    sandbox.add_user(OFFICE, "办公室王")
    for chat in INVESTORS:
        sandbox.add_user(chat, f"投资人{chat}")

    ports = (free_port(), free_port())
    balancer = LoadBalancer(free_port(), ports)
    env = subprocess_env(settings) | {
        "ZHAOSHANG_SWEEP_SECONDS": "1",
        "ZHAOSHANG_WEBHOOK_URL": balancer.url,
    }
    bots = [Bot(env | {"ZHAOSHANG_WEBHOOK_PORT": str(port)}) for port in ports]
    restarted: Bot | None = None
    plans: list[asyncio.Task[None]] = []
    try:
        await until(lambda: all(listening(p) for p in (*ports, balancer.port)))
        await until(lambda: balancer_status(balancer.url) not in (0, 503))  # its checks passed
        await until(lambda: len(sandbox.calls("setWebhook")) >= 2)
        await until(lambda: sum(b.leads for b in bots) == 1)
        leader = next(i for i, b in enumerate(bots) if b.leads)

        investors = [Investor(sandbox, uow_factory, chat) for chat in INVESTORS]
        plans = [asyncio.create_task(investor.fill_plan()) for investor in investors]
        # A fifth of the way through, the leading process dies without a word.
        await until(lambda: sandbox.state.updates.next_update_id > 600, timeout=60)
        survivor = bots[1 - leader]
        assert not survivor.leads
        bots[leader].stop(signal.SIGKILL)
        await until(lambda: survivor.leads, timeout=30)
        await asyncio.sleep(2)
        restarted = Bot(env | {"ZHAOSHANG_WEBHOOK_PORT": str(ports[leader])})
        await until(lambda: listening(ports[leader]))
        await asyncio.wait_for(asyncio.gather(*plans), timeout=120)
        await sandbox.wait_idle(idle_ms=300, timeout=30)
        await until(lambda: any("汇总" in t for t in delivered(sandbox)), timeout=60)

        # No answer lost, none taken twice: every update the sandbox sent was handled, once.
        sent = sandbox.state.updates.next_update_id - 1
        office = Counter(
            c.params.get("text") or c.params.get("caption") or ""
            for c in sandbox.calls()
            if c.ok and str(c.chat_id) == str(OFFICE) and c.method.lower().startswith("send")
        )
        with uow_factory() as uow:
            handled = list(uow.session.exec(select(ProcessedUpdate.key)).all())
            projects = [(p.serial, p.plan) for p in uow.session.exec(select(Project)).all()]
            open_drafts = uow.session.exec(
                select(FormDraft).where(col(FormDraft.form_id) != "registration")
            ).all()
            outbox = Counter(row.status for row in uow.session.exec(select(OutboxMessage)).all())
        issued = {f"telegram:{n}" for n in range(1, sent + 1)}
        assert len(handled) == len(set(handled))
        assert (issued - set(handled), set(handled) - issued) == (set(), set())  # none missed
        # Every plan complete: fifty projects, one each, with the investor's answers...
        assert len(projects) == len(INVESTORS) and open_drafts == []
        assert len({serial for serial, _ in projects}) == len(INVESTORS)
        assert all(plan["contact_phone"] == "0763-5812345" for _, plan in projects)
        # ...the same answers, so the same plan: an answer taken twice or lost would differ
        # (the uploaded report aside: each is its own file).
        plans_as_json = {
            json.dumps(
                {k: v for k, v in plan.items() if k != "feasibility_report"}, sort_keys=True
            )
            for _, plan in projects
        }
        assert len(plans_as_json) == 1
        # HAProxy sent what the dead process could not answer to the other: Telegram saw no
        # failed POST.
        assert sandbox.state.webhook is not None
        assert sandbox.state.webhook.last_error_message is None

        # One leader at a time: the first, then the survivor; the restarted one only follows.
        assert [b.leads for b in bots] == [True, True] and not restarted.leads
        # Each notification to the office went out once (the sender paces one chat, so some
        # may still wait their turn), and the monthly aggregate once.
        assert all(n == 1 for n in office.values())
        assert [n for t, n in office.items() if "汇总" in t] == [1]
        assert outbox["sent"] <= sum(office.values()) <= outbox["sent"] + outbox["sending"]
        assert set(outbox) <= {"sent", "sending", "pending"}
    finally:
        for plan in plans:  # when the test failed midway, the investors stop too
            plan.cancel()
        await asyncio.gather(*plans, return_exceptions=True)
        for bot in (*bots, *((restarted,) if restarted else ())):
            bot.stop()
        balancer.stop()
        uow_factory.engine.dispose()
