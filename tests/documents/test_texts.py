"""Every word an office reads in a document comes from templates/, so another county edits
templates, not code: the builders' Python holds no Chinese text but the fonts' names."""

from __future__ import annotations

import ast
import re
from pathlib import Path

FONTS = {"仿宋", "宋体"}
GLYPH_PROBE = "中文字体招商"  # documents/charts/fonts.py: characters a CJK font must have
DOCUMENTS = Path(__file__).resolve().parents[2] / "documents"
SAMPLES = DOCUMENTS / "samples"  # sample data for `documents check`: Chinese by nature


def test_the_builders_hold_no_chinese_text_but_font_names():
    for path in sorted(DOCUMENTS.rglob("*.py")):
        if path.is_relative_to(SAMPLES):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef)
            and node.body
            and isinstance(node.body[0], ast.Expr)
        }
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and id(node) not in docstrings
                and re.search(r"[\u4e00-\u9fff]", node.value)
            ):
                assert node.value in FONTS | {GLYPH_PROBE}, (
                    f"{path.name}:{node.lineno}: {node.value!r}"
                )
