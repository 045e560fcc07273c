"""The table of web accounts."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    DateTime,
    Integer,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from matcher.storage.base import Base


class AccountRow(Base):
    """A login to the web UI: a role, and for most accounts the person it belongs to.
    Only a salted hash of the password is stored."""

    __tablename__ = "account"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    #: What is typed at login, case-folded: usually the work e-mail address.
    login: Mapped[str] = mapped_column(String(320), unique=True)
    #: The person this account is; none for an HR account that is nobody on the map.
    #: No foreign key: an account outlives a re-import that drops and returns a person.
    person_id: Mapped[str | None] = mapped_column(String(120), unique=True)
    #: hr | manager | employee
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(255))
    #: The interface language chosen by the person; none means the browser's.
    locale: Mapped[str | None] = mapped_column(String(8))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    #: One more at each password change, so sessions started before it end.
    session_version: Mapped[int] = mapped_column(Integer, default=0)
    created: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    password_changed: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
