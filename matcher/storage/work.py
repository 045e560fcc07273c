"""Background work in the database: rows to and from :class:`matcher.plans.work_jobs.WorkJob`.

Every function runs inside the caller's transaction and only flushes. :func:`claim` is the one
that decides which worker does a job: it locks the row (``SELECT ... FOR UPDATE`` on PostgreSQL)
and changes it only while it is still queued, so of two workers that claim the same job at the
same moment exactly one gets it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import CursorResult, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from matcher.plans.work_jobs import ACTIVE, DONE, FAILED, QUEUED, RUNNING, WorkJob
from matcher.storage import WorkJobRow
from matcher.storage.base import utc


def _utc(moment: dt.datetime | None) -> dt.datetime | None:
    return utc(moment) if moment is not None else None


def _job(row: WorkJobRow) -> WorkJob:
    return WorkJob(
        id=row.id,
        kind=row.kind,
        subject=row.subject,
        status=row.status,
        params=dict(row.params or {}),
        progress=dict(row.progress or {}),
        outcome=dict(row.outcome or {}),
        message=row.message,
        started_by=row.started_by,
        created=utc(row.created),
        started=_utc(row.started),
        finished=_utc(row.finished),
        attempts=row.attempts,
        runner=dict(row.runner or {}),
    )


def active_key(kind: str, subject: str) -> str:
    return f"{kind}:{subject}"


def add(
    session: Session,
    *,
    kind: str,
    subject: str,
    params: dict[str, Any],
    started_by: str,
    now: dt.datetime,
    upload: bytes | None = None,
) -> WorkJob | None:
    """A queued job; None when the same kind and subject is active already (the unique
    ``active_key`` refuses a second one, also one added at the same moment by another request)."""
    if active(session, kind, subject) is not None:
        return None
    row = WorkJobRow(
        kind=kind,
        subject=subject,
        status=QUEUED,
        active_key=active_key(kind, subject),
        params=params,
        upload=upload,
        progress={},
        outcome={},
        message="",
        started_by=started_by,
        created=now,
        attempts=0,
        runner={},
    )
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        return None
    return _job(row)


def get(session: Session, job_id: int) -> WorkJob | None:
    row = session.get(WorkJobRow, job_id)
    return _job(row) if row is not None else None


def upload(session: Session, job_id: int) -> bytes | None:
    return session.scalars(select(WorkJobRow.upload).where(WorkJobRow.id == job_id)).one_or_none()


def active(session: Session, kind: str, subject: str) -> WorkJob | None:
    row = session.scalars(
        select(WorkJobRow).where(WorkJobRow.active_key == active_key(kind, subject))
    ).one_or_none()
    return _job(row) if row is not None else None


def of_subject(session: Session, subject: str, *, limit: int = 20) -> list[WorkJob]:
    """The subject's jobs, newest first."""
    rows = session.scalars(
        select(WorkJobRow).where(WorkJobRow.subject == subject).order_by(WorkJobRow.id.desc()).limit(limit)
    )
    return [_job(r) for r in rows]


def claim(session: Session, job_id: int, runner: dict[str, Any], *, now: dt.datetime) -> WorkJob | None:
    """The job, now running for ``runner``, if it was queued; None when it is not (another worker
    has it, or it ended)."""
    locked = session.scalars(
        select(WorkJobRow.id).where(WorkJobRow.id == job_id, WorkJobRow.status == QUEUED).with_for_update()
    ).one_or_none()
    if locked is None:
        return None
    # The condition again in the UPDATE: SQLite has no row locks, and its writers take turns.
    result = session.execute(
        update(WorkJobRow)
        .where(WorkJobRow.id == job_id, WorkJobRow.status == QUEUED)
        .values(status=RUNNING, runner=runner, started=now, attempts=WorkJobRow.attempts + 1)
    )
    assert isinstance(result, CursorResult), "an UPDATE's result is a cursor result, with a row count"
    if result.rowcount != 1:
        return None
    session.expire_all()
    return get(session, job_id)


def set_progress(session: Session, job_id: int, token: str, progress: dict[str, Any]) -> bool:
    """Record the running job's progress, if ``token``'s worker still has it."""
    row = session.get(WorkJobRow, job_id, with_for_update=True)
    if row is None or row.status != RUNNING or (row.runner or {}).get("token") != token:
        return False
    row.progress = progress
    session.flush()
    return True


def release(session: Session, job_id: int, token: str, message: str) -> bool:
    """Put the running job back in the queue with why it waits (a retry comes); if it is still
    ``token``'s."""
    row = session.get(WorkJobRow, job_id, with_for_update=True)
    if row is None or row.status != RUNNING or (row.runner or {}).get("token") != token:
        return False
    row.status = QUEUED
    row.message = message
    session.flush()
    return True


def finish(
    session: Session,
    job_id: int,
    token: str | None,
    *,
    outcome: dict[str, Any] | None = None,
    message: str = "",
    failed: bool = False,
    now: dt.datetime,
) -> bool:
    """End the job: done with its outcome, or failed with why; if it is still ``token``'s (any
    active job when ``token`` is None). Its upload goes: it is not needed any more."""
    row = session.get(WorkJobRow, job_id, with_for_update=True)
    if row is None or row.status not in ACTIVE:
        return False
    if token is not None and (row.status != RUNNING or (row.runner or {}).get("token") != token):
        return False
    row.status = FAILED if failed else DONE
    row.active_key = None
    row.outcome = outcome or {}
    row.message = message
    row.finished = now
    row.upload = None
    session.flush()
    return True


def active_jobs(session: Session) -> list[WorkJob]:
    """The jobs queued or running, oldest first."""
    rows = session.scalars(select(WorkJobRow).where(WorkJobRow.status.in_(ACTIVE)).order_by(WorkJobRow.id))
    return [_job(r) for r in rows]
