"""The database the use cases work on: which one (``--db``, ``MEELOOP_DATABASE_URL`` or the default
SQLite file) and the handle every service takes. The web app and the commands get it from here."""

from __future__ import annotations

from matcher.storage import Database, database_url
from matcher.storage.errors import DATABASE_ERRORS

__all__ = ["DATABASE_ERRORS", "Database", "database_url"]
