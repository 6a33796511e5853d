"""Every button the bot shows, as one table: prefix, actions, typed arguments, and the roles
that may press each action. The dispatcher refuses a press outside this table before any
handler looks anything up; handlers then check the actor's relation to the object."""

from __future__ import annotations

from typing import Final

from conversations.callbacks import (
    ID,
    INDEX,
    PERIOD,
    TOKEN,
    Arg,
    ButtonAction,
    ButtonSchema,
    choice,
)
from workflow.roles import CITY_ROLES, Role

_OFFICE: Final = frozenset({Role.OFFICE})
_REVIEWER: Final = frozenset({Role.REVIEWER})
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
    },
)
"""Making an invitation: role, unit, dimension (indexes into the lists shown)."""

PIPELINE_BUTTONS: Final = ButtonSchema(
    "pr",
    {
        **_actions(
            _OFFICE, "card confirm neg review city sign land build prod lost ret scan drc", ID
        ),
        "team": ButtonAction((ID, ID), _OFFICE, optional=1),
    },
)
"""The office's project card: moves by stage, notes, the negotiation team, the agreement."""

REVIEWER_BUTTONS: Final = ButtonSchema(
    "rv",
    {
        **_actions(_REVIEWER, "plan ok cond no cmt tr edit", ID),
        "all": ButtonAction((ID,), frozenset({Role.REVIEWER, Role.OFFICE, Role.LEADER})),
        "to": ButtonAction((ID, ID), _REVIEWER),
    },
)
"""A reviewer's card (one dimension of 附件5): opinions, transfer, the plan."""

PROGRESS_BUTTONS: Final = ButtonSchema("rp", _actions(_OFFICE, "urge u1 close", ID))
"""The office's live progress card of a round: 催办 one or all, 结束评审."""

MEETING_BUTTONS: Final = ButtonSchema(
    "mt",
    {
        "new": ButtonAction((INDEX,), _OFFICE, optional=1),
        **_actions(_OFFICE, "card add inv min ok no defer", ID),
        "put": ButtonAction((ID, ID), _OFFICE),
    },
)
"""Joint meetings: the agenda, invitations, decisions, the minutes."""

CITY_BUTTONS: Final = ButtonSchema("cy", _actions(frozenset(CITY_ROLES), "ok ack ret recall", ID))
"""A city official's step of 备案 or 审批 (the handler checks whose step it is)."""

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

MONTHLY_REPORT_BUTTONS: Final = ButtonSchema(
    "mr", {"fill": ButtonAction((PERIOD,), frozenset({Role.UNIT_REPORTER, Role.UNIT_HEAD}))}
)
"""The 填写月报 button of a monthly-report reminder."""

ALL: Final = (
    PLAN_BUTTONS,
    LANGUAGE_BUTTONS,
    INVITE_BUTTONS,
    PIPELINE_BUTTONS,
    REVIEWER_BUTTONS,
    PROGRESS_BUTTONS,
    MEETING_BUTTONS,
    CITY_BUTTONS,
    LIAISON_BUTTONS,
    FORUM_BUTTONS,
    MONTHLY_REPORT_BUTTONS,
)
"""Every schema with a handler of its own (the form's buttons go to the open draft)."""
