"""The tables of knowledge transfer plans: the plan as HR reviewed it, and each successor's level."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from matcher.storage.base import Base, Messages


class TransferPlanRow(Base):
    """A leaver's transfer plan, or one opened from a skill (``leaver_id`` is then its first
    holder; the proposal names the skill and every holder): the successors per skill with their
    reasons, the sessions and who could not be served, as proposed. Publishing writes the sessions
    as scheduled events (source ``transfer:leaver:<id>`` or ``transfer:skill:<id>``, shared by the
    plans of one start) and the plan stays as HR reviewed it."""

    __tablename__ = "transfer_plan"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    leaver_id: Mapped[str] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(16))  # proposed | published | replaced
    settings: Mapped[dict[str, Any]] = mapped_column()
    #: The leaver's date and the skills with their successors, options and reasons (messages).
    proposal: Mapped[dict[str, Any]] = mapped_column(Messages)
    #: Each session: key, skill, successor, start and end (UTC ISO-8601), time zone.
    sessions: Mapped[list[Any]] = mapped_column(JSON, default=list)
    #: Who misses sessions on which skill, how many and why (a message).
    unserved: Mapped[list[Any]] = mapped_column(Messages)
    wanted: Mapped[int] = mapped_column(Integer)
    created: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    published: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class TransferLevelRow(Base):
    """A successor's level in a skill of the plan: as they assess it, and as the leaver confirms it."""

    __tablename__ = "transfer_level"
    __table_args__ = (UniqueConstraint("plan_id", "skill_id", "successor_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("transfer_plan.id", ondelete="CASCADE"), index=True)
    skill_id: Mapped[str] = mapped_column(String(120))
    successor_id: Mapped[str] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    own_level: Mapped[int | None] = mapped_column(Integer)
    own_set: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    confirmed_level: Mapped[int | None] = mapped_column(Integer)
    confirmed: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
