"""The 遴选申报表 of realistic projects: a phased one with every field, and a sparse one."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from documents.word.application import Application, Phase


def application() -> Application:
    """A 6亿 new-materials project in two phases, every field of the plan answered."""
    return Application(
        city="清远市",
        county="清远市清新区",
        serial="QX-2026-0007",
        project_name="清新高性能复合材料生产基地项目",
        investor="广东新材科技有限公司",
        investor_category="行业龙头企业",
        industry="新材料",
        site="清新区智能制造生态产业园（太和片区）",
        content=(
            "分两期建设碳纤维复合板材生产线、热塑性复合材料生产线及省级工程技术研究中心，"
            "购置自动铺丝机、热压罐、五轴加工中心等设备，达产后形成年产复合板材800万平方米"
            "的生产能力。"
        ),
        total_investment_wan=Decimal(60000),
        fixed_asset_wan=Decimal(48000),
        land_area_mu=Decimal(100),
        land_use="purchase",
        land_source="new",
        floor_area_sqm=Decimal(80000),
        products="碳纤维复合板材、热塑性复合材料型材、汽车轻量化部件",
        annual_output_wan=Decimal(60000),
        annual_tax_wan=Decimal(3500),
        jobs=300,
        start_month="2027-03",
        production_month="2028-06",
        phases=[
            Phase(
                "2027-03", "2028-06", Decimal(60), Decimal(30000), Decimal(36000), Decimal(2100)
            ),
            Phase(
                "2028-07", "2029-12", Decimal(40), Decimal(18000), Decimal(24000), Decimal(1400)
            ),
        ],
        industry_checks=[
            "【符合】新材料属于二、三产业项目，在遴选评审适用范围内。〔001 一〕",
            "【符合】新材料属于全市重点发展的7大产业，也是本区重点引进的产业。〔001 三〕",
        ],
        environment=[
            "【符合】项目选址不涉及生态保护红线。〔001 四(一)〕",
            "【符合】项目符合所在园区规划环评。〔000 附件2 三〕",
            "【符合】项目不在行业环境准入负面清单内。〔000 附件2 三〕",
        ],
        safety=[
            "【符合】投资方承诺符合安全生产条件，安全设施设备与主体工程同时设计、同时施工、"
            "同时投入生产和使用。〔001 四(二)〕"
        ],
        indicators=[
            "【符合】固定资产投资强度 480万元/亩，达到 380万元/亩 的标准。〔000 附件2 一〕",
            "【符合】亩均产值 600万元/亩，达到 400万元/亩 的标准。〔000 附件2 一〕",
            "【符合】亩均税收 35万元/亩，达到 25万元/亩 的标准。〔000 附件2 一〕",
            "【符合】机器人替代生产比率 35%，达到 30% 的标准。〔000 附件2 二〕",
        ],
        prohibited_screened=True,
        priority=["优质投资主体", "研发平台"],
        feasibility_report=True,
        contact="王明 13800138000",
        cross_region=False,
        investor_profile=(
            "广东新材科技有限公司成立于2009年，国家高新技术企业、专精特新“小巨人”企业，"
            "拥有发明专利46项，2025年营业收入18.6亿元，产品供应国内主要新能源汽车整车企业。"
        ),
        applied_on=date(2026, 11, 23),
    )


def sparse_application() -> Application:
    """A cross-region project applied to the city office, with most of its plan unanswered."""
    return Application(
        city="清远市",
        county="清远市招商引资工作领导小组办公室",
        serial="QX-2026-0031",
        project_name="跨区域冷链物流枢纽项目",
        investor=None,
        cross_region=True,
    )
