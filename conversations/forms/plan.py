"""The investor's 投资项目计划书 (附件4 of the Qingxin mechanism), asked and numbered by its
fifteen items, then what screening and the city's 遴选申报表 also need, in a part of its own.
Texts: templates/messages/<locale>/forms/plan.j2. (Longer than 300 lines: the form is one
table, read best whole, beside the checks across its fields.)"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal
from typing import Any, Final, Protocol

from conversations.fields import Check, Choice, Field, FormSpec, Kind, Part, Values
from conversations.files import MAX_FILE_SIZE

D = Decimal
YES_NO_UNSURE: Final = ("yes", "no", "unsure")
MAX_MONEY_WAN: Final = D(100_000_000)  # 1万亿元: well past any county project, still a typo guard


class Named(Protocol):
    """An option of the policy: a town or park, a sector, an investor category."""

    @property
    def id(self) -> Any: ...

    @property
    def name(self) -> str: ...


class PolicyLike(Protocol):
    """The parts of the policy the plan form offers as choices."""

    @property
    def sites(self) -> Sequence[Named]: ...

    @property
    def sectors(self) -> Sequence[Named]: ...

    @property
    def investor_categories(self) -> Sequence[Named]: ...


def plan_options(policy: PolicyLike) -> dict[str, list[Choice]]:
    """The run-time choices of the plan form, from the policy."""
    return {
        key: [Choice(str(item.id), item.name) for item in getattr(policy, key)]
        for key in ("sites", "sectors", "investor_categories")
    }


def _text(fid: str, **kw: Any) -> Field:
    return Field(fid, Kind.SHORT_TEXT, **kw)


def _long(fid: str, **kw: Any) -> Field:
    return Field(fid, Kind.LONG_TEXT, **kw)


def _money(fid: str, unit: str = "wan_yuan", **kw: Any) -> Field:
    return Field(fid, Kind.MONEY, unit=unit, min=D(0), max=MAX_MONEY_WAN, **kw)


def _yes_no(fid: str) -> Field:
    return Field(fid, Kind.YES_NO)


def _at_most(part: str, whole: str) -> Check:
    """`part` never exceeds `whole` (checked once both are answered)."""
    return Check(
        f"{part}_within_{whole}",
        (part, whole),
        lambda v: part not in v or whole not in v or v[part] <= v[whole],
    )


def _sum_at_most(check_id: str, parts: tuple[str, ...], whole: str) -> Check:
    """The answered `parts` together never exceed `whole`."""

    def total(v: Values) -> Decimal:
        return sum((v[p] for p in parts if p in v), D(0))

    return Check(
        check_id,
        (*parts, whole),
        lambda v: whole not in v or total(v) <= v[whole],
        lambda v: {**{p: v.get(p) for p in (*parts, whole)}, "total": total(v)},
    )


def phase_total(v: Values, item: str) -> Decimal:
    """The answered phases' `item` added up."""
    return sum((row[item] for row in v.get("phase_figures") or [] if item in row), D(0))


def _phases_at_most(check_id: str, item: str, whole: str) -> Check:
    """The phases' `item` together never exceed the plan's `whole` (001 四(三)). Falling short
    is not refused here, since the whole may be edited later; screening reports it."""
    return Check(
        check_id,
        ("phase_figures", whole),
        lambda v: whole not in v or phase_total(v, item) <= v[whole],
        lambda v: {"total": phase_total(v, item), "whole": v.get(whole)},
    )


def _phase_problem(v: Values) -> dict[str, Any] | None:
    """The first phase whose dates are out of order, or None."""
    previous: str | None = None
    for n, row in enumerate(v.get("phases") or [], start=1):
        start, end = row.get("start"), row.get("end")
        if start and end and end <= start:
            return {
                "problem": "end_not_after_start",
                "n": n,
                "start": start,
                "end": end,
                "previous": previous,
            }
        if start and previous and start < previous:
            return {
                "problem": "start_before_previous",
                "n": n,
                "start": start,
                "end": end,
                "previous": previous,
            }
        previous = start or previous
    return None


def _export_share(v: Values) -> Decimal | None:
    return None if "domestic_share" not in v else D(100) - v["domestic_share"]


def _in(part: str, *fields: Field) -> tuple[Field, ...]:
    """Fields of one part of the plan, in the order they are asked."""
    return tuple(replace(f, part=part) for f in fields)


# 附件4's fifteen numbered items, its signature block, and what screening and the city's
# 遴选申报表 need besides (asked last, in a part of their own). Titles: `part_<id>` in plan.j2.
PLAN_PARTS: Final = (
    Part("name", "1", lead="name"),
    Part("content", "2", lead="content"),
    Part("investor", "3", lead="investor"),
    Part("site", "4", lead="site"),
    Part("floor_area", "5", lead="floor_area"),
    Part("investment", "6", lead="total_investment"),
    Part("schedule", "7"),
    Part("transformer", "8", lead="transformer_kva"),
    Part("water", "9", lead="daily_water"),
    Part("jobs", "10", lead="jobs"),
    Part("products", "11"),
    Part("materials", "12", lead="materials_equipment"),
    Part("process", "13"),
    Part("profile", "14", lead="investor_profile"),
    Part("other", "15", lead="other_info"),
    Part("signature", "A", numbered=False),
    Part("screening", "B", numbered=False),
)

PLAN_FORM: Final = FormSpec(
    id="plan",
    template="forms/plan",
    parts=PLAN_PARTS,
    fields=(
        *_in("name", _text("name")),  # 附件4 第1项
        *_in("content", _long("content")),  # 第2项
        *_in("investor", _text("investor")),  # 第3项
        *_in(
            "site",  # 第4项
            Field("site", Kind.CHOICE, choices_from="sites", choices=("other",)),
            _text("site_other", condition=lambda v: v.get("site") == "other"),
            Field(
                "land_area", Kind.DECIMAL, unit="mu", min=D(0), min_exclusive=True, max=D(100_000)
            ),
            Field("land_use", Kind.CHOICE, choices=("purchase", "lease")),
        ),
        *_in(
            "floor_area",  # 第5项
            Field(
                "floor_area",
                Kind.DECIMAL,
                unit="sqm",
                min=D(0),
                min_exclusive=True,
                max=D(10_000_000),
            ),
            Field("plant_area", Kind.DECIMAL, unit="sqm", min=D(0), max=D(10_000_000)),
            Field("office_area", Kind.DECIMAL, unit="sqm", min=D(0), max=D(10_000_000)),
            Field(
                "plant_structure",
                Kind.CHOICE,
                choices=("multi_storey", "single_storey_steel"),
                condition=lambda v: v.get("plant_area", 0) > 0,
            ),
        ),
        *_in(
            "investment",  # 第6项
            _money("total_investment", min_exclusive=True),
            _money("fixed_investment"),
            _money("land_investment"),
            _money("plant_investment"),
            _money("equipment_investment"),
        ),
        *_in(
            "schedule",  # 第7项
            Field("phase_count", Kind.INTEGER, unit="phase", min=D(1), max=D(10)),
            Field("construction_months", Kind.INTEGER, unit="month", min=D(1), max=D(240)),
            Field(
                "phases",
                Kind.GROUP,
                count_from="phase_count",
                items=(
                    Field("start", Kind.YEAR_MONTH, not_before_today=True),
                    Field("end", Kind.YEAR_MONTH, not_before_today=True),
                ),
            ),
        ),
        *_in(
            "transformer",  # 第8项
            Field("transformer_kva", Kind.DECIMAL, unit="kva", min=D(0), max=D(10_000_000)),
        ),
        *_in(
            "water", Field("daily_water", Kind.DECIMAL, unit="ton", min=D(0), max=D(10_000_000))
        ),  # 第9项
        *_in(
            "jobs", Field("jobs", Kind.INTEGER, unit="person", min=D(0), max=D(1_000_000))
        ),  # 第10项
        *_in(
            "products",  # 第11项
            _text("brand", required=False),
            _long("products", max_length=500),
            Field("domestic_share", Kind.PERCENT, min=D(0), max=D(100)),
            Field("export_share", Kind.PERCENT, compute=_export_share),
            _text("annual_output"),
            _money("annual_output_value", unit="yi_yuan"),
            _money("annual_tax"),
        ),
        *_in("materials", _long("materials_equipment")),  # 第12项
        *_in("process", _long("process_flow"), _long("pollution_treatment")),  # 第13项
        *_in("profile", _long("investor_profile")),  # 第14项
        *_in("other", _long("other_info", required=False)),  # 第15项
        *_in(
            "signature",  # 项目负责人、联系人及电话, under item 15
            _text("project_lead", max_length=50),
            _text("contact_name", max_length=50),
            Field("contact_phone", Kind.PHONE),
        ),
        *_in(
            "screening",  # What screening and the city's 遴选申报表 need besides 附件4.
            Field("sector", Kind.CHOICE, choices_from="sectors"),  # 遴选办法 三
            Field("investor_category", Kind.CHOICE, choices_from="investor_categories"),
            # 遴选办法 七(二)1: here, or the city office for a cross-region project.
            Field("application_route", Kind.CHOICE, choices=("local", "cross_region")),
            # 遴选办法 一: new construction land, or existing land and plants put back to use;
            # the city's 备案表 and 审批表 and the 遴选申报表 say which.
            Field("land_source", Kind.CHOICE, choices=("new", "existing")),
            # 容积率 as the park's control plan gives it (附件2 一): asked, never a threshold.
            Field(
                "plot_ratio", Kind.DECIMAL, required=False, min=D(0), min_exclusive=True, max=D(20)
            ),
            # 遴选办法 四(三): each phase's own input and output, screened like the whole.
            Field(
                "phase_figures",
                Kind.GROUP,
                count_from="phase_count",
                condition=lambda v: v.get("phase_count", 1) > 1,
                items=(
                    Field(
                        "land",
                        Kind.DECIMAL,
                        unit="mu",
                        min=D(0),
                        min_exclusive=True,
                        max=D(100_000),
                    ),
                    _money("fixed_investment"),
                    _money("output", unit="yi_yuan"),
                    _money("tax"),
                ),
            ),
            _yes_no("high_tech"),
            _yes_no("famous_brand"),
            Field("automation_rate", Kind.PERCENT, min=D(0), max=D(100)),
            Field("rd_staff_share", Kind.PERCENT, min=D(0), max=D(100)),
            _yes_no("phd_lead"),
            _yes_no("rd_platform"),
            _yes_no("core_technology"),  # 高层联络 (2)
            _yes_no("headquarters"),
            Field("encouraged_category", Kind.CHOICE, choices=YES_NO_UNSURE),
            _yes_no("expansion"),
            _yes_no("single_project"),  # 遴选办法 五(三) 单体
            Field("eco_red_line", Kind.CHOICE, choices=YES_NO_UNSURE),
            Field("planning_eia", Kind.CHOICE, choices=YES_NO_UNSURE),  # 机制附件2 三
            Field("environment_negative_list", Kind.CHOICE, choices=YES_NO_UNSURE),
            Field("work_safety", Kind.CHOICE, choices=YES_NO_UNSURE),  # 遴选办法 四(二)
            Field("feasibility_report", Kind.FILE, required=False, max_size=MAX_FILE_SIZE),
        ),
    ),
    checks=(
        _at_most("fixed_investment", "total_investment"),
        _sum_at_most(
            "investment_parts",
            ("land_investment", "plant_investment", "equipment_investment"),
            "fixed_investment",
        ),
        _sum_at_most("floor_area_parts", ("plant_area", "office_area"), "floor_area"),
        _phases_at_most("phase_land", "land", "land_area"),
        _phases_at_most("phase_fixed_investment", "fixed_investment", "fixed_investment"),
        Check(
            "phase_dates",
            ("phases",),
            lambda v: _phase_problem(v) is None,
            lambda v: _phase_problem(v) or {},
        ),
    ),
)
