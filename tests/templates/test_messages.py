"""Every message template renders in both locales with StrictUndefined, and the two locales
define the same files, macros and parameters."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from jinja2.runtime import Macro

from documents.charts import UnitRate
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
TIMELINE = [  # handlers/timeline.Event: a stage, a city step, a note
    SimpleNamespace(at=NOW, kind="stage", stage="city", text=None, position=None),
    SimpleNamespace(
        at=NOW, kind="city_approve", stage=None, text=None, position="city_exec_deputy"
    ),
    SimpleNamespace(at=NOW, kind="city_return", stage=None, text="请补充能评", position=None),
]
AGREEMENT = SimpleNamespace(
    signed_on=DAY,
    signer="张国力",
    signer_capacity="authorised_leader",
    scan_uploaded_at=None,
    drc_filed_on=None,
    drc_returned_at=NOW,
    drc_return_reason="投资强度不一致",
    green_channel=True,
    committed_start="2027-03",
    committed_production="2028-06",
    committed_intensity=Decimal("420"),
    committed_output_yi=Decimal("8.5"),
    committed_tax_wan=Decimal("4200"),
)
AUTHORISER = SimpleNamespace(name="张仁建")
DIFFERENCES = [
    SimpleNamespace(figure="intensity", screened=Decimal("433.33"), agreed=Decimal("420")),
    SimpleNamespace(figure="start", screened=None, agreed="2027-03"),
]
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
CONFIRMATION = SimpleNamespace(
    condition_id="forbidden_catalogue",
    number=1,
    name="禁止类项目",
    text="国家产业投资目录“禁止类”的项目",
    source="001 六(一)",
    answer="yes",
)
CONFIRMATION_OPEN = SimpleNamespace(**{**vars(CONFIRMATION), "number": 2, "answer": None})
UNIT_ROW = SimpleNamespace(
    unit="区发展改革局",
    short="发改局",
    reviewer="曾卫坤",
    verdict="disagree",
    opinion="属于禁止类",
    confirmations=[CONFIRMATION],
)
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
        (
            "investment_intensity",
            "info",
            {
                "name": "固定资产投资强度",
                "unit": "万元/亩",
                "threshold": "380",
                "value": "100",
                "applied": False,
            },
        ),
        ("automation", "info", {"threshold": "70", "applied": False}),
        ("planning_eia", "fail", {"value": False, "applied": True}),
        ("planning_eia", "warn", {"value": False, "applied": False}),
        ("planning_eia", "unknown", {"value": None, "applied": True}),
        ("environment_negative_list", "fail", {"value": True, "applied": True}),
        ("environment_negative_list", "pass", {"value": False, "applied": True}),
        ("work_safety", "fail", {"value": False}),
        ("work_safety", "pass", {"value": True}),
        ("work_safety", "unknown", {}),
        ("site_standard", "warn", {"kind": "separate", "site": "富力中以科技小镇", "zone": None}),
        (
            "site_standard",
            "warn",
            {"kind": "zone", "site": "广清产业园", "zone": "广清经济特别合作区"},
        ),
        ("site_standard", "info", {"kind": "own", "site": "某园"}),
        ("plot_ratio", "info", {"value": "1.2"}),
        ("phase_figures", "unknown", {"count": 2}),
        (
            "phase_indicator",
            "fail",
            {
                "phase": 2,
                "indicator": "output_per_mu",
                "name": "亩均产值",
                "unit": "万元/亩",
                "threshold": "500",
                "value": "300",
                "indicator_source": "000 附件2 二",
            },
        ),
        (
            "phase_indicator",
            "unknown",
            {
                "phase": 1,
                "indicator": "tax_per_mu",
                "name": "亩均税收",
                "unit": "万元/亩",
                "threshold": "30",
                "indicator_source": "000 附件2 二",
            },
        ),
        ("phase_total", "warn", {"measure": "land", "total": "90", "whole": "100"}),
        ("phase_total", "pass", {"measure": "fixed_investment", "total": "100", "whole": "100"}),
        (
            "investor_category",
            "info",
            {"category": "准国家高新技术企业", "top_tier": False, "park_preferred": True},
        ),
        ("priority_withheld", "warn", {"number": 3, "name": "大型制造业项目"}),
        ("priority_pending", "warn", {"number": 1, "name": "鼓励类项目"}),
        ("priority_question", "warn", {"number": 8, "name": "增资扩产"}),
        ("priority_question", "warn", {"number": 3, "name": "大型制造业项目"}),
    ]
]
EXCEPTION = SimpleNamespace(
    id="strategic_emerging",
    name="战略性新兴产业项目",
    text="相关标准可另行商议",
    source="001 二",
)
EXCEPTION_REQUEST = SimpleNamespace(
    kind="strategic_emerging",
    reason="属指导目录3.4.1条",
    status="refused",
    decided_at=NOW,
    decision_note="不在目录内",
)
BLOCKERS = [f for f in FINDINGS if f["code"] in ("prohibited", "scope")]
ADMISSION_SAMPLES: dict[str, dict[str, object]] = {
    "no_approver": {},
    "status_name": {"status": "requested"},
    "request_line": {"r": EXCEPTION_REQUEST, "exc": EXCEPTION, "decider": "组长黄"},
    "card_block": {
        "open": BLOCKERS,
        "reasons": FINDINGS[1:2],
        "requests": [
            SimpleNamespace(request=EXCEPTION_REQUEST, exception=EXCEPTION, decider="组长黄")
        ],
        "applicable": [EXCEPTION],
        "pending": False,
    },
    "investor_blocked": {
        "project": PROJECT,
        "blockers": BLOCKERS,
        "reasons": FINDINGS[1:2],
        "contact": {
            "office": "区招商选资工作领导小组办公室",
            "host": "区经信局",
            "director": "张三",
        },
    },
    "requested": {"project": PROJECT, "exception": EXCEPTION},
    "city_card": {
        "project": PROJECT,
        "request": EXCEPTION_REQUEST,
        "exception": EXCEPTION,
        "blockers": BLOCKERS,
        "office": "区招商选资工作领导小组办公室",
    },
    "approved": {"project": PROJECT, "exception": EXCEPTION},
    "refused": {"project": PROJECT, "exception": EXCEPTION},
    "office_approved": {"project": PROJECT, "exception": EXCEPTION, "approver": "组长黄"},
    "office_refused": {
        "project": PROJECT,
        "exception": EXCEPTION,
        "approver": "组长黄",
        "reason": "不在目录内",
    },
    "nothing_to_lift": {"serial": "QX-2026-0001"},
    "no_exception": {"serial": "QX-2026-0001"},
    "not_applicable": {"serial": "QX-2026-0001", "name": "特殊情况"},
    "pending": {"serial": "QX-2026-0001"},
    "already_decided": {"serial": "QX-2026-0001"},
    "document_line": {
        "exception": EXCEPTION,
        "request": EXCEPTION_REQUEST,
        "decider": "组长黄",
        "on": DAY,
    },
}

DELEGATE_PEOPLE: dict[str, object] = {"name": "李四", "reviewer": "张三", "unit": "区环境保护局"}
DELEGATE_SAMPLES: dict[str, dict[str, object]] = {
    "btn_name": {"name": "张三"},
    "btn_remove": {"name": "李四", "reviewer": "张三"},
    "unit_card": {
        "unit": "区环境保护局",
        "entries": [
            {"name": "张三", "dimensions": ["环境影响"], "delegates": ["李四"]},
            {"name": "王五", "dimensions": None, "delegates": []},
        ],
        "notice": "✅ 已指定",
    },
    "choose_colleague": {"reviewer": "张三", "found": True},
    "confirm_name": DELEGATE_PEOPLE,
    "confirm_remove": {"name": "李四", "reviewer": "张三"},
    "named": {**DELEGATE_PEOPLE, "by": "王主任", "cards": 2},
    "named_notice": {**DELEGATE_PEOPLE, "by": "王主任", "cards": 2},
    "named_reviewer_notice": {**DELEGATE_PEOPLE, "by": "王主任"},
    "removed": {**DELEGATE_PEOPLE, "by": "王主任"},
    "removed_notice": {**DELEGATE_PEOPLE, "by": "王主任"},
    "removed_reviewer_notice": {**DELEGATE_PEOPLE, "by": "王主任"},
    "invite_link": {
        "reviewer": "张三",
        "unit": "区环境保护局",
        "link": "https://t.me/bot?start=inv_x",
        "expires": NOW,
    },
}

SAMPLES: dict[str, dict[str, object]] = {
    "charts#funnel_title": {"today": DAY},
    "charts#funnel_legend": {"colour": "amber"},
    "charts#status_title": {"period": "2026-11", "due": DAY},
    "charts#status_legend": {"filed": "late", "count": 2},
    "charts#status_caption": {
        "period": "2026-11",
        "due": DAY,
        "on_time": ["区环境保护局"],
        "late": ["区经济和信息化局"],
        "missing": ["区地税局"],
    },
    "charts#rates_title": {"year": 2026, "as_of": DAY},
    "charts#rates_legend": {"part": "missing"},
    "charts#rate_figure": {"rate": Decimal("92.5")},
    "charts#rates_caption": {
        "year": 2026,
        "as_of": DAY,
        "units": [
            UnitRate("区环境保护局", 3, 2, 1, 0, Decimal("66.7")),
            UnitRate("太平镇", 0, 0, 0, 0, None),
        ],
    },
    "charts#file_funnel": {"today": DAY},
    "charts#file_status": {"period": "2026-11"},
    "charts#file_rates": {"year": 2026},
    "common#unknown_command": {"command": "foo"},
    "common#project_not_found": {"serial": "QX-2026-0009"},
    "roles#name": {"role": "reviewer"},
    "stages#name": {"stage": "city"},
    "stages#next_step": {"stage": "decision"},
    "commands#describe": {"command": "new"},
    "commands#label": {"command": "new"},
    "commands#menu": {"registered": True},
    "findings#icon": {"status": "warn"},
    "findings#sentence": {"f": FINDINGS[0]},
    "findings#line": {"f": FINDINGS[1]},
    "findings#document_line": {"f": FINDINGS[1]},
    "findings#block": {"findings": FINDINGS},
    "onboarding#welcome_back": {"name": "李明"},
    "onboarding#registered": {"name": "李明"},
    "onboarding#whoami": {
        "person": SimpleNamespace(name="李明", company="华锐"),
        "roles": [
            {
                "role": "reviewer",
                "unit": "区环境保护局",
                "dimension": "环境影响",
                "acting_for": None,
            },
            {"role": "reviewer", "unit": "区环境保护局", "dimension": None, "acting_for": "张三"},
        ],
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
    "onboarding#invite_wecom_sent": {"name": "张三", "userid": "ZhangSan", "role": "reviewer"},
    "onboarding#invite_wecom_granted": {"name": "张三", "userid": "ZhangSan", "role": "reviewer"},
    "onboarding#invite_wecom_joined": {
        "userid": "ZhangSan",
        "name": "张三",
        "role": "reviewer",
        "unit": "区环境保护局",
        "dimension": "环境影响",
    },
    "onboarding#invite_wecom_pending": {
        "name": "张三",
        "userid": "ZhangSan",
        "role": "reviewer",
        "expires": NOW,
        "unit": "区环境保护局",
        "dimension": "环境影响",
        "inviter": "王主任",
    },
    "onboarding#invite_wecom_pending_other": {
        "name": "张三",
        "userid": "ZhangSan",
        "role": "reviewer",
        "expires": NOW,
        "asked_role": "unit_reporter",
        "unit": "区环境保护局",
        "asked_unit": "区发展和改革局",
    },
    "onboarding#invite_wecom_notice": {
        "name": "张三",
        "inviter": "王主任",
        "role": "reviewer",
        "unit": "区环境保护局",
    },
    "onboarding#invite_wecom_granted_notice": {
        "name": "张三",
        "inviter": "王主任",
        "role": "reviewer",
        "unit": "区环境保护局",
    },
    "onboarding#link_code": {
        "link": "https://t.me/x?start=inv_a",
        "code": "/start inv_a",
        "expires": NOW,
    },
    "onboarding#linked": {"name": "张三"},
    "onboarding#invite_welcome": {"name": "钟雪军", "role": "reviewer", "unit": "区环境保护局"},
    "projects#submitted": {"project": PROJECT, "stage": "lead"},
    "projects#office_new_lead": {"project": PROJECT, "findings": FINDINGS, "stage": "lead"},
    "projects#my": {"items": [{"project": PROJECT, "timeline": TIMELINE}], "drafts": ["草稿项目"]},
    "projects#summary_screening": {"findings": FINDINGS, "missing": FINDINGS[:1]},
    "projects#internal_screening": {"findings": FINDINGS},
    "timeline#event": {"e": TIMELINE[1]},
    "timeline#lines": {"events": TIMELINE},
    "projects#detail": {
        "project": PROJECT,
        "timeline": TIMELINE,
        "official": True,
        "sector": "新材料",
        "site": "太和镇",
    },
    "delivery#card_transferred": {"name": "环保局李科长"},
    "delivery#why": {"error": "not in the app's visible range: message/send: invaliduser"},
    "city#card_returned": {"comment": "请补充退出机制条款"},
    "delivery#undeliverable": {
        "items": [
            {
                "name": "赵六",
                "unit": "经信局",
                "error": "Forbidden: bot was blocked by the user",
                "text": "<b>请报送月报</b>",
            },
            {
                "name": "钱七",
                "unit": "环保局",
                "error": "no such member: message/send: errcode 60111 (UserID不存在)",
                "text": "请评审",
            },
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
    "pipeline#btn_priority": {"number": 8},
    "pipeline#priority_judged": {"project": PROJECT},
    "pipeline#priority_already": {"serial": "QX-2026-0001"},
    "pipeline#priority_blocked": {"serial": "QX-2026-0001"},
    "pipeline#priority_not_open": {"serial": "QX-2026-0001", "number": 3},
    "pipeline#priority_entry_open": {"serial": "QX-2026-0001"},
    "pipeline#office_card": {
        "project": PROJECT,
        "timeline": TIMELINE,
        "team": ["张庆忠"],
        "agreement": AGREEMENT,
        "sector": "新材料",
    },
    "pipeline#overview": {
        "counts": {"lead": 2, "review": 1},
        "view": "negotiation",
        "page": 2,
        "pages": 5,
        "total": 45,
    },
    "pipeline#view_name": {"view": "s4"},
    "pipeline#found": {"words": "碳纤维", "total": 12, "page": 1, "pages": 2, "own": True},
    "pipeline#export_caption": {"view": "active", "query": None, "count": 10, "total": 12},
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
        "unit": "区发展改革局",
        "units": ["区发展改革局", "区经济和信息化局"],
        "findings": FINDINGS[:3],
        "opinion": OPINION,
        "closed": True,
        "sector": "新材料",
        "confirmations": [CONFIRMATION, CONFIRMATION_OPEN],
        "question": 1,
        "only_disagree": True,
        "colleagues": [UNIT_ROW],
        "acting_for": "张三（经信局）",
        "recorded_by": "李四",
    },
    "review#progress_card": {
        "project": PROJECT,
        "round": ROUND,
        "rows": [
            ROW | {"confirmations": [CONFIRMATION], "recorded_by": "李四"},
            ROW | {"verdict": None, "reviewer": None, "confirmations": [], "recorded_by": None},
        ],
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
    "review#left_out": {"recent": ["张三"], "unreachable": ["李四"], "shown": 5},
    "review#urged_everyone": {
        "n": 2,
        "recent": ["张三"],
        "unreachable": [],
        "shown": 5,
        "cards": 4,
        "rounds": 2,
    },
    "review#urge_list": {
        "items": [{"project": PROJECT, "dimension": "环境影响", "round": ROUND}],
    },
    "review#btn_open_card": {"serial": "QX-2026-0001", "dimension": "环境影响"},
    "review#former_card": {
        "project": PROJECT,
        "dimension": "环境影响",
        "reviewer": "张三（环保局）",
    },
    **{f"delegates#{k}": v for k, v in DELEGATE_SAMPLES.items()},
    "onboarding#invite_delegate_welcome": DELEGATE_PEOPLE,
    "onboarding#delegate_accepted_notice": DELEGATE_PEOPLE,
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
        "concluder": "张庆忠",
    },
    "review#conclusion_card": {
        "project": PROJECT,
        "round": ROUND,
        "rows": [
            SimpleNamespace(name="产业政策", verdict="disagree", veto=False, units=[UNIT_ROW]),
            SimpleNamespace(name="环境影响", verdict=None, veto=True, units=[]),
        ],
        "result": SimpleNamespace(outcome="failed", flagged=("technology",)),
        "vetoes": [SimpleNamespace(name="环境影响", veto_source="001 四(一)、六(三)", source="x")],
        "prohibited": [CONFIRMATION],
        "closed": True,
        "concluder": "张庆忠",
        "fail_rule": False,
    },
    "review#awaiting_conclusion": {"project": PROJECT, "round": ROUND, "found": False},
    "review#veto_cannot_pass": {"dimension": "环境影响", "citation": "001 四(一)、六(三)"},
    "review#disagreement_cannot_pass": {"citation": "000 一(二)2"},
    "review#prohibited_cannot_pass": {"name": "禁止类项目", "citation": "001 六(一)"},
    "review#confirm_first": {"name": "禁止类项目"},
    "review#already_confirmed": {"name": "禁止类项目", "answer": "no"},
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
    "meetings#choose_project": {"meeting": MEETING},
    "city#sent": {"project": PROJECT, "tier": "报市领导小组备案", "route": "filing"},
    "city#card": {
        "project": PROJECT,
        "case": SimpleNamespace(route="two_level"),
        "position": "city_exec_deputy",
        "city_reviewed": True,
    },
    "city#not_your_step": {"position": "city_leader"},
    "city#closed": {"serial": "QX-2026-0001"},
    "city#not_recallable": {"serial": "QX-2026-0001"},
    "city#passed_on": {"project": PROJECT, "position": "city_leader"},
    "city#cleared": {"project": PROJECT, "route": "filing", "stage": "signed"},
    "city#cleared_notice": {"project": PROJECT, "route": "approval", "stage": "cleared"},
    "city#recalled": {"project": PROJECT},
    "city#recalled_notice": {"project": PROJECT},
    "city#round_outcome_notice": {"project": PROJECT, "transition": "city_review_pass"},
    "city#returned": {"project": PROJECT},
    "city#returned_notice": {"project": PROJECT, "comment": "请补充退出机制条款"},
    "city#pre_review_offer": {"project": PROJECT},
    "city#pre_review_closed": {"project": PROJECT},
    "city#pre_review_recorded": {"project": PROJECT, "body": "广东某某工程咨询有限公司"},
    "city#pre_review_notice": {
        "project": PROJECT,
        "body": "广东某某工程咨询有限公司",
        "summary": "符合引入基本要求。",
    },
    "city#cross_region_card": {"project": PROJECT},
    "city#accepted": {"project": PROJECT},
    "city#cross_region_notice": {"project": PROJECT},
    "city#accepted_notice": {"project": PROJECT},
    "city#city_review_opened": {"project": PROJECT},
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
    "files#library": {"day": DAY},
    "files#application": {"serial": "QX-2026-0001"},
    "files#progress": {"day": DAY},
    "policy#lapsed": {
        "lapses": [
            SimpleNamespace(
                title="清远市招商引资项目遴选评审办法(试行)", last_day=DAY, source="001 九(一)"
            )
        ]
    },
    "services#choose": {"source": "000 一(三)2(2)"},
    "services#unit": {"unit": "区发展改革局", "duties": "负责产业政策。"},
    "services#continued": {"unit": "区发展改革局"},
    "services#item": {
        "number": 1,
        "item": SimpleNamespace(
            name="企业投资项目备案", procedure="网上填报", time_limit="3个工作日"
        ),
    },
    "services#page": {"page": 1, "pages": 2},
    "visits#due": {
        "half": SimpleNamespace(year=2027, half=1, start=DAY),
        "companies": 2,
        "today": DAY,
    },
    "application#sent": {"project": SimpleNamespace(serial="QX-2026-0001", name="新材料项目")},
    "progress#preview": {
        "count": 2,
        "last": SimpleNamespace(at=NOW),
        "last_by": "办公室王",
        "city_office": 1,
    },
    "progress#sent": {"count": 2, "at": NOW, "queued": 1},
    "progress#just_sent": {"at": NOW, "by": "办公室王"},
    "progress#problem": {"text": "用地报批滞后", "units": ["国土分局"]},
    "progress#to_city": {
        "county": "清远市清新区",
        "count": 2,
        "sender": SimpleNamespace(person=SimpleNamespace(name="办公室王")),
    },
    "reports#ym": {"period": "2026-11"},
    "reports#intro": {
        "period": "2026-11",
        "unit": "区经济和信息化局",
        "due": DAY,
        "resubmit": True,
    },
    "reports#thanks": {"period": "2026-11", "rows": 2, "late": True},
    "reports#web_bad_month": {"month": "2027-13", "current": "2027-02"},
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
    "signing#signed": {
        "project": PROJECT,
        "agreement": AGREEMENT,
        "due": DAY,
        "differences": DIFFERENCES,
        "authoriser": AUTHORISER,
    },
    "signing#signed_notice": {
        "project": PROJECT,
        "agreement": AGREEMENT,
        "due": DAY,
        "differences": DIFFERENCES,
        "authoriser": AUTHORISER,
    },
    "signing#signer": {"agreement": AGREEMENT, "authoriser": AUTHORISER},
    "onboarding#work_phone_saved": {"phone": "0763-5812345"},
    "signing#figure": {"name": "tax"},
    "signing#value": {"v": Decimal("1.5")},
    "signing#diff_lines": {"differences": DIFFERENCES},
    "signing#card_block": {
        "agreement": AGREEMENT,
        "authoriser": AUTHORISER,
        "differences": DIFFERENCES,
    },
    "signing#drc_card": {
        "project": PROJECT,
        "agreement": AGREEMENT,
        "authoriser": None,
        "differences": [],
        "filer": "卢梓星",
    },
    "signing#drc_filed_notice": {"project": PROJECT, "detail": "卢梓星"},
    "signing#drc_returned_notice": {"project": PROJECT, "detail": "投资强度不一致"},
    "signing#drc_done": {"serial": "QX-2026-0001"},
    "signing#no_drc_filer": {"project": PROJECT},
    "signing#clauses_missing": {"clauses": ["exit_mechanism", "supervision_duty"]},
    "signing#already_signed": {"serial": "QX-2026-0001"},
    "signing#scan_to_city": {"project": PROJECT, "agreement": AGREEMENT},
    "signing#scan_sent": {"project": PROJECT, "late": True},
    "signing#scan_reminder": {"project": PROJECT, "due": DAY},
    "signing#scan_late": {"project": PROJECT, "due": DAY},
    **{f"admission#{k}": v for k, v in ADMISSION_SAMPLES.items()},
    "demo#footer": {"database": "/tmp/zhaoshang-demo.db"},
    "demo#web": {
        "board": "http://127.0.0.1:8080/web/?open=board#tgWebAppData=…",
        "investor": "http://127.0.0.1:8080/web/#tgWebAppData=…",
        "office": "王主任",
        "investor_name": "李明",
    },
    **{f"confirm#ask_{k}": {"project": PROJECT, "minutes": 10} for k in ("lost", "prod")},
    **{f"confirm#ask_{k}": {"project": PROJECT} for k in ("pass", "fail")},
    **{f"confirm#ask_{k}": {"project": PROJECT, "decision": "rejected"} for k in ("reject",)},
    "confirm#ask_correct": {"project": PROJECT, "decision": "approved"},
    **{f"confirm#ask_city_{k}": {"project": PROJECT, "route": "filing"} for k in ("ok", "ack")},
    "confirm#ask_city_return": {"project": PROJECT, "route": "approval"},
    "confirm#decision_name": {"decision": "approved"},
    "confirm#undone": {"stage": "construction"},
    "confirm#investor_undone": {"project": PROJECT, "withdrawn": "lost"},
    "confirm#corrected": {"decision": "rejected"},
    "confirm#city_withdrawn": {"project": PROJECT},
    "meetings#btn_correct": {"serial": "QX-2026-0001"},
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


# -- formats: one filter each, aware of the template's locale (issue 15) ----------------------


@pytest.mark.parametrize(
    ("locale", "day", "month", "when"),
    [
        ("zh-Hans", "2026年12月1日", "2027年3月", "2026年11月23日 10:00"),
        ("en", "1 December 2026", "March 2027", "23 November 2026 10:00"),
    ],
)
def test_dates_read_as_the_locale_writes_them(locale: str, day: str, month: str, when: str):
    r = Renderer()
    assert r.message(locale, "charts#funnel_title", today=DAY).endswith(
        f"{day}）" if locale == "zh-Hans" else f"{day})"
    )
    assert month in r.message(locale, "signing#value", v="2027-03")
    assert when in r.message(locale, "progress#just_sent", at=NOW, by="办公室王")


def test_a_figure_has_the_same_thousands_separator_in_the_summary_and_the_findings():
    r = Renderer()
    finding = {
        "code": "routing",
        "status": "info",
        "citation": "001 七(二)2",
        "params": {"total": "65000", "name": "市常务副组长审批"},
    }
    assert "65,000 万元" in r.message("zh-Hans", "findings#line", f=finding)
    assert "65,000 万元" in r.message(
        "zh-Hans", "form#value", kind="money", v=Decimal(65000), unit="wan_yuan"
    )


@pytest.mark.parametrize(
    ("size", "shown"), [(300, "1 KB"), (512 * 1024, "512 KB"), (3 * 2**20 + 2**19, "3.5 MB")]
)
def test_a_file_under_a_megabyte_is_shown_in_kilobytes(size: int, shown: str):
    assert Renderer().message("zh-Hans", "form#file_size", n=size) == shown
