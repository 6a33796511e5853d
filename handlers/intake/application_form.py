"""/application SERIAL: the 清远市招商项目遴选申报表 (001 附件2) generated from the plan, for the
office and the leaders, and for the city when the project has a city case or applied to the
city office directly (a cross-region project, 001 七(二)1)."""

from __future__ import annotations

import html
import re
from decimal import Decimal
from typing import Any, Final, cast

from conversations.inbound import Inbound
from conversations.replies import Document, Outcome, Reply
from documents.word.application import Application, application_form
from documents.word.figures import (
    LAND_SOURCES,
    LAND_USES,
    LandSource,
    LandUse,
    Phase,
    ProjectFigures,
    figure_fields,
)
from handlers.context import Actor, Services
from handlers.errors import HandlerError, Refused
from handlers.intake.plans import plan_figures
from handlers.review.sheet import DOCX
from storage.tables import Project
from storage.uow import UnitOfWork
from workflow.agreement import plan_commitments
from workflow.roles import CITY_ROLES, Role
from workflow.screening import PhaseFigures

DISTRICT = frozenset({Role.OFFICE, Role.LEADER})
ROLES = DISTRICT | CITY_ROLES
# The screening's findings, grouped as the forms print them (001 一、三, 四(一)(二)(三), 六);
# priority has its own row.
INDUSTRY_CODES: Final = ("scope", "sector")
ENVIRONMENT_CODES: Final = ("environmental_entry", "planning_eia", "environment_negative_list")
SAFETY_CODES: Final = ("work_safety",)
INDICATOR_CODES: Final = (
    "investment_intensity",
    "output_per_mu",
    "tax_per_mu",
    "automation",
    "phase_figures",
    "phase_indicator",
)
PROHIBITED_CODES: Final = ("prohibited", "prohibited_none")


def application_command(s: Services, uow: UnitOfWork, actor: Actor, event: Inbound) -> Outcome:
    """The 遴选申报表 of one project as a .docx file."""
    serial = event.args.strip().split(" ")[0] if event.args.strip() else ""
    if not serial:
        raise HandlerError("application#usage")
    project = uow.projects.by_serial(serial)
    if project is None or not may_see_application(uow, actor, project):
        raise Refused(
            "common#project_not_found", audit_action="refused:application_form", serial=serial
        )
    uow.audit("application_form", "project", project.id, actor_id=actor.person_id)
    doc = application_document(s, project)
    text = s.renderer.message(actor.locale, "application#sent", project=project)
    return Outcome([Reply(text, document=doc)])


def may_see_application(uow: UnitOfWork, actor: Actor, project: Project) -> bool:
    """Whether this person may have a project's 遴选申报表: the district's office and leaders;
    the city, for a cross-region project or one it has a case of."""
    if actor.roles & DISTRICT:
        return True
    if not actor.roles & CITY_ROLES:
        return False
    cross_region = project.plan.get("application_route") == "cross_region"
    return cross_region or uow.decisions.latest_city_case(project.id or 0) is not None


def application_document(s: Services, project: Project) -> Document:
    """The 遴选申报表 of a project, filled from its plan and its screening."""
    plan = project.plan
    form = Application(
        **figure_fields(project_figures(s, project)),
        city=s.policy.city,
        county=_receiver(s, plan),
        serial=project.serial,
        project_name=project.name,
        investor=project.investor_name,
        cross_region=plan.get("application_route") == "cross_region",
        investor_profile=plan.get("investor_profile"),
        applied_on=project.created_at.astimezone(s.timezone).date(),
    )
    return Document(
        filename=s.file_name("application", serial=project.serial),
        content=application_form(form, templates=s.documents),
        mime_type=DOCX,
    )


def project_figures(s: Services, project: Project) -> ProjectFigures:
    """What a project's plan and screening say, as the 遴选申报表 and the city's 备案表 and
    审批表 print it."""
    plan = project.plan
    figures = plan_figures(plan)
    sector = s.policy.sector(project.sector or "")
    category = s.policy.investor_category(str(plan.get("investor_category") or ""))
    promised = plan_commitments(plan)
    locale = s.renderer.default_locale
    findings = project.findings

    def lines(codes: tuple[str, ...]) -> list[str]:
        return [_finding_line(s, locale, f) for f in findings if f.get("code") in codes]

    land_use, land_source = plan.get("land_use"), plan.get("land_source")
    return ProjectFigures(
        investor_category=category.name if category else None,
        industry=sector.name if sector else None,
        site=_site(s, project),
        content=plan.get("content"),
        total_investment_wan=project.total_investment_wan,
        fixed_asset_wan=figures.fixed_asset_wan,
        land_area_mu=figures.land_area_mu,
        land_use=cast(LandUse, land_use) if land_use in LAND_USES else None,
        land_source=cast(LandSource, land_source) if land_source in LAND_SOURCES else None,
        floor_area_sqm=_decimal(plan.get("floor_area")),
        products=plan.get("products"),
        annual_output_wan=_wan(figures.annual_output_yi),
        annual_tax_wan=figures.annual_tax_wan,
        jobs=_int(plan.get("jobs")),
        start_month=promised.start,
        production_month=promised.production,
        phases=_phases(plan, figures.phases),
        industry_checks=lines(INDUSTRY_CODES),
        environment=lines(ENVIRONMENT_CODES),
        safety=lines(SAFETY_CODES),
        indicators=lines(INDICATOR_CODES),
        prohibited=lines(PROHIBITED_CODES[:1]),
        prohibited_screened=any(f.get("code") in PROHIBITED_CODES for f in findings),
        priority=[f["params"]["name"] for f in findings if f.get("code") == "priority"],
        feasibility_report=bool(plan.get("feasibility_report")),
        contact=" ".join(str(plan[k]) for k in ("contact_name", "contact_phone") if plan.get(k))
        or None,
    )


def _phases(plan: dict[str, Any], figures: tuple[PhaseFigures, ...]) -> list[Phase]:
    """Each phase's months and, for a phased plan, its own figures."""
    given = plan.get("phases")
    dates: list[Any] = given if isinstance(given, list) else []
    phases = []
    for i in range(max(len(dates), len(figures))):
        when: dict[str, Any] = dates[i] if i < len(dates) and isinstance(dates[i], dict) else {}
        fig = figures[i] if i < len(figures) else None
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
    return phases


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
