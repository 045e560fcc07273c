"""data changes: which people each data version changed

Every write bumps the data version (``meta``); from here on it also records which people the
version changed (``people``, a JSON list of ids), or that it changed more than people (``people``
NULL: skills, history or the organisation's name, or too many people to list). A cached talent map
takes in only the listed people's changes instead of being built again. Versions written before
this revision are not listed: a map older than this revision is built again once. Downgrading drops
the table.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "data_change",
        sa.Column("version", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("people", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("version", name=op.f("pk_data_change")),
    )


def downgrade() -> None:
    op.drop_table("data_change")
