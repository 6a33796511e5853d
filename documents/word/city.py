"""清远市招商项目备案表 and 遴选、评审审批表: what the district sends the city (001 七(二)2).
Two templates, one per form, since their signature rows differ: the 备案表 (below 3亿) has the
city office's 备案意见; the 审批表 the 常务副组长's 审批意见 (from 3亿), or his 初审意见 and the
组长's 审批意见 (from 10亿)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Final, Literal

from documents.word.base import check_choice
from documents.word.figures import ProjectFigures
from documents.word.minutes import DECISIONS, Decision
from documents.word.review_sheet import OUTCOMES, Outcome
from documents.word.templates import WordTemplates, default_templates

Route = Literal["filing", "approval", "two_level"]
Position = Literal["city_office_director", "city_exec_deputy", "city_leader"]
Step = Literal["filing", "preliminary", "approval"]
CityActionKind = Literal["acknowledge", "approve", "return", "recall"]
FILING_TEMPLATE: Final = "city_filing"
APPROVAL_TEMPLATE: Final = "city_approval"
ACTIONS: Final = ("acknowledge", "approve", "return", "recall")
# Who signs which form, in order: mirrors the policy's routing tiers (001 七(二)2(1)①②③).
SIGNATURE_ROWS: Final[dict[str, tuple[tuple[Position, Step], ...]]] = {
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
class Signature:
    """One signature row of a form: whose it is, at which step, and their latest action
    (None where they have not acted: the row is left to sign by hand)."""

    position: (
        Position  # city_office_director 办公室, city_exec_deputy 常务副组长, city_leader 组长
    )
    step: Step  # filing 备案意见, preliminary 初审意见, approval 审批意见
    action: CityActionKind | None = None  # 予以备案, 同意, 退回补充完善, 提交重新评审
    name: str | None = None  # 签名
    comment: str | None = None
    acted_on: date | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class CityFiling(ProjectFigures):
    """A project the district files with, or submits for approval to, the city group."""

    city: str  # 清远市
    county: str  # 申报单位
    serial: str  # 项目编号
    project_name: str
    investor: str | None  # 投资主体
    route: Route  # filing 备案 (below 3亿), approval 审批 (from 3亿), two_level (from 10亿)
    review_outcome: Outcome | None = None  # 评审结论
    reviewed_on: date | None = None
    decision: Decision | None = None  # 联席会议决策
    decided_on: date | None = None
    actions: list[CityAction] = field(default_factory=list)  # the last per position is shown
    submitted_on: date | None = None  # 申报日期
    remarks: str | None = None  # 备注
    exceptions: list[str] = field(default_factory=list)  # approved 例外 (001 二, 四(三))
    city_reviewed: bool = False  # the outcome is the city group's own review (001 七(二)2(2))

    def __post_init__(self) -> None:
        ProjectFigures.__post_init__(self)
        check_choice("route", self.route, SIGNATURE_ROWS)
        check_choice("review_outcome", self.review_outcome, OUTCOMES)
        check_choice("decision", self.decision, DECISIONS)
        known = {position for position, _ in SIGNATURE_ROWS[self.route]}
        stray = [act.position for act in self.actions if act.position not in known]
        if stray:
            raise ValueError(f"a {self.route} case has no signature row for {stray}")

    @property
    def signatures(self) -> list[Signature]:
        """The form's signature rows in the routing's order, each with its latest action."""
        rows = []
        for position, step in SIGNATURE_ROWS[self.route]:
            acts = [act for act in self.actions if act.position == position]
            act = acts[-1] if acts else CityAction(position)
            rows.append(Signature(position, step, act.action, act.name, act.comment, act.acted_on))
        return rows


def filing_form(form: CityFiling, *, templates: WordTemplates | None = None) -> bytes:
    """The 备案表 of a project below 3亿 (001 七(二)2(1)①) as a .docx file."""
    if form.route != "filing":
        raise ValueError(f"a {form.route} case needs the approval form, not the filing form")
    return (templates or default_templates()).render(FILING_TEMPLATE, form)


def approval_form(form: CityFiling, *, templates: WordTemplates | None = None) -> bytes:
    """The 遴选、评审审批表 of a project from 3亿 (001 七(二)2(1)②③) as a .docx file."""
    if form.route == "filing":
        raise ValueError("a filing case needs the filing form, not the approval form")
    return (templates or default_templates()).render(APPROVAL_TEMPLATE, form)
