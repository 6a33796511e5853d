"""Every button the bot shows, as one table: prefix, actions, typed arguments, and the roles
that may press each action. The dispatcher refuses a press outside this table before any
handler looks anything up; handlers then check the actor's relation to the object."""

from __future__ import annotations

from typing import Final

from conversations.callbacks import (
    EVERYONE,
    ID,
    INDEX,
    PERIOD,
    TOKEN,
    Arg,
    ButtonAction,
    ButtonSchema,
    choice,
)
from workflow.pipeline import Stage
from workflow.roles import CITY_ROLES, Role

_OFFICE: Final = frozenset({Role.OFFICE})
_REVIEWER: Final = frozenset({Role.REVIEWER, Role.CITY_REVIEWER})  # the city's round too
_ROUND_RUNNERS: Final = frozenset({Role.OFFICE, Role.CITY_OFFICE})  # district's, city's round
_INVESTOR: Final = frozenset({Role.INVESTOR})
_ORGANISERS: Final = frozenset({Role.OFFICE, Role.LEADER})


def _actions(roles: frozenset[Role], names: str, *args: Arg) -> dict[str, ButtonAction]:
    """Several actions that take the same arguments and the same roles."""
    return {n: ButtonAction(args, roles) for n in names.split()}


PLAN_BUTTONS: Final = ButtonSchema(
    "pj",
    {**_actions(_INVESTOR, "resume restart"), **_actions(_INVESTOR, "fix", ID)},
)
"""The investor's own plan: resume or restart the draft, revise a returned plan."""

LANGUAGE_BUTTONS: Final = ButtonSchema("lg", {"set": ButtonAction((choice("zh-Hans", "en"),))})
"""The language picker of /lang (any registered person)."""

INVITE_BUTTONS: Final = ButtonSchema(
    "iv",
    {
        "r": ButtonAction((INDEX,), frozenset({Role.ADMIN, Role.OFFICE})),
        "u": ButtonAction((INDEX, INDEX), frozenset({Role.ADMIN, Role.OFFICE})),
        "d": ButtonAction((INDEX, INDEX, INDEX), frozenset({Role.ADMIN, Role.OFFICE})),
        "w": ButtonAction((ID,), frozenset({Role.ADMIN, Role.OFFICE})),
    },
)
"""Making an invitation: role, unit, dimension (indexes into the lists shown); then, where
WeCom runs, sending it to a member by their UserID (the invitation's id)."""

PIPELINE_BUTTONS: Final = ButtonSchema(
    "pr",
    {
        **_actions(_OFFICE, "card confirm talk neg review city sign land build ret scan", ID),
        # Asked on the same card first (handlers/confirm.py); 撤回 within the policy's window.
        "prod": ButtonAction((ID,), _OFFICE, confirm="confirm#ask_prod"),
        "lost": ButtonAction((ID,), _OFFICE, confirm="confirm#ask_lost"),
        "undo": ButtonAction((ID,), _OFFICE),
        "exc": ButtonAction((ID,), _OFFICE),  # record an exception request (001 二, 四(三))
        "prio": ButtonAction((ID, INDEX), _OFFICE),  # judge a priority condition (001 五)
        "team": ButtonAction((ID, ID), _OFFICE, optional=1),
    },
)
"""The office's project card: moves by stage, notes, the negotiation team, the agreement."""

REVIEWER_BUTTONS: Final = ButtonSchema(
    "rv",
    {
        **_actions(_REVIEWER, "plan ok cond no cmt tr edit", ID),
        "all": ButtonAction((ID,), _REVIEWER | {Role.OFFICE, Role.LEADER, Role.CITY_OFFICE}),
        "to": ButtonAction((ID, ID), _REVIEWER),
        "cf": ButtonAction((ID, INDEX, choice("no", "yes")), _REVIEWER),
    },
)
"""A reviewer's card (one unit's opinion on one dimension of 附件5): opinions, transfer, the
plan, and the answers to the prohibited categories the dimension confirms (cf: 不属于 / 属于)."""

PROGRESS_BUTTONS: Final = ButtonSchema(
    "rp", {**_actions(_ROUND_RUNNERS, "urge u1", ID), "every": ButtonAction((), _ROUND_RUNNERS)}
)
"""The office's live progress card of a round: 催办 one or all (once all opinions are in,
"urge" reminds the review group's leader to conclude); `every`: every pending reviewer of
every open round the presser runs, one message each."""

REMINDER_BUTTONS: Final = ButtonSchema("ru", {"open": ButtonAction((ID,), _REVIEWER)})
"""A bulk 催办's list of a reviewer's pending cards: open one (the handler checks it is
theirs)."""

DELEGATE_BUTTONS: Final = ButtonSchema(
    "dg",
    {
        "u": ButtonAction((INDEX,), frozenset({Role.OFFICE, Role.UNIT_HEAD})),
        **_actions(frozenset({Role.OFFICE, Role.UNIT_HEAD}), "r c x xok inv", ID),
        **_actions(frozenset({Role.OFFICE, Role.UNIT_HEAD}), "p ok", ID, ID),
        "start": ButtonAction((), frozenset({Role.OFFICE, Role.UNIT_HEAD})),  # from /invite
        "mine": ButtonAction((), frozenset({Role.REVIEWER})),
    },
)
"""A/B 岗 (/delegate): a unit (u), one of its reviewers (r: their role row), a colleague to
act for them (p, then ok: row and person), removing a delegate (x, then xok: the delegate's
row), an invitation for a new colleague (inv), back to the unit's list (c); and a delegate's
own open cards (mine). The handler checks that a unit head acts only for their own unit."""

_CONCLUDERS: Final = frozenset({Role.REVIEW_CHAIR, Role.CITY_OFFICE})
CONCLUSION_BUTTONS: Final = ButtonSchema(
    "rc",
    {
        "pass": ButtonAction((ID,), _CONCLUDERS, confirm="confirm#ask_pass"),
        "fail": ButtonAction((ID,), _CONCLUDERS, confirm="confirm#ask_fail"),
    },
)
"""The conclusion of a complete round (通过 / 不通过): the review group's 组长/副组长 for a
district round, the city's office for the city's own (the handler checks the round's level)."""

MEETING_BUTTONS: Final = ButtonSchema(
    "mt",
    {
        "new": ButtonAction((INDEX,), _OFFICE, optional=1),
        **_actions(_OFFICE, "card add inv min ok defer", ID),
        "no": ButtonAction((ID,), _OFFICE, confirm="confirm#ask_reject"),
        "fix": ButtonAction((ID,), _OFFICE, confirm="confirm#ask_correct"),  # 更正决定
        "put": ButtonAction((ID, ID), _OFFICE),
    },
)
"""Joint meetings: the agenda, invitations, decisions (不予引进 asked first), 更正决定 of a
decision taken (a new, audited decision; asked first), the minutes."""

_VIEWS: Final = choice("active", "all", "s4", *(s.value for s in Stage))
"""A /pipeline view's filter (handlers/pipeline/stage_filter.py)."""

VIEW_BUTTONS: Final = ButtonSchema(
    "pv",
    {
        "pg": ButtonAction((_VIEWS, ID), _ORGANISERS),
        "open": ButtonAction((ID,), _ORGANISERS),
        "xl": ButtonAction((_VIEWS,), _OFFICE),
    },
)
"""/pipeline's view: a page (numbered from 1) of a stage filter, a project of it, its export
(the 招商项目信息库 as Excel)."""

FIND_BUTTONS: Final = ButtonSchema(
    "fd",
    {
        "pg": ButtonAction((ID, ID)),
        "open": ButtonAction((ID,)),
        "xl": ButtonAction((ID,), _OFFICE),
    },
)
"""/find's results: a page (from 1) of a search (its audit row), a project found, their export. Any
registered person; the handler checks the search is theirs and what they may see."""

ADMISSION_BUTTONS: Final = ButtonSchema(
    "ax", _actions(frozenset({Role.CITY_EXEC_DEPUTY, Role.CITY_LEADER}), "ok no", ID)
)
"""The city leading group's answer to an exception request (001 二, 四(三)): 同意 or 不同意
(the handler also checks the policy's approver roles)."""

CITY_BUTTONS: Final = ButtonSchema(
    "cy",
    {
        "ok": ButtonAction((ID,), frozenset(CITY_ROLES), confirm="confirm#ask_city_ok"),
        "ack": ButtonAction((ID,), frozenset(CITY_ROLES), confirm="confirm#ask_city_ack"),
        "ret": ButtonAction((ID,), frozenset(CITY_ROLES), confirm="confirm#ask_city_return"),
        "recall": ButtonAction((ID,), frozenset(CITY_ROLES)),
    },
)
"""A city official's step of 备案 or 审批 (the handler checks whose step it is); approving,
acknowledging and returning are asked first (handlers/confirm.py)."""

CITY_ROUND_BUTTONS: Final = ButtonSchema(
    "cr", _actions(frozenset({Role.CITY_OFFICE}), "acc rev pre", ID)
)
"""The city office's own work (001 七(二)1(2), 2(2)): accept a cross-region application and
open the city's round (acc, rev: the project), record a third-party pre-review (pre: the
round)."""

LIAISON_BUTTONS: Final = ButtonSchema(
    "lz",
    {
        **_actions(_OFFICE, "card table", ID),
        "unit": ButtonAction((ID, TOKEN), _OFFICE),
        **_actions(_OFFICE, "lead off", ID, TOKEN, ID),
        "in": ButtonAction((ID,), frozenset({Role.LIAISON})),
        "close": ButtonAction((ID,), frozenset({Role.OFFICE, Role.UNIT_HEAD, Role.LIAISON})),
    },
)
"""Service after signing: assigning liaison officers, check-ins, closing open problems."""

FORUM_BUTTONS: Final = ButtonSchema(
    "fo",
    {
        **_actions(_ORGANISERS, "company sum", ID),
        "op": ButtonAction((ID,), _INVESTOR),
    },
)
"""Investors' forums and company visits: choose the company, give an opinion, the summary."""

DRC_BUTTONS: Final = ButtonSchema("df", _actions(frozenset({Role.DRC_FILING}), "ok ret", ID))
"""发改局's card of a registered agreement: 核准并备案, or return it to the office with a reason
(000 一(二)2(3)). The argument is the project."""

MONTHLY_REPORT_BUTTONS: Final = ButtonSchema(
    "mr", {"fill": ButtonAction((PERIOD,), frozenset({Role.UNIT_REPORTER, Role.UNIT_HEAD}))}
)
"""The 填写月报 button of a monthly-report reminder."""

SERVICES_BUTTONS: Final = ButtonSchema(
    "sv",
    {"list": ButtonAction((), EVERYONE), "u": ButtonAction((INDEX, INDEX), EVERYONE)},
)
"""/services: a member unit's published service items (unit and page indexes), for anyone."""

PROGRESS_REPORT_BUTTONS: Final = ButtonSchema("pg", {"send": ButtonAction((), _OFFICE)})
"""/progress: send the signed projects' progress report to the city office (001 八)."""

MENU_BUTTONS: Final = ButtonSchema("mn", {"run": ButtonAction((TOKEN,), EVERYONE)})
"""/menu: one of the person's commands, run as if typed (so checked as the command is)."""

ALL: Final = (
    MENU_BUTTONS,
    PLAN_BUTTONS,
    LANGUAGE_BUTTONS,
    INVITE_BUTTONS,
    PIPELINE_BUTTONS,
    VIEW_BUTTONS,
    FIND_BUTTONS,
    REVIEWER_BUTTONS,
    PROGRESS_BUTTONS,
    REMINDER_BUTTONS,
    DELEGATE_BUTTONS,
    CONCLUSION_BUTTONS,
    MEETING_BUTTONS,
    CITY_BUTTONS,
    CITY_ROUND_BUTTONS,
    ADMISSION_BUTTONS,
    LIAISON_BUTTONS,
    FORUM_BUTTONS,
    MONTHLY_REPORT_BUTTONS,
    DRC_BUTTONS,
    SERVICES_BUTTONS,
    PROGRESS_REPORT_BUTTONS,
)
"""Every schema with a handler of its own (the form's buttons go to the open draft)."""
