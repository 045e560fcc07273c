"""The tables of the learning loop's questionnaires: the quarterly value check and the learning climate."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from matcher.storage.base import Base


class ValueCheckRow(Base):
    """One person's value check on one quarter (``2026-Q4``): made when the e-mail goes out (with the
    SHA-256 of the token in its link) or when the person opens the form on their own pages, answered
    and changed until the quarter after it ends. Department, team, tenure band and programmes are
    kept as they were when it was answered, so reports over quarters stay as they were."""

    __tablename__ = "value_check"
    __table_args__ = (UniqueConstraint("person_id", "quarter"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    quarter: Mapped[str] = mapped_column(String(8))
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    #: The value levels reached: immediate, potential, applied, realised, reframing.
    levels: Mapped[list[str]] = mapped_column(JSON, default=list)
    story: Mapped[str] = mapped_column(Text, default="")
    department: Mapped[str] = mapped_column(String(200), default="")
    team: Mapped[str] = mapped_column(String(200), default="")
    #: The tenure band (under-1, 1-5, 5-15, 15-plus, unknown): experience, never age.
    tenure: Mapped[str] = mapped_column(String(16), default="")
    #: The kinds of round (programmes) of the person's sessions in the quarter.
    programmes: Mapped[list[str]] = mapped_column(JSON, default=list)
    created: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    #: None until answered.
    answered: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class ClimateAnswerRow(Base):
    """One person's answers to the learning climate questionnaire in one quarter: a score from 1 to 5
    per statement (``{"changes": 4, ...}``), with the team and department they were in."""

    __tablename__ = "climate_answer"
    __table_args__ = (UniqueConstraint("person_id", "quarter"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    quarter: Mapped[str] = mapped_column(String(8))
    scores: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    department: Mapped[str] = mapped_column(String(200), default="")
    team: Mapped[str] = mapped_column(String(200), default="")
    answered: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
