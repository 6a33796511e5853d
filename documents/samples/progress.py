"""The district's progress report to the city (001 八), full and sparse."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from documents.word.progress import ProgressReport, ProgressRow


def progress() -> ProgressReport:
    """Five signed projects at different stages, two held up by problems."""
    rows = [
        ProgressRow(
            serial="QX-2026-0001",
            name="清新智能装备制造基地项目",
            investor="广东华锐精密科技股份有限公司",
            total_investment_wan=Decimal(65000),
            stage="⑤ 项目落地",
            signed_on=date(2026, 12, 18),
            committed_start="2027-03",
            committed_production="2028-06",
            scan_sent_on=date(2026, 12, 21),
            units=["发改局", "经信局", "国土分局", "规划分局", "环保分局"],
            problems=[
                "项目用地报批进度滞后，林地占用审批尚未取得省林业局批复（需协调：国土分局、林业局）",
                "园区110千伏变电站扩容未完成，影响设备调试用电（需协调：经信局、供电局）",
            ],
        ),
        ProgressRow(
            serial="QX-2026-0003",
            name="冷链物流项目",
            investor="清远冷链供应链管理有限公司",
            total_investment_wan=Decimal(20000),
            stage="④ 签约",
            signed_on=date(2027, 1, 8),
            committed_start="2027-05",
            committed_production="2028-03",
            units=["发改局", "交通局"],
        ),
        ProgressRow(
            serial="QX-2026-0005",
            name="新能源汽车电机壳体项目",
            investor="广东𠮷祥汽车零部件有限公司",
            total_investment_wan=Decimal(8000),
            stage="⑥ 已投产",
            signed_on=date(2026, 3, 2),
            committed_start="2026-05",
            committed_production="2026-12",
            scan_sent_on=date(2026, 3, 5),
            units=["经信局"],
        ),
        ProgressRow(
            serial="QX-2026-0007",
            name="预制菜中央厨房项目",
            investor="清远鲜丰食品有限公司",
            total_investment_wan=Decimal(12000),
            stage="⑤ 项目落地",
            signed_on=date(2026, 9, 15),
            committed_start="2026-11",
            committed_production="2027-09",
            scan_sent_on=date(2026, 9, 20),
            units=["农业农村局", "市场监管局"],
            problems=["食品生产许可现场核查排期较晚（需协调：市场监管局）"],
        ),
        ProgressRow(
            serial="QX-2026-0009",
            name="光伏组件边框项目",
            investor="清远晶盛新材料有限公司",
            total_investment_wan=Decimal(15000),
            stage="④ 签约",
            signed_on=date(2026, 11, 30),
            committed_start="2027-02",
            committed_production="2027-12",
            units=["经信局", "环保分局"],
        ),
    ]
    return ProgressReport(
        city="清远市",
        county="清远市清新区",
        office="清新区招商选资工作领导小组办公室",
        reported_on=date(2027, 1, 15),
        rows=rows,
        contact="王明",
        contact_phone="0763-5812345",
    )


def sparse_progress() -> ProgressReport:
    """One signed project with nothing recorded beyond its stage."""
    return ProgressReport(
        city="清远市",
        county="清远市清新区",
        office="清新区招商选资工作领导小组办公室",
        reported_on=date(2027, 1, 15),
        rows=[
            ProgressRow(
                serial="QX-2026-0004",
                name="冷链物流二期项目",
                investor=None,
                total_investment_wan=None,
                stage="④ 签约",
            )
        ],
    )
