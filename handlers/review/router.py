"""What review brings: the reviewer's and the progress card's buttons, the opinion form and
the deadline sweep."""

from __future__ import annotations

from conversations.forms.review import OPINION_FORM
from handlers.buttons import CONCLUSION_BUTTONS, PROGRESS_BUTTONS, REVIEWER_BUTTONS
from handlers.review.conclude import conclude_action
from handlers.review.deadlines import review_deadlines
from handlers.review.opinions import finish_opinion, reviewer_action
from handlers.review.rounds import progress_action
from handlers.routing import ButtonSpec, FormDefinition, Router, Sweep
from workflow.roles import Role


def router() -> Router:
    """Review rounds."""
    return Router(
        "review",
        buttons=(
            ButtonSpec(REVIEWER_BUTTONS, reviewer_action),
            ButtonSpec(PROGRESS_BUTTONS, progress_action),
            ButtonSpec(CONCLUSION_BUTTONS, conclude_action),
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
