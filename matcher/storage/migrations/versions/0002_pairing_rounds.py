"""pairing rounds: proposals, their pairs, who was left out, and the event log

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21 10:12:41.440303
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "pairing_round",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("mode", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("config", sa.JSON(), nullable=False),
        sa.Column("objective", sa.Float(), nullable=False),
        sa.Column("bound", sa.Float(), nullable=False),
        sa.Column("gap", sa.Float(), nullable=False),
        sa.Column("solver_status", sa.String(length=16), nullable=False),
        sa.Column("solver", sa.String(length=64), nullable=False),
        sa.Column("conflicts", sa.JSON(), nullable=False),
        sa.Column("notes", sa.JSON(), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pairing_round")),
        sa.UniqueConstraint("name", name=op.f("uq_pairing_round_name")),
    )
    op.create_table(
        "round_event",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["pairing_round.id"],
            name=op.f("fk_round_event_round_id_pairing_round"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_round_event")),
    )
    with op.batch_alter_table("round_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_round_event_round_id"), ["round_id"], unique=False)

    op.create_table(
        "round_left_out",
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.String(length=120), nullable=False),
        sa.Column("role", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["pairing_round.id"],
            name=op.f("fk_round_left_out_round_id_pairing_round"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("round_id", "position", name=op.f("pk_round_left_out")),
    )
    op.create_table(
        "round_pair",
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("members", sa.JSON(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("locked", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["pairing_round.id"],
            name=op.f("fk_round_pair_round_id_pairing_round"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("round_id", "position", name=op.f("pk_round_pair")),
    )


def downgrade() -> None:
    op.drop_table("round_pair")
    op.drop_table("round_left_out")
    with op.batch_alter_table("round_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_round_event_round_id"))

    op.drop_table("round_event")
    op.drop_table("pairing_round")
