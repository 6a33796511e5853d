"""who recorded an opinion for whom, and invitations for an A/B 岗

Issue 15: a unit's delegate (A/B 岗) acts for the assigned reviewer. An opinion keeps who
pressed (`decided_by`, as before) and, when a delegate pressed, the reviewer they acted for
(`on_behalf_of`); an invitation may name the reviewer its invitee will stand in for.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-20 10:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this migration."""
    with op.batch_alter_table("reviewopinion", schema=None) as batch_op:
        batch_op.add_column(sa.Column("on_behalf_of", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_reviewopinion_on_behalf_of", "person", ["on_behalf_of"], ["id"]
        )
    with op.batch_alter_table("invitation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("delegate_of", sa.Integer(), nullable=True))
        batch_op.create_foreign_key("fk_invitation_delegate_of", "person", ["delegate_of"], ["id"])


def downgrade() -> None:
    """Revert this migration."""
    with op.batch_alter_table("invitation", schema=None) as batch_op:
        batch_op.drop_constraint("fk_invitation_delegate_of", type_="foreignkey")
        batch_op.drop_column("delegate_of")
    with op.batch_alter_table("reviewopinion", schema=None) as batch_op:
        batch_op.drop_constraint("fk_reviewopinion_on_behalf_of", type_="foreignkey")
        batch_op.drop_column("on_behalf_of")
