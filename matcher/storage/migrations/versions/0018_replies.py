"""replies to invites: each person's latest answer per event, and the messages read for them

``invite_reply`` holds per event, person and (for a reply to one occurrence of a series) occurrence
the latest answer (accepted, declined, tentative, or another time proposed), its comment and when
it arrived; it goes with the event or the person. ``reply_mail`` notes every message read from the
organiser's mailbox, by its place there, so none is read twice, and what became of it (a reason when
it matched nothing). Downgrading drops both tables.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-03 19:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "invite_reply",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.String(length=120), nullable=False),
        sa.Column("occurrence", sa.String(length=40), nullable=False),
        sa.Column("answer", sa.String(length=16), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("proposed_start", sa.DateTime(timezone=True), nullable=True),
        sa.Column("proposed_end", sa.DateTime(timezone=True), nullable=True),
        sa.Column("received", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["scheduled_event.id"],
            name=op.f("fk_invite_reply_event_id_scheduled_event"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_invite_reply_person_id_person"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invite_reply")),
        sa.UniqueConstraint("event_id", "person_id", "occurrence", name=op.f("uq_invite_reply_event_id")),
    )
    op.create_index(op.f("ix_invite_reply_event_id"), "invite_reply", ["event_id"], unique=False)
    op.create_index(op.f("ix_invite_reply_person_id"), "invite_reply", ["person_id"], unique=False)
    op.create_table(
        "reply_mail",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("mailbox_key", sa.String(length=80), nullable=False),
        sa.Column("read", sa.DateTime(timezone=True), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.JSON(), nullable=False),
        sa.Column("sender", sa.String(length=320), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reply_mail")),
        sa.UniqueConstraint("mailbox_key", name=op.f("uq_reply_mail_mailbox_key")),
    )
    op.create_index(op.f("ix_reply_mail_read"), "reply_mail", ["read"], unique=False)
    op.create_index(op.f("ix_reply_mail_outcome"), "reply_mail", ["outcome"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_reply_mail_outcome"), table_name="reply_mail")
    op.drop_index(op.f("ix_reply_mail_read"), table_name="reply_mail")
    op.drop_table("reply_mail")
    op.drop_index(op.f("ix_invite_reply_person_id"), table_name="invite_reply")
    op.drop_index(op.f("ix_invite_reply_event_id"), table_name="invite_reply")
    op.drop_table("invite_reply")
