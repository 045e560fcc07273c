"""who entered a level or a wish: a re-import keeps what people entered themselves

A skill level or a learning wish is marked ``self_entered`` when the person entered it on their own
profile; a re-import updates HR's levels and wishes and keeps the person's own. Every level and wish
stored before counts as HR's. An import run keeps what HR took from the file over what people
entered (``taken``: ``PERSON:FIELD`` texts). Downgrading drops the three columns.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 08:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Plain ALTER TABLE (SQLite has dropped columns since 3.35): a batch copy of import_run would fail on
# the rows that refer to it.


def upgrade() -> None:
    for table in ("holding", "wish"):
        op.add_column(
            table, sa.Column("self_entered", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    op.add_column("import_run", sa.Column("taken", sa.JSON(), server_default="[]", nullable=False))


def downgrade() -> None:
    op.drop_column("import_run", "taken")
    for table in ("holding", "wish"):
        op.drop_column(table, "self_entered")
