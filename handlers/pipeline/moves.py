"""The project card's stage moves: each a guarded transition, 登记流失 and 建成投产 asked on
the card first (handlers/confirm.py), and their 撤回 within the policy's window."""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from conversations.callbacks import CallbackData
from conversations.inbound import Inbound
from conversations.replies import Outcome
from handlers.context import Actor, Services
from handlers.pipeline.card import office_card
from handlers.stages import move, undo
from storage.tables import Project
from storage.uow import UnitOfWork

Move = Callable[[Services, UnitOfWork, Actor, Inbound, Project, CallbackData], Outcome]
"""A button of the office's project card: what it does to the project."""

ASKED_MOVES: Final = {"prod": "start_production", "lost": "mark_lost"}
"""The moves whose press asks first, by action: their guard is checked before the question,
and they may be withdrawn (workflow.pipeline.UNDOS)."""


def transition(name: str) -> Move:
    """A card button that makes the transition `name` and shows the card as it now is."""

    def act(
        s: Services,
        uow: UnitOfWork,
        actor: Actor,
        event: Inbound,
        project: Project,
        data: CallbackData,
    ) -> Outcome:
        move(s, uow, actor, project, name)
        card = office_card(s, uow, actor, project)  # with 撤回 while it may be withdrawn
        return Outcome(
            [card.as_edit()],
            toast=s.renderer.message(actor.locale, "pipeline#moved", stage=project.stage),
        )

    return act


def undo_action(
    s: Services,
    uow: UnitOfWork,
    actor: Actor,
    event: Inbound,
    project: Project,
    data: CallbackData,
) -> Outcome:
    """撤回 of the office's recent 登记流失 or 建成投产, within the policy's window."""
    undo(s, uow, actor, project)
    card = office_card(s, uow, actor, project)
    return Outcome(
        [card.as_edit()],
        toast=s.renderer.message(actor.locale, "confirm#undone", stage=project.stage),
    )
