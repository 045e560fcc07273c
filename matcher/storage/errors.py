"""What the database layer raises when the database cannot be used, for callers that report it
without knowing the database library."""

from __future__ import annotations

from sqlalchemy.exc import SQLAlchemyError

DATABASE_ERRORS: tuple[type[Exception], ...] = (SQLAlchemyError,)
