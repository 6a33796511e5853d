"""The fixed texts of a document: the macros of its template in `templates/documents/`."""

from __future__ import annotations

from functools import cache
from typing import Any

from templates.renderer import Renderer


@cache
def default_renderer() -> Renderer:
    """The renderer used when the caller passes none."""
    return Renderer()


class Texts:
    """The fixed texts of one document: macros of `templates/documents/<name>`."""

    def __init__(self, renderer: Renderer | None, template: str) -> None:
        self.renderer = renderer or default_renderer()
        self.template = template

    def __call__(self, part: str, /, **args: Any) -> str:
        """Render one macro of the document template with these arguments."""
        return self.renderer.document(self.template, part=part, args=args).rstrip("\n")

    def lines(self, part: str, /, **args: Any) -> list[str]:
        """Render one macro and split it into paragraphs, dropping empty ones."""
        return [line for line in self(part, **args).split("\n") if line.strip()]
