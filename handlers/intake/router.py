"""What intake brings: /start, /help, /whoami, /lang, /invite, the plan and its forms."""

from __future__ import annotations

from conversations.forms.plan import PLAN_FORM, plan_options
from conversations.forms.registration import (
    REGISTRATION_FORM,
    WECOM_INVITEE_FORM,
    WORK_PHONE_FORM,
)
from handlers.buttons import (
    INVITE_BUTTONS,
    LANGUAGE_BUTTONS,
    MENU_BUTTONS,
    PLAN_BUTTONS,
    SERVICES_BUTTONS,
)
from handlers.context import Services
from handlers.intake.application_form import ROLES as APPLICATION_ROLES
from handlers.intake.application_form import application_command
from handlers.intake.by_account import finish_wecom_invitee, link_command
from handlers.intake.help import (
    command_menu,
    help_command,
    lang,
    run_from_menu,
    set_lang,
    whoami,
)
from handlers.intake.invitations import invite, invite_step
from handlers.intake.onboarding import finish_registration, finish_work_phone, start
from handlers.intake.plan import my_projects, new_plan, plan_choice, submit_plan
from handlers.intake.plans import summary_findings
from handlers.intake.services import services_button, services_command
from handlers.routing import ButtonSpec, FormDefinition, Router, command
from workflow.roles import OFFICIAL_ROLES, Role


def _plan_choices(s: Services) -> dict[str, object]:
    return dict(plan_options(s.policy))


def router() -> Router:
    """Registration, invitations, language and the investor's plan."""
    return Router(
        "intake",
        commands=(
            command("start", start, menu=False, needs_registration=False),
            command("help", help_command, needs_registration=False),
            command("menu", command_menu, needs_registration=False),
            command("whoami", whoami),
            command("lang", lang),
            command("invite", invite, roles={Role.ADMIN, Role.OFFICE}),
            command("link", link_command, menu=False),
            command("new", new_plan, roles={Role.INVESTOR}),
            command("my", my_projects, roles={Role.INVESTOR}),
            command("services", services_command, needs_registration=False),
            command("application", application_command, roles=APPLICATION_ROLES),
        ),
        buttons=(
            ButtonSpec(MENU_BUTTONS, run_from_menu),
            ButtonSpec(LANGUAGE_BUTTONS, set_lang),
            ButtonSpec(INVITE_BUTTONS, invite_step),
            ButtonSpec(PLAN_BUTTONS, plan_choice),
            ButtonSpec(SERVICES_BUTTONS, services_button),
        ),
        forms=(
            FormDefinition(REGISTRATION_FORM, finish_registration),
            FormDefinition(WORK_PHONE_FORM, finish_work_phone, roles=OFFICIAL_ROLES),
            FormDefinition(
                WECOM_INVITEE_FORM,
                finish_wecom_invitee,
                roles=frozenset({Role.ADMIN, Role.OFFICE}),
            ),
            FormDefinition(
                PLAN_FORM,
                submit_plan,
                options=_plan_choices,
                summary_extra=summary_findings,
                roles=frozenset({Role.INVESTOR}),
                page="plan",
            ),
        ),
    )
