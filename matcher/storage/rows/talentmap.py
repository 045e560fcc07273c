"""The talent map's tables: people, skills and how they relate, holdings, wishes, history and imports."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from matcher.storage.base import Base, Messages


class MetaRow(Base):
    """Small facts about the stored organisation: its name and a data version
    that goes up with every change, so caches know when to rebuild."""

    __tablename__ = "meta"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class PersonRow(Base):
    __tablename__ = "person"
    id: Mapped[str] = mapped_column(String(120), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254), unique=True)
    department: Mapped[str] = mapped_column(String(200), default="")
    function: Mapped[str] = mapped_column(String(200), default="")
    site: Mapped[str] = mapped_column(String(200), default="")
    team: Mapped[str] = mapped_column(String(200), default="")
    # No foreign key: a file may name a manager further down, and the whole
    # organisation is checked for unknown managers and loops before writing.
    manager_id: Mapped[str | None] = mapped_column(String(120), index=True)
    start_date: Mapped[dt.date | None] = mapped_column(Date)
    years_experience: Mapped[float] = mapped_column(Float, default=0.0)
    languages: Mapped[list[str]] = mapped_column(default=list)
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Amsterdam")
    working_hours: Mapped[dict[str, Any]] = mapped_column(default=dict)
    leaving_date: Mapped[dt.date | None] = mapped_column(Date)
    intern: Mapped[bool] = mapped_column(Boolean, default=False)
    newcomer: Mapped[bool] = mapped_column(Boolean, default=False)
    ask_me: Mapped[bool] = mapped_column(Boolean, default=True)
    mentor_capacity: Mapped[int] = mapped_column(Integer, default=0)
    host_capacity: Mapped[int] = mapped_column(Integer, default=0)
    presenter: Mapped[bool] = mapped_column(Boolean, default=False)


class SkillRow(Base):
    __tablename__ = "skill"
    id: Mapped[str] = mapped_column(String(120), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(200), default="")
    aliases: Mapped[list[str]] = mapped_column(default=list)
    parent_id: Mapped[str | None] = mapped_column(String(120), index=True)


class SkillRelationRow(Base):
    """A relation between two skills, stored once with ``skill_a < skill_b``."""

    __tablename__ = "skill_relation"
    skill_a: Mapped[str] = mapped_column(ForeignKey("skill.id", ondelete="CASCADE"), primary_key=True)
    skill_b: Mapped[str] = mapped_column(ForeignKey("skill.id", ondelete="CASCADE"), primary_key=True)
    strength: Mapped[float] = mapped_column(Float)


class HoldingRow(Base):
    __tablename__ = "holding"
    person_id: Mapped[str] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), primary_key=True)
    skill_id: Mapped[str] = mapped_column(ForeignKey("skill.id", ondelete="CASCADE"), primary_key=True)
    level: Mapped[int] = mapped_column(Integer)
    #: Entered by the person on their profile (theirs); else from HR (a file or HR's pages).
    self_entered: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    __table_args__ = (Index("ix_holding_skill_level", "skill_id", "level"),)


class WishRow(Base):
    __tablename__ = "wish"
    person_id: Mapped[str] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), primary_key=True)
    skill_id: Mapped[str] = mapped_column(ForeignKey("skill.id", ondelete="CASCADE"), primary_key=True)
    priority: Mapped[int] = mapped_column(Integer)
    #: Entered by the person on their profile (theirs); else from HR (a file or HR's pages).
    self_entered: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    __table_args__ = (Index("ix_wish_skill", "skill_id"),)


class HistoryRow(Base):
    """An earlier pairing or group. Members stay as written even when a person
    leaves the organisation later: history is not rewritten."""

    __tablename__ = "history_entry"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    round: Mapped[str] = mapped_column(String(200), index=True)
    kind: Mapped[str] = mapped_column(String(64))
    members: Mapped[list[str]] = mapped_column()
    started: Mapped[dt.date] = mapped_column(Date)
    ended: Mapped[dt.date | None] = mapped_column(Date)


class ImportRunRow(Base):
    """One import: when, from which files, and what it changed."""

    __tablename__ = "import_run"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    #: File names, or messages for an edit on HR's pages ("profile of anna, changed by eva").
    sources: Mapped[list[str]] = mapped_column(Messages)
    replace: Mapped[bool] = mapped_column(Boolean, default=False)
    summary: Mapped[str] = mapped_column(Messages)
    #: What HR took from the file over what people entered: ``PERSON:FIELD`` texts.
    taken: Mapped[list[str]] = mapped_column(default=list, server_default="[]")


class ArchivedPersonRow(Base):
    """A person removed by an import, kept with their skills and wishes as they were."""

    __tablename__ = "archived_person"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    person_id: Mapped[str] = mapped_column(String(120), index=True)
    import_run_id: Mapped[int] = mapped_column(ForeignKey("import_run.id"))
    removed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    data: Mapped[dict[str, Any]] = mapped_column()
