"""What each data version changed, so that a cached talent map takes in only that."""

from __future__ import annotations

from sqlalchemy import Integer
from sqlalchemy.orm import Mapped, mapped_column

from matcher.storage.base import Base


class DataChangeRow(Base):
    """One data version (``meta.data_version``): the people whose record, skill levels or wishes it
    changed, added or removed, or None when it changed more than people (skills, history, the
    organisation's name) or too many of them to list."""

    __tablename__ = "data_change"
    version: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    people: Mapped[list[str] | None] = mapped_column()
