"""One engine from one database URL: a SQLite file by default, or PostgreSQL (psycopg 3)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, event
from sqlalchemy.engine import make_url
from sqlmodel import create_engine

MIGRATIONS = Path(__file__).parent / "migrations"


def normalize_url(url: str) -> str:
    """Use psycopg 3 for a plain postgresql:// URL."""
    u = make_url(url)
    if u.drivername in ("postgresql", "postgres"):
        u = u.set(drivername="postgresql+psycopg")
    return u.render_as_string(hide_password=False)


def make_engine(
    url: str, *, foreign_keys: bool = True, busy_timeout: float = 30.0, **kwargs: Any
) -> Engine:
    """Build the engine; SQLite gets WAL, foreign keys (unless told not to), a busy timeout and
    transactions that take the write lock when they begin (waiting up to `busy_timeout`
    seconds for another connection's)."""
    url = normalize_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": busy_timeout}, **kwargs
        )
        memory = make_url(url).database in (None, "", ":memory:")

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            if not memory:
                cur.execute("PRAGMA journal_mode=WAL")
            cur.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute(f"PRAGMA busy_timeout={int(busy_timeout * 1000)}")
            cur.close()
            # The driver's own BEGIN is deferred; SQLAlchemy then emits ours (below).
            dbapi_conn.isolation_level = None

        @event.listens_for(engine, "begin")
        def _begin_immediate(conn: Any) -> None:
            # A deferred transaction that read first and then writes fails at once with
            # SQLITE_BUSY when another connection wrote meanwhile (WAL cannot upgrade a stale
            # snapshot), and waits in the busy handler otherwise. Taking the write lock up front
            # makes every wait happen at BEGIN, inside the busy timeout, with nothing read yet.
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10, **kwargs)


def alembic_config(url: str) -> Config:
    """Alembic's configuration for this database, without an ini file."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", normalize_url(url).replace("%", "%%"))
    return cfg


def migrate(url: str) -> None:
    """Create or upgrade the database schema to the newest migration."""
    command.upgrade(alembic_config(url), "head")
