"""trigram indexes for /find on PostgreSQL

Issue 15: /find looks for words anywhere in a project's serial, name and investor (ILIKE
'%words%'), which a B-tree cannot serve. On PostgreSQL a GIN index of pg_trgm's trigrams on
each column does: a rare word among 100,000 projects is found in a millisecond instead of a
read through the table. pg_trgm is a trusted extension (PostgreSQL 13+), so the database's
owner may create it; where the extension cannot be had, the migration goes on without the
indexes and /find still answers, only slower. SQLite has no such index: a district's few
thousand projects are read through quickly.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 23:40:00.000000
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

log = logging.getLogger("alembic.runtime.migration")
SEARCHED = ("serial", "name", "investor_name")
"""The columns /find looks in (storage/repositories/search.py), each with its trigram index."""


def upgrade() -> None:
    """Apply this migration."""
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    try:
        with bind.begin_nested():  # a failure here must not abort the migration's transaction
            bind.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
    except sa.exc.DBAPIError as exc:
        log.warning("no pg_trgm, so no search index: /find reads the table through (%s)", exc)
        return
    for column in SEARCHED:  # one index a column: the planner takes three small ones for an OR
        op.execute(
            f"CREATE INDEX IF NOT EXISTS ix_project_search_{column} ON project "
            f"USING gin ({column} gin_trgm_ops)"
        )


def downgrade() -> None:
    """Revert this migration."""
    if op.get_bind().dialect.name == "postgresql":
        for column in SEARCHED:
            op.execute(f"DROP INDEX IF EXISTS ix_project_search_{column}")
