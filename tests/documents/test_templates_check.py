"""The Word templates are files the office owns: a deployment's folder overrides them one by
one, and `zhaoshang documents check DIR` names every broken tag or unknown field."""

from __future__ import annotations

import io
import logging
import shutil
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from documents.samples.review import review_sheet
from documents.word import docx_text
from documents.word.catalog import DOCUMENTS, check_templates
from documents.word.layout import layout_problems
from documents.word.review_sheet import review_opinion_sheet
from documents.word.templates import PACKAGED, WordTemplates


def _edited(folder: Path, name: str, old: str, new: str) -> Path:
    """A copy of a packaged template with one piece of its text changed, as a clerk would."""
    folder.mkdir(parents=True, exist_ok=True)
    source = PACKAGED / f"{name}.docx"
    target = folder / f"{name}.docx"
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "word/document.xml":
                text = data.decode("utf-8")
                assert old in text, f"{old!r} is not in {name}"
                data = text.replace(old, new, 1).encode("utf-8")
            zout.writestr(item, data)
    return target


def test_the_packaged_templates_pass_the_check():
    assert [str(p) for p in check_templates(None)] == []


def test_every_template_fills_from_its_samples_with_rows_that_never_split():
    for document in DOCUMENTS:
        for sample in document.samples:
            data = document.build(sample(), WordTemplates())
            assert layout_problems(data) == [], document.name


def test_a_deployments_folder_overrides_a_template_and_keeps_the_others(tmp_path: Path):
    _edited(tmp_path, "review_opinion_sheet", "项目评审意见表", "清新区项目评审意见表")
    edited = review_opinion_sheet(review_sheet(), templates=WordTemplates(tmp_path))
    assert docx_text(edited).startswith("清新区项目评审意见表")
    assert WordTemplates(tmp_path).path("no_such_template") == PACKAGED / "no_such_template.docx"


def test_the_check_names_the_template_and_the_unknown_field(tmp_path: Path):
    _edited(tmp_path, "review_opinion_sheet", "{{ project_name }}", "{{ project_title }}")
    _edited(tmp_path / "b", "review_opinion_sheet", "{{ row.label }}", "{{ row.lable }}")
    assert [str(p) for p in check_templates(tmp_path)] == [
        "review_opinion_sheet: project_title: no such field"
    ]
    assert [str(p) for p in check_templates(tmp_path / "b")] == [
        "review_opinion_sheet: no such field: lable (of ReviewRow)"
    ]


def test_the_check_names_a_broken_tag_without_a_traceback(tmp_path: Path):
    _edited(tmp_path, "review_opinion_sheet", "{{ project_name }}", "{{ project_name }")
    result = CliRunner().invoke(app, ["documents", "check", str(tmp_path)])
    assert result.exit_code == 1
    assert "review_opinion_sheet: " in result.output
    assert "broken tag" in result.output
    assert "Traceback" not in result.output


def test_the_check_reports_rows_that_may_split_and_files_it_does_not_know(tmp_path: Path):
    _edited(tmp_path, "review_opinion_sheet", "<w:cantSplit/>", "")
    shutil.copy(PACKAGED / "review_opinion_sheet.docx", tmp_path / "old_form.docx")
    lines = [str(p) for p in check_templates(tmp_path)]
    assert any("may split across pages" in line for line in lines), lines
    assert "old_form.docx: not a template the bot uses" in lines


def test_the_check_command_lists_each_template_when_all_is_well():
    result = CliRunner().invoke(app, ["documents", "check"])
    assert result.exit_code == 0, result.output
    for document in DOCUMENTS:
        assert f"{document.name}: ok" in result.output


def test_a_field_an_edited_template_misnames_prints_blank_and_is_logged(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
):
    _edited(tmp_path, "review_opinion_sheet", "{{ project_name }}", "{{ project_title }}")
    with caplog.at_level(logging.WARNING):
        data = review_opinion_sheet(review_sheet(), templates=WordTemplates(tmp_path))
    assert "清新智能装备制造基地项目" not in docx_text(data)
    assert "project_title" in caplog.text
    assert zipfile.ZipFile(io.BytesIO(data)).testzip() is None
