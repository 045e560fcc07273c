"""The tables of scheduled notices: the record of what was sent to whom, and the check-in answers."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from matcher.storage.base import Base


class NoticeRow(Base):
    """One reminder, check-in or value check for one person: claimed (``sending``) in a transaction
    of its own before it goes out, so that two runs never send the same one, then marked sent or
    failed. ``about`` says what it is about: an event's session (``12/2026-12-03``) or a quarter
    (``2026-Q4``)."""

    __tablename__ = "notice"
    __table_args__ = (UniqueConstraint("kind", "about", "person_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    #: reminder | check-in | value-check
    kind: Mapped[str] = mapped_column(String(16))
    about: Mapped[str] = mapped_column(String(40))
    person_id: Mapped[str] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    event_id: Mapped[int | None] = mapped_column(
        ForeignKey("scheduled_event.id", ondelete="CASCADE"), index=True
    )
    session_day: Mapped[dt.date | None] = mapped_column(Date)
    #: sending | sent | failed (tried again on a later run, up to a limit)
    status: Mapped[str] = mapped_column(String(16))
    #: When the last attempt claimed it: a claim left ``sending`` long after (a worker that died
    #: while sending) is taken over.
    claimed: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    sent: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class CheckInRow(Base):
    """Whether one participant's session took place, as they answered the "did you meet?" e-mail:
    held, moved (it takes place at another time, perhaps ``moved_to`` a day they gave) or not held.
    The e-mail's links carry a random token of which only the SHA-256 is kept; answering again
    changes ``answer``."""

    __tablename__ = "check_in"
    __table_args__ = (UniqueConstraint("event_id", "session_day", "person_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("scheduled_event.id", ondelete="CASCADE"), index=True)
    #: Which occurrence of a series (its day in the event's time zone), as for reflections.
    session_day: Mapped[dt.date] = mapped_column(Date)
    person_id: Mapped[str] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    asked: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    #: held | moved | not-held; None until answered.
    answer: Mapped[str | None] = mapped_column(String(16))
    #: With ``moved``: the new day, when the person gave it.
    moved_to: Mapped[dt.date | None] = mapped_column(Date)
    answered: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
