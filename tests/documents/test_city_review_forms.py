"""The 备案表 and 审批表 of a project the city group reviewed itself (001 七(二)2(2)) say so."""

from __future__ import annotations

from dataclasses import replace

from documents.samples.city import city_filing, city_two_level
from documents.word import approval_form, docx_text, filing_form


def test_a_form_after_the_citys_own_review_names_the_citys_review():
    text = docx_text(approval_form(city_two_level()))
    assert "市级评审结论\n通过　　评审日期：2026年12月3日" in text
    assert "注：本项目由市招商引资工作领导小组组织评审（001 七(二)2(2)）。" in text
    assert "本地评审结论" not in text


def test_a_form_after_the_districts_review_names_the_local_review():
    text = docx_text(filing_form(city_filing()))
    assert "本地评审结论" in text and "市级评审结论" not in text
    assert "市招商引资工作领导小组组织评审" not in text
    local = docx_text(approval_form(replace(city_two_level(), city_reviewed=False)))
    assert "本地评审结论" in local and "市级评审结论" not in local
