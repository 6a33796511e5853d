"""The 清远市招商项目遴选申报表 (001 附件2): the plan's figures, its per-mu indicators, each
phase, the screening's checks and the priority conditions, with the investor's undertaking."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

import docx

from documents.word import docx_text
from documents.word.application import Application, Phase, application_form


def _form(**changes: Any) -> Application:
    form = Application(
        city="清远市",
        county="清远市清新区",
        serial="QX-2026-0007",
        project_name="高性能复合材料生产基地",
        investor="广东新材科技有限公司",
        investor_category="行业龙头企业",
        industry="新材料",
        site="清新区智能制造生态产业园",
        content="建设复合材料生产线及研发中心",
        total_investment_wan=Decimal(60000),
        fixed_asset_wan=Decimal(48000),
        land_area_mu=Decimal(100),
        land_use="purchase",
        floor_area_sqm=Decimal(80000),
        products="碳纤维复合板材",
        annual_output_wan=Decimal(60000),
        annual_tax_wan=Decimal(3500),
        jobs=300,
        phases=[
            Phase(
                "2027-03", "2028-06", Decimal(60), Decimal(30000), Decimal(36000), Decimal(2100)
            ),
            Phase(
                "2028-07", "2029-12", Decimal(40), Decimal(18000), Decimal(24000), Decimal(1400)
            ),
        ],
        checks=["【符合】项目选址不涉及生态保护红线。〔000 附件2 三〕"],
        priority=["单体制造业项目投资5亿元以上"],
        investor_profile="国家高新技术企业",
        feasibility_report=True,
        contact="王明 13800138000",
        applied_on=date(2026, 11, 23),
    )
    return replace(form, **changes)


def test_the_form_carries_the_title_the_plan_and_its_per_mu_figures():
    text = docx_text(application_form(_form()))
    assert text.startswith("清远市招商项目遴选申报表")
    assert "受理单位：清远市清新区" in text and "2026年11月23日" in text
    for needed in ("高性能复合材料生产基地", "广东新材科技有限公司", "行业龙头企业", "新材料"):
        assert needed in text
    assert "100（购地）" in text
    assert "固定资产投资强度：480万元/亩" in text
    assert "亩均产值：600万元/亩" in text and "亩均税收：35万元/亩" in text


def test_each_phase_has_its_months_and_its_own_intensity():
    text = docx_text(application_form(_form()))
    assert (
        "第一期：2027-03 至 2028-06；用地 60 亩，固定资产投资 30,000 万元（500 万元/亩）" in text
    )
    assert (
        "第二期：2028-07 至 2029-12；用地 40 亩，固定资产投资 18,000 万元（450 万元/亩）" in text
    )
    assert [line[:3] for line in text.split("\n") if line.startswith("第")] == ["第一期", "第二期"]


def test_the_checks_and_priority_conditions_are_printed_and_none_says_so():
    text = docx_text(application_form(_form()))
    assert "项目选址不涉及生态保护红线" in text and "单体制造业项目投资5亿元以上" in text
    bare = docx_text(application_form(_form(priority=[], phases=[])))
    rows = {
        r.cells[0].text: r.cells[-1].text
        for r in docx.Document(io.BytesIO(application_form(_form(priority=[])))).tables[0].rows
    }
    assert rows["优先引入情形"] == "无"
    assert "建设进度（分期）" in bare


def test_a_cross_region_project_is_received_by_the_city_office():
    text = docx_text(
        application_form(_form(cross_region=True, county="清远市招商引资工作领导小组办公室"))
    )
    assert "受理单位：清远市招商引资工作领导小组办公室" in text
    assert "跨区域项目，向市招商引资工作领导小组办公室申请" in text


def test_missing_figures_print_as_dashes_and_the_undertaking_is_there():
    form = _form(fixed_asset_wan=None, annual_tax_wan=None, jobs=None, feasibility_report=False)
    text = docx_text(application_form(form))
    assert "固定资产投资强度：—万元/亩" in text and "亩均税收：—万元/亩" in text
    assert "项目可行性研究报告：未提交" in text
    assert "按遴选评审时承诺的项目内容" in text and "法定代表人（签名）" in text
