"""knowledge transfer plans: a leaver's successors and sessions, and each successor's level

``transfer_plan`` keeps a leaver's plan (or one opened from a skill) as HR reviewed it: the skills at
risk with their successors and reasons, the sessions, and who could not be served and why;
publishing writes the sessions as scheduled events (source ``transfer:leaver:<id>`` or
``transfer:skill:<id>``, shared by the plans of one start). ``transfer_level`` holds each
successor's level in a skill of the plan, as they assess it and as the leaver confirms it.
Downgrading drops both tables.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 18:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "transfer_plan",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("leaver_id", sa.String(length=120), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("proposal", sa.JSON(), nullable=False),
        sa.Column("sessions", sa.JSON(), nullable=False),
        sa.Column("unserved", sa.JSON(), nullable=False),
        sa.Column("wanted", sa.Integer(), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["leaver_id"], ["person.id"], name=op.f("fk_transfer_plan_leaver_id_person"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transfer_plan")),
    )
    op.create_index(op.f("ix_transfer_plan_leaver_id"), "transfer_plan", ["leaver_id"], unique=False)
    op.create_table(
        "transfer_level",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("skill_id", sa.String(length=120), nullable=False),
        sa.Column("successor_id", sa.String(length=120), nullable=False),
        sa.Column("own_level", sa.Integer(), nullable=True),
        sa.Column("own_set", sa.DateTime(timezone=True), nullable=True),
        sa.Column("confirmed_level", sa.Integer(), nullable=True),
        sa.Column("confirmed", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["transfer_plan.id"],
            name=op.f("fk_transfer_level_plan_id_transfer_plan"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["successor_id"],
            ["person.id"],
            name=op.f("fk_transfer_level_successor_id_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transfer_level")),
        sa.UniqueConstraint("plan_id", "skill_id", "successor_id", name=op.f("uq_transfer_level_plan_id")),
    )
    op.create_index(op.f("ix_transfer_level_plan_id"), "transfer_level", ["plan_id"], unique=False)
    op.create_index(op.f("ix_transfer_level_successor_id"), "transfer_level", ["successor_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_transfer_level_successor_id"), table_name="transfer_level")
    op.drop_index(op.f("ix_transfer_level_plan_id"), table_name="transfer_level")
    op.drop_table("transfer_level")
    op.drop_index(op.f("ix_transfer_plan_leaver_id"), table_name="transfer_plan")
    op.drop_table("transfer_plan")
