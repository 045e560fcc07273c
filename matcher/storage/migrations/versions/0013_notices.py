"""notices: reminders, check-ins and value checks sent, and the check-in answers

``notice`` records each reminder before a session, "did you meet?" check-in after it and quarterly
value check sent to one person, unique per kind, subject (``about``) and person, so that a rerun
or a second worker never sends one twice; a failed one is kept with its error and tried again, and
one claimed (``sending``) by a worker that died is taken over after a while (``claimed``).
``check_in`` holds each participant's answer to the check-in (met or not), found by the SHA-256
of the token in the e-mail's links. Downgrading drops both tables.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 16:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "notice",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("about", sa.String(length=40), nullable=False),
        sa.Column("person_id", sa.String(length=120), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column("session_day", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("claimed", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_notice_person_id_person"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["scheduled_event.id"],
            name=op.f("fk_notice_event_id_scheduled_event"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notice")),
        sa.UniqueConstraint("kind", "about", "person_id", name=op.f("uq_notice_kind")),
    )
    op.create_index(op.f("ix_notice_person_id"), "notice", ["person_id"], unique=False)
    op.create_index(op.f("ix_notice_event_id"), "notice", ["event_id"], unique=False)
    op.create_table(
        "check_in",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("session_day", sa.Date(), nullable=False),
        sa.Column("person_id", sa.String(length=120), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("asked", sa.DateTime(timezone=True), nullable=False),
        sa.Column("met", sa.Boolean(), nullable=True),
        sa.Column("answered", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["scheduled_event.id"],
            name=op.f("fk_check_in_event_id_scheduled_event"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_check_in_person_id_person"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_check_in")),
        sa.UniqueConstraint("event_id", "session_day", "person_id", name=op.f("uq_check_in_event_id")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_check_in_token_hash")),
    )
    op.create_index(op.f("ix_check_in_event_id"), "check_in", ["event_id"], unique=False)
    op.create_index(op.f("ix_check_in_person_id"), "check_in", ["person_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_check_in_person_id"), table_name="check_in")
    op.drop_index(op.f("ix_check_in_event_id"), table_name="check_in")
    op.drop_table("check_in")
    op.drop_index(op.f("ix_notice_event_id"), table_name="notice")
    op.drop_index(op.f("ix_notice_person_id"), table_name="notice")
    op.drop_table("notice")
