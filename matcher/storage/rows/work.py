"""The table of background work other than solves: publishing, sending and imports."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, DateTime, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from matcher.storage.base import Base, Messages


class WorkJobRow(Base):
    """A piece of work a worker does for HR, with its progress and, once done, its outcome."""

    __tablename__ = "work_job"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    #: publish | send | import
    kind: Mapped[str] = mapped_column(String(16))
    subject: Mapped[str] = mapped_column(String(320), index=True)
    #: queued | running | done | failed
    status: Mapped[str] = mapped_column(String(16), index=True)
    #: ``kind:subject`` while the job is queued or running, NULL once it ended: unique, so that one
    #: piece of work cannot be started twice at once, also by two requests at the same moment.
    active_key: Mapped[str | None] = mapped_column(String(340), unique=True)
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: The uploaded files of an import (a zip of them), kept until the import is done.
    upload: Mapped[bytes | None] = mapped_column(LargeBinary)
    progress: Mapped[dict[str, Any]] = mapped_column(Messages, default=dict)
    outcome: Mapped[dict[str, Any]] = mapped_column(Messages, default=dict)
    message: Mapped[str] = mapped_column(Messages, default="")
    started_by: Mapped[str] = mapped_column(String(320), default="")
    created: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    started: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    finished: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    runner: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
