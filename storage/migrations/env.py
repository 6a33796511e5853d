"""Alembic environment: migrations run against the URL given by storage.db.alembic_config."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import storage.tables  # noqa: F401  (registers every table)
from storage.db import make_engine

config = context.config
target_metadata = SQLModel.metadata
POSTGRESQL_ONLY_INDEXES = frozenset(
    f"ix_project_search_{column}" for column in ("serial", "name", "investor_name")
)


def include_object(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    """Leave alone the tables that are not ours (APScheduler's job store creates its own) and
    the indexes only PostgreSQL has (the trigram index of /find, migration 0011)."""
    if type_ == "index" and name in POSTGRESQL_ONLY_INDEXES:
        return False
    return not (type_ == "table" and reflected and compare_to is None)


def run_migrations_offline() -> None:
    """Emit SQL without a connection."""
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run migrations on a live connection."""
    # SQLite alters a table by copying it (batch mode); with foreign keys on, dropping the old
    # copy of a table that other rows reference fails, so they are off while migrating and
    # checked once at the end instead.
    engine = make_engine(str(config.get_main_option("sqlalchemy.url")), foreign_keys=False)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=True,
            include_object=include_object,
        )
        with context.begin_transaction():
            context.run_migrations()
        if connection.dialect.name == "sqlite":
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise RuntimeError(f"the migration left dangling references: {broken[:5]}")
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
