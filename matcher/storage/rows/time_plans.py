"""The tables of lunch & learn and shadowing plans: the plan, its sessions or slots, and what it
could not place."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import DateTime, Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from matcher.storage.base import Base, Messages


class TimePlanRow(Base):
    """A lunch & learn or shadowing plan: proposed by a background job, then published.

    ``kind`` is "lunch" or "shadowing"; the sessions or slots (``time_plan_item``) and what could
    not be placed (``time_plan_left_out``) hang off it. Publishing writes its times as scheduled
    events; the plan itself stays as HR reviewed it.
    """

    __tablename__ = "time_plan"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))  # proposed | published
    settings: Mapped[dict[str, Any]] = mapped_column()
    solver_status: Mapped[str] = mapped_column(String(16))
    objective: Mapped[float] = mapped_column(Float)
    bound: Mapped[float] = mapped_column(Float)
    gap: Mapped[float] = mapped_column(Float)
    #: Shadowing's points for fit and fairness (0 for lunch & learn) and the engine's seconds.
    score: Mapped[float] = mapped_column(Float, default=0.0)
    seconds: Mapped[float] = mapped_column(Float, default=0.0)
    notes: Mapped[list[str]] = mapped_column(Messages)
    job_id: Mapped[int | None] = mapped_column(Integer)
    created: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    published: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class TimePlanItemRow(Base):
    """A session or a slot.

    ``people`` in order: a session's presenter, then the interested colleagues free then; a slot's
    guest, then host. ``request_id`` and ``host_timezone`` belong to slots, ``demand`` to sessions.
    """

    __tablename__ = "time_plan_item"
    plan_id: Mapped[int] = mapped_column(ForeignKey("time_plan.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    skill_id: Mapped[str | None] = mapped_column(String(120))
    people: Mapped[list[str]] = mapped_column()
    start: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    end: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    timezone: Mapped[str] = mapped_column(String(64))
    request_id: Mapped[str | None] = mapped_column(String(32))
    host_timezone: Mapped[str | None] = mapped_column(String(64))
    demand: Mapped[int | None] = mapped_column(Integer)
    reasons: Mapped[list[str]] = mapped_column(Messages)


class TimePlanLeftOutRow(Base):
    """A topic without a session (``subject`` is its skill id) or a request without a slot (its id)."""

    __tablename__ = "time_plan_left_out"
    plan_id: Mapped[int] = mapped_column(ForeignKey("time_plan.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    subject: Mapped[str] = mapped_column(String(120))
    reason: Mapped[str] = mapped_column(Messages)
