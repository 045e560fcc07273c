"""Use cases for proposals worked out in the background: start a job, run it, hear how far it is,
and fail the jobs a stopped server left behind.

A job proposes (or re-proposes) a pairing or group round and stores it as the round's proposal,
as ``meeloop pair --save`` and ``meeloop groups --save`` do; or it plans lunch & learn sessions or
shadowing slots and stores them as a proposal for HR to review before they are published
(:mod:`matcher.services.plans`). The job
keeps a snapshot of the proposal it made and of the one it replaced, so that the two can be
compared after the round was re-solved.

A job runs on the queue (:mod:`matcher.services.queue`): the web app records it and puts it on
the queue, a worker process runs :func:`run_job` for it. A worker claims the job before it starts
(only a queued job can be claimed), so two workers never solve the same job, and writes the
proposal in one transaction at the end, so a worker killed halfway leaves nothing half-written.
The scheduled :func:`reap` puts the job of a worker that died back on the queue, once, and
reports it failed after that. ``now`` is passed in as a clock.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from matcher.domain.phrases import counted, phrase
from matcher.domain.problems import InvalidInput
from matcher.engines.lunch import LunchConfig, LunchPlan
from matcher.engines.shadowing import ShadowConfig, ShadowPlan, ShadowWeights
from matcher.plans.kinds import Family, UnknownKind
from matcher.plans.kinds import kind as plan_kind
from matcher.plans.rounds import RoundError, StoredRound, listed, said_by
from matcher.plans.solve_jobs import DONE, FAILED, QUEUED, RUNNING, SolveJob, snapshot
from matcher.services import queue, rounds, scheduling
from matcher.storage import Database
from matcher.storage import rounds as round_storage
from matcher.storage import solve_jobs as store
from matcher.storage import time_plans as time_plan_storage

log = logging.getLogger(__name__)

Clock = Callable[[], dt.datetime]
#: Progress goes to the database at most this often (seconds): the page refreshes every two.
REPORT_EVERY = 0.5
ABANDONED = phrase("the worker stopped before this job finished, twice; start it again")
#: How often a job whose worker died is started again before it is reported failed.
ATTEMPTS = 2
#: A queued or running job this much older than its time limit is taken for abandoned anyhow
#: (a worker on another machine that stopped without a word).
STALE_AFTER = 3600.0
#: A job still queued after this long was lost by the queue (its storage emptied): put it back.
LOST_AFTER = 600.0


def start_job(
    db: Database,
    *,
    round_name: str,
    kind: str,
    settings: dict[str, Any],
    limit: float,
    started_by: str,
    runner: dict[str, Any],
    now: dt.datetime,
) -> SolveJob:
    """Queue a job; refused while another job for the same round is queued or running.

    ``settings`` is ``{"config": ...}`` (a round's config as a mapping) for pairing and group
    rounds, and the plan's settings for lunch and shadowing (see :func:`lunch_config`,
    :func:`shadow_config`). ``runner`` is empty until a worker claims the job (see :func:`recover`).
    """
    try:
        plan_kind(kind)
    except UnknownKind as exc:
        raise RoundError(said_by(exc)) from None
    with db.transaction() as session:
        busy = [j for j in store.jobs_of(session, round_name) if j.active]
        if busy:
            raise RoundError(
                phrase(
                    "round '{name}' is already being worked out (job {job}); wait until it is done",
                    name=round_name,
                    job=str(busy[-1].id),
                )
            )
        return store.add_job(
            session,
            round_name=round_name,
            kind=kind,
            settings=settings,
            limit=limit,
            started_by=started_by,
            best={"runner": runner},
            status=QUEUED,
            now=now,
        )


def job(db: Database, job_id: int) -> SolveJob | None:
    with db.transaction() as session:
        return store.job(session, job_id)


def active_jobs(db: Database) -> list[SolveJob]:
    """Jobs queued or running, oldest first."""
    with db.transaction() as session:
        return store.active_jobs(session)


def jobs_of(db: Database, round_name: str) -> list[SolveJob]:
    with db.transaction() as session:
        return store.jobs_of(session, round_name)


@queue.handler("solve")
def solve(context: queue.Context, key: str) -> None:
    """The queue's handler: run the job numbered ``key``, if it is still queued."""
    run_job(context.db, int(key), today=context.today(), clock=context.clock)


def run_job(
    db: Database, job_id: int, *, today: dt.date, clock: Clock, runner: dict[str, Any] | None = None
) -> SolveJob | None:
    """Claim a queued job and run it to its end: done with the proposal, or failed with the
    domain's message (a round that may not be proposed, settings that are no longer valid).
    Anything else is a bug: the job is marked failed without details and the error is raised for
    the caller to log. Returns None when the job was not queued (claimed by another worker,
    finished, or failed meanwhile)."""
    with db.transaction() as session:
        started = store.mark_running(session, job_id, now=clock(), runner=runner or queue.identity())
    if started is None:
        return None
    began = time.monotonic()
    try:
        best = _work(db, started, today=today, clock=clock)
    except InvalidInput as exc:
        return _finish(db, job_id, FAILED, clock, message=reported(exc), elapsed=time.monotonic() - began)
    except (RoundError, ValueError) as exc:
        return _finish(db, job_id, FAILED, clock, message=said_by(exc), elapsed=time.monotonic() - began)
    except Exception:
        _finish(db, job_id, FAILED, clock, message="", elapsed=time.monotonic() - began)
        raise
    seconds = float(best.get("seconds", time.monotonic() - began))
    return _finish(db, job_id, DONE, clock, best=best, elapsed=seconds)


def reported(exc: InvalidInput) -> str:
    """The problems of bad input as one message, as :meth:`InvalidInput.report` writes them: the
    summary, then each problem with its place on a line of its own."""
    lines = [str(problem) for problem in exc.problems]
    hidden = exc.total - len(exc.problems)
    if hidden > 0:
        lines.append(counted(hidden, "... and {n} more", "... and {n} more"))
    return listed(phrase("{summary}:", summary=exc.summary()), lines)


def _finish(
    db: Database,
    job_id: int,
    status: str,
    clock: Clock,
    *,
    message: str = "",
    best: dict[str, Any] | None = None,
    elapsed: float | None = None,
) -> SolveJob:
    with db.transaction() as session:
        return store.finish(
            session, job_id, status=status, now=clock(), message=message, best=best, elapsed=elapsed
        )


def abandoned(found: SolveJob, now: dt.datetime) -> bool:
    """Whether nobody will finish a running job: its worker on this host is gone, or it has run
    far longer than its limit (a worker on another machine that stopped without a word). A queued
    job is never abandoned: however long the queue, it waits for its turn."""
    if found.status != RUNNING:
        return False
    began = found.started or found.created
    return (now - began).total_seconds() > found.limit + STALE_AFTER or queue.gone(found.best.get("runner"))


def _lost(found: SolveJob, now: dt.datetime) -> bool:
    """Whether a queued job was put on the queue so long ago that the queue may have lost it (its
    storage emptied); it is then put on the queue again, at most once every :data:`LOST_AFTER`."""
    raw = found.best.get("queued")
    last = dt.datetime.fromisoformat(raw) if raw else found.created
    return found.status == QUEUED and (now - last).total_seconds() > LOST_AFTER


@dataclass(frozen=True)
class Reaped:
    retried: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    requeued: list[int] = field(default_factory=list)


def recover(db: Database, *, now: dt.datetime, enqueue: Callable[[str, str], None]) -> Reaped:
    """Jobs left behind: a running job whose worker died is queued again (a solve starts over;
    nothing of the first try was written) and, after :data:`ATTEMPTS` tries, failed with a reason;
    a job queued long ago is put on the queue again (a second copy finds it claimed)."""
    reaped = Reaped()
    with db.transaction() as session:
        for found in store.active_jobs(session):
            if abandoned(found, now):
                if found.attempts < ATTEMPTS:
                    store.requeue(session, found.id)
                    store.update_best(session, found.id, {"queued": now.isoformat()})
                    reaped.retried.append(found.id)
                else:
                    store.finish(session, found.id, status=FAILED, now=now, message=ABANDONED)
                    reaped.failed.append(found.id)
            elif _lost(found, now):
                store.update_best(session, found.id, {"queued": now.isoformat()})
                reaped.requeued.append(found.id)
    for job_id in reaped.retried + reaped.requeued:
        enqueue("solve", str(job_id))
    if reaped.retried or reaped.failed:
        log.warning(
            "solve jobs of stopped workers: %s queued again, %s failed", reaped.retried, reaped.failed
        )
    return reaped


@queue.scheduled(
    "reap", cron="* * * * *", summary=phrase("jobs of stopped workers: run again or reported failed")
)
def reap(context: queue.Context, now: dt.datetime) -> Reaped:
    return recover(context.db, now=now, enqueue=context.put)


class _Reporter:
    """The solver's progress, written to the job at most every :data:`REPORT_EVERY` seconds."""

    def __init__(self, db: Database, job_id: int) -> None:
        self.db = db
        self.job_id = job_id
        self.last = 0.0

    def __call__(self, objective: float, bound: float, seconds: float) -> None:
        moment = time.monotonic()
        if moment - self.last < REPORT_EVERY:
            return
        self.last = moment
        try:
            with self.db.transaction() as session:
                store.update_best(
                    session, self.job_id, {"objective": objective, "bound": bound}, elapsed=seconds
                )
        except Exception:  # progress is a courtesy: a busy database must not stop the search
            log.warning("progress of job %s not written", self.job_id, exc_info=True)


def _work(db: Database, started: SolveJob, *, today: dt.date, clock: Clock) -> dict[str, Any]:
    family = plan_kind(started.kind).family
    if family is Family.SESSIONS:
        return _lunch(db, started, clock)
    if family is Family.SLOTS:
        return _shadowing(db, started, clock)
    return _round(db, started, today=today, clock=clock)


def _round(db: Database, started: SolveJob, *, today: dt.date, clock: Clock) -> dict[str, Any]:
    name = started.round_name
    with db.transaction() as session:
        existing = round_storage.load_round(session, name)
    before = _snapshot("before", existing) if existing is not None else None
    report = _Reporter(db, started.id)
    round_kind = plan_kind(started.kind)
    config = round_kind.config_from(
        started.settings["config"], source=phrase("job {job}", job=str(started.id))
    )
    proposal: Any
    if round_kind.family is Family.GROUPS:
        proposal = rounds.propose_group_round(
            db, round_name=name, config=config, today=today, now=clock(), save=True, on_progress=report
        )
        units = proposal.groups
    else:
        proposal = rounds.propose_round(
            db, round_name=name, config=config, today=today, now=clock(), save=True, on_progress=report
        )
        units = proposal.pairs
    with db.transaction() as session:
        stored = round_storage.load_round(session, name)
    assert stored is not None, name
    return {
        "objective": proposal.objective,
        "bound": proposal.bound,
        "gap": proposal.gap,
        "status": proposal.status,
        "solver": proposal.solver,
        "units": len(units),
        "left_out": len(proposal.unmatched),
        "seconds": proposal.seconds,
        "proposal": _snapshot(f"job {started.id}", stored).as_dict(),
        **({"before": before.as_dict()} if before is not None else {}),
    }


def _snapshot(label: str, stored: StoredRound) -> Any:
    return snapshot(
        label, stored.pairs, [u.person_id for u in stored.unmatched], stored.objective, stored.updated
    )


def lunch_config(settings: dict[str, Any]) -> LunchConfig:
    """A lunch plan's settings as the job keeps them (dates as ISO text)."""
    return LunchConfig(
        first_day=dt.date.fromisoformat(settings["first_day"]),
        last_day=dt.date.fromisoformat(settings["last_day"]),
        per_week=int(settings.get("per_week", 1)),
        site=settings.get("site") or None,
        min_demand=int(settings.get("min_demand", 2)),
        max_sessions_per_presenter=int(settings.get("max_sessions_per_presenter", 1)),
    )


def shadow_config(settings: dict[str, Any]) -> ShadowConfig:
    """A shadowing plan's settings as the job keeps them."""
    # Spreading hosts' load over recent plans is on unless HR switched it off.
    spread = settings.get("spread_recent_hosting", True) is not False
    return ShadowConfig(
        capacity_period=settings.get("capacity_period", "month"),
        time_limit=float(settings.get("time_limit", 10.0)),
        weights=ShadowWeights(recent_load=ShadowWeights.recent_load if spread else 0.0),
    )


def _lunch(db: Database, started: SolveJob, clock: Clock) -> dict[str, Any]:
    config = lunch_config(started.settings)
    began = time.monotonic()
    plan = scheduling.plan_lunch(db, config, now=clock(), save=False)
    _keep(db, started, plan, clock)
    return {
        "objective": plan.objective,
        "bound": plan.bound,
        "gap": plan.gap,
        "status": plan.status,
        "units": len(plan.sessions),
        "left_out": len(plan.unplaced),
        "source": scheduling.lunch_source(config),
        "seconds": time.monotonic() - began,
    }


def _shadowing(db: Database, started: SolveJob, clock: Clock) -> dict[str, Any]:
    config = shadow_config(started.settings)
    problems = config.problems()
    if problems:
        raise InvalidInput(problems)
    first = dt.date.fromisoformat(started.settings["first_day"])
    last = dt.date.fromisoformat(started.settings["last_day"])
    plan = scheduling.plan_shadowing(db, first, last, config, now=clock(), save=False)
    _keep(db, started, plan, clock)
    return {
        "objective": plan.objective,
        "bound": plan.bound,
        "gap": plan.gap,
        "status": plan.status,
        "units": len(plan.slots),
        "left_out": len(plan.unplaced),
        "seconds": plan.seconds,
    }


def _keep(db: Database, started: SolveJob, plan: LunchPlan | ShadowPlan, clock: Clock) -> None:
    """Store the plan as the proposal under the job's name, for HR to review and publish."""
    with db.transaction() as session:
        time_plan_storage.save_proposal(
            session,
            name=started.round_name,
            kind=started.kind,
            settings=started.settings,
            plan=plan,
            job_id=started.id,
            now=clock(),
        )
