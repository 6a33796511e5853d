"""What aftercare brings: /forum, /visit, the liaison and forum buttons, their forms, and the
check-in and forum reminders."""

from __future__ import annotations

from conversations.forms.forum import FORUM_OPINION_FORM
from conversations.forms.liaison import CHECKIN_FORM
from handlers.aftercare.checkins import checkins, finish_checkin
from handlers.aftercare.forums import finish_opinion, forum, forum_action, reminders, visit
from handlers.aftercare.liaison import liaison_action
from handlers.buttons import FORUM_BUTTONS, LIAISON_BUTTONS
from handlers.routing import ButtonSpec, FormDefinition, Router, Sweep, command
from workflow.roles import Role


def router() -> Router:
    """Liaison officers, forums and visits."""
    return Router(
        "aftercare",
        commands=(
            command("forum", forum, roles={Role.OFFICE}),
            command("visit", visit, roles={Role.OFFICE, Role.LEADER}),
        ),
        buttons=(
            ButtonSpec(LIAISON_BUTTONS, liaison_action),
            ButtonSpec(FORUM_BUTTONS, forum_action),
        ),
        forms=(
            FormDefinition(CHECKIN_FORM, finish_checkin, roles=frozenset({Role.LIAISON})),
            FormDefinition(FORUM_OPINION_FORM, finish_opinion, roles=frozenset({Role.INVESTOR})),
        ),
        sweeps=(Sweep("checkins", checkins), Sweep("forum_reminders", reminders)),
    )
