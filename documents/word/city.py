"""清远市招商项目备案表 and 遴选、评审审批表: what the district sends the city (001 七(二)2)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Final, Literal

from documents.texts import Texts
from documents.word.base import (
    FormTable,
    check_choice,
    new_document,
    paragraph,
    per_mu,
    title,
    to_bytes,
)
from documents.word.minutes import DECISIONS, Decision
from documents.word.review_sheet import OUTCOMES, Outcome
from templates.renderer import Renderer

Route = Literal["filing", "approval", "two_level"]
Position = Literal["city_office_director", "city_exec_deputy", "city_leader"]
CityActionKind = Literal["acknowledge", "approve", "return", "recall"]
TEMPLATE: Final = "city_forms.j2"
ACTIONS: Final = ("acknowledge", "approve", "return", "recall")
# Who signs which form, in order: mirrors the policy's routing tiers (001 七(二)2(1)①②③).
SIGNATURE_ROWS: Final[dict[str, tuple[tuple[Position, str], ...]]] = {
    "filing": (("city_office_director", "filing"),),
    "approval": (("city_exec_deputy", "approval"),),
    "two_level": (("city_exec_deputy", "preliminary"), ("city_leader", "approval")),
}


@dataclass(frozen=True, slots=True)
class CityAction:
    """What a city official did on the case; all but `position` unknown until they act."""

    position: Position
    name: str | None = None
    action: CityActionKind | None = None
    comment: str | None = None
    acted_on: date | None = None

    def __post_init__(self) -> None:
        check_choice("action", self.action, ACTIONS)


@dataclass(frozen=True, slots=True)
class CityFiling:
    """A project the district files with, or submits for approval to, the city group."""

    city: str
    county: str  # 申报单位
    serial: str
    project_name: str
    investor: str | None
    route: Route
    total_investment_wan: Decimal
    fixed_asset_wan: Decimal | None = None
    land_area_mu: Decimal | None = None
    industry: str | None = None
    site: str | None = None
    products: str | None = None
    annual_output_wan: Decimal | None = None
    annual_tax_wan: Decimal | None = None
    priority: list[str] = field(default_factory=list)  # 优先引入情形, as printed (001 五)
    review_outcome: Outcome | None = None
    reviewed_on: date | None = None
    decision: Decision | None = None
    decided_on: date | None = None
    actions: list[CityAction] = field(default_factory=list)  # the last per position is shown
    contact: str | None = None  # 联系人及电话
    submitted_on: date | None = None
    remarks: str | None = None
    exceptions: list[str] = field(default_factory=list)  # approved 例外 (001 二, 四(三))
    city_reviewed: bool = False  # the outcome is the city group's own review (001 七(二)2(2))

    def __post_init__(self) -> None:
        check_choice("route", self.route, SIGNATURE_ROWS)
        check_choice("review_outcome", self.review_outcome, OUTCOMES)
        check_choice("decision", self.decision, DECISIONS)

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


def filing_form(form: CityFiling, *, renderer: Renderer | None = None) -> bytes:
    """The 备案表 of a project below 3亿 (001 七(二)2(1)①) as a .docx file."""
    if form.route != "filing":
        raise ValueError(f"a {form.route} case needs the approval form, not the filing form")
    return _form(form, "filing", renderer)


def approval_form(form: CityFiling, *, renderer: Renderer | None = None) -> bytes:
    """The 遴选、评审审批表 of a project from 3亿 (001 七(二)2(1)②③) as a .docx file."""
    if form.route == "filing":
        raise ValueError("a filing case needs the filing form, not the approval form")
    return _form(form, "approval", renderer)


def _form(form: CityFiling, kind: str, renderer: Renderer | None) -> bytes:
    text = Texts(renderer, TEMPLATE)
    doc = new_document(body_size=12)
    title(doc, text("title", kind=kind, city=form.city), size=18)
    paragraph(doc, text("applicant", county=form.county, submitted_on=form.submitted_on))

    table = FormTable(doc, (20, 30, 20, 30))

    def pair(left: str, left_value: str, right: str, right_value: str) -> None:
        table.row(
            [text("label", key=left), left_value, text("label", key=right), right_value],
            labels=(0, 2),
        )

    def wide(key: str, value: str | list[str]) -> None:
        table.row([text("label", key=key), value], spans=(1, 3), labels=(0,))

    pair("serial", form.serial, "industry", text("text", value=form.industry))
    wide("project", form.project_name)
    wide("investor", text("text", value=form.investor))
    pair(
        "investment",
        text("amount", value=form.total_investment_wan),
        "fixed_assets",
        text("amount", value=form.fixed_asset_wan),
    )
    pair("land", text("amount", value=form.land_area_mu), "site", text("text", value=form.site))
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
    wide("priority", text.lines("priority", items=form.priority))
    if form.exceptions:
        wide("exceptions", text.lines("priority", items=form.exceptions))
    pair(
        "city_review" if form.city_reviewed else "review",
        text("outcome", code=form.review_outcome),
        "reviewed_on",
        text("day", value=form.reviewed_on),
    )
    pair(
        "decision",
        text("decision", code=form.decision),
        "decided_on",
        text("day", value=form.decided_on),
    )
    for position, step in _signature_rows(form):
        act = _last_action(form, position)
        table.row(
            [
                text("signature_label", position=position, step=step),
                text("signature", act=act).split("\n"),
            ],
            spans=(1, 3),
            labels=(0,),
        )
    wide("remarks", form.remarks or "")

    paragraph(doc, text("contact", value=form.contact))
    return to_bytes(doc)


def _signature_rows(form: CityFiling) -> tuple[tuple[Position, str], ...]:
    rows = SIGNATURE_ROWS[form.route]
    known = {position for position, _ in rows}
    stray = [act.position for act in form.actions if act.position not in known]
    if stray:
        raise ValueError(f"a {form.route} case has no signature row for {stray}")
    return rows


def _last_action(form: CityFiling, position: Position) -> CityAction:
    acts = [act for act in form.actions if act.position == position]
    return acts[-1] if acts else CityAction(position)
