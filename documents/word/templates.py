"""The Word templates of the documents: `.docx` files with Jinja2 inside, filled by docxtpl.

An office edits them in Word or WPS (fonts, widths, headers, wording); a deployment may keep
its own copies in a folder (ZHAOSHANG_DOCUMENTS_DIR), and a file missing there is taken from
the packaged `templates/documents/`. Each template receives the fields of one plain dataclass
as its names, and the macros of `_common.j2` as filters (`{{ opened_on|cn_date }}`)."""

from __future__ import annotations

import dataclasses
import io
import logging
from collections.abc import Callable
from functools import cache, cached_property
from pathlib import Path
from typing import Any, Final

from docxtpl import DocxTemplate
from jinja2 import Environment, StrictUndefined, Undefined
from jinja2.exceptions import TemplateError

from templates.renderer import TEMPLATE_ROOT

log = logging.getLogger(__name__)

PACKAGED: Final = TEMPLATE_ROOT / "documents"
WORDS: Final = "_common.j2"  # the shared words and formats: every macro is also a filter


class _LoggedUndefined(Undefined):
    """A field an edited template names but the data lacks: printed blank, and logged, so a
    clerk's slip never keeps a document from being sent."""

    __slots__ = ()

    def __str__(self) -> str:
        log.warning("a document template names an unknown field: %s", self._undefined_name)
        return ""


def template_context(data: object) -> dict[str, Any]:
    """What a template receives: the dataclass's fields and its public properties, by name."""
    if not dataclasses.is_dataclass(data) or isinstance(data, type):
        raise TypeError(f"a document is filled from a dataclass, not {type(data).__name__}")
    names = {f.name: getattr(data, f.name) for f in dataclasses.fields(data)}
    for cls in type(data).__mro__:
        for name, member in vars(cls).items():
            if isinstance(member, property) and not name.startswith("_"):
                names.setdefault(name, getattr(data, name))
    return names


class WordTemplates:
    """The Word templates of one deployment: its own folder first, then the packaged ones."""

    def __init__(self, folder: Path | None = None, *, strict: bool = False) -> None:
        self.folder = folder
        self.strict = strict  # an unknown field raises (for `documents check`) instead of blank

    def path(self, name: str) -> Path:
        """The file a template is read from: `name.docx` in the folder, else the packaged one."""
        return self._find(f"{name}.docx")

    def _find(self, filename: str) -> Path:
        if self.folder is not None and (self.folder / filename).is_file():
            return self.folder / filename
        return PACKAGED / filename

    @cached_property
    def env(self) -> Environment:
        """The Jinja2 environment docxtpl renders with: XML-escaped values, the shared words."""
        words = Environment(
            undefined=StrictUndefined, autoescape=False, trim_blocks=True, lstrip_blocks=True
        )
        module = words.from_string(self._find(WORDS).read_text(encoding="utf-8")).module
        env = Environment(
            autoescape=True, undefined=StrictUndefined if self.strict else _LoggedUndefined
        )
        for name in dir(module):
            macro = getattr(module, name)
            if not name.startswith("_") and callable(macro):
                env.filters[name] = _filter(macro)
        return env

    def render(self, name: str, data: object) -> bytes:
        """The document `name` filled from `data`, as .docx bytes."""
        template = DocxTemplate(self.path(name))
        template.render(template_context(data), jinja_env=self.env)
        out = io.BytesIO()
        template.save(out)
        return out.getvalue()


@cache
def default_templates() -> WordTemplates:
    """The packaged templates, for a builder called without a deployment's own."""
    return WordTemplates()


def _filter(macro: Callable[..., Any]) -> Callable[..., str]:
    def apply(value: Any, *args: Any) -> str:
        return str(macro(value, *args)).strip(" \n\r\t")

    return apply


__all__ = ["PACKAGED", "TemplateError", "WordTemplates", "default_templates", "template_context"]
