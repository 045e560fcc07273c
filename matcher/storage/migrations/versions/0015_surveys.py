"""check-in answers held, moved or not held; value checks and the learning climate

``check_in.met`` (yes or no) becomes ``check_in.answer``: ``held``, ``moved`` (it takes place at
another time) or ``not-held``, with ``moved_to``, the new day a person may give with ``moved``.
Stored answers keep their meaning: true becomes held, false not held. ``value_check`` holds each
person's quarterly value check (the value levels reached, a story, and the department, team,
tenure band and programmes they were in), found by the SHA-256 of the token in its e-mail link;
``climate_answer`` each person's answers to the learning climate questionnaire in a quarter.
Downgrading drops both tables and turns the answers back into yes or no; a moved session, which
yes or no cannot say, becomes unanswered.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 18:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("check_in", schema=None) as batch_op:
        batch_op.add_column(sa.Column("answer", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("moved_to", sa.Date(), nullable=True))
    op.execute("UPDATE check_in SET answer = 'held' WHERE met = true")
    op.execute("UPDATE check_in SET answer = 'not-held' WHERE met = false")
    with op.batch_alter_table("check_in", schema=None) as batch_op:
        batch_op.drop_column("met")

    op.create_table(
        "value_check",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("person_id", sa.String(length=120), nullable=False),
        sa.Column("quarter", sa.String(length=8), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=True),
        sa.Column("levels", sa.JSON(), nullable=False),
        sa.Column("story", sa.Text(), nullable=False),
        sa.Column("department", sa.String(length=200), nullable=False),
        sa.Column("team", sa.String(length=200), nullable=False),
        sa.Column("tenure", sa.String(length=16), nullable=False),
        sa.Column("programmes", sa.JSON(), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_value_check_person_id_person"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_value_check")),
        sa.UniqueConstraint("person_id", "quarter", name=op.f("uq_value_check_person_id")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_value_check_token_hash")),
    )
    op.create_index(op.f("ix_value_check_person_id"), "value_check", ["person_id"], unique=False)
    op.create_table(
        "climate_answer",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("person_id", sa.String(length=120), nullable=False),
        sa.Column("quarter", sa.String(length=8), nullable=False),
        sa.Column("scores", sa.JSON(), nullable=False),
        sa.Column("department", sa.String(length=200), nullable=False),
        sa.Column("team", sa.String(length=200), nullable=False),
        sa.Column("answered", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_climate_answer_person_id_person"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_climate_answer")),
        sa.UniqueConstraint("person_id", "quarter", name=op.f("uq_climate_answer_person_id")),
    )
    op.create_index(op.f("ix_climate_answer_person_id"), "climate_answer", ["person_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_climate_answer_person_id"), table_name="climate_answer")
    op.drop_table("climate_answer")
    op.drop_index(op.f("ix_value_check_person_id"), table_name="value_check")
    op.drop_table("value_check")
    with op.batch_alter_table("check_in", schema=None) as batch_op:
        batch_op.add_column(sa.Column("met", sa.Boolean(), nullable=True))
    op.execute("UPDATE check_in SET met = true WHERE answer = 'held'")
    op.execute("UPDATE check_in SET met = false WHERE answer = 'not-held'")
    with op.batch_alter_table("check_in", schema=None) as batch_op:
        batch_op.drop_column("moved_to")
        batch_op.drop_column("answer")
