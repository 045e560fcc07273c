"""The tables of linked calendars: the link itself, and the busy time its last good read gave."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from matcher.storage.base import Base, Messages


class LinkedCalendarRow(Base):
    """A person's calendar that meeloop reads by itself: a published iCalendar address or a CalDAV
    calendar. One per person; linking another replaces it."""

    __tablename__ = "linked_calendar"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), unique=True)
    #: ics-url | caldav
    kind: Mapped[str] = mapped_column(String(16))
    url: Mapped[str] = mapped_column(Text)
    #: The CalDAV account; the password encrypted with the key of MEELOOP_CALENDAR_KEY, never shown.
    username: Mapped[str] = mapped_column(String(200), default="")
    secret: Mapped[str] = mapped_column(Text, default="")
    #: Who linked it (an account's person id, or HR's login) and when.
    linked_by: Mapped[str] = mapped_column(String(200), default="")
    linked: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    #: The last good read, and the ETag the published calendar gave then.
    last_read: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    etag: Mapped[str] = mapped_column(String(255), default="")
    #: Up to when the busy time of the last good read reaches: the ETag is sent only while that
    #: is about as far as a read would reach now, else an unchanged calendar would stop short.
    read_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    #: The last read that failed, and why (a message): cleared by the next good read.
    last_failed: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str] = mapped_column(Messages, default="")
    busy_count: Mapped[int] = mapped_column(Integer, default=0)
    #: Whether meeloop puts the person's events into this calendar (CalDAV only).
    push: Mapped[bool] = mapped_column(Boolean, default=False)


class LinkedBusyRow(Base):
    """One busy stretch from a linked calendar: only the start and end, nothing of the event."""

    __tablename__ = "linked_busy"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    link_id: Mapped[int] = mapped_column(ForeignKey("linked_calendar.id", ondelete="CASCADE"), index=True)
    start: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    end: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class LinkedPushRow(Base):
    """One meeloop event as last put into a linked CalDAV calendar: its sequence and status then,
    so that it is put again only when it changed."""

    __tablename__ = "linked_push"
    __table_args__ = (UniqueConstraint("link_id", "event_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    link_id: Mapped[int] = mapped_column(ForeignKey("linked_calendar.id", ondelete="CASCADE"), index=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("scheduled_event.id", ondelete="CASCADE"), index=True)
    sequence: Mapped[int] = mapped_column(Integer)
    #: planned | cancelled, as the person sees it
    status: Mapped[str] = mapped_column(String(16))
    pushed: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
