"""web UI: accounts, reflections on sessions, background solve jobs

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-21 14:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "account",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("login", sa.String(length=320), nullable=False),
        sa.Column("person_id", sa.String(length=120), nullable=True),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("locale", sa.String(length=8), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("session_version", sa.Integer(), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("password_changed", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account")),
        sa.UniqueConstraint("login", name=op.f("uq_account_login")),
        sa.UniqueConstraint("person_id", name=op.f("uq_account_person_id")),
    )
    op.create_table(
        "reflection",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("person_id", sa.String(length=120), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("session_day", sa.Date(), nullable=False),
        sa.Column("levels", sa.JSON(), nullable=False),
        sa.Column("story", sa.Text(), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_reflection_person_id_person"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["scheduled_event.id"],
            name=op.f("fk_reflection_event_id_scheduled_event"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reflection")),
        sa.UniqueConstraint("person_id", "event_id", "session_day", name=op.f("uq_reflection_person_id")),
    )
    op.create_index(op.f("ix_reflection_person_id"), "reflection", ["person_id"], unique=False)
    op.create_index(op.f("ix_reflection_event_id"), "reflection", ["event_id"], unique=False)
    op.create_table(
        "solve_job",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("round_name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("elapsed", sa.Float(), nullable=False),
        sa.Column("limit", sa.Float(), nullable=False),
        sa.Column("best", sa.JSON(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("started_by", sa.String(length=320), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_solve_job")),
    )
    op.create_index(op.f("ix_solve_job_round_name"), "solve_job", ["round_name"], unique=False)
    op.create_index(op.f("ix_solve_job_status"), "solve_job", ["status"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_solve_job_status"), table_name="solve_job")
    op.drop_index(op.f("ix_solve_job_round_name"), table_name="solve_job")
    op.drop_table("solve_job")
    op.drop_index(op.f("ix_reflection_event_id"), table_name="reflection")
    op.drop_index(op.f("ix_reflection_person_id"), table_name="reflection")
    op.drop_table("reflection")
    op.drop_table("account")
