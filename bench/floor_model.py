"""The one table the floors write a row to per update, and their engine, opened as the bot
opens its own (SQLite: WAL, synchronous=NORMAL, a 30 s busy timeout), so the floor is fair."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, event
from sqlmodel import Field, Session, SQLModel, create_engine

# A diagnostic variant: the commit in a worker thread rather than on the event loop (as the
# bot does); the floor itself commits on the loop, as a bare bot does.
IN_THREAD = os.environ.get("BENCH_FLOOR_THREAD") == "1"


class FloorStep(SQLModel, table=True):
    """One answer a floor bot received."""

    id: int | None = Field(default=None, primary_key=True)
    chat_id: str = Field(max_length=64, index=True)
    text: str
    at: datetime = Field(default_factory=lambda: datetime.now(UTC))


def floor_engine(url: str) -> Engine:
    """The floor's engine, with its table created."""
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if not url.startswith("sqlite"):
        engine = create_engine(url, pool_size=10, max_overflow=10)
    else:
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

    SQLModel.metadata.create_all(engine)
    return engine


def commit(engine: Engine, row: FloorStep) -> None:
    """One row, one commit."""
    with Session(engine) as session:
        session.add(row)
        session.commit()
