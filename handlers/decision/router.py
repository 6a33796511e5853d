"""What decision brings: /meeting, /agenda, the meeting and city cards, their forms, and the
scan reminders."""

from __future__ import annotations

from conversations.forms.agreement import AGREEMENT_FORM, SCAN_FORM
from conversations.forms.meeting import MEETING_FORM
from conversations.forms.notes import CITY_COMMENT, DEFER_CONDITIONS
from handlers.buttons import CITY_BUTTONS, MEETING_BUTTONS
from handlers.decision.city import city_action, finish_city_comment
from handlers.decision.meetings import (
    agenda,
    finish_deferral,
    finish_meeting_form,
    meeting_action,
    meetings,
)
from handlers.decision.scans import agreement_scans
from handlers.decision.signing import finish_agreement, finish_scan
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
            ButtonSpec(MEETING_BUTTONS, meeting_action),
            ButtonSpec(CITY_BUTTONS, city_action),
        ),
        forms=(
            FormDefinition(
                MEETING_FORM, finish_meeting_form, roles=frozenset({Role.OFFICE, Role.LEADER})
            ),
            FormDefinition(DEFER_CONDITIONS, finish_deferral, roles=OFFICE),
            FormDefinition(CITY_COMMENT, finish_city_comment, roles=CITY_ROLES),
            FormDefinition(AGREEMENT_FORM, finish_agreement, roles=OFFICE),
            FormDefinition(SCAN_FORM, finish_scan, roles=OFFICE),
        ),
        sweeps=(Sweep("agreement_scans", agreement_scans),),
    )
