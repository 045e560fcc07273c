"""Lunch & learn and shadowing plans as HR works on them: planned in the background (a job of
kind ``lunch`` or ``shadowing``, see :mod:`matcher.services.background`), reviewed, then published.

Publishing stores the plan HR reviewed, not a new one: it is first checked against today's
data (every rule again, with what was planned meanwhile), and refused when it no longer fits,
so that HR plans again rather than sending invites for times that are gone.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from matcher.engines import lunch, shadowing
from matcher.io.ics import InviteSettings
from matcher.io.mail import SmtpSettings
from matcher.plans.kinds import Family, kind, names
from matcher.plans.rounds import RoundError
from matcher.plans.solve_jobs import DONE, SolveJob
from matcher.services import publishing, scheduling
from matcher.services.background import lunch_config, shadow_config
from matcher.services.round_changes import Invites
from matcher.storage import Database
from matcher.storage import rounds as round_storage
from matcher.storage import solve_jobs as store

#: The kinds whose plans are times (lunch & learn sessions, shadowing slots) rather than rounds.
PLAN_KINDS = names(Family.SESSIONS, Family.SLOTS)


def plans(db: Database) -> list[SolveJob]:
    """The latest job of every lunch & learn and shadowing plan, newest first."""
    with db.transaction() as session:
        found = store.jobs_of_kinds(session, PLAN_KINDS)
    latest = {job.round_name: job for job in found}
    return sorted(latest.values(), key=lambda j: j.id, reverse=True)


def plan_job(db: Database, name: str) -> SolveJob | None:
    """The plan HR reviews under this name: its latest finished job (None when there is none)."""
    with db.transaction() as session:
        found = [j for j in store.jobs_of(session, name) if j.kind in PLAN_KINDS and j.status == DONE]
    return found[-1] if found else None


def latest_plan_job(db: Database, name: str) -> SolveJob | None:
    """The latest job under this name, whatever became of it: its settings are the plan's."""
    with db.transaction() as session:
        found = [j for j in store.jobs_of(session, name) if j.kind in PLAN_KINDS]
    return found[-1] if found else None


def names_taken(db: Database) -> set[str]:
    """Every name a round or a plan goes by: a new one needs another."""
    with db.transaction() as session:
        rounds = {r.name for r in round_storage.round_summaries(session)}
        planned = {j.round_name for j in store.jobs_of_kinds(session, PLAN_KINDS)}
    return rounds | planned


def lunch_plan(job: SolveJob) -> lunch.LunchPlan:
    data = job.best["plan"]
    return lunch.LunchPlan(
        sessions=tuple(
            lunch.LunchSession(
                skill_id=s["skill_id"],
                presenter_id=s["presenter_id"],
                start=dt.datetime.fromisoformat(s["start"]),
                end=dt.datetime.fromisoformat(s["end"]),
                timezone=s["timezone"],
                audience=tuple(s["audience"]),
                demand=int(s["demand"]),
                reasons=tuple(s["reasons"]),
            )
            for s in data["sessions"]
        ),
        unplaced=tuple((u["skill_id"], u["reason"]) for u in data["unplaced"]),
    )


def shadow_plan(job: SolveJob) -> shadowing.ShadowPlan:
    data = job.best["plan"]
    return shadowing.ShadowPlan(
        slots=tuple(
            shadowing.ShadowSlot(
                request_id=s["request_id"],
                guest_id=s["guest_id"],
                host_id=s["host_id"],
                skill_id=s["skill_id"],
                start=dt.datetime.fromisoformat(s["start"]),
                end=dt.datetime.fromisoformat(s["end"]),
                timezone=s["timezone"],
                host_timezone=s["host_timezone"],
                reasons=tuple(s["reasons"]),
            )
            for s in data["slots"]
        ),
        unplaced=tuple((u["request_id"], u["reason"]) for u in data["unplaced"]),
        status=data["status"],
        objective=int(data["objective"]),
        bound=int(data["bound"]),
        gap=float(data["gap"]),
        score=float(data["score"]),
        seconds=float(data["seconds"]),
        notes=tuple(data.get("notes", ())),
    )


def plan_of(job: SolveJob) -> lunch.LunchPlan | shadowing.ShadowPlan:
    """The plan a finished job made, as its engine returned it."""
    return lunch_plan(job) if kind(job.kind).family is Family.SESSIONS else shadow_plan(job)


def sources(job: SolveJob) -> list[str]:
    """What the plan's events belong to: the lunch plan's horizon, or each placed request."""
    if kind(job.kind).family is Family.SESSIONS:
        return [scheduling.lunch_source(lunch_config(job.settings))]
    return [scheduling.request_source(int(s["request_id"])) for s in job.best["plan"]["slots"]]


def publish_plan(
    db: Database,
    name: str,
    settings: InviteSettings,
    smtp: SmtpSettings | None,
    *,
    now: dt.datetime,
) -> tuple[SolveJob, Invites]:
    """Save the reviewed plan of this name, queue its invites and deliver them when e-mail is set up."""
    job = plan_job(db, name)
    if job is None:
        raise RoundError(f"there is no plan named '{name}'")
    if job.published is not None:
        raise RoundError(f"plan '{name}' was already published; plan again under a new name to change it")
    save = {Family.SESSIONS: _save_lunch, Family.SLOTS: _save_shadowing}[kind(job.kind).family]
    save(db, job, now=now)
    with db.transaction() as session:
        store.update_best(session, job.id, {"published": now.isoformat()})
        published = store.job(session, job.id)
    assert published is not None
    return published, send_plan(db, published, settings, smtp, now=now)


def send_plan(
    db: Database, job: SolveJob, settings: InviteSettings, smtp: SmtpSettings | None, *, now: dt.datetime
) -> Invites:
    """Queue what the plan's events call for since the last send, then deliver the outbox."""
    queued: list[Any] = []
    for source in sources(job):
        try:
            queued += publishing.queue_invites(db, settings, source=source, now=now)
        except RoundError:
            continue  # nothing planned for this one (its request was withdrawn)
    delivery = publishing.deliver(db, smtp, settings, now=now) if smtp is not None and queued else None
    return Invites(queued=tuple(queued), delivery=delivery)


def _save_lunch(db: Database, job: SolveJob, *, now: dt.datetime) -> None:
    config = lunch_config(job.settings)
    plan = lunch_plan(job)
    problem = scheduling.lunch_problem(db, config, now=now)
    unknown = [s.skill_id for s in plan.sessions if problem.topic(s.skill_id) is None]
    if unknown:
        raise RoundError(
            f"plan '{job.round_name}' no longer fits: {', '.join(unknown)} no longer has enough interest "
            "or a presenter; plan again"
        )
    _refuse_broken(job.round_name, lunch.validate(problem, plan.sessions))
    scheduling.save_lunch_plan(db, problem.tmap, config, plan, now=now)


def _save_shadowing(db: Database, job: SolveJob, *, now: dt.datetime) -> None:
    config = shadow_config(job.settings)
    first = dt.date.fromisoformat(job.settings["first_day"])
    last = dt.date.fromisoformat(job.settings["last_day"])
    plan = shadow_plan(job)
    problem = scheduling.shadow_problem(db, first, last, config, now=now)
    gone = [s.request_id for s in plan.slots if s.request_id not in problem.requests]
    if gone:
        raise RoundError(
            f"plan '{job.round_name}' no longer fits: request {', '.join(gone)} is no longer open; plan again"
        )
    _refuse_broken(job.round_name, shadowing.validate(problem, plan.slots))
    still_open = [(r, why) for r, why in plan.unplaced if r in problem.requests]
    scheduling.save_shadow_plan(
        db, problem.tmap, dataclasses.replace(plan, unplaced=tuple(still_open)), now=now
    )


def _refuse_broken(name: str, broken: list[Any]) -> None:
    if broken:
        listed = "\n".join(f"  {v}" for v in broken)
        raise RoundError(
            f"plan '{name}' no longer fits today's calendars and rules (plan it again):\n{listed}", broken
        )
