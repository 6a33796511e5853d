"""What reporting brings: /report, /assessment, the report button and form, and the monthly
and weekly sweeps (reports go out on their day, whatever the hour)."""

from __future__ import annotations

from conversations.forms.monthly import MONTHLY_FORM
from handlers.buttons import MONTHLY_REPORT_BUTTONS
from handlers.reporting.assessment import assessment
from handlers.reporting.digest import weekly_digest
from handlers.reporting.monthly import finish_report, monthly_reports, report, report_button
from handlers.reporting.validity import validity_notice
from handlers.routing import ButtonSpec, FormDefinition, Router, Sweep, command
from workflow.roles import Role

REPORTERS = frozenset({Role.UNIT_REPORTER, Role.UNIT_HEAD})


def router() -> Router:
    """Monthly reports, the assessment, the digest."""
    return Router(
        "reporting",
        commands=(
            command("report", report, roles=REPORTERS),
            command("assessment", assessment, roles={Role.OFFICE, Role.LEADER}),
        ),
        buttons=(ButtonSpec(MONTHLY_REPORT_BUTTONS, report_button),),
        forms=(FormDefinition(MONTHLY_FORM, finish_report, roles=REPORTERS),),
        sweeps=(
            Sweep("monthly_reports", monthly_reports, reminder=False),
            Sweep("weekly_digest", weekly_digest, reminder=False),
            Sweep("policy_validity", validity_notice, reminder=True),
        ),
    )
