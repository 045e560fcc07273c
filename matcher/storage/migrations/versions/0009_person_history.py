"""person history: every change to a person, field by field, per import run

Each import, profile edit, HR edit, restore and undo is a run (``import_run``); from here on each
person a run changed gets a row with the fields it changed (old and new values, skill levels and
wishes included), who made it and what kind of change it was. Changes made before this revision
were not kept field by field, so a person's history starts here. Downgrading drops the history.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 12:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "person_change",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.String(length=120), nullable=False),
        sa.Column("event", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("by", sa.String(length=320), nullable=True),
        sa.Column("reverts", sa.Integer(), nullable=True),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["import_run.id"], name=op.f("fk_person_change_run_id_import_run")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person_change")),
    )
    op.create_index(op.f("ix_person_change_run_id"), "person_change", ["run_id"], unique=False)
    op.create_index(op.f("ix_person_change_person_id"), "person_change", ["person_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_person_change_person_id"), table_name="person_change")
    op.drop_index(op.f("ix_person_change_run_id"), table_name="person_change")
    op.drop_table("person_change")
