"""the documents' rules bind: exceptions, city pre-reviews, every unit's opinion, agreements

Issue 12: an admission exception (001 二, 四(三)) per blocked project; the city's third-party
pre-review with its report; one opinion per unit of a dimension (not per dimension) and the
reviewer's confirmations of the prohibited categories; who concluded a round; an agreement's
three clauses, the signer's capacity and who authorised them, and 发改局's own filing.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 13:09:53.024495
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


_SQLITE_UNIQUE = {"uq": "uq_%(table_name)s_%(column_0_name)s_%(column_1_name)s"}


def _unique_name(table: str, columns: list[str]) -> str | None:
    """The name of the unique constraint on exactly these columns, as this database has it."""
    for uq in sa.inspect(op.get_bind()).get_unique_constraints(table):
        if uq["column_names"] == columns:
            return uq["name"] or _SQLITE_UNIQUE["uq"] % {
                "table_name": table,
                "column_0_name": columns[0],
                "column_1_name": columns[1],
            }
    return None


def upgrade() -> None:
    """Apply this migration."""
    op.create_table(
        "admissionexceptionrequest",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("lifts", sa.JSON(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("requested_by", sa.Integer(), nullable=True),
        sa.Column("requested_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("decision_note", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.ForeignKeyConstraint(
            ["decided_by"],
            ["person.id"],
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
        ),
        sa.ForeignKeyConstraint(
            ["requested_by"],
            ["person.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("admissionexceptionrequest", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_admissionexceptionrequest_project_id"), ["project_id"], unique=False
        )

    op.create_table(
        "prereview",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("body", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("report_file_id", sa.Integer(), nullable=False),
        sa.Column("summary", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.Column("recorded_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by"],
            ["person.id"],
        ),
        sa.ForeignKeyConstraint(
            ["report_file_id"],
            ["storedfile.id"],
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["reviewround.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("prereview", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_prereview_project_id"), ["project_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_prereview_round_id"), ["round_id"], unique=False)

    with op.batch_alter_table("agreement", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "signer_capacity", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True
            )
        )
        batch_op.add_column(sa.Column("authorised_by", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("breach_liability", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column("supervision_duty", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("drc_filed_by", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("drc_returned_at", storage.types.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("drc_return_reason", sqlmodel.sql.sqltypes.AutoString(), nullable=True)
        )
        batch_op.create_foreign_key(
            "fk_agreement_authorised_by", "person", ["authorised_by"], ["id"]
        )
        batch_op.create_foreign_key(
            "fk_agreement_drc_filed_by", "person", ["drc_filed_by"], ["id"]
        )

    # 0001 left the one-opinion-per-dimension constraint unnamed: PostgreSQL named it
    # reviewopinion_round_id_dimension_id_key; SQLite's batch copy gets it a name here.
    old_unique = _unique_name("reviewopinion", ["round_id", "dimension_id"])
    with op.batch_alter_table(
        "reviewopinion", schema=None, naming_convention=_SQLITE_UNIQUE
    ) as batch_op:
        if old_unique is not None:
            batch_op.drop_constraint(old_unique, type_="unique")
        batch_op.add_column(
            sa.Column("confirmations", sa.JSON(), nullable=False, server_default=sa.text("'{}'"))
        )
        batch_op.create_unique_constraint(
            "uq_reviewopinion_round_id_dimension_id_unit_id",
            ["round_id", "dimension_id", "unit_id"],
        )

    with op.batch_alter_table("reviewround", schema=None) as batch_op:
        batch_op.add_column(sa.Column("concluded_by", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_reviewround_concluded_by", "person", ["concluded_by"], ["id"]
        )


def downgrade() -> None:
    """Revert this migration."""
    with op.batch_alter_table("reviewround", schema=None) as batch_op:
        batch_op.drop_constraint("fk_reviewround_concluded_by", type_="foreignkey")
        batch_op.drop_column("concluded_by")

    with op.batch_alter_table("reviewopinion", schema=None) as batch_op:
        batch_op.drop_constraint("uq_reviewopinion_round_id_dimension_id_unit_id", type_="unique")
        batch_op.drop_column("confirmations")
        batch_op.create_unique_constraint(
            "uq_reviewopinion_round_id_dimension_id", ["round_id", "dimension_id"]
        )

    with op.batch_alter_table("agreement", schema=None) as batch_op:
        batch_op.drop_constraint("fk_agreement_drc_filed_by", type_="foreignkey")
        batch_op.drop_constraint("fk_agreement_authorised_by", type_="foreignkey")
        for column in (
            "drc_return_reason",
            "drc_returned_at",
            "drc_filed_by",
            "supervision_duty",
            "breach_liability",
            "authorised_by",
            "signer_capacity",
        ):
            batch_op.drop_column(column)

    with op.batch_alter_table("prereview", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_prereview_round_id"))
        batch_op.drop_index(batch_op.f("ix_prereview_project_id"))
    op.drop_table("prereview")
    with op.batch_alter_table("admissionexceptionrequest", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_admissionexceptionrequest_project_id"))
    op.drop_table("admissionexceptionrequest")
