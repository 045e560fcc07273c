"""Lunch & learn and shadowing plans as HR works on them: planned in the background (a job of
kind ``lunch`` or ``shadowing``, see :mod:`matcher.services.background`) and stored as a proposal
(:mod:`matcher.storage.time_plans`), reviewed, then published.

Publishing stores the plan HR reviewed, not a new one: it is first checked against today's
data (every rule again, with what was planned meanwhile), and refused when it no longer fits,
so that HR plans again rather than sending invites for times that are gone.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from matcher.domain.phrases import counted, phrase
from matcher.engines import lunch, shadowing
from matcher.io.ics import InviteSettings
from matcher.io.mail import SmtpSettings
from matcher.plans.kinds import Family, names
from matcher.plans.rounds import RoundError
from matcher.plans.solve_jobs import FAILED, SolveJob
from matcher.plans.time_plans import PlanEntry, StoredTimePlan
from matcher.services import publishing, scheduling
from matcher.services.background import lunch_config, shadow_config
from matcher.services.round_changes import Invites
from matcher.storage import Database
from matcher.storage import rounds as round_storage
from matcher.storage import solve_jobs as store
from matcher.storage import time_plans as time_plan_storage

#: The kinds whose plans are times (lunch & learn sessions, shadowing slots) rather than rounds.
PLAN_KINDS = names(Family.SESSIONS, Family.SLOTS)


def plans(db: Database) -> list[PlanEntry]:
    """Every lunch & learn and shadowing plan, newest first: the stored ones, and those whose
    first job is still being worked out or failed."""
    with db.transaction() as session:
        stored = time_plan_storage.all_plans(session)
        jobs = store.jobs_of_kinds(session, PLAN_KINDS)
    entries = [PlanEntry(p.name, p.kind, p.status, p.units, p.created, p.published, p.job_id) for p in stored]
    kept = {p.name for p in stored}
    latest = {job.round_name: job for job in jobs if job.round_name not in kept}
    for j in latest.values():
        status = "failed" if j.status == FAILED else "planning"
        entries.append(PlanEntry(j.round_name, j.kind, status, None, j.created, None, j.id))
    return sorted(entries, key=lambda e: e.created, reverse=True)


def plan(db: Database, name: str) -> StoredTimePlan | None:
    """The plan HR reviews under this name (None when there is none yet)."""
    with db.transaction() as session:
        return time_plan_storage.load_plan(session, name)


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
        stored = time_plan_storage.plan_names(session)
    return rounds | planned | stored


def sources(stored: StoredTimePlan) -> list[str]:
    """What the plan's events belong to: the lunch plan's horizon, or each placed request."""
    if isinstance(stored.plan, lunch.LunchPlan):
        return [scheduling.lunch_source(lunch_config(stored.settings))]
    return [scheduling.request_source(int(s.request_id)) for s in stored.plan.slots]


def publish_plan(
    db: Database,
    name: str,
    settings: InviteSettings,
    smtp: SmtpSettings | None,
    *,
    now: dt.datetime,
) -> tuple[StoredTimePlan, Invites]:
    """Save the reviewed plan of this name, queue its invites and deliver them when e-mail is set up."""
    stored = plan(db, name)
    if stored is None:
        raise RoundError(phrase("there is no plan named '{name}'", name=name))
    if stored.published is not None:
        raise RoundError(
            phrase("plan '{name}' was already published; plan again under a new name to change it", name=name)
        )
    if isinstance(stored.plan, lunch.LunchPlan):
        _save_lunch(db, stored, stored.plan, now=now)
    else:
        _save_shadowing(db, stored, stored.plan, now=now)
    published = plan(db, name)
    assert published is not None
    return published, send_plan(db, published, settings, smtp, now=now)


def send_plan(
    db: Database,
    stored: StoredTimePlan,
    settings: InviteSettings,
    smtp: SmtpSettings | None,
    *,
    now: dt.datetime,
) -> Invites:
    """Queue what the plan's events call for since the last send, then deliver the outbox."""
    queued: list[Any] = []
    late = 0
    for source in sources(stored):
        try:
            queued += publishing.queue_invites(db, settings, source=source, now=now)
        except RoundError:
            continue  # nothing planned for this one (its request was withdrawn)
        late += len(publishing.too_late(db, source=source, now=now))
    delivery = publishing.deliver(db, smtp, settings, now=now) if smtp is not None and queued else None
    return Invites(queued=tuple(queued), delivery=delivery, too_late=late)


def _save_lunch(db: Database, stored: StoredTimePlan, plan: lunch.LunchPlan, *, now: dt.datetime) -> None:
    config = lunch_config(stored.settings)
    problem = scheduling.lunch_problem(db, config, now=now)
    unknown = [s.skill_id for s in plan.sessions if problem.topic(s.skill_id) is None]
    if unknown:
        raise RoundError(
            phrase(
                "plan '{name}' no longer fits: {topics} no longer has enough interest or a presenter; "
                "plan again",
                name=stored.name,
                topics=", ".join(unknown),
            )
        )
    _refuse_broken(stored.name, lunch.validate(problem, plan.sessions))
    scheduling.save_lunch_plan(db, problem.tmap, config, plan, now=now, published_as=stored.name)


def _save_shadowing(
    db: Database, stored: StoredTimePlan, plan: shadowing.ShadowPlan, *, now: dt.datetime
) -> None:
    config = shadow_config(stored.settings)
    problem = scheduling.shadow_problem(db, stored.first_day, stored.last_day, config, now=now)
    gone = [s.request_id for s in plan.slots if s.request_id not in problem.requests]
    if gone:
        raise RoundError(
            counted(
                len(gone),
                "plan '{name}' no longer fits: request {requests:list} is no longer open; plan again",
                "plan '{name}' no longer fits: requests {requests:list} are no longer open; plan again",
                name=stored.name,
                requests=gone,
            )
        )
    _refuse_broken(stored.name, shadowing.validate(problem, plan.slots))
    still_open = [(r, why) for r, why in plan.unplaced if r in problem.requests]
    scheduling.save_shadow_plan(
        db,
        problem.tmap,
        dataclasses.replace(plan, unplaced=tuple(still_open)),
        now=now,
        published_as=stored.name,
    )


def _refuse_broken(name: str, broken: list[Any]) -> None:
    if broken:
        raise RoundError(
            phrase("plan '{name}' no longer fits today's calendars and rules (plan it again):", name=name),
            broken,
        )
