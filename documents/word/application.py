"""清远市招商项目遴选申报表 (001 附件2): what the investor's plan says, laid out for the review
body that accepts it (001 七(二)1). The text of 001 names the form without its fields; these
follow 001 三 to 六 and the plan of 000 附件4."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Final

from documents.texts import Texts
from documents.word.base import FormTable, new_document, paragraph, per_mu, title, to_bytes
from templates.renderer import Renderer

TEMPLATE: Final = "application_form.j2"


@dataclass(frozen=True, slots=True)
class Phase:
    """A phase of construction: its months and, for a phased plan, its own figures."""

    start: str | None = None  # YYYY-MM
    end: str | None = None
    land_area_mu: Decimal | None = None
    fixed_asset_wan: Decimal | None = None
    annual_output_wan: Decimal | None = None
    annual_tax_wan: Decimal | None = None


@dataclass(frozen=True, slots=True)
class Application:
    """A project as the investor applies for selection (遴选申报)."""

    city: str
    county: str  # 受理单位: the district, or the city office for a cross-region project
    serial: str
    project_name: str
    investor: str | None
    investor_category: str | None = None
    industry: str | None = None
    site: str | None = None
    cross_region: bool = False
    content: str | None = None  # 建设内容
    total_investment_wan: Decimal | None = None
    fixed_asset_wan: Decimal | None = None
    land_area_mu: Decimal | None = None
    land_use: str | None = None  # purchase, lease
    floor_area_sqm: Decimal | None = None
    products: str | None = None
    annual_output_wan: Decimal | None = None
    annual_tax_wan: Decimal | None = None
    jobs: int | None = None
    phases: list[Phase] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)  # 引入基本要求 and 禁止引入, as screened
    priority: list[str] = field(default_factory=list)  # 优先引入情形 (001 五)
    investor_profile: str | None = None
    feasibility_report: bool = False
    contact: str | None = None  # 联系人及电话
    applied_on: date | None = None

    @property
    def investment_intensity(self) -> Decimal | None:
        """固定资产投资强度, 万元/亩."""
        return per_mu(self.fixed_asset_wan, self.land_area_mu)

    @property
    def output_per_mu(self) -> Decimal | None:
        """亩均产值, 万元/亩."""
        return per_mu(self.annual_output_wan, self.land_area_mu)

    @property
    def tax_per_mu(self) -> Decimal | None:
        """亩均税收, 万元/亩."""
        return per_mu(self.annual_tax_wan, self.land_area_mu)


def application_form(form: Application, *, renderer: Renderer | None = None) -> bytes:
    """The 遴选申报表 as a .docx file, in the look of the 备案表 and 审批表."""
    text = Texts(renderer, TEMPLATE)
    doc = new_document(body_size=12)
    title(doc, text("title", city=form.city), size=18)
    paragraph(doc, text("applicant", county=form.county, applied_on=form.applied_on))
    table = FormTable(doc, (20, 30, 20, 30))

    def pair(left: str, left_value: str, right: str, right_value: str) -> None:
        table.row(
            [text("label", key=left), left_value, text("label", key=right), right_value],
            labels=(0, 2),
        )

    def wide(key: str, value: str | list[str]) -> None:
        table.row([text("label", key=key), value], spans=(1, 3), labels=(0,))

    pair("serial", form.serial, "route", text("route", cross_region=form.cross_region))
    wide("project", form.project_name)
    pair(
        "investor",
        text("text", value=form.investor),
        "category",
        text("text", value=form.investor_category),
    )
    pair("industry", text("text", value=form.industry), "site", text("text", value=form.site))
    wide("content", text("text", value=form.content))
    pair(
        "investment",
        text("amount", value=form.total_investment_wan),
        "fixed_assets",
        text("amount", value=form.fixed_asset_wan),
    )
    pair(
        "land",
        text("land", value=form.land_area_mu, use=form.land_use),
        "floor_area",
        text("amount", value=form.floor_area_sqm),
    )
    wide("products", text("text", value=form.products))
    pair(
        "output",
        text("amount", value=form.annual_output_wan),
        "tax",
        text("amount", value=form.annual_tax_wan),
    )
    wide(
        "per_mu",
        text.lines(
            "per_mu",
            intensity=form.investment_intensity,
            output=form.output_per_mu,
            tax=form.tax_per_mu,
        ),
    )
    wide("jobs", text("count", value=form.jobs))
    wide(
        "phases",
        text.lines(
            "phases",
            phases=[
                {
                    "phase": p,
                    "intensity": per_mu(p.fixed_asset_wan, p.land_area_mu),
                }
                for p in form.phases
            ],
        ),
    )
    wide("checks", text.lines("items", items=form.checks))
    wide("priority", text.lines("items", items=form.priority))
    wide("profile", text("text", value=form.investor_profile))
    wide("attachments", text.lines("attachments", feasibility=form.feasibility_report))
    wide("declaration", text.lines("declaration"))
    wide("acceptance", text.lines("acceptance"))
    paragraph(doc, text("contact", value=form.contact))
    return to_bytes(doc)
