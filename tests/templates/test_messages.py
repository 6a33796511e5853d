"""Every message template renders in both locales with StrictUndefined, and the two locales
define the same files, macros and parameters."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from jinja2.runtime import Macro

from templates.renderer import LOCALES, TEMPLATE_ROOT, Renderer

MESSAGES = TEMPLATE_ROOT / "messages"
NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
PROJECT = SimpleNamespace(
    serial="QX-2026-0001",
    name="新能源汽车电机壳体项目",
    investor_name="广东华锐精密科技股份有限公司",
    total_investment_wan=Decimal(65000),
    awaiting_investor=True,
    land_area_mu=Decimal(120),
    stage="lead",
    priority=True,
    findings=[
        {
            "code": "investment_intensity",
            "status": "pass",
            "citation": "000 附件2 一",
            "params": {
                "name": "固定资产投资强度",
                "unit": "万元/亩",
                "threshold": "380",
                "value": "433.33",
            },
        }
    ],
)
HISTORY = [SimpleNamespace(at=NOW, to_stage="lead", note="提交")]
DAY = date(2026, 12, 1)
DIMENSION_NAMES = {"environment": "环境影响", "technology": "科技含量", "energy": "节能和能耗"}
NOTE = SimpleNamespace(at=NOW, kind="negotiation", text="实地考察")
AGREEMENT = SimpleNamespace(
    signed_on=DAY, signer="张国力", scan_uploaded_at=None, drc_filed_on=None, green_channel=True
)
ROUND = SimpleNamespace(number=1, deadline=DAY, level="district", outcome=None)
DIMENSION = SimpleNamespace(name="环境影响", focus="是否符合环境保护要求")
OPINION = SimpleNamespace(verdict="conditional", opinion="须落实环保措施", suggestion="补充环评")
ROW = {
    "id": 1,
    "dimension": "环境影响",
    "unit": "环保局",
    "reviewer": "钟雪军",
    "verdict": "agree",
    "opinion": "同意",
    "suggestion": None,
}
MEETING = SimpleNamespace(
    title="2026-12-01 联席会议", scheduled_at=NOW, place="第一会议室", status="scheduled"
)
FINDINGS = [
    {"code": code, "status": status, "citation": "001 五", "params": params}
    for code, status, params in [
        ("output_per_mu", "unknown", {"name": "亩均产值", "unit": "万元/亩", "threshold": "500"}),
        (
            "tax_per_mu",
            "fail",
            {"name": "亩均税收", "unit": "万元/亩", "threshold": "30", "value": "12"},
        ),
        ("automation", "warn", {"threshold": "70", "value": "50"}),
        ("scope", "fail", {"sector": "农业"}),
        ("sector", "pass", {"sector": "新材料", "group": "key_industry", "district_focus": True}),
        ("sector", "warn", {"sector": "其他", "group": "other_industry", "district_focus": False}),
        ("high_tech", "pass", {"value": True}),
        ("environmental_entry", "unknown", {}),
        ("site", "warn", {"site": "某村"}),
        ("rd_share", "info", {"value": "18"}),
        ("power_capacity", "info", {"value": "8000"}),
        ("investor_category", "info", {"category": "央企", "top_tier": True}),
        ("prohibited", "fail", {"number": 5, "name": "指标不达标"}),
        ("prohibited_none", "info", {}),
        ("priority", "pass", {"number": 3, "name": "大型制造业项目"}),
        ("priority_none", "info", {}),
        ("liaison", "pass", {"number": 1, "name": "龙头企业"}),
        ("liaison_none", "info", {}),
        ("routing", "info", {"tier": "filing", "name": "报市领导小组备案", "total": "20000"}),
        ("followup", "unknown", {}),
    ]
]
SAMPLES: dict[str, dict[str, object]] = {
    "common#unknown_command": {"command": "foo"},
    "common#project_not_found": {"serial": "QX-2026-0009"},
    "roles#name": {"role": "reviewer"},
    "stages#name": {"stage": "city"},
    "stages#next_step": {"stage": "decision"},
    "commands#describe": {"command": "new"},
    "findings#icon": {"status": "warn"},
    "findings#sentence": {"f": FINDINGS[0]},
    "findings#line": {"f": FINDINGS[1]},
    "findings#block": {"findings": FINDINGS},
    "onboarding#welcome_back": {"name": "李明"},
    "onboarding#registered": {"name": "李明"},
    "onboarding#whoami": {
        "person": SimpleNamespace(name="李明", company="华锐"),
        "roles": [{"role": "reviewer", "unit": "区环境保护局", "dimension": "环境影响"}],
        "positions": ["评审小组成员"],
        "admin": True,
    },
    "onboarding#roles_name": {"role": "office"},
    "onboarding#invite_unit": {"role": "reviewer"},
    "onboarding#invite_dimension": {"unit": "区环境保护局"},
    "onboarding#invite_link": {
        "role": "reviewer",
        "unit": "区环境保护局",
        "dimension": "环境影响",
        "link": "https://t.me/x?start=inv_a",
        "expires": NOW,
    },
    "onboarding#invite_accepted_notice": {"name": "钟雪军", "role": "reviewer"},
    "onboarding#invite_welcome": {"name": "钟雪军", "role": "reviewer", "unit": "区环境保护局"},
    "projects#submitted": {"project": PROJECT, "stage": "lead"},
    "projects#office_new_lead": {"project": PROJECT, "findings": FINDINGS, "stage": "lead"},
    "projects#my": {"items": [{"project": PROJECT, "history": HISTORY}], "drafts": ["草稿项目"]},
    "projects#detail": {
        "project": PROJECT,
        "history": HISTORY,
        "official": True,
        "sector": "新材料",
        "site": "太和镇",
    },
    "delivery#undeliverable": {
        "items": [
            {
                "name": "赵六",
                "unit": "经信局",
                "error": "Forbidden: bot was blocked by the user",
                "text": "<b>请报送月报</b>",
            }
        ]
    },
    "help": {"commands": ["new", "my"], "registered": True},
    "pipeline#rule": {"rule": "no_decision_without_passed_review"},
    "pipeline#refused": {
        "rule": "no_agreement_before_city_clearance",
        "citation": "001 七(三)",
        "stage": "decision",
        "serial": "QX-2026-0001",
    },
    "pipeline#investor_stage_changed": {"project": PROJECT, "stage": "review"},
    "pipeline#moved": {"stage": "signed"},
    "pipeline#unknown_stage": {"stage": "foo"},
    "pipeline#office_card": {
        "project": PROJECT,
        "history": HISTORY,
        "notes": [NOTE],
        "team": ["张庆忠"],
        "agreement": AGREEMENT,
        "sector": "新材料",
    },
    "pipeline#overview": {
        "counts": {"lead": 2, "review": 1},
        "projects": [PROJECT],
        "stage": None,
    },
    "pipeline#team_choose": {"project": PROJECT},
    "pipeline#team_added": {"project": PROJECT},
    "pipeline#returned_to_investor": {"project": PROJECT, "comment": "请补充财务报表"},
    "projects#resubmitted": {"project": PROJECT},
    "projects#office_resubmitted": {"project": PROJECT, "findings": FINDINGS},
    "projects#not_returned": {"serial": "QX-2026-0001"},
    "review#verdict": {"v": "conditional"},
    "review#btn_urge_one": {"dimension": "环境影响"},
    "review#reviewer_card": {
        "project": PROJECT,
        "round": ROUND,
        "dimension": DIMENSION,
        "units": ["区环境保护局"],
        "findings": FINDINGS[:3],
        "opinion": OPINION,
        "closed": False,
        "sector": "新材料",
    },
    "review#progress_card": {
        "project": PROJECT,
        "round": ROUND,
        "rows": [ROW, ROW | {"verdict": None, "reviewer": None}],
        "done": 1,
        "total": 2,
        "result": SimpleNamespace(outcome="flagged"),
        "closed": False,
        "overdue": True,
    },
    "review#opinion_intro": {"action": "cond", "dimension": "环境影响"},
    "review#not_your_dimension": {},
    "review#no_colleague": {"unit": "区环境保护局"},
    "review#transferred": {"name": "钟雪军"},
    "review#plan_caption": {"project": PROJECT},
    "review#urged": {"n": 3},
    "review#urge": {"project": PROJECT, "dimension": "环境影响", "deadline": DAY},
    "review#not_complete": {"pending": 2},
    "review#closed_notice": {
        "project": PROJECT,
        "result": SimpleNamespace(
            outcome="failed",
            vetoed_by=("environment",),
            flagged=("technology",),
            conditional=("energy",),
        ),
        "dimensions": {
            "environment": "环境影响",
            "technology": "科技含量",
            "energy": "节能和能耗",
        },
    },
    "review#overdue": {
        "project": PROJECT,
        "dimension": "环境影响",
        "unit": "区环境保护局",
        "reviewer": "钟雪军",
        "deadline": DAY,
    },
    "review#calendar_uncovered": {"year": 2027},
    "review#reminder": {"project": PROJECT, "dimension": "环境影响", "deadline": DAY},
    "meetings#title": {"date": DAY, "number": 1},
    "meetings#list": {"meetings": [MEETING]},
    "meetings#card": {
        "meeting": MEETING,
        "rows": [
            {
                "item": SimpleNamespace(decision="deferred", conditions="待环评批复"),
                "project": PROJECT,
            }
        ],
        "attendees": 12,
    },
    "meetings#btn_approve": {"serial": "QX-2026-0001"},
    "meetings#btn_reject": {"serial": "QX-2026-0001"},
    "meetings#btn_defer": {"serial": "QX-2026-0001"},
    "meetings#already_decided": {"serial": "QX-2026-0001"},
    "meetings#invitation": {"meeting": MEETING, "projects": [PROJECT]},
    "meetings#minutes_caption": {"meeting": MEETING},
    "city#sent": {"project": PROJECT, "tier": "市常务副组长审批"},
    "city#card": {
        "project": PROJECT,
        "case": SimpleNamespace(route="two_level"),
        "position": "city_exec_deputy",
    },
    "city#not_your_step": {"position": "city_leader"},
    "city#closed": {"serial": "QX-2026-0001"},
    "city#passed_on": {"project": PROJECT, "position": "city_leader"},
    "city#cleared": {"project": PROJECT, "route": "filing"},
    "city#cleared_notice": {"project": PROJECT, "route": "approval"},
    "city#recalled": {"project": PROJECT},
    "city#recalled_notice": {"project": PROJECT},
    "city#returned": {"project": PROJECT},
    "city#returned_notice": {"project": PROJECT, "comment": "请补充退出机制条款"},
    "digest#weekly": {
        "today": DAY,
        "counts": {"lead": 3, "review": 1},
        "new": [PROJECT],
        "stalled": [{"project": PROJECT, "days": 30, "colour": "red"}],
        "overdue": [{"project": PROJECT, "deadline": DAY, "pending": 2}],
        "scans": [{"project": PROJECT, "due": DAY}],
    },
    "liaison#card": {
        "project": PROJECT,
        "rows": [{"unit": "经信局", "leader": "张局长", "officer": None}],
        "tier": "区领导联系",
        "problems": 1,
    },
    "liaison#not_signed": {"serial": "QX-2026-0001"},
    "liaison#table_caption": {"project": PROJECT},
    "liaison#nobody": {"unit": "区住房城乡建设局"},
    "liaison#choose_lead": {"unit": "区经济和信息化局"},
    "liaison#choose_off": {"unit": "区经济和信息化局"},
    "liaison#assigned": {"project": PROJECT, "unit": "区经济和信息化局", "role": "officer"},
    "liaison#checkin": {"project": PROJECT},
    "liaison#problem": {"project": PROJECT, "text": "施工用电未接入", "units": ["住建局"]},
    "assessment#caption": {"year": 2026, "as_of": DAY},
    "forums#title_forum": {"date": DAY, "company": None},
    "forums#title_visit": {"date": DAY, "company": "广东华锐"},
    "forums#card": {"meeting": MEETING, "invited": 5, "opinions": 2},
    "forums#invitation": {"meeting": MEETING},
    "forums#reminder": {"meeting": MEETING},
    "forums#summary": {
        "meeting": MEETING,
        "rows": [{"name": "李明", "company": "华锐", "opinion": "审批快", "problems": "子女入学"}],
    },
    "files#review_sheet": {"serial": "QX-2026-0001", "number": 1},
    "files#plan": {"serial": "QX-2026-0001"},
    "files#minutes": {"number": 3},
    "files#city_form": {"serial": "QX-2026-0001", "route": "filing"},
    "files#liaison": {"serial": "QX-2026-0001"},
    "files#monthly": {"period": "2026-11"},
    "files#assessment": {"year": 2026},
    "reports#ym": {"period": "2026-11"},
    "reports#intro": {
        "period": "2026-11",
        "unit": "区经济和信息化局",
        "due": DAY,
        "resubmit": True,
    },
    "reports#thanks": {"period": "2026-11", "rows": 2, "late": True},
    "reports#opening": {"period": "2026-11", "unit": "区经济和信息化局", "due": DAY},
    "reports#reminder": {"period": "2026-11", "unit": "区经济和信息化局", "due": DAY},
    "reports#late": {"period": "2026-11", "unit": "区经济和信息化局", "due": DAY},
    "reports#escalation": {"period": "2026-11", "unit": "区经济和信息化局", "due": DAY},
    "reports#aggregate": {
        "period": "2026-11",
        "due": DAY,
        "submitted": ["经信局"],
        "missing": ["环保局"],
        "by_project": {
            "QX-2026-0001": [{"unit": "经信局", "problem": "用地报批滞后", "project": "QX"}]
        },
        "by_department": {
            "国土分局": [{"unit": "经信局", "problem": "x", "project": "QX-2026-0001"}]
        },
    },
    "signing#signed": {"project": PROJECT, "agreement": AGREEMENT, "due": DAY},
    "signing#signed_notice": {"project": PROJECT, "agreement": AGREEMENT, "due": DAY},
    "signing#scan_to_city": {"project": PROJECT, "agreement": AGREEMENT},
    "signing#scan_sent": {"project": PROJECT, "late": True},
    "signing#scan_reminder": {"project": PROJECT, "due": DAY},
    "signing#scan_late": {"project": PROJECT, "due": DAY},
}
# The form engine's texts and the forms have their own test (tests/conversations).
SKIP = {"forms", "form"}


def message_files(locale: str) -> set[str]:
    root = MESSAGES / locale
    return {
        str(p.relative_to(root).with_suffix(""))
        for p in root.rglob("*.j2")
        if p.relative_to(root).with_suffix("").parts[0] not in SKIP
    }


def macros(renderer: Renderer, locale: str, name: str) -> dict[str, tuple[str, ...]]:
    template = renderer.env.get_template(f"messages/{locale}/{name}.j2")
    try:
        module = template.make_module({"locale": locale})
    except Exception:
        return {}  # a whole-file template (needs its parameters to render at all)
    return {k: tuple(v.arguments) for k, v in vars(module).items() if isinstance(v, Macro)}


def test_both_locales_have_the_same_message_files():
    assert message_files("zh-Hans") == message_files("en")


@pytest.mark.parametrize("name", sorted(message_files("zh-Hans")))
def test_both_locales_define_the_same_macros_with_the_same_parameters(name: str):
    r = Renderer()
    assert macros(r, "zh-Hans", name) == macros(r, "en", name)


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("name", sorted(message_files("zh-Hans")))
def test_every_message_renders_with_strict_undefined(locale: str, name: str):
    r = Renderer()
    found = macros(r, locale, name)
    targets = [f"{name}#{m}" for m in found] or [name]
    for target in targets:
        text = r.message(locale, target, **SAMPLES.get(target, {}))
        assert text.strip(), target


def test_the_message_root_holds_only_the_two_locales():
    assert {p.name for p in Path(MESSAGES).iterdir()} == set(LOCALES)
