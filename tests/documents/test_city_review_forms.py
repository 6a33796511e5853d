"""The 备案表 and 审批表 of a project the city group reviewed itself (001 七(二)2(2)) say so."""

from __future__ import annotations

from decimal import Decimal

from documents.word import CityFiling, approval_form, docx_text, filing_form


def _form(city_reviewed: bool, route: str = "approval") -> CityFiling:
    return CityFiling(
        city="清远市",
        county="清新区",
        serial="QX-2026-0002",
        project_name="高端装备制造项目",
        investor="广东某某科技有限公司",
        route=route,  # type: ignore[arg-type]
        total_investment_wan=Decimal(50000),
        review_outcome="passed",
        city_reviewed=city_reviewed,
    )


def test_a_form_after_the_citys_own_review_names_the_citys_review():
    text = docx_text(approval_form(_form(True)))
    assert "市级评审结论（市招商引资工作领导小组组织）" in text
    assert "本地评审结论" not in text


def test_a_form_after_the_districts_review_names_the_local_review():
    text = docx_text(filing_form(_form(False, "filing")))
    assert "本地评审结论" in text and "市级评审结论" not in text
