"""What aftercare brings: /forum, /visit, the liaison and forum buttons, their forms, and the
check-in and forum reminders."""

from __future__ import annotations

from conversations.forms.forum import FORUM_OPINION_FORM
from conversations.forms.liaison import CHECKIN_FORM
from conversations.forms.meeting import FORUM_FORM, VISIT_FORM
from handlers.aftercare.checkins import checkins, finish_checkin
from handlers.aftercare.forums import (
    ORGANISERS,
    finish_opinion,
    forum,
    forum_action,
    reminders,
    schedule,
    visit,
)
from handlers.aftercare.liaison import liaison_action
from handlers.aftercare.progress import progress_button, progress_command
from handlers.aftercare.visits_due import visit_reminders
from handlers.buttons import FORUM_BUTTONS, LIAISON_BUTTONS, PROGRESS_REPORT_BUTTONS
from handlers.routing import ButtonSpec, FormDefinition, Router, Sweep, command
from workflow.roles import Role


def router() -> Router:
    """Liaison officers, forums and visits."""
    return Router(
        "aftercare",
        commands=(
            command("forum", forum, roles={Role.OFFICE}),
            command("visit", visit, roles={Role.OFFICE, Role.LEADER}),
            command("progress", progress_command, roles={Role.OFFICE}),
        ),
        buttons=(
            ButtonSpec(LIAISON_BUTTONS, liaison_action),
            ButtonSpec(FORUM_BUTTONS, forum_action),
            ButtonSpec(PROGRESS_REPORT_BUTTONS, progress_button),
        ),
        forms=(
            FormDefinition(CHECKIN_FORM, finish_checkin, roles=frozenset({Role.LIAISON})),
            FormDefinition(FORUM_OPINION_FORM, finish_opinion, roles=frozenset({Role.INVESTOR})),
            FormDefinition(FORUM_FORM, schedule, roles=frozenset({Role.OFFICE})),
            FormDefinition(VISIT_FORM, schedule, roles=ORGANISERS),
        ),
        sweeps=(
            Sweep("checkins", checkins),
            Sweep("forum_reminders", reminders),
            Sweep("visit_reminders", visit_reminders),
        ),
    )
