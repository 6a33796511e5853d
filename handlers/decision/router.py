"""What decision brings: /meeting, /agenda, the meeting and city cards, their forms, and the
scan reminders."""

from __future__ import annotations

from conversations.forms.agreement import AGREEMENT_FORM, DRC_RETURN_FORM, SCAN_FORM
from conversations.forms.meeting import MEETING_FORM
from conversations.forms.notes import CITY_COMMENT, DEFER_CONDITIONS
from conversations.forms.prereview import PRE_REVIEW_FORM
from handlers.buttons import CITY_BUTTONS, CITY_ROUND_BUTTONS, DRC_BUTTONS, MEETING_BUTTONS
from handlers.decision.city import finish_city_comment
from handlers.decision.city_round import city_buttons, finish_pre_review, round_action
from handlers.decision.city_steps import city_pressed
from handlers.decision.decisions import meeting_buttons, meeting_pressed
from handlers.decision.filing import drc_action, finish_drc_return, late_filers
from handlers.decision.meetings import (
    agenda,
    finish_deferral,
    finish_meeting_form,
    meetings,
)
from handlers.decision.scans import agreement_scans
from handlers.decision.signing import (
    agreement_choices,
    agreement_summary_note,
    finish_agreement,
    finish_scan,
)
from handlers.routing import ButtonSpec, FormDefinition, Router, Sweep, command
from workflow.roles import CITY_ROLES, Role

OFFICE = frozenset({Role.OFFICE})


def router() -> Router:
    """Joint meetings, the city, signing."""
    return Router(
        "decision",
        commands=(
            command("meeting", meetings, roles=OFFICE),
            command("agenda", agenda, roles=OFFICE),
        ),
        buttons=(
            ButtonSpec(MEETING_BUTTONS, meeting_buttons, card=meeting_pressed),
            ButtonSpec(CITY_BUTTONS, city_buttons, card=city_pressed),
            ButtonSpec(CITY_ROUND_BUTTONS, round_action),
            ButtonSpec(DRC_BUTTONS, drc_action),
        ),
        forms=(
            FormDefinition(
                MEETING_FORM, finish_meeting_form, roles=frozenset({Role.OFFICE, Role.LEADER})
            ),
            FormDefinition(DEFER_CONDITIONS, finish_deferral, roles=OFFICE),
            FormDefinition(CITY_COMMENT, finish_city_comment, roles=CITY_ROLES),
            FormDefinition(
                PRE_REVIEW_FORM, finish_pre_review, roles=frozenset({Role.CITY_OFFICE})
            ),
            FormDefinition(
                AGREEMENT_FORM,
                finish_agreement,
                options=agreement_choices,
                summary_extra=agreement_summary_note,  # what 提交 does: the confirmation
                roles=OFFICE,
            ),
            FormDefinition(DRC_RETURN_FORM, finish_drc_return, roles=frozenset({Role.DRC_FILING})),
            FormDefinition(SCAN_FORM, finish_scan, roles=OFFICE),
        ),
        sweeps=(
            Sweep("agreement_scans", agreement_scans),
            Sweep("drc_late_filers", late_filers),
        ),
    )
