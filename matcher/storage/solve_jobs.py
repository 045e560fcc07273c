"""Background solve jobs in the database: rows to and from :class:`matcher.plans.solve_jobs.SolveJob`;
and the one change to a stored round that HR makes besides its pairs: its settings.

Every function runs inside the caller's transaction and only flushes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from matcher.engines.groups import GroupConfig
from matcher.engines.pairing import PairingConfig
from matcher.plans.solve_jobs import ACTIVE, DONE, FAILED, QUEUED, RUNNING, SolveJob
from matcher.storage import RoundEventRow, RoundRow, SolveJobRow
from matcher.storage.base import utc


def _utc(moment: dt.datetime | None) -> dt.datetime | None:
    return utc(moment) if moment is not None else None


def _job(row: SolveJobRow) -> SolveJob:
    created = _utc(row.created)
    assert created is not None
    return SolveJob(
        id=row.id,
        round_name=row.round_name,
        kind=row.kind,
        status=row.status,
        settings=dict(row.settings or {}),
        elapsed=row.elapsed,
        limit=row.limit,
        best=dict(row.best or {}),
        message=row.message,
        started_by=row.started_by,
        created=created,
        finished=_utc(row.finished),
    )


def add_job(
    session: Session,
    *,
    round_name: str,
    kind: str,
    settings: dict[str, Any],
    limit: float,
    started_by: str,
    best: dict[str, Any],
    status: str,
    now: dt.datetime,
) -> SolveJob:
    row = SolveJobRow(
        round_name=round_name,
        kind=kind,
        status=status,
        settings=settings,
        elapsed=0.0,
        limit=limit,
        best=best,
        message="",
        started_by=started_by,
        created=now,
    )
    session.add(row)
    session.flush()
    return _job(row)


def job(session: Session, job_id: int, *, for_update: bool = False) -> SolveJob | None:
    row = _row(session, job_id, for_update=for_update)
    return _job(row) if row is not None else None


def _row(session: Session, job_id: int, *, for_update: bool = False) -> SolveJobRow | None:
    query = select(SolveJobRow).where(SolveJobRow.id == job_id)
    if for_update:
        query = query.with_for_update()
    return session.scalars(query).one_or_none()


def jobs_of(session: Session, round_name: str) -> list[SolveJob]:
    """A round's jobs, oldest first."""
    rows = session.scalars(
        select(SolveJobRow).where(SolveJobRow.round_name == round_name).order_by(SolveJobRow.id)
    )
    return [_job(r) for r in rows]


def jobs_of_kinds(session: Session, kinds: Iterable[str], *, status: str | None = None) -> list[SolveJob]:
    """Jobs of these kinds, oldest first."""
    query = select(SolveJobRow).where(SolveJobRow.kind.in_(list(kinds))).order_by(SolveJobRow.id)
    if status is not None:
        query = query.where(SolveJobRow.status == status)
    return [_job(r) for r in session.scalars(query)]


def active_jobs(session: Session) -> list[SolveJob]:
    rows = session.scalars(select(SolveJobRow).where(SolveJobRow.status.in_(ACTIVE)).order_by(SolveJobRow.id))
    return [_job(r) for r in rows]


def update_best(
    session: Session, job_id: int, changes: dict[str, Any], *, elapsed: float | None = None
) -> None:
    """Merge ``changes`` into the job's ``best`` (a new dict, so the JSON column is written)."""
    row = _row(session, job_id)
    assert row is not None, job_id
    row.best = {**(row.best or {}), **changes}
    if elapsed is not None:
        row.elapsed = max(row.elapsed, elapsed)


def mark_running(
    session: Session, job_id: int, *, now: dt.datetime, runner: dict[str, Any] | None = None
) -> SolveJob | None:
    """Claim the job for ``runner`` if it is still queued; None when it is not (claimed by another
    worker, finished, or failed meanwhile). The row is locked until the transaction ends (on
    SQLite the whole database is), so of two workers only one claims it."""
    row = _row(session, job_id, for_update=True)
    if row is None or row.status != QUEUED:
        return None
    best = dict(row.best or {})
    best["started"] = now.isoformat()
    best["attempts"] = int(best.get("attempts", 0)) + 1
    if runner is not None:
        best["runner"] = runner
    row.status = RUNNING
    row.best = best
    session.flush()
    return _job(row)


def requeue(session: Session, job_id: int) -> None:
    """Queue a running job again (its worker died): its progress is forgotten, its tries kept."""
    row = _row(session, job_id, for_update=True)
    assert row is not None, job_id
    kept = {k: v for k, v in (row.best or {}).items() if k in ("attempts", "runner", "queued")}
    row.status = QUEUED
    row.best = kept
    row.elapsed = 0.0
    session.flush()


def finish(
    session: Session,
    job_id: int,
    *,
    status: str,
    now: dt.datetime,
    best: dict[str, Any] | None = None,
    message: str = "",
    elapsed: float | None = None,
) -> SolveJob:
    assert status in (DONE, FAILED), status
    row = _row(session, job_id)
    assert row is not None, job_id
    row.status = status
    row.finished = now
    row.message = message
    if best:
        row.best = {**(row.best or {}), **best}
    if elapsed is not None:
        row.elapsed = elapsed
    session.flush()
    return _job(row)


def set_round_config(
    session: Session,
    name: str,
    config: PairingConfig | GroupConfig,
    *,
    now: dt.datetime,
    action: str,
    detail: str,
) -> None:
    """New settings for a stored round (who is excluded, which pairs are forbidden ...), with an event."""
    row = session.scalars(select(RoundRow).where(RoundRow.name == name)).one()
    row.config = config.as_dict()
    row.updated = now
    session.add(RoundEventRow(round_id=row.id, at=now, action=action, detail=detail))
    session.flush()
