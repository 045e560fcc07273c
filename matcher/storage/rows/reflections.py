"""The table of reflections on sessions."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from matcher.storage.base import Base


class ReflectionRow(Base):
    """What a session brought one participant: the value levels reached and a short story."""

    __tablename__ = "reflection"
    __table_args__ = (UniqueConstraint("person_id", "event_id", "session_day"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("scheduled_event.id", ondelete="CASCADE"), index=True)
    #: Which occurrence of a series (its day in the event's time zone).
    session_day: Mapped[dt.date] = mapped_column(Date)
    #: The value levels reached: immediate, potential, applied, realised, reframing.
    levels: Mapped[list[str]] = mapped_column(JSON, default=list)
    story: Mapped[str] = mapped_column(Text, default="")
    created: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    updated: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
