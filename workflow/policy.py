"""The policy model: units, roster, review dimensions, thresholds, sectors, conditions, routing.
(Longer than 300 lines: one schema, read as a whole against the YAML it validates.)

Every rule carries a citation such as "000 二(二)1(2)": the key of a source document and the
section of that document it comes from. Another county deploys with its own YAML file.
"""

from __future__ import annotations

import re
from decimal import Decimal
from enum import StrEnum
from itertools import pairwise
from typing import Annotated, Final, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, model_validator

CITATION_RE: Final = re.compile(r"^(?P<doc>[0-9A-Za-z_-]+) (?P<section>\S.*)$")
Citation = Annotated[str, Field(pattern=CITATION_RE.pattern, examples=["000 二(二)1(2)"])]
Identifier = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=40)]


_T = TypeVar("_T", bound="AmountTier")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class UnitKind(StrEnum):
    """What kind of body a unit is."""

    DEPARTMENT = "department"  # 区直部门 / 驻区分局
    TOWN = "town"  # 镇
    PARK = "park"  # 园区 / 管委会
    OFFICE = "office"  # 领导小组办公室
    GOVERNMENT = "government"  # 区政府 (leaders)
    CITY_OFFICE = "city_office"  # 市招商引资工作领导小组办公室
    CITY = "city"  # 市招商引资工作领导小组


class SourceDocument(_Model):
    """A source document of the policy (文件)."""

    file: str
    title: str


class Unit(_Model):
    """An organisational unit (单位): member unit, town, park, office or city body."""

    id: Identifier
    name: str
    short: str
    kind: UnitKind
    member: bool = False  # 领导小组成员单位
    hosted_by: Identifier | None = None  # the office sits in 经信局
    source: Citation


class Position(_Model):
    """A position (职务) in the leading group, its office, the review group or the city group."""

    id: Identifier
    name: str
    body: Literal["leading_group", "office", "review_group", "city_group", "city_office"]
    source: Citation


class RosterEntry(_Model):
    """A named person of 附件1 / 附件3 and the positions they hold."""

    name: str
    title: str
    unit: Identifier
    positions: tuple[Identifier, ...]
    source: Citation


class ReviewDimension(_Model):
    """A review dimension (评审维度) with its responsible units; the first unit leads (主审)."""

    id: Identifier
    name: str
    form_label: str  # the row label used on 附件5 (评审意见表)
    units: tuple[Identifier, ...] = Field(min_length=1)
    focus: str  # 重点评审内容
    veto: bool = False  # 一票否决
    findings: tuple[Identifier, ...] = ()  # screening finding codes shown to this reviewer
    source: Citation

    @property
    def lead_unit(self) -> str:
        """The unit whose reviewer records this dimension's opinion."""
        return self.units[0]


class LandIndicator(_Model):
    """A land-use control indicator of 附件2, compared as value >= threshold."""

    id: Identifier
    name: str
    unit: str
    threshold: Decimal
    source: Citation


class SectorGroup(StrEnum):
    """How a sector stands in the industry guidance."""

    KEY_INDUSTRY = "key_industry"  # 7大产业
    MODERN_SERVICE = "modern_service"  # 现代服务业
    OTHER_INDUSTRY = "other_industry"  # other secondary/tertiary industry in scope
    EXCLUDED = "excluded"  # 不适用: agriculture, pure real estate, government infrastructure


class Sector(_Model):
    """An industry sector (行业) an investor can choose."""

    id: Identifier
    name: str
    group: SectorGroup
    manufacturing: bool = False
    district_focus: bool = False  # 清新区重点: 智能制造、新材料、生物医药
    source: Citation


class InvestorCategory(_Model):
    """A category of investor (投资方类别) as the city's 申报表 and 优先引入(二) name them."""

    id: Identifier
    name: str
    top_tier: bool  # 500强 / 百强 / 上市 / 央企 / 龙头
    source: Citation


class Site(_Model):
    """A town or park a project may be sited in (拟选址)."""

    id: Identifier
    name: str
    unit: Identifier
    source: Citation


class Condition(_Model):
    """A numbered condition: priority (优先引入), prohibited (禁止引入) or high-level liaison."""

    id: Identifier
    number: int
    name: str
    text: str
    automatic: bool = True  # False: only the leading group can recognise it
    source: Citation


class RouteKind(StrEnum):
    """How the city treats a project after the district's positive decision."""

    FILING = "filing"  # 备案
    APPROVAL = "approval"  # 常务副组长审批
    TWO_LEVEL = "two_level"  # 常务副组长初审, 组长审批


class AmountTier(_Model):
    """A band of total investment in 万元, lower bound inclusive, upper bound exclusive."""

    id: Identifier
    name: str
    min_wan: Decimal = Decimal(0)
    max_wan: Decimal | None = None
    source: Citation

    def contains(self, amount_wan: Decimal) -> bool:
        """Whether an amount falls in this band (boundaries as the text says: "含3亿元")."""
        return amount_wan >= self.min_wan and (self.max_wan is None or amount_wan < self.max_wan)


class RoutingTier(AmountTier):
    """A city routing band and who acts in it, in order."""

    route: RouteKind
    approvers: tuple[Identifier, ...] = ()  # positions, in order of action


class FollowupTier(AmountTier):
    """Who follows up a signed project (跟踪服务) by its total investment."""

    followed_by: Literal["unit_heads", "district_leaders"]


class Deadlines(_Model):
    """Time limits of the mechanism."""

    agreement_scan_days: int = Field(15, ge=1)
    agreement_scan_days_source: Citation
    agreement_scan_reminder_from_day: int = Field(10, ge=1)
    monthly_report_open_day: int = Field(25, ge=1, le=28)
    monthly_report_due_day: int = Field(5, ge=1, le=28)
    monthly_report_source: Citation
    review_round_working_days: int = Field(5, ge=1)
    review_reminder_days_before: int = Field(1, ge=0)
    liaison_checkin_days: int = Field(14, ge=1)
    stall_days: dict[str, int] = Field(default_factory=dict)  # per stage, for the digest


class ReviewRules(_Model):
    """How a review round's opinions make its outcome."""

    non_veto_disagreement: Literal["flag", "fail"] = "flag"
    source: Citation


_POSITION_IDS_REQUIRED: Final = (
    "leading_group_leader",
    "leading_group_deputy",
    "office_director",
    "office_deputy",
    "review_leader",
    "review_deputy",
    "city_leader",
    "city_exec_deputy",
)


class Policy(_Model):
    """One deployment's policy: a district under a city, with every rule and its source."""

    id: Identifier
    name: str
    city: str
    serial_prefix: str = Field(pattern=r"^[A-Z]{1,6}$")
    documents: dict[str, SourceDocument]
    units: tuple[Unit, ...]
    positions: tuple[Position, ...]
    roster: tuple[RosterEntry, ...]
    review_dimensions: tuple[ReviewDimension, ...] = Field(min_length=1)
    land_indicators: tuple[LandIndicator, ...]
    automation_rate_min: Decimal = Field(ge=0, le=100)
    automation_source: Citation
    sectors: tuple[Sector, ...]
    investor_categories: tuple[InvestorCategory, ...]
    sites: tuple[Site, ...]
    priority_conditions: tuple[Condition, ...]
    prohibited_conditions: tuple[Condition, ...]
    liaison_conditions: tuple[Condition, ...]
    priority_min_manufacturing_wan: Decimal
    priority_min_rd_share: Decimal = Field(ge=0, le=100)
    routing: tuple[RoutingTier, ...] = Field(min_length=1)
    followup: tuple[FollowupTier, ...] = Field(min_length=1)
    deadlines: Deadlines
    review_rules: ReviewRules

    @model_validator(mode="after")
    def _references_resolve(self, info: ValidationInfo) -> Policy:
        if info.context and info.context.get("defer_references"):
            return self
        problems = self.reference_problems()
        if problems:
            raise ValueError("; ".join(f"{_loc(loc)}: {msg}" for loc, msg in problems))
        return self

    def reference_problems(self) -> list[tuple[tuple[str | int, ...], str]]:
        """Every dangling reference, duplicate id or gap, with the key path where it is."""
        unit_ids = {u.id for u in self.units}
        position_ids = {p.id for p in self.positions}
        out: list[tuple[tuple[str | int, ...], str]] = []
        for group in ("units", "review_dimensions", "sectors", "sites", "positions"):
            seen: set[str] = set()
            for i, item in enumerate(getattr(self, group)):
                if item.id in seen:
                    out.append(((group, i, "id"), f"duplicate id {item.id!r}"))
                seen.add(item.id)
        for i, unit in enumerate(self.units):
            if unit.hosted_by and unit.hosted_by not in unit_ids:
                out.append((("units", i, "hosted_by"), f"{unit.hosted_by!r} is not a unit"))
        for i, entry in enumerate(self.roster):
            if entry.unit not in unit_ids:
                out.append((("roster", i, "unit"), f"{entry.unit!r} is not a unit"))
            for pos in entry.positions:
                if pos not in position_ids:
                    out.append((("roster", i, "positions"), f"{pos!r} is not a position"))
        for i, dim in enumerate(self.review_dimensions):
            for uid in dim.units:
                if uid not in unit_ids:
                    out.append((("review_dimensions", i, "units"), f"{uid!r} is not a unit"))
        for i, site in enumerate(self.sites):
            if site.unit not in unit_ids:
                out.append((("sites", i, "unit"), f"{site.unit!r} is not a unit"))
        for pid in _POSITION_IDS_REQUIRED:
            if pid not in position_ids:
                out.append((("positions",), f"position {pid!r} is required"))
        for i, tier in enumerate(self.routing):
            for pos in tier.approvers:
                if pos not in position_ids:
                    out.append((("routing", i, "approvers"), f"{pos!r} is not a position"))
        out += [(("routing",), m) for m in _contiguous(self.routing)]
        out += [(("followup",), m) for m in _contiguous(self.followup)]
        for loc, cite in self._citations():
            doc = cite.split(" ", 1)[0]
            if doc not in self.documents:
                out.append((loc, f"citation {cite!r}: document {doc!r} is not in documents"))
        if not any(u.kind is UnitKind.OFFICE for u in self.units):
            out.append((("units",), "an office (kind: office) is required"))
        return out

    def _citations(self) -> list[tuple[tuple[str | int, ...], str]]:
        out: list[tuple[tuple[str | int, ...], str]] = []
        for group in (
            "units",
            "positions",
            "roster",
            "review_dimensions",
            "land_indicators",
            "sectors",
            "investor_categories",
            "sites",
            "priority_conditions",
            "prohibited_conditions",
            "liaison_conditions",
            "routing",
            "followup",
        ):
            out += [
                ((group, i, "source"), item.source) for i, item in enumerate(getattr(self, group))
            ]
        out += [
            (("automation_source",), self.automation_source),
            (
                ("deadlines", "agreement_scan_days_source"),
                self.deadlines.agreement_scan_days_source,
            ),
            (("deadlines", "monthly_report_source"), self.deadlines.monthly_report_source),
            (("review_rules", "source"), self.review_rules.source),
        ]
        return out

    # Look-ups -------------------------------------------------------------------------------

    def unit(self, unit_id: str) -> Unit:
        """The unit with this id."""
        for u in self.units:
            if u.id == unit_id:
                return u
        raise KeyError(unit_id)

    def dimension(self, dimension_id: str) -> ReviewDimension:
        """The review dimension with this id."""
        for d in self.review_dimensions:
            if d.id == dimension_id:
                return d
        raise KeyError(dimension_id)

    def sector(self, sector_id: str) -> Sector | None:
        """The sector with this id, or None."""
        return next((s for s in self.sectors if s.id == sector_id), None)

    def investor_category(self, category_id: str) -> InvestorCategory | None:
        """The investor category with this id, or None."""
        return next((c for c in self.investor_categories if c.id == category_id), None)

    def office(self) -> Unit:
        """The leading group's office (领导小组办公室)."""
        return next(u for u in self.units if u.kind is UnitKind.OFFICE)

    def member_units(self) -> tuple[Unit, ...]:
        """The member units of the leading group (成员单位), who report monthly."""
        return tuple(u for u in self.units if u.member)

    def routing_tier(self, total_wan: Decimal) -> RoutingTier:
        """The city routing band for a total investment in 万元."""
        return _band(self.routing, total_wan)

    def followup_tier(self, total_wan: Decimal) -> FollowupTier:
        """The follow-up band for a total investment in 万元."""
        return _band(self.followup, total_wan)


def _band(tiers: tuple[_T, ...], amount: Decimal) -> _T:
    if amount < 0:
        raise ValueError("an amount cannot be negative")
    for tier in tiers:
        if tier.contains(amount):
            return tier
    raise ValueError(f"no band for {amount}")


def _loc(loc: tuple[str | int, ...]) -> str:
    return ".".join(str(p) for p in loc)


def _contiguous(tiers: tuple[AmountTier, ...]) -> list[str]:
    problems: list[str] = []
    ordered = sorted(tiers, key=lambda t: t.min_wan)
    if ordered[0].min_wan != 0:
        problems.append("the first band must start at 0")
    for a, b in pairwise(ordered):
        if a.max_wan != b.min_wan:
            problems.append(f"band {a.id} ends at {a.max_wan} but {b.id} starts at {b.min_wan}")
    if ordered[-1].max_wan is not None:
        problems.append("the last band must be open-ended")
    return problems
