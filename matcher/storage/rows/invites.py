"""The tables of invites: the e-mail outbox and the secret calendar feed addresses."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from matcher.storage.base import Base


class OutboxRow(Base):
    """An invite or cancellation e-mailed to one person: queued in the transaction that decides
    it, marked sent once the mail server took it. Sent ones are kept as the record of what went out."""

    __tablename__ = "outbox"
    __table_args__ = (UniqueConstraint("event_id", "person_id", "sequence"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("scheduled_event.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[str] = mapped_column(String(120), index=True)
    email: Mapped[str] = mapped_column(String(320))
    name: Mapped[str] = mapped_column(String(200))
    #: REQUEST or CANCEL
    method: Mapped[str] = mapped_column(String(16))
    sequence: Mapped[int] = mapped_column(Integer)
    subject: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text)
    calendar: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), index=True)  # queued | sent | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    sent: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class FeedTokenRow(Base):
    """A person's secret calendar feed address. Only the token's SHA-256 is stored."""

    __tablename__ = "feed_token"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    revoked: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
