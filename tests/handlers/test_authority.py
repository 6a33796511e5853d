"""Authority on every command and every button, before anything else.

One table: a row per registered command and per button action, a column per kind of person.
A refused cell leaves the database as it was and writes one audit row with allowed = false;
an allowed cell is never refused for who the person is. The rows are checked against the
registry, so a new command or button without a row fails here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from conversations.views import FORM_BUTTONS
from handlers.context import Services
from handlers.intake.invitations import INVITABLE
from tests.handlers.conftest import ROUTES
from tests.handlers.world import (
    AUTHORITY,
    CITY,
    COLUMNS,
    OFFICIALS,
    PEOPLE,
    REGISTERED,
    UNREGISTERED,
    World,
    copy_of,
    event,
    template,
)
from workflow.roles import Role

__all__ = ["template"]  # the module's fixture


@dataclass(frozen=True)
class Row:
    """One command or button action, the payload to send, and who may do it.

    `allowed` are the columns that are not refused; `register` those sent to registration
    (a stranger's command, which asks for their details instead)."""

    key: str
    payload: Callable[[World], str]
    allowed: frozenset[str]
    register: frozenset[str] = frozenset()


def cmd(name: str, allowed: frozenset[str], args: str = "") -> Row:
    """A command that needs registration: the unregistered are asked to register."""
    spec = ROUTES.commands[name]
    register = UNREGISTERED if spec.needs_registration else frozenset()
    return Row(f"/{name}", lambda w: f"/{name} {args}".strip(), allowed - register, register)


def btn(key: str, allowed: frozenset[str], *args: Callable[[World], object] | str) -> Row:
    """A button action pressed with these arguments."""

    def payload(w: World) -> str:
        values = [a(w) if callable(a) else a for a in args]
        return ":".join([key, *map(str, values)])

    return Row(key, payload, frozenset(allowed))


def id_of(name: str) -> Callable[[World], int]:
    return lambda w: w.ids[name]


def one(*names: str) -> frozenset[str]:
    return frozenset(names)


PIPELINE_ACTIONS: tuple[str, ...] = ("card", "confirm", "talk", "neg", "review", "city", "sign")
PIPELINE_ACTIONS += ("land", "build", "prod", "lost", "ret", "scan", "undo")

ROWS: tuple[Row, ...] = (
    # Commands
    cmd("start", frozenset(COLUMNS)),
    cmd("help", frozenset(COLUMNS)),
    cmd("menu", frozenset(COLUMNS)),
    cmd("whoami", REGISTERED),
    cmd("lang", REGISTERED),
    cmd("link", REGISTERED),
    cmd("continue", REGISTERED),
    cmd("cancel", REGISTERED),
    cmd("my", one("investor", "other_investor")),
    cmd("new", one("investor", "other_investor")),
    cmd("project", OFFICIALS | {"investor"}, "QX-2026-0001"),
    cmd("invite", one("office", "admin")),
    cmd("delegate", one("office", "unit_head")),  # a head for their own unit only
    cmd("pipeline", one("office", "leader")),
    cmd("find", REGISTERED, "项目"),  # officials the library, an investor their own
    cmd("export", one("office")),
    cmd("urge", one("office", "city_office")),
    cmd("assessment", one("office", "leader")),
    cmd("forum", one("office")),
    cmd("visit", one("office", "leader")),
    cmd("progress", one("office")),  # 001 八: the district reports to the city
    cmd("meeting", one("office")),
    cmd("agenda", one("office")),
    cmd("report", one("reporter", "unit_head")),
    cmd("services", frozenset(COLUMNS)),  # published for anyone (000 一(三)2(2))
    # 001 附件2: the district, and the city once the project has a city case (the world's has)
    cmd("application", one("office", "leader") | CITY, "QX-2026-0004"),
    cmd("application", one("office", "leader"), "QX-2026-0001"),  # no city case: not the city's
    # The investor's plan
    btn("pj:resume", one("investor", "other_investor")),
    btn("pj:restart", one("investor", "other_investor")),
    btn("pj:fix", one("investor"), id_of("returned")),
    btn("lg:set", REGISTERED, "en"),
    # 功能菜单: a command pressed is checked as the command typed
    btn("mn:run", frozenset(COLUMNS), "help"),
    Row(  # as /pipeline typed: the unregistered are asked to register
        "mn:run",
        btn("mn:run", frozenset(), "pipeline").payload,
        one("office", "leader"),
        UNREGISTERED,
    ),
    # Invitations: the office never makes an administrator
    btn("iv:r", one("office", "admin"), "1"),
    btn("iv:r", one("admin"), str(INVITABLE.index(Role.ADMIN))),
    btn("iv:u", one("office", "admin"), "1", "0"),
    btn("iv:d", one("office", "admin"), "1", "0", "0"),
    btn("iv:w", one("office", "admin"), "1"),
    # A/B 岗: the office for any unit, a unit's head for their own (park_committee here, so
    # not reviewer_x's 发改局); 发改丑 is reviewer_x's colleague at 发改局
    btn("dg:start", one("office", "unit_head")),
    btn("dg:u", one("office"), "0"),  # 发改局, the first unit that reviews
    *(btn(f"dg:{a}", one("office"), id_of("reviewer_x_row")) for a in ["r", "inv", "c"]),
    *(
        btn(f"dg:{a}", one("office"), id_of("reviewer_x_row"), id_of("drc_filing"))
        for a in ["p", "ok"]
    ),
    *(btn(f"dg:{a}", one("office"), id_of("delegate_row")) for a in ["x", "xok"]),
    btn("dg:mine", one("reviewer_x", "reviewer_y", "delegate")),
    # The office's project card
    *(btn(f"pr:{a}", one("office"), id_of("project")) for a in PIPELINE_ACTIONS),
    btn("pr:team", one("office"), id_of("project")),
    btn("pr:team", one("office"), id_of("project"), id_of("leader")),
    btn("pr:team", frozenset(), id_of("project"), id_of("investor")),
    # /pipeline's pages, projects and export; /find's (a search is its maker's alone: the
    # audit row 1 is no one's search)
    btn("pv:pg", one("office", "leader"), "active", "2"),
    btn("pv:open", one("office", "leader"), id_of("project")),
    btn("pv:xl", one("office"), "negotiation"),
    btn("fd:open", OFFICIALS | {"investor"}, id_of("project")),
    btn("fd:pg", frozenset(), "1", "1"),
    btn("fd:xl", frozenset(), "1"),
    # A reviewer's card: only the dimension's reviewer and their delegate
    *(
        btn(f"rv:{a}", one("reviewer_x", "delegate"), id_of("opinion_x"))
        for a in ["plan", "ok", "cond", "no", "cmt", "tr", "edit"]
    ),
    btn("rv:ok", one("reviewer_y"), id_of("opinion_y")),
    btn("rv:to", one("reviewer_x", "delegate"), id_of("opinion_x"), id_of("delegate")),
    btn("rv:all", one("office"), id_of("opinion_x")),  # the round is still open
    # 001 六(一): the dimension's reviewer answers 不属于 / 属于
    btn("rv:cf", one("reviewer_x", "delegate"), id_of("opinion_x"), "0", "no"),
    # The office's progress card
    btn("rp:urge", one("office"), id_of("round")),
    btn("rp:u1", one("office"), id_of("opinion_y")),
    btn("rp:every", one("office", "city_office")),  # every open round each runs
    btn("ru:open", one("reviewer_x", "delegate"), id_of("opinion_x")),
    # The round's conclusion (通过 / 不通过): the review group's 组长/副组长, not the office
    btn("rc:pass", one("review_chair"), id_of("round")),
    btn("rc:fail", one("review_chair"), id_of("round")),
    # Joint meetings
    btn("mt:new", one("office")),
    *(btn(f"mt:{a}", one("office"), id_of("meeting")) for a in ["card", "add", "inv", "min"]),
    btn("mt:put", one("office"), id_of("meeting"), id_of("project")),
    *(btn(f"mt:{a}", one("office"), id_of("item")) for a in ["ok", "no", "defer", "fix"]),
    # The city: approval from 3亿 is the 常务副组长's step
    btn("cy:ok", one("city_exec_deputy"), id_of("case")),
    btn("cy:ack", one("city_exec_deputy"), id_of("case")),
    btn("cy:ret", CITY, id_of("case")),
    btn("cy:recall", CITY, id_of("case")),
    # The city office's own work: cross-region applications and the city's round
    btn("cr:acc", one("city_office"), id_of("cross_region")),
    btn("cr:rev", one("city_office"), id_of("cross_region_accepted")),
    btn("cr:pre", one("city_office"), id_of("city_round")),
    btn("rp:urge", one("city_office"), id_of("city_round")),  # not the district office
    # A prohibited project's exception: the office asks, the city leading group decides
    btn("pr:exc", one("office"), id_of("blocked")),
    # 001 五(三)(八): the office judges a priority condition left to it
    btn("pr:prio", one("office"), id_of("project"), "8"),
    btn("ax:ok", one("city_exec_deputy", "city_leader"), id_of("exception")),
    btn("ax:no", one("city_exec_deputy", "city_leader"), id_of("exception")),
    # 发改局's own 核准并备案 of the signed agreement (000 一(二)2(3)): not the office's
    btn("df:ok", one("drc_filing"), id_of("signed")),
    btn("df:ret", one("drc_filing"), id_of("signed")),
    # Service after signing
    btn("lz:card", one("office"), id_of("signed")),
    btn("lz:table", one("office"), id_of("signed")),
    btn("lz:unit", one("office"), id_of("signed"), lambda w: w.unit_head_unit),
    btn("lz:lead", one("office"), id_of("signed"), lambda w: w.unit_head_unit, id_of("unit_head")),
    btn("lz:off", one("office"), id_of("signed"), lambda w: w.unit_head_unit, id_of("unit_head")),
    btn("lz:off", frozenset(), id_of("signed"), lambda w: w.unit_head_unit, id_of("investor")),
    btn("lz:in", one("liaison"), id_of("assignment")),
    btn("lz:close", one("office", "unit_head", "liaison"), id_of("problem")),
    # Forums and visits
    btn("fo:company", one("office", "leader"), id_of("signed")),
    btn("fo:op", one("investor"), id_of("forum")),
    btn("fo:sum", one("office", "leader"), id_of("forum")),
    # Monthly reports
    btn("mr:fill", one("reporter", "unit_head"), "2026-11"),
    # The progress report to the city (001 八)
    btn("pg:send", one("office")),
    # The member units' published services: anyone, registered or not
    btn("sv:list", frozenset(COLUMNS)),
    btn("sv:u", frozenset(COLUMNS), "0", "0"),
    # A form's buttons belong to the open draft: only the visitor has one here
    btn("f:pause", one("visitor")),
    btn("f:help", one("visitor"), "company"),
)


def test_every_command_and_button_action_has_a_row():
    commands = {r.key for r in ROWS if r.key.startswith("/")}
    assert commands == {f"/{name}" for name in ROUTES.commands}
    actions = {r.key for r in ROWS if not r.key.startswith("/")}
    declared = {
        f"{spec.schema.prefix}:{action}"
        for spec in ROUTES.buttons.values()
        for action in spec.schema.actions
    }
    declared |= {f"{FORM_BUTTONS.prefix}:{a}" for a in ("pause", "help")}
    assert actions >= declared - {f"f:{a}" for a in FORM_BUTTONS.actions}
    assert actions <= declared


@pytest.mark.parametrize("row", ROWS, ids=lambda r: f"{r.key}:{sorted(r.allowed)[:2]}")
def test_who_may_do_what(row: Row, template: tuple[Path, World, Services], tmp_path: Path):
    world = template[1]
    payload = row.payload(world)
    shared = copy_of(template, tmp_path / "refused.db")
    try:
        for n, who in enumerate(COLUMNS, start=1):
            if who in row.allowed or who in row.register:
                continue
            before, refused = shared.dump(), shared.refusals()
            outcome = shared.dispatcher.handle(event(who, payload, n))
            assert outcome.replies, f"{who} got no answer to {payload}"
            new = shared.refusals()[len(refused) :]
            assert len(new) == 1 and new[0] in AUTHORITY, f"{who} was not refused {payload}"
            assert shared.dump() == before, f"{who}'s refused {payload} changed the database"
    finally:
        shared.close()
    for n, who in enumerate(sorted(row.allowed | row.register), start=100):
        fresh = copy_of(template, tmp_path / f"{who}.db")
        try:
            refused = fresh.refusals()
            outcome = fresh.dispatcher.handle(event(who, payload, n))
            assert outcome.replies or outcome.toast, f"{who} got no answer to {payload}"
            new = [n for n in fresh.refusals()[len(refused) :] if n in AUTHORITY]
            assert not new, f"{who} was refused {payload}: {outcome.replies}"
            if who in row.register:  # they are asked for their details instead
                assert fresh.registering(PEOPLE[who]), f"{who} was not asked to register"
        finally:
            fresh.close()
