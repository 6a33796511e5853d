"""What review brings: the reviewer's and the progress card's buttons, the opinion form and
the deadline sweep."""

from __future__ import annotations

from conversations.forms.review import OPINION_FORM
from handlers.buttons import (
    CONCLUSION_BUTTONS,
    DELEGATE_BUTTONS,
    PROGRESS_BUTTONS,
    REMINDER_BUTTONS,
    REVIEWER_BUTTONS,
)
from handlers.review.conclude import conclude_action, conclusion_pressed
from handlers.review.deadlines import review_deadlines
from handlers.review.delegates import delegate_action, delegate_command
from handlers.review.opinions import finish_opinion, reviewer_action
from handlers.review.reminders import reminder_action, urge_command
from handlers.review.rounds import progress_action
from handlers.routing import ButtonSpec, FormDefinition, Router, Sweep, command
from workflow.roles import Role


def router() -> Router:
    """Review rounds."""
    return Router(
        "review",
        commands=(
            command("delegate", delegate_command, roles={Role.OFFICE, Role.UNIT_HEAD}),
            command("urge", urge_command, roles={Role.OFFICE, Role.CITY_OFFICE}),
        ),
        buttons=(
            ButtonSpec(REVIEWER_BUTTONS, reviewer_action),
            ButtonSpec(PROGRESS_BUTTONS, progress_action),
            ButtonSpec(REMINDER_BUTTONS, reminder_action),
            ButtonSpec(DELEGATE_BUTTONS, delegate_action),
            ButtonSpec(CONCLUSION_BUTTONS, conclude_action, card=conclusion_pressed),
        ),
        forms=(
            FormDefinition(
                OPINION_FORM,
                finish_opinion,
                roles=frozenset({Role.REVIEWER, Role.CITY_REVIEWER}),  # the city's round too
            ),
        ),
        sweeps=(Sweep("review_deadlines", review_deadlines),),
    )
