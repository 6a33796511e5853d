"""a person on two messengers, and invitations by WeCom UserID

Issue 17: one person may hold a Telegram and a WeCom account; notifications go to the one
they wrote in last (`person.last_messenger`). An invitation may be bound to one account
(`invitation.messenger`, `invitation.external_id`), taken at that account's first contact.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 19:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this migration."""
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_messenger", sa.String(length=20), nullable=True))
    with op.batch_alter_table("invitation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("messenger", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("external_id", sa.String(length=64), nullable=True))


def downgrade() -> None:
    """Revert this migration."""
    with op.batch_alter_table("invitation", schema=None) as batch_op:
        batch_op.drop_column("external_id")
        batch_op.drop_column("messenger")
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_column("last_messenger")
