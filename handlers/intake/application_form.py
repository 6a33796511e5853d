"""/application SERIAL: the 清远市招商项目遴选申报表 (001 附件2) generated from the plan, for the
office and the leaders, and for the city when the project has a city case or applied to the
city office directly (a cross-region project, 001 七(二)1)."""

from __future__ import annotations

import html
import re
from decimal import Decimal
from typing import Any

from conversations.inbound import Inbound
from conversations.replies import Document, Outcome, Reply
from documents.word.application import Application, Phase, application_form
from handlers.context import Actor, Services
from handlers.errors import HandlerError, Refused
from handlers.intake.plans import plan_figures
from handlers.review.sheet import DOCX
from storage.tables import Project
from storage.uow import UnitOfWork
from workflow.roles import CITY_ROLES, Role

DISTRICT = frozenset({Role.OFFICE, Role.LEADER})
ROLES = DISTRICT | CITY_ROLES
# Findings printed under 引入基本要求 (001 四) and 禁止引入 (001 六); priority has its own row.
CHECK_CODES = (
    "scope",
    "sector",
    "environmental_entry",
    "planning_eia",
    "environment_negative_list",
    "work_safety",
    "investment_intensity",
    "output_per_mu",
    "tax_per_mu",
    "automation",
    "prohibited",
)


def application_command(s: Services, uow: UnitOfWork, actor: Actor, event: Inbound) -> Outcome:
    """The 遴选申报表 of one project as a .docx file."""
    serial = event.args.strip().split(" ")[0] if event.args.strip() else ""
    if not serial:
        raise HandlerError("application#usage")
    project = uow.projects.by_serial(serial)
    if project is None or not _may_see(uow, actor, project):
        raise Refused(
            "common#project_not_found", audit_action="refused:application_form", serial=serial
        )
    uow.audit("application_form", "project", project.id, actor_id=actor.person_id)
    doc = application_document(s, project)
    text = s.renderer.message(actor.locale, "application#sent", project=project)
    return Outcome([Reply(text, document=doc)])


def _may_see(uow: UnitOfWork, actor: Actor, project: Project) -> bool:
    if actor.roles & DISTRICT:
        return True
    if not actor.roles & CITY_ROLES:
        return False
    cross_region = project.plan.get("application_route") == "cross_region"
    return cross_region or uow.decisions.latest_city_case(project.id or 0) is not None


def application_document(s: Services, project: Project) -> Document:
    """The 遴选申报表 of a project, filled from its plan and its screening."""
    plan = project.plan
    figures = plan_figures(plan)
    sector = s.policy.sector(project.sector or "")
    category = s.policy.investor_category(str(plan.get("investor_category") or ""))
    locale = s.renderer.default_locale
    phases = []
    given = plan.get("phases")
    dates: list[Any] = given if isinstance(given, list) else []
    for i in range(max(len(dates), len(figures.phases))):
        when: dict[str, Any] = dates[i] if i < len(dates) and isinstance(dates[i], dict) else {}
        fig = figures.phases[i] if i < len(figures.phases) else None
        phases.append(
            Phase(
                start=when.get("start"),
                end=when.get("end"),
                land_area_mu=fig.land_area_mu if fig else None,
                fixed_asset_wan=fig.fixed_asset_wan if fig else None,
                annual_output_wan=_wan(fig.annual_output_yi) if fig else None,
                annual_tax_wan=fig.annual_tax_wan if fig else None,
            )
        )
    checks = [
        _finding_line(s, locale, f) for f in project.findings if f.get("code") in CHECK_CODES
    ]
    form = Application(
        city=s.policy.city,
        county=_receiver(s, plan),
        serial=project.serial,
        project_name=project.name,
        investor=project.investor_name,
        investor_category=category.name if category else None,
        industry=sector.name if sector else None,
        site=_site(s, project),
        cross_region=plan.get("application_route") == "cross_region",
        content=plan.get("content"),
        total_investment_wan=project.total_investment_wan,
        fixed_asset_wan=figures.fixed_asset_wan,
        land_area_mu=figures.land_area_mu,
        land_use=plan.get("land_use"),
        floor_area_sqm=_decimal(plan.get("floor_area")),
        products=plan.get("products"),
        annual_output_wan=_wan(figures.annual_output_yi),
        annual_tax_wan=figures.annual_tax_wan,
        jobs=_int(plan.get("jobs")),
        phases=phases,
        checks=checks,
        priority=[f["params"]["name"] for f in project.findings if f.get("code") == "priority"],
        investor_profile=plan.get("investor_profile"),
        feasibility_report=bool(plan.get("feasibility_report")),
        contact=" ".join(str(plan[k]) for k in ("contact_name", "contact_phone") if plan.get(k))
        or None,
        applied_on=project.created_at.astimezone(s.timezone).date(),
    )
    return Document(
        filename=s.file_name("application", serial=project.serial),
        content=application_form(form, renderer=s.renderer),
        mime_type=DOCX,
    )


def _finding_line(s: Services, locale: str, finding: dict[str, Any]) -> str:
    line = s.renderer.message(locale, "findings#document_line", f=finding)
    return html.unescape(re.sub(r"<[^>]+>", "", line)).strip()


def _receiver(s: Services, plan: dict[str, Any]) -> str:
    if plan.get("application_route") == "cross_region":
        return s.policy.city_office().name
    return s.policy.name


def _site(s: Services, project: Project) -> str | None:
    if project.site == "other":
        return project.plan.get("site_other")
    site = next((x for x in s.policy.sites if x.id == project.site), None)
    return site.name if site else None


def _wan(yi: Decimal | None) -> Decimal | None:
    return yi * 10000 if yi is not None else None


def _decimal(value: object) -> Decimal | None:
    try:
        return Decimal(str(value)) if value not in (None, "") else None
    except ArithmeticError:
        return None


def _int(value: object) -> int | None:
    number = _decimal(value)
    return int(number) if number is not None else None
