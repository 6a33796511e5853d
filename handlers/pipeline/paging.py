"""Pages of a list of projects: which page a press asks for, and the ◀ ▶ row under it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from conversations.replies import Button
from handlers.context import Services

PAGE_SIZE: Final = 10
"""Projects per page of /pipeline, /find and the agenda's choices."""


@dataclass(frozen=True, slots=True)
class Page:
    """One page of a list: its index (from 0), how many pages and items there are."""

    index: int
    total: int

    @property
    def pages(self) -> int:
        """How many pages the list has (at least one, even when empty)."""
        return max(1, -(-self.total // PAGE_SIZE))

    @property
    def offset(self) -> int:
        """Where the page starts in the list."""
        return self.index * PAGE_SIZE

    @property
    def number(self) -> int:
        """The page's number as people count, from 1."""
        return self.index + 1


def page_of(number: int, total: int) -> Page:
    """The page of this number (from 1), kept within the list: a list that shrank since the
    button was made shows its last page."""
    last = Page(0, total).pages - 1
    return Page(min(max(number - 1, 0), last), total)


def nav_row(
    s: Services, locale: str, page: Page, encode: Callable[[int], str]
) -> tuple[Button, ...]:
    """◀ and ▶, where there is a page before or after; `encode` makes the callback of a page
    by its number."""
    label = lambda key: s.renderer.message(locale, f"pipeline#btn_{key}")  # noqa: E731
    row = []
    if page.index > 0:
        row.append(Button(label("prev"), encode(page.number - 1)))
    if page.index < page.pages - 1:
        row.append(Button(label("next"), encode(page.number + 1)))
    return tuple(row)
