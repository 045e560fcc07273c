"""The tables of pairing and group rounds: the round, its pairs or groups, who was left out, its events,
and the proposals being worked out in the background."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from matcher.storage.base import Base, Messages


class RoundRow(Base):
    """A pairing or group round: the proposal HR works on, then the published plan.

    ``mode`` is a pairing mode or a group kind. Pairs or groups (``round_pair``
    rows), the people left out and the event log hang off it; a published
    round's pairs and groups are also written to the history, where the
    cooldown reads them.
    """

    __tablename__ = "pairing_round"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    mode: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))  # proposed | published
    config: Mapped[dict[str, Any]] = mapped_column()
    objective: Mapped[float] = mapped_column(Float)
    bound: Mapped[float] = mapped_column(Float)
    gap: Mapped[float] = mapped_column(Float)
    solver_status: Mapped[str] = mapped_column(String(16))
    solver: Mapped[str] = mapped_column(String(64))
    conflicts: Mapped[list[str]] = mapped_column(Messages)
    notes: Mapped[list[str]] = mapped_column(Messages)
    created: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    updated: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    published: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class RoundPairRow(Base):
    __tablename__ = "round_pair"
    round_id: Mapped[int] = mapped_column(
        ForeignKey("pairing_round.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: Person ids in order: a pair (in directed modes the first teaches or guides) or a group.
    members: Mapped[list[str]] = mapped_column()
    score: Mapped[float] = mapped_column(Float)
    reasons: Mapped[list[str]] = mapped_column(Messages)
    locked: Mapped[bool] = mapped_column(Boolean, default=False)


class RoundLeftOutRow(Base):
    """Someone taking part in a round who is in no pair, with the reason."""

    __tablename__ = "round_left_out"
    round_id: Mapped[int] = mapped_column(
        ForeignKey("pairing_round.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(Messages)


class RoundEventRow(Base):
    """What happened to a round and when: proposed, re-proposed, a pair locked, published."""

    __tablename__ = "round_event"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("pairing_round.id", ondelete="CASCADE"), index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    action: Mapped[str] = mapped_column(String(32))
    detail: Mapped[str] = mapped_column(Messages)


class SolveJobRow(Base):
    """A proposal being worked out in the background, with its progress and best plan so far."""

    __tablename__ = "solve_job"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    round_name: Mapped[str] = mapped_column(String(200), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    #: queued | running | done | failed
    status: Mapped[str] = mapped_column(String(16), index=True)
    #: The settings it was started with, as the form gave them.
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: Seconds searched so far and the search's limit, for the progress bar.
    elapsed: Mapped[float] = mapped_column(Float, default=0.0)
    limit: Mapped[float] = mapped_column(Float, default=0.0)
    #: The best plan so far: its objective, how many units and who is left out.
    best: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    message: Mapped[str] = mapped_column(Messages, default="")
    started_by: Mapped[str] = mapped_column(String(320), default="")
    created: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    finished: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
