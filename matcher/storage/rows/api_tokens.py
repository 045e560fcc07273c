"""The table of personal access tokens for the API."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from matcher.storage.base import Base


class ApiTokenRow(Base):
    """A personal access token of an HR account: only the SHA-256 of its secret is stored."""

    __tablename__ = "api_token"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    #: The hex SHA-256 of the secret: what a presented secret is looked up by.
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    #: The scopes, separated by spaces (as OAuth writes them).
    scopes: Mapped[str] = mapped_column(String(200))
    created: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    #: The last day the token works.
    expires: Mapped[dt.date] = mapped_column(Date)
    last_used: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    #: When it was revoked; a revoked token is kept, so that the list shows what was issued.
    revoked: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
