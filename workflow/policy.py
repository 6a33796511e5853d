"""The policy model: units, roster, review dimensions, thresholds, sectors, conditions, routing.
(Longer than 300 lines: one schema, read as a whole against the YAML it validates.)

Every rule carries a citation such as "000 二(二)1(2)": the key of a source document and the
section of that document it comes from. Another county deploys with its own YAML file.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from enum import StrEnum
from itertools import pairwise
from typing import Annotated, Final, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, model_validator

from workflow.roles import Role

CITATION_RE: Final = re.compile(r"^(?P<doc>[0-9A-Za-z_-]+) (?P<section>\S.*)$")
Citation = Annotated[str, Field(pattern=CITATION_RE.pattern, examples=["000 二(二)1(2)"])]
Identifier = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=40)]
LAND_RATIO_IDS: Final = ("investment_intensity", "output_per_mu", "tax_per_mu")


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


class InForceConfirmation(_Model):
    """Who confirmed, and on which day, that a document is still in force after its period."""

    on: date
    by: str = Field(min_length=1)


class SourceDocument(_Model):
    """A source document of the policy (文件), with its period of validity where it states one."""

    file: str
    title: str
    effective_from: date | None = None  # 实施日期
    trial_years: int | None = Field(None, ge=1)  # 试行期
    validity_source: Citation | None = None
    still_in_force_confirmed: InForceConfirmation | None = None


class Unit(_Model):
    """An organisational unit (单位): member unit, town, park, office or city body."""

    id: Identifier
    name: str
    short: str
    kind: UnitKind
    member: bool = False  # 领导小组成员单位
    hosted_by: Identifier | None = None  # the office sits in 经信局
    business: UnitBusiness | None = None  # 主要负责业务 of the liaison table (附件7)
    source: Citation


class UnitBusiness(_Model):
    """A unit's main business in following a signed project (附件7's 主要负责业务)."""

    text: str = Field(min_length=1)
    source: Citation


class AgreementFiling(_Model):
    """Who approves and files (核准并备案) an agreement signed by the district."""

    unit: Identifier
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
    veto_source: Citation | None = None  # where the documents make a 不同意 here final
    findings: tuple[Identifier, ...] = ()  # screening finding codes shown to this reviewer
    site_unit: bool = False  # the unit of the project's site reviews it too (附件5 "选址园区")
    form_units: str | None = None  # the 主审部门 cell exactly as 附件5 prints it; None: not on it
    source: Citation

    @property
    def lead_unit(self) -> str:
        """The first unit named for this dimension (主审)."""
        return self.units[0]

    def units_for(self, site_unit: str | None) -> tuple[str, ...]:
        """Every unit that gives its own opinion on this dimension for a project sited at the
        unit `site_unit` (联合评审: each unit the documents name)."""
        if self.site_unit and site_unit and site_unit not in self.units:
            return (*self.units, site_unit)
        return self.units


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
    liaison_leader: bool = False  # 高层联络 condition 1: 500强, 龙头 or 关键配套企业
    park_preferred: bool = False  # 附件2 五: 准高新, 成长型中小企业 are preferred by the park
    source: Citation


class SiteStandard(StrEnum):
    """Which entry standard (入园标准) a site's projects are screened against."""

    DISTRICT = "district"  # the policy's land_indicators
    OWN = "own"  # the site's own `indicators`
    SEPARATE = "separate"  # 另行制定 and not set yet: the office judges
    ZONE = "zone"  # a special zone whose projects follow other rules: the office judges


class Zone(_Model):
    """An area whose projects the city's rules leave to other regulations (另行规定)."""

    id: Identifier
    name: str
    source: Citation


class Site(_Model):
    """A town or park a project may be sited in (拟选址), and the standard it is held to."""

    id: Identifier
    name: str
    unit: Identifier | None = None  # the district unit that receives it; none in a zone
    standard: SiteStandard = SiteStandard.DISTRICT
    indicators: tuple[LandIndicator, ...] = ()  # only with standard: own
    zone: Identifier | None = None  # only with standard: zone
    source: Citation


class Condition(_Model):
    """A numbered condition: priority (优先引入), prohibited (禁止引入) or high-level liaison."""

    id: Identifier
    number: int
    name: str
    text: str
    automatic: bool = True  # False: not computable from a plan; a person judges it
    confirmed_by: Identifier | None = None  # the review dimension whose reviewers confirm it
    source: Citation


class AdmissionException(_Model):
    """One of the documents' own ways past a blocking finding (例外), such as 001 二's
    strategic emerging industries: what it says, which blockers it lifts, and who approves it."""

    id: Identifier
    name: str
    text: str
    lifts: tuple[Identifier, ...] = Field(min_length=1)  # prohibited condition ids, or "scope"
    approver_roles: tuple[Identifier, ...] = Field(min_length=1)  # workflow.roles.Role values
    approver_body: Identifier  # the unit whose members approve (市招商引资工作领导小组)
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
    # How long the office may withdraw (撤回) a 登记流失 or 建成投产 it just made; 0: never.
    # The documents set no number: the deployment chooses it.
    undo_minutes: int = Field(10, ge=0, le=1440)
    stall_days: dict[str, int] = Field(default_factory=dict)  # per stage, for the digest


class ReviewRules(_Model):
    """How a review round's opinions make its outcome."""

    non_veto_disagreement: Literal["flag", "fail"] = "flag"
    source: Citation
    # How the opinions of a dimension's several units make the dimension's verdict.
    unit_combination: Literal["any_disagree_disagrees", "lead_unit_decides"] = (
        "any_disagree_disagrees"
    )
    unit_combination_source: Citation | None = None


class ServiceItem(_Model):
    """A published service item (服务事项), its procedure (办理程序) and time limit (办事时限)."""

    name: str
    procedure: str
    time_limit: str


class PublishedServices(_Model):
    """What a member unit publishes (000 一(三)2(2)): its duties (工作职责) and service items."""

    unit: Identifier
    duties: str
    items: tuple[ServiceItem, ...] = Field(min_length=1)
    source: Citation


class RequiredDimensions(_Model):
    """The review dimensions a document names, all of which a policy must keep."""

    ids: tuple[Identifier, ...] = Field(min_length=1)
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
    zones: tuple[Zone, ...] = ()
    priority_conditions: tuple[Condition, ...]
    prohibited_conditions: tuple[Condition, ...]
    liaison_conditions: tuple[Condition, ...]
    priority_min_manufacturing_wan: Decimal
    priority_min_rd_share: Decimal = Field(ge=0, le=100)
    routing: tuple[RoutingTier, ...] = Field(min_length=1)
    followup: tuple[FollowupTier, ...] = Field(min_length=1)
    deadlines: Deadlines
    review_rules: ReviewRules
    admission_exceptions: tuple[AdmissionException, ...] = ()
    required_dimensions: RequiredDimensions | None = None
    published_services: tuple[PublishedServices, ...] = ()
    agreement_filing: AgreementFiling | None = None

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
        out += _site_problems(self.sites, unit_ids, {z.id for z in self.zones})
        if self.agreement_filing and self.agreement_filing.unit not in unit_ids:
            filer = self.agreement_filing.unit
            out.append((("agreement_filing", "unit"), f"{filer!r} is not a unit"))
        dimension_ids = {d.id for d in self.review_dimensions}
        for i, cond in enumerate(self.prohibited_conditions):
            if cond.confirmed_by and cond.confirmed_by not in dimension_ids:
                msg = f"{cond.confirmed_by!r} is not a review dimension"
                out.append((("prohibited_conditions", i, "confirmed_by"), msg))
        out += self._exception_problems(unit_ids)
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
        if not any(u.kind is UnitKind.CITY_OFFICE for u in self.units):
            out.append((("units",), "the city's office (kind: city_office) is required"))
        return out

    def _exception_problems(self, unit_ids: set[str]) -> list[tuple[tuple[str | int, ...], str]]:
        liftable = {c.id for c in self.prohibited_conditions} | {"scope"}
        roles = {r.value for r in Role}
        out: list[tuple[tuple[str | int, ...], str]] = []
        for i, exc in enumerate(self.admission_exceptions):
            loc: tuple[str | int, ...] = ("admission_exceptions", i)
            out += [
                ((*loc, "lifts"), f"{b!r} is not a blocker")
                for b in exc.lifts
                if b not in liftable
            ]
            out += [
                ((*loc, "approver_roles"), f"{r!r} is not a role")
                for r in exc.approver_roles
                if r not in roles
            ]
            if exc.approver_body not in unit_ids:
                out.append(((*loc, "approver_body"), f"{exc.approver_body!r} is not a unit"))
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
            "zones",
            "priority_conditions",
            "prohibited_conditions",
            "liaison_conditions",
            "admission_exceptions",
            "routing",
            "followup",
        ):
            out += [
                ((group, i, "source"), item.source) for i, item in enumerate(getattr(self, group))
            ]
        out += [
            (("units", i, "business", "source"), u.business.source)
            for i, u in enumerate(self.units)
            if u.business
        ]
        if self.agreement_filing:
            out.append((("agreement_filing", "source"), self.agreement_filing.source))
        out += [
            (("automation_source",), self.automation_source),
            (
                ("deadlines", "agreement_scan_days_source"),
                self.deadlines.agreement_scan_days_source,
            ),
            (("deadlines", "monthly_report_source"), self.deadlines.monthly_report_source),
            (("review_rules", "source"), self.review_rules.source),
        ]
        if self.review_rules.unit_combination_source:
            loc = ("review_rules", "unit_combination_source")
            out.append((loc, self.review_rules.unit_combination_source))
        out += [
            (("review_dimensions", i, "veto_source"), d.veto_source)
            for i, d in enumerate(self.review_dimensions)
            if d.veto_source
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

    def site_unit(self, site_id: str | None) -> str | None:
        """The unit (town or park) of a project's site, when the site is known."""
        return next((site.unit for site in self.sites if site.id == site_id), None)

    def possible_units(self, dimension: ReviewDimension) -> tuple[str, ...]:
        """Every unit that may review a dimension for some project: its own units, and every
        site's unit when the site's unit reviews it too (for invitations)."""
        sites = [site.unit for site in self.sites if site.unit] if dimension.site_unit else []
        return tuple(dict.fromkeys((*dimension.units, *sites)))

    def confirmations(self, dimension_id: str) -> tuple[Condition, ...]:
        """The prohibited conditions this dimension's reviewers confirm in a round."""
        return tuple(c for c in self.prohibited_conditions if c.confirmed_by == dimension_id)

    def sector(self, sector_id: str) -> Sector | None:
        """The sector with this id, or None."""
        return next((s for s in self.sectors if s.id == sector_id), None)

    def site(self, site_id: str) -> Site | None:
        """The site with this id, or None."""
        return next((s for s in self.sites if s.id == site_id), None)

    def zone(self, zone_id: str) -> Zone | None:
        """The special zone with this id, or None."""
        return next((z for z in self.zones if z.id == zone_id), None)

    def investor_category(self, category_id: str) -> InvestorCategory | None:
        """The investor category with this id, or None."""
        return next((c for c in self.investor_categories if c.id == category_id), None)

    def office(self) -> Unit:
        """The leading group's office (领导小组办公室)."""
        return next(u for u in self.units if u.kind is UnitKind.OFFICE)

    def city_office(self) -> Unit:
        """The city leading group's office (市招商引资工作领导小组办公室)."""
        return next(u for u in self.units if u.kind is UnitKind.CITY_OFFICE)

    def member_units(self) -> tuple[Unit, ...]:
        """The member units of the leading group (成员单位), who report monthly."""
        return tuple(u for u in self.units if u.member)

    def routing_tier(self, total_wan: Decimal) -> RoutingTier:
        """The city routing band for a total investment in 万元."""
        return _band(self.routing, total_wan)

    def followup_tier(self, total_wan: Decimal) -> FollowupTier:
        """The follow-up band for a total investment in 万元."""
        return _band(self.followup, total_wan)


def _site_problems(
    sites: tuple[Site, ...], unit_ids: set[str], zone_ids: set[str]
) -> list[tuple[tuple[str | int, ...], str]]:
    out: list[tuple[tuple[str | int, ...], str]] = []
    for i, site in enumerate(sites):
        loc: tuple[str | int, ...] = ("sites", i)
        if site.unit is not None and site.unit not in unit_ids:
            out.append(((*loc, "unit"), f"{site.unit!r} is not a unit"))
        if site.unit is None and site.standard is not SiteStandard.ZONE:
            out.append(((*loc, "unit"), "a site outside a special zone needs its unit"))
        if (site.standard is SiteStandard.OWN) != bool(site.indicators):
            out.append(((*loc, "indicators"), "indicators go with standard: own, and only then"))
        if (site.standard is SiteStandard.ZONE) != (site.zone is not None):
            out.append(((*loc, "zone"), "a zone goes with standard: zone, and only then"))
        if site.zone is not None and site.zone not in zone_ids:
            out.append(((*loc, "zone"), f"{site.zone!r} is not a zone"))
        for j, ind in enumerate(site.indicators):
            if ind.id not in LAND_RATIO_IDS:
                out.append(((*loc, "indicators", j, "id"), f"{ind.id!r} is not a land ratio"))
    return out


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
