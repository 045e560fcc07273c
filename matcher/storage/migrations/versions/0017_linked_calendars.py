"""linked calendars: calendars meeloop reads by itself, and the busy time each last gave

``linked_calendar`` holds one link per person: a published iCalendar address or a CalDAV
calendar with its account (the password encrypted, never shown), the last good read with its ETag,
and the last failed one with why. ``linked_busy`` holds only the start and end of each busy
stretch the last good read gave, nothing of the events. ``linked_push`` notes each meeloop event put
into a CalDAV calendar (with ``push`` on) with its sequence and status then. Downgrading drops the
three tables.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03 18:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "linked_calendar",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("person_id", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("username", sa.String(length=200), nullable=False),
        sa.Column("secret", sa.Text(), nullable=False),
        sa.Column("linked_by", sa.String(length=200), nullable=False),
        sa.Column("linked", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_read", sa.DateTime(timezone=True), nullable=True),
        sa.Column("etag", sa.String(length=255), nullable=False),
        sa.Column("read_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_failed", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.JSON(), nullable=False),
        sa.Column("busy_count", sa.Integer(), nullable=False),
        sa.Column("push", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_linked_calendar_person_id_person"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_linked_calendar")),
        sa.UniqueConstraint("person_id", name=op.f("uq_linked_calendar_person_id")),
    )
    op.create_table(
        "linked_busy",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("link_id", sa.Integer(), nullable=False),
        sa.Column("start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("end", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["link_id"],
            ["linked_calendar.id"],
            name=op.f("fk_linked_busy_link_id_linked_calendar"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_linked_busy")),
    )
    op.create_index(op.f("ix_linked_busy_link_id"), "linked_busy", ["link_id"], unique=False)
    op.create_table(
        "linked_push",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("link_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("pushed", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["link_id"],
            ["linked_calendar.id"],
            name=op.f("fk_linked_push_link_id_linked_calendar"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["scheduled_event.id"],
            name=op.f("fk_linked_push_event_id_scheduled_event"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_linked_push")),
        sa.UniqueConstraint("link_id", "event_id", name=op.f("uq_linked_push_link_id")),
    )
    op.create_index(op.f("ix_linked_push_link_id"), "linked_push", ["link_id"], unique=False)
    op.create_index(op.f("ix_linked_push_event_id"), "linked_push", ["event_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_linked_push_event_id"), table_name="linked_push")
    op.drop_index(op.f("ix_linked_push_link_id"), table_name="linked_push")
    op.drop_table("linked_push")
    op.drop_index(op.f("ix_linked_busy_link_id"), table_name="linked_busy")
    op.drop_table("linked_busy")
    op.drop_table("linked_calendar")
