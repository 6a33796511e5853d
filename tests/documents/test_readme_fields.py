"""README's "Changing the documents" lists every field each Word template receives, so a clerk
editing a template knows what to write; a field added to a document's data must be listed."""

from __future__ import annotations

import re
from pathlib import Path

from documents.word.catalog import DOCUMENTS
from documents.word.templates import template_context

README = Path(__file__).resolve().parents[2] / "README.md"


def _section() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index("## Changing the documents")
    end = text.index("\n## ", start + 1)
    return text[start:end]


def test_readme_lists_every_field_of_every_word_template():
    listed = set(re.findall(r"`([a-z_]+)(?:\.[a-z_]+)?`", _section()))
    for document in DOCUMENTS:
        assert f"`{document.name}.docx`" in _section(), document.name
        missing = set(template_context(document.samples[0]())) - listed
        assert not missing, f"{document.name}: README does not list {sorted(missing)}"
