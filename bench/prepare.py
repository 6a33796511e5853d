"""A bot database made ready for a round: investors registered and inside the plan form, put
there by the real handlers in-process, at the start of a long run of typed questions.

The plan form's questions from 总投资 to 联系电话 are all typed (with two phases), so each
person can give a few dozen ordinary answers in a row. Before each round every person's draft
is put back at the start of that run (one UPDATE), so rounds never run out of questions and
every step is an ordinary answer (never an error, never a command)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, func, select, text
from sqlmodel import SQLModel

import storage.tables  # noqa: F401  (the tables, in SQLModel's metadata)
from bot import demo_plan
from bot.bootstrap import build_services, build_uow_factory, initialise
from bot.settings import Settings
from conversations.draft import Draft
from conversations.inbound import Inbound, parse_command
from conversations.replies import Reply
from handlers.dispatch import Dispatcher
from storage.uow import UnitOfWorkFactory

FIRST_USER = 500_001
THROUGH_HANDLERS = 20  # people registered by the real handlers; the rest are copies of them
START_STEP = "total_investment"  # where the run of typed questions begins
TYPED = {**demo_plan.TYPED, "brand": "华锐"}  # the optional brand typed, not skipped


@dataclass
class Prepared:
    """What a round needs to know about the prepared database."""

    users: list[int]
    script: list[str]  # the typed answers, in order, from START_STEP
    steps: list[str]  # the step each answer is given at
    start: dict[str, Any]  # a draft at START_STEP, as stored


class Talker:
    """One person talking to the dispatcher in their private chat."""

    _ids = itertools.count(1_000_000_000)

    def __init__(self, dispatcher: Dispatcher, user_id: int) -> None:
        self.dispatcher = dispatcher
        self.user_id = str(user_id)
        self.seen: list[Reply] = []

    def _send(self, **kw: Any) -> None:
        event = Inbound(
            user_id=self.user_id,
            chat_id=self.user_id,
            display_name=f"投资人{self.user_id}",
            language_code="zh-hans",
            update_id=str(next(self._ids)),
            **kw,
        )
        self.seen += self.dispatcher.handle(event).replies

    def says(self, said: str) -> None:
        """Type a message (a command when it starts with "/")."""
        cmd = parse_command(said)
        if cmd is not None:
            self._send(command=cmd[0], args=cmd[1], text=said)
        else:
            self._send(text=said)

    def press(self, label: str) -> None:
        """Press the newest button with this label."""
        for reply in reversed(self.seen):
            for row in reply.buttons:
                for b in row:
                    if b.text == label and b.data:
                        self._send(callback_data=b.data, message_id="1")
                        return
        raise LookupError(f"no button {label!r}")


def current(factory: UnitOfWorkFactory, user_id: int) -> Draft | None:
    """The person's active draft."""
    with factory() as uow:
        person = uow.people.by_account("telegram", str(user_id))
        if person is None or person.id is None:
            return None
        row = uow.drafts.active(person.id, str(user_id))
        return None if row is None else Draft.model_validate(row.data)


def answer(talker: Talker, step: str) -> None:
    """The demo investor's answer to one question."""
    if step in demo_plan.PRESSED:
        talker.press(demo_plan.PRESSED[step])
    elif step in demo_plan.TYPED:
        talker.says(demo_plan.TYPED[step])
    elif step in demo_plan.SKIPPED:
        talker.press(demo_plan.SKIP_LABEL)
    else:
        raise LookupError(f"no answer for {step!r}")


def prepare(database_url: str, people: int) -> Prepared:
    """Migrate and seed the database, register `people` investors, open their plan form, and
    put every draft at START_STEP."""
    settings = Settings(database_url=database_url)
    initialise(settings)
    factory = build_uow_factory(settings)
    try:
        dispatcher = Dispatcher(build_services(settings, factory, "zhaoshang_bench_bot"))
        users = [FIRST_USER + i for i in range(min(people, THROUGH_HANDLERS))]
        talkers = [Talker(dispatcher, uid) for uid in users]
        for t, uid in zip(talkers, users, strict=True):
            t.says("/start")
            t.says(f"投资人{uid}")
            t.says(demo_plan.INVESTOR["company"])
            t.says(demo_plan.INVESTOR["phone"])
            t.press("同意")
            t.press("✅ 提交")
            t.says("/new")
        first = talkers[0]
        for _ in range(100):
            draft = current(factory, users[0])
            assert draft is not None
            if draft.current == START_STEP:
                break
            answer(first, draft.current)
        start = current(factory, users[0])
        assert start is not None and start.current == START_STEP, start
        script, steps = [], []
        draft = start
        while draft is not None and draft.current in TYPED:
            steps.append(draft.current)
            script.append(TYPED[draft.current])
            first.says(script[-1])
            after = current(factory, users[0])
            assert after is not None and after.current != draft.current, draft.current
            draft = after
        prepared = Prepared(users, script, steps, start.model_dump(mode="json"))
        reset(factory, prepared)
        if people > len(users):
            clone_people(factory, prepared, people)
        return prepared
    finally:
        factory.engine.dispose()


def clone_people(factory: UnitOfWorkFactory, prepared: Prepared, total: int) -> None:
    """Copy the first person (their account, roles and draft, as the handlers left them) until
    there are `total` people, each with their own chat; `prepared.users` grows to match."""
    tables: list[Table] = [
        SQLModel.metadata.tables[name]
        for name in ("person", "messengeraccount", "personrole", "formdraft")
    ]
    person, account, role, draft = tables
    first = str(prepared.users[0])
    with factory.engine.begin() as conn:
        acc = conn.execute(account.select().where(account.c.external_id == first)).mappings().one()
        pid = acc["person_id"]
        rows = {
            t.name: [dict(r) for r in conn.execute(t.select().where(t.c[key] == pid)).mappings()]
            for t, key in ((person, "id"), (role, "person_id"), (draft, "person_id"))
        }
        tops = {
            t.name: int(conn.execute(select(func.max(t.c.id))).scalar_one() or 0) for t in tables
        }
        new_users = list(range(prepared.users[-1] + 1, FIRST_USER + total))
        batch: dict[str, list[dict[str, Any]]] = {t.name: [] for t in tables}
        for k, uid in enumerate(new_users, start=1):
            new_pid = tops["person"] + k
            batch["person"] += [
                {**r, "id": new_pid, "name": f"投资人{uid}"} for r in rows["person"]
            ]
            batch["messengeraccount"].append(
                {
                    **acc,
                    "id": tops["messengeraccount"] + k,
                    "person_id": new_pid,
                    "external_id": str(uid),
                    "chat_id": str(uid),
                }
            )
            n_roles = len(rows["personrole"])
            batch["personrole"] += [
                {**r, "id": tops["personrole"] + (k - 1) * n_roles + j + 1, "person_id": new_pid}
                for j, r in enumerate(rows["personrole"])
            ]
            batch["formdraft"] += [
                {**r, "id": tops["formdraft"] + k, "person_id": new_pid, "chat_id": str(uid)}
                for r in rows["formdraft"]
                if r["active"]
            ]
        for t in tables:
            for i in range(0, len(batch[t.name]), 2000):
                conn.execute(t.insert(), batch[t.name][i : i + 2000])
        if factory.engine.dialect.name == "postgresql":
            for t in tables:
                conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{t.name}', 'id'), "
                        f"(SELECT max(id) FROM {t.name}))"
                    )
                )
    prepared.users += new_users


def reset(factory: UnitOfWorkFactory, prepared: Prepared) -> None:
    """Put every person's plan draft back at the start of the typed run."""
    draft = SQLModel.metadata.tables["formdraft"]
    with factory.engine.begin() as conn:
        conn.execute(
            draft.update().where(draft.c.form_id == "plan").values(data=dict(prepared.start))
        )


def positions(factory: UnitOfWorkFactory, prepared: Prepared) -> dict[int, str | None]:
    """Each person's current step."""
    out: dict[int, str | None] = {}
    with factory() as uow:
        for uid in prepared.users:
            person = uow.people.by_account("telegram", str(uid))
            assert person is not None and person.id is not None
            row = uow.drafts.active(person.id, str(uid))
            out[uid] = None if row is None else Draft.model_validate(row.data).current
    return out


def count(factory: UnitOfWorkFactory, table: str) -> int:
    """Rows in one table."""
    with factory.engine.connect() as conn:
        return int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())
