"""What the pipeline brings: /pipeline, /project, the project card's buttons and its forms."""

from __future__ import annotations

from conversations.forms.admission import EXCEPTION_FORM, EXCEPTION_REFUSAL
from conversations.forms.notes import NEGOTIATION_NOTE, PRIORITY_JUDGEMENT, RETURN_COMMENT
from handlers.buttons import ADMISSION_BUTTONS, FIND_BUTTONS, PIPELINE_BUTTONS, VIEW_BUTTONS
from handlers.pipeline.actions import (
    finish_negotiation_note,
    finish_priority_judgement,
    finish_return,
    pressed_card,
    project_action,
)
from handlers.pipeline.exceptions import (
    exception_action,
    exception_cards,
    exception_choices,
    finish_refusal,
    finish_request,
)
from handlers.pipeline.export import export
from handlers.pipeline.find import find, find_action
from handlers.pipeline.overview import pipeline, view_action
from handlers.pipeline.pdf_notice import pdf_copies_off
from handlers.pipeline.project_view import project_detail
from handlers.routing import ButtonSpec, FormDefinition, Router, Sweep, command
from workflow.roles import Role

OFFICE = frozenset({Role.OFFICE})
EXCEPTION_APPROVERS = frozenset({Role.CITY_EXEC_DEPUTY, Role.CITY_LEADER})


def router() -> Router:
    """The office's pipeline and every project's page."""
    return Router(
        "pipeline",
        commands=(
            command("pipeline", pipeline, roles={Role.OFFICE, Role.LEADER}),
            command("project", project_detail),
            command("find", find),  # officials: the library; an investor: their own
            command("export", export, roles=OFFICE),
        ),
        buttons=(
            ButtonSpec(PIPELINE_BUTTONS, project_action, card=pressed_card),
            ButtonSpec(ADMISSION_BUTTONS, exception_action),
            ButtonSpec(VIEW_BUTTONS, view_action),
            ButtonSpec(FIND_BUTTONS, find_action),
        ),
        forms=(
            FormDefinition(NEGOTIATION_NOTE, finish_negotiation_note, roles=OFFICE),
            FormDefinition(RETURN_COMMENT, finish_return, roles=OFFICE),
            FormDefinition(PRIORITY_JUDGEMENT, finish_priority_judgement, roles=OFFICE),
            FormDefinition(
                EXCEPTION_FORM, finish_request, options=exception_choices, roles=OFFICE
            ),
            FormDefinition(EXCEPTION_REFUSAL, finish_refusal, roles=EXCEPTION_APPROVERS),
        ),
        sweeps=(
            Sweep("exception_cards", exception_cards),
            Sweep("pdf_copies_off", pdf_copies_off),
        ),
    )
