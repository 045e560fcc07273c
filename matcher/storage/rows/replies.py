"""The tables of the replies to invites: each person's latest answer per event, and every message
read from the organiser's mailbox with what became of it."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from matcher.storage.base import Base, Messages


class InviteReplyRow(Base):
    """A person's latest answer to an event (or to one occurrence of a series)."""

    __tablename__ = "invite_reply"
    __table_args__ = (UniqueConstraint("event_id", "person_id", "occurrence"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("scheduled_event.id", ondelete="CASCADE"), index=True)
    #: A person removed from the organisation takes their answers and comments along.
    person_id: Mapped[str] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    #: "" for the whole event; an occurrence's start (UTC ISO-8601) for a reply to that one only.
    occurrence: Mapped[str] = mapped_column(String(40), default="")
    #: ACCEPTED | DECLINED | TENTATIVE | COUNTER
    answer: Mapped[str] = mapped_column(String(16))
    sequence: Mapped[int] = mapped_column(Integer)
    #: The person's comment: shown only to HR and the person.
    comment: Mapped[str] = mapped_column(Text, default="")
    proposed_start: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    proposed_end: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    received: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class ReplyMailRow(Base):
    """A message read from the organiser's mailbox: its place there (so it is never read twice) and
    what became of it, with the reason as a message when it was not applied."""

    __tablename__ = "reply_mail"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    #: UIDVALIDITY:UID of the folder it was read from
    mailbox_key: Mapped[str] = mapped_column(String(80), unique=True)
    read: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    #: applied | stale | unmatched | malformed
    outcome: Mapped[str] = mapped_column(String(16), index=True)
    reason: Mapped[str] = mapped_column(Messages, default="")
    sender: Mapped[str] = mapped_column(String(320), default="")
    subject: Mapped[str] = mapped_column(String(300), default="")
    event_id: Mapped[int | None] = mapped_column(Integer)
