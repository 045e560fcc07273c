"""work jobs: publishing, sending and imports run by a worker

A ``work_job`` row is a piece of work HR started that a worker process does: publishing a round,
sending its e-mail, applying a previewed import. It holds what it was started with, its progress,
its outcome as data and the worker that claimed it; ``active_key`` (unique, NULL once it ended)
keeps one piece of work from being started twice at once. Downgrading drops the table.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 15:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "work_job",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("subject", sa.String(length=320), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("active_key", sa.String(length=340), nullable=True),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("upload", sa.LargeBinary(), nullable=True),
        sa.Column("progress", sa.JSON(), nullable=False),
        sa.Column("outcome", sa.JSON(), nullable=False),
        sa.Column("message", sa.JSON(), nullable=False),
        sa.Column("started_by", sa.String(length=320), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("runner", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_work_job")),
        sa.UniqueConstraint("active_key", name=op.f("uq_work_job_active_key")),
    )
    op.create_index(op.f("ix_work_job_subject"), "work_job", ["subject"], unique=False)
    op.create_index(op.f("ix_work_job_status"), "work_job", ["status"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_work_job_status"), table_name="work_job")
    op.drop_index(op.f("ix_work_job_subject"), table_name="work_job")
    op.drop_table("work_job")
