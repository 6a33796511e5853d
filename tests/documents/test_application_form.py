"""The 清远市招商项目遴选申报表 (001 附件2): the plan's figures, its per-mu indicators, each
phase, the screening's findings under 引入要求 and 禁止引入, the priority conditions, and the
investor's undertaking."""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace

from lxml import etree

from documents.samples.application import application, sparse_application
from documents.word import docx_text
from documents.word.application import application_form
from documents.word.layout import layout_problems
from tests.documents.docx_helpers import assert_title, label_value, open_docx, unbroken

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def test_the_form_carries_the_title_the_plan_and_its_per_mu_figures():
    doc = open_docx(application_form(application()))
    assert_title(doc, "清远市招商项目遴选申报表")
    assert doc.paragraphs[1].text.startswith("受理单位：清远市清新区")
    assert doc.paragraphs[1].text.endswith("申报日期：2026年11月23日")
    table = doc.tables[0]
    assert label_value(table, "项目名称") == "清新高性能复合材料生产基地项目"
    assert label_value(table, "投资主体") == "广东新材科技有限公司"
    assert label_value(table, "投资主体类别") == "行业龙头企业"
    assert label_value(table, "所属行业") == "新材料"
    assert label_value(table, "申报途径") == "向拟落户地遴选评审机构申请"
    assert label_value(table, "用地面积（亩）") == "100"
    assert label_value(table, "建筑面积（平方米）") == "80,000"
    assert label_value(table, "用地方式") == "购地"
    assert label_value(table, "用地类型") == "■新增建设用地　　□盘活存量土地、厂房"
    assert label_value(table, "就业人数（人）") == "300"
    assert label_value(table, "投入产出指标").split("\n") == [
        "固定资产投资强度：480万元/亩",
        "亩均产值：600万元/亩",
        "亩均税收：35万元/亩",
    ]
    assert label_value(table, "计划开工时间") == "2027年3月"
    assert label_value(table, "计划投产时间") == "2028年6月"
    assert label_value(table, "可行性研究报告") == "■有　　□无"


def test_each_phase_has_its_months_and_its_own_intensity():
    table = open_docx(application_form(application())).tables[0]
    assert label_value(table, "建设进度").split("\n") == [
        "第一期：2027年3月至2028年6月；用地60亩，固定资产投资30,000万元"
        "（投资强度500万元/亩），年产值36,000万元，年税收2,100万元",
        "第二期：2028年7月至2029年12月；用地40亩，固定资产投资18,000万元"
        "（投资强度450万元/亩），年产值24,000万元，年税收1,400万元",
    ]


def test_the_screenings_findings_sit_under_the_requirement_they_check():
    table = open_docx(application_form(application())).tables[0]
    assert "新材料属于全市重点发展的7大产业" in label_value(table, "产业导向")
    assert label_value(table, "环保准入").startswith("【符合】项目选址不涉及生态保护红线")
    assert "安全设施设备与主体工程同时设计" in label_value(table, "安全生产")
    assert len(label_value(table, "投入产出要求").split("\n")) == 4
    assert label_value(table, "禁止引入类别") == (
        "初步筛查未发现禁止引入情形；第六条第（一）（二）（四）项由评审部门核实"
    )
    assert label_value(table, "优先引入情形").split("\n") == ["优质投资主体", "研发平台"]
    found = replace(
        application(), prohibited=["【不符合】触及禁止引入第5条（指标不达标）。〔001 六(五)〕"]
    )
    table = open_docx(application_form(found)).tables[0]
    assert label_value(table, "禁止引入类别").startswith("【不符合】触及禁止引入第5条")


def test_a_cross_region_project_is_received_by_the_city_office():
    text = docx_text(application_form(sparse_application()))
    assert "受理单位：清远市招商引资工作领导小组办公室" in text
    assert "跨区域布局项目，向市招商引资工作领导小组办公室申请" in text


def test_a_sparse_application_says_what_is_not_filled_in():
    data = application_form(sparse_application())
    table = open_docx(data).tables[0]
    for label in ("投资主体", "拟选址", "建设内容", "投资总额（万元）", "建设进度", "环保准入"):
        assert label_value(table, label) == "（未填）", label
    assert label_value(table, "投入产出指标").split("\n")[2] == "亩均税收：（未填）"
    assert label_value(table, "优先引入情形") == "无"
    assert label_value(table, "可行性研究报告") == "□有　　■无"
    assert "2. 项目可行性研究报告（未提交）" in label_value(table, "附报材料")
    assert "—" not in docx_text(data)


def test_the_undertaking_and_the_acceptance_are_there_to_sign():
    text = docx_text(application_form(application()))
    assert "按遴选评审时承诺的项目内容、动工及投产时间" in text
    assert "法定代表人（签名）：" in text and "受理单位（盖章）：" in text


def test_every_row_keeps_together_and_the_serial_never_breaks():
    for form in (application(), sparse_application()):
        data = application_form(form)
        assert layout_problems(data) == []
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            body = etree.fromstring(archive.read("word/document.xml"))
        rows = list(body.iter(f"{W}tr"))
        assert rows and all(row.find(f"{W}trPr/{W}cantSplit") is not None for row in rows)
        assert label_value(open_docx(data).tables[0], "项目编号") == unbroken(form.serial)
