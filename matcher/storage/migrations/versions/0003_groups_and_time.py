"""groups and time: presenter opt-in, calendar uploads, holidays, shadow requests, scheduled events

Group rounds live in the round tables of 0002 (their ``mode`` is the group kind).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21 09:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.add_column(sa.Column("presenter", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_table(
        "holiday",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_holiday")),
    )
    op.create_table(
        "calendar_upload",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("person_id", sa.String(length=120), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("uploaded", sa.DateTime(timezone=True), nullable=False),
        sa.Column("replaced", sa.DateTime(timezone=True), nullable=True),
        sa.Column("busy_count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_calendar_upload_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_upload")),
    )
    op.create_index(op.f("ix_calendar_upload_person_id"), "calendar_upload", ["person_id"], unique=False)
    op.create_table(
        "shadow_request",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("guest_id", sa.String(length=120), nullable=False),
        sa.Column("skill_id", sa.String(length=120), nullable=True),
        sa.Column("host_id", sa.String(length=120), nullable=True),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["guest_id"],
            ["person.id"],
            name=op.f("fk_shadow_request_guest_id_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shadow_request")),
    )
    op.create_index(op.f("ix_shadow_request_guest_id"), "shadow_request", ["guest_id"], unique=False)
    op.create_table(
        "scheduled_event",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("end", sa.DateTime(timezone=True), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("rrule", sa.String(length=200), nullable=True),
        sa.Column("occurrences", sa.JSON(), nullable=False),
        sa.Column("members", sa.JSON(), nullable=False),
        sa.Column("roles", sa.JSON(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scheduled_event")),
    )
    op.create_index(op.f("ix_scheduled_event_kind"), "scheduled_event", ["kind"], unique=False)
    op.create_index(op.f("ix_scheduled_event_source"), "scheduled_event", ["source"], unique=False)
    op.create_index(op.f("ix_scheduled_event_start"), "scheduled_event", ["start"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_scheduled_event_start"), table_name="scheduled_event")
    op.drop_index(op.f("ix_scheduled_event_source"), table_name="scheduled_event")
    op.drop_index(op.f("ix_scheduled_event_kind"), table_name="scheduled_event")
    op.drop_table("scheduled_event")
    op.drop_index(op.f("ix_shadow_request_guest_id"), table_name="shadow_request")
    op.drop_table("shadow_request")
    op.drop_index(op.f("ix_calendar_upload_person_id"), table_name="calendar_upload")
    op.drop_table("calendar_upload")
    op.drop_table("holiday")
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_column("presenter")
