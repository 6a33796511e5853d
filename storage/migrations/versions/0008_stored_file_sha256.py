"""stored files keep their SHA-256

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 10:00:00.000000

Uploads are downloaded once and kept with their digest: in `content`, or in the files folder
under their SHA-256 (storage/files.py). Rows from before this revision keep a NULL digest.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this migration."""
    with op.batch_alter_table("storedfile", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True)
        )
        batch_op.create_index(batch_op.f("ix_storedfile_sha256"), ["sha256"], unique=False)


def downgrade() -> None:
    """Revert this migration."""
    with op.batch_alter_table("storedfile", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_storedfile_sha256"))
        batch_op.drop_column("sha256")
