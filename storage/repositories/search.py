"""/find's query: projects whose serial, name or investor (the company named in the plan, or
the registered investor's name or company) contains the words, or whose sector the words
name. On PostgreSQL a trigram index on each of the three columns (pg_trgm's GIN, migration
0011) serves it; on SQLite the library is read through."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from sqlalchemy import ColumnElement, and_, or_
from sqlmodel import Session, col, select

from storage.tables import Person, Project

SEARCHED: Final = ("serial", "name", "investor_name")
"""The project's columns the words are looked for in."""


def like_pattern(words: str) -> str:
    """A LIKE pattern that finds `words` anywhere, its wildcards taken literally."""
    escaped = words.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search_condition(
    session: Session, words: str, *, sectors: Sequence[str] = (), investor: int | None = None
) -> ColumnElement[bool]:
    """Which projects the words find: the condition a count and a page are read with; only
    `investor`'s own when given."""
    pattern = like_pattern(words)
    people = session.exec(
        select(Person.id).where(
            or_(
                col(Person.name).ilike(pattern, escape="\\"),
                col(Person.company).ilike(pattern, escape="\\"),
            )
        )
    ).all()
    where = _matching(pattern, [p for p in people if p is not None], sectors)
    if investor is not None:
        where = and_(col(Project.investor_person_id) == investor, where)
    return where


def _matching(pattern: str, people: Sequence[int], sectors: Sequence[str]) -> ColumnElement[bool]:
    conditions = [getattr(Project, name).ilike(pattern, escape="\\") for name in SEARCHED]
    if people:  # a list, not a subquery, so that each condition can use its index
        conditions.append(col(Project.investor_person_id).in_(people))
    if sectors:
        conditions.append(col(Project.sector).in_(sectors))
    return or_(*conditions)
