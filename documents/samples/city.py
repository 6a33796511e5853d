"""The city's 备案表 and 遴选、评审审批表 of realistic projects, full and sparse."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from documents.word.city import CityAction, CityFiling
from documents.word.figures import Phase

_ENVIRONMENT = [
    "【符合】项目选址不涉及生态保护红线。〔001 四(一)〕",
    "【符合】项目符合所在园区规划环评。〔000 附件2 三〕",
    "【符合】项目不在行业环境准入负面清单内。〔000 附件2 三〕",
]
_SAFETY = [
    "【符合】投资方承诺符合安全生产条件，安全设施设备与主体工程同时设计、同时施工、"
    "同时投入生产和使用。〔001 四(二)〕"
]


def city_filing() -> CityFiling:
    """A 2.5亿 project filed with the city office, which has acknowledged it."""
    return CityFiling(
        city="清远市",
        county="清远市清新区",
        serial="QX-2026-0001",
        project_name="清新新能源汽车电机壳体精密压铸项目",
        investor="广东华锐精密科技股份有限公司",
        route="filing",
        investor_category="行业龙头企业",
        industry="汽车零配件",
        site="清新区智能制造生态产业园（太和片区）",
        content=(
            "新建精密压铸车间、机加工车间、表面处理车间及研发检测中心，购置压铸岛、"
            "五轴加工中心等设备，形成年产120万件新能源汽车电机壳体的生产能力。"
        ),
        total_investment_wan=Decimal(25000),
        fixed_asset_wan=Decimal(19000),
        land_area_mu=Decimal(40),
        land_use="purchase",
        land_source="new",
        floor_area_sqm=Decimal(36000),
        products="新能源汽车电机壳体、减速器壳体、电控箱体等铝合金精密压铸件",
        annual_output_wan=Decimal(24000),
        annual_tax_wan=Decimal(1300),
        jobs=320,
        start_month="2027-03",
        production_month="2028-06",
        phases=[Phase("2027-03", "2028-06")],
        industry_checks=["【符合】汽车零配件属于全市重点发展的7大产业。〔001 三〕"],
        environment=_ENVIRONMENT,
        safety=_SAFETY,
        prohibited_screened=True,
        indicators=[
            "【符合】固定资产投资强度 475万元/亩，达到 380万元/亩 的标准。〔000 附件2 一〕"
        ],
        priority=["驰名商标或高新技术企业"],
        feasibility_report=True,
        contact="王明 0763-5812345",
        review_outcome="passed",
        reviewed_on=date(2026, 11, 6),
        decision="approved",
        decided_on=date(2026, 11, 20),
        actions=[
            CityAction(
                "city_office_director",
                "陈立",
                "acknowledge",
                "项目符合我市产业导向，予以备案。请督促企业按承诺的动工及投产时间推进建设。",
                date(2026, 11, 25),
            )
        ],
        submitted_on=date(2026, 11, 23),
        remarks="项目已列入区2027年重点建设项目计划。",
    )


def city_two_level() -> CityFiling:
    """A 12亿 project reviewed by the city group itself, with an approved exception; the
    常务副组长 has reviewed it, the 组长 has yet to approve."""
    return CityFiling(
        city="清远市",
        county="清远市清新区",
        serial="QX-2026-0012",
        project_name="清新高性能碳纤维复合材料生产基地项目",
        investor="广东新材科技集团有限公司",
        route="two_level",
        investor_category="中国500强企业",
        industry="新材料",
        site="清新区智能制造生态产业园（禾云片区）",
        content=(
            "分两期建设碳纤维原丝、碳化及复合材料制品生产线，配套建设研发中心、检测中心和"
            "仓储物流设施；一期建设原丝及碳化生产线，二期建设复合材料制品生产线。"
        ),
        total_investment_wan=Decimal(120000),
        fixed_asset_wan=Decimal(96000),
        land_area_mu=Decimal(300),
        land_use="purchase",
        land_source="existing",
        floor_area_sqm=Decimal(210000),
        products="高性能碳纤维、碳纤维预浸料、汽车轻量化复合材料部件、风电叶片主梁",
        annual_output_wan=Decimal(150000),
        annual_tax_wan=Decimal(9000),
        jobs=1200,
        start_month="2027-05",
        production_month="2028-12",
        phases=[Phase("2027-05", "2028-12"), Phase("2029-01", "2030-06")],
        environment=_ENVIRONMENT,
        safety=_SAFETY,
        prohibited_screened=True,
        prohibited=["【不符合】触及禁止引入第5条（指标不达标）。〔001 六(五)〕"],
        priority=["优质投资主体", "大型制造业项目"],
        feasibility_report=True,
        contact="李华 0763-5811234 13926612345",
        review_outcome="passed",
        reviewed_on=date(2026, 12, 3),
        city_reviewed=True,
        decision="approved",
        decided_on=date(2026, 12, 10),
        exceptions=[
            "例外情形：战略性新兴产业项目（001 二），经市招商引资工作领导小组审核同意"
            "（常务副组长 李文，2026年11月30日）。"
        ],
        actions=[
            CityAction(
                "city_exec_deputy",
                "李文",
                "approve",
                "同意。项目属战略性新兴产业，带动作用明显，报组长审批。",
                date(2026, 12, 14),
            )
        ],
        submitted_on=date(2026, 12, 11),
    )


def sparse_approval() -> CityFiling:
    """A 3.2亿 project submitted for approval with most of its plan unanswered."""
    return CityFiling(
        city="清远市",
        county="清远市清新区",
        serial="QX-2026-0030",
        project_name="清新冷链物流园项目",
        investor=None,
        route="approval",
        total_investment_wan=Decimal(32000),
    )
