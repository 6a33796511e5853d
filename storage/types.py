"""Column types that behave the same on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Final

from sqlalchemy import BigInteger, Column, ColumnElement, DateTime, Dialect
from sqlalchemy.types import TypeDecorator


class Fixed2(TypeDecorator[Decimal]):
    """An exact decimal with two places (万元, 亩), stored as hundredths in a BIGINT.

    SQLite has no exact decimal; integers compare and sort correctly on both databases."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> int | None:
        if value is None:
            return None
        return int((Decimal(value) * 100).to_integral_value())

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return Decimal(int(value)) / 100


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware timestamp, stored in UTC, always returned aware."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


Clock = Callable[[], datetime]
"""A clock: each call returns the current time, aware, in UTC. Storage is always given one."""

_STAMPED: Final = "stamped"


def stamped_column(**kwargs: Any) -> Column[datetime]:
    """A UTC timestamp column that the unit of work fills from its clock when a new row is
    flushed with it still empty: storage never reads the wall clock, so a row's time and the
    handlers' "now" come from one clock. Give the field `default=None`."""
    return Column(UTCDateTime(), info={_STAMPED: True}, **kwargs)


def is_stamped(column: ColumnElement[Any]) -> bool:
    """Whether the unit of work stamps this column (see `stamped_column`)."""
    return bool(getattr(column, "info", {}).get(_STAMPED))
