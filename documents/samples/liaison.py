"""A signed project's liaison form (附件7), full and sparse."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from documents.word.liaison import Contact, LiaisonRow, LiaisonTable

_ROWS = (
    (
        "区发展和改革局",
        "项目立项、备案、核准，协调重大项目纳入省市重点项目",
        "卢梓星",
        "0763-5812345",
        "曾卫坤",
        "13800138001",
    ),
    (
        "区经济和信息化局",
        "项目入园条件、技术改造、能源消耗评估及用电增容协调",
        "张庆忠",
        "0763-5812346",
        "陈志强",
        "13800138002",
    ),
    (
        "市自然资源局清新分局",
        "用地预审、土地出让、用地报批及不动产登记",
        "黄志明",
        "0763-5812347",
        "王强",
        "13800138003",
    ),
    (
        "市生态环境局清新分局",
        "环境影响评价审批、排污许可及环保竣工验收",
        "陈立新",
        "0763-5812348",
        "李娜",
        "13800138004",
    ),
    (
        "区住房和城乡建设局",
        "施工许可、质量安全监督、竣工验收备案",
        "周海燕",
        "0763-5812349",
        "刘洋",
        "13800138005",
    ),
    (
        "区应急管理局",
        "安全生产条件审查、安全设施“三同时”监管",
        "梁国栋",
        "0763-5812350",
        "何敏",
        "13800138006",
    ),
    (
        "区市场监督管理局",
        "企业登记注册、特种设备使用登记",
        "吴建华",
        "0763-5812351",
        "赵丽",
        "13800138007",
    ),
    (
        "清新智能制造产业园管委会",
        "项目落地全程代办、园区配套设施及水电气接驳",
        "何俊峰",
        "0763-5812352",
        "孙磊",
        "13800138008",
    ),
)


def liaison() -> LiaisonTable:
    """A key project (from 1亿) with eight units and two district leaders."""
    return LiaisonTable(
        serial="QX-2026-0001",
        project_name="清新智能装备制造基地项目",
        investor="广东华锐精密科技股份有限公司",
        total_investment_wan=Decimal(65000),
        dated=date(2026, 12, 10),
        followed_by="district_leaders",
        rows=[
            LiaisonRow(unit, duties, Contact(lead, lead_phone), Contact(off, off_phone))
            for unit, duties, lead, lead_phone, off, off_phone in _ROWS
        ],
        district_leaders=["张仁建", "李文华"],
    )


def sparse_liaison() -> LiaisonTable:
    """A project below 1亿 with one unit assigned so far and no date."""
    return LiaisonTable(
        serial="QX-2026-0004",
        project_name="冷链物流二期项目",
        investor=None,
        total_investment_wan=None,
        dated=None,
        followed_by="unit_heads",
        rows=[LiaisonRow("区发展和改革局", None, Contact("卢梓星"), None)],
    )
