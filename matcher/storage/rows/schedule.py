"""The tables of what is scheduled: calendar uploads, holidays, shadow requests and the events meeloop put
in calendars."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from matcher.storage.base import Base, Messages


class CalendarUploadRow(Base):
    """A person's uploaded calendar file. A new upload replaces the current one; old ones are kept."""

    __tablename__ = "calendar_upload"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    content: Mapped[str] = mapped_column(Text)
    uploaded: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    replaced: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    #: Busy stretches found in the year after the upload, as a check for the person.
    busy_count: Mapped[int] = mapped_column(Integer, default=0)


class HolidayRow(Base):
    """A day nobody in the organisation works (a local date in each person's own time zone)."""

    __tablename__ = "holiday"
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), default="")


class ShadowRequestRow(Base):
    """An employee's wish to shadow a colleague: on a skill, or a named host, in a window of dates."""

    __tablename__ = "shadow_request"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    guest_id: Mapped[str] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    skill_id: Mapped[str | None] = mapped_column(String(120))
    host_id: Mapped[str | None] = mapped_column(String(120))
    minutes: Mapped[int] = mapped_column(Integer)
    first_day: Mapped[dt.date] = mapped_column(Date)
    last_day: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16))  # open | planned | cancelled
    created: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    note: Mapped[str] = mapped_column(Messages, default="")


class ScheduledEventRow(Base):
    """Something meeloop put in people's calendars: a pair or group meeting (or series),
    a shadowing slot, a lunch & learn session. Cancelled ones are kept with their history."""

    __tablename__ = "scheduled_event"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    #: meeting | shadowing | lunch
    kind: Mapped[str] = mapped_column(String(32), index=True)
    #: What it belongs to: a round's name, a shadow request ("request:12"), a lunch plan.
    source: Mapped[str] = mapped_column(String(200), index=True)
    #: A message (see :class:`~matcher.storage.base.Messages`), said in the reader's language.
    title: Mapped[str] = mapped_column(Messages)
    start: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    end: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    #: The time zone the event is shown in to the people in it.
    timezone: Mapped[str] = mapped_column(String(64))
    #: For a series: the repeat rule, and every occurrence as [start, end] in UTC ISO-8601.
    rrule: Mapped[str | None] = mapped_column(String(200))
    occurrences: Mapped[list[Any]] = mapped_column(JSON, default=list)
    members: Mapped[list[str]] = mapped_column()
    #: Person id -> role in the event: host, guest, presenter, member ...
    roles: Mapped[dict[str, Any]] = mapped_column()
    details: Mapped[dict[str, Any]] = mapped_column(Messages)
    status: Mapped[str] = mapped_column(String(16))  # planned | cancelled
    #: The iCalendar SEQUENCE: 0 when first planned, one more each time its time, place or
    #: people change and when it is cancelled.
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    #: What it is within its source, the same through re-planning: the unit of a round,
    #: the slot of a request, the topic of a lunch plan.
    key: Mapped[str] = mapped_column(String(200), default="")
    #: Earlier versions, oldest first: when they changed and what they were.
    history: Mapped[list[Any]] = mapped_column(JSON, default=list)
    created: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    updated: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
