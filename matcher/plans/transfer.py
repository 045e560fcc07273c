"""A knowledge transfer plan: sessions of each successor with the leaver, before the leaving date.

The sessions are shadowing slots (:mod:`matcher.engines.shadowing`) with the leaver as the host
and the successor as the guest, so that the same rules hold and the same solver places them: in
both people's free time and working hours, never before ``now``, nobody in two places at once,
and the leaver's capacity (``sessions_per_week``) shared across all successors. A plan opened from
a skill held by two people has both pass it on: a successor's sessions alternate between them,
and each holder's capacity is shared across the successors. Each successor's
sessions for one skill get consecutive windows that divide the time before the leaving date, so
that a series is spread out rather than packed into the first week.

>>> import datetime as dt
>>> windows(dt.date(2026, 5, 4), dt.date(2026, 5, 31), 4)[1]
(datetime.date(2026, 5, 11), datetime.date(2026, 5, 17))
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from matcher.domain.availability import Agenda
from matcher.domain.notice import Cutoff
from matcher.domain.phrases import phrase, term
from matcher.domain.talentmap import TalentMap
from matcher.domain.transfer import Proposal, TransferError
from matcher.engines import shadowing
from matcher.engines.results import Violation

PROPOSED = "proposed"
PUBLISHED = "published"
#: A published plan that a later plan of the same start was published over.
REPLACED = "replaced"


@dataclass(frozen=True)
class TransferConfig:
    """How the sessions are planned; every default is documented beside it."""

    #: Sessions each successor has with the leaver on each skill they take over.
    sessions: int = 4
    #: How long each session lasts.
    minutes: int = 60
    #: The leaver's time for handing over: sessions a week, shared by all their successors.
    sessions_per_week: int = 3
    #: Sessions start on this grid, counted from midnight UTC.
    grid_minutes: int = 15
    #: Seconds the solver may take.
    time_limit: float = 5.0

    def problems(self) -> list[str]:
        """Every setting out of range, as messages naming the field."""
        found = []
        if not 1 <= self.sessions <= 20:
            found.append(phrase("sessions: give a whole number from {low} to {high}", low=1, high=20))
        if not 15 <= self.minutes <= 480:
            found.append(phrase("minutes: give a whole number from {low} to {high}", low=15, high=480))
        if not 1 <= self.sessions_per_week <= 20:
            found.append(phrase("sessions a week: give a whole number from {low} to {high}", low=1, high=20))
        return found

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_mapping(cls, data: dict[str, Any]) -> TransferConfig:
        known = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


@dataclass(frozen=True)
class Session:
    """One session of a successor with the one passing the skill on (``leaver_id``)."""

    key: str
    skill_id: str
    successor_id: str
    leaver_id: str
    start: dt.datetime
    end: dt.datetime
    #: The successor's time zone, in which the session is shown.
    timezone: str


@dataclass(frozen=True)
class Unserved:
    """Sessions a successor does not get on a skill, and why."""

    skill_id: str
    successor_id: str
    missing: int
    reason: str


@dataclass(frozen=True)
class SessionPlan:
    sessions: tuple[Session, ...]
    unserved: tuple[Unserved, ...]
    violations: tuple[Violation, ...]
    #: Sessions asked for in all.
    wanted: int


def windows(first: dt.date, last: dt.date, n: int) -> list[tuple[dt.date, dt.date]]:
    """``first`` to ``last`` in ``n`` consecutive windows as equal as whole days allow; when there
    are fewer days than windows, every window is the whole stretch."""
    days = (last - first).days + 1
    if days < n:
        return [(first, last)] * n
    bounds = [first + dt.timedelta(days=days * k // n) for k in range(n + 1)]
    return [(bounds[k], bounds[k + 1] - dt.timedelta(days=1)) for k in range(n)]


def _key(skill_id: str, successor_id: str, k: int) -> str:
    return f"{skill_id}|{successor_id}|{k}"


def requests(
    proposal: Proposal, config: TransferConfig, first_day: dt.date, done: frozenset[str] = frozenset()
) -> list[shadowing.ShadowRequest]:
    """Each successor's sessions on each skill as shadowing requests with the one passing it on as
    host; with two holders, the sessions alternate between them (the n-th successor starting with
    the n-th holder, so that both share the successors' first sessions). The sessions in ``done``
    (keys of sessions that have begun) are history, not asked again."""
    last_day = proposal.leaving_date - dt.timedelta(days=1)
    if last_day < first_day:
        if proposal.skill_id is not None:
            raise TransferError(
                phrase("deadline: {date} leaves no days to plan sessions on", date=proposal.leaving_date)
            )
        raise TransferError(
            phrase(
                "{name} leaves on {date}: no days are left to plan sessions on",
                name=proposal.leaver_name,
                date=proposal.leaving_date,
            )
        )
    givers = proposal.givers
    found = []
    for item in proposal.items:
        for n, successor in enumerate(item.chosen):
            for k, (first, last) in enumerate(windows(first_day, last_day, config.sessions)):
                if _key(item.skill_id, successor.person_id, k) in done:
                    continue
                found.append(
                    shadowing.ShadowRequest(
                        _key(item.skill_id, successor.person_id, k),
                        successor.person_id,
                        item.skill_id,
                        givers[(n + k) % len(givers)],
                        config.minutes,
                        first,
                        last,
                    )
                )
    return found


def problem_for(
    tmap: TalentMap,
    proposal: Proposal,
    agenda: Agenda,
    config: TransferConfig,
    *,
    now: dt.datetime,
    first_day: dt.date,
    done: frozenset[str] = frozenset(),
) -> shadowing.ShadowProblem:
    """The sessions as a shadowing problem: each one passing it on hosts ``sessions_per_week``
    (whatever they said about hosting guests), at level 3 or higher, and nobody is free before
    ``now``."""
    org = tmap.organisation
    givers = set(proposal.givers)
    people = tuple(
        dataclasses.replace(p, host_capacity=config.sessions_per_week) if p.id in givers else p
        for p in org.people
    )
    changed = TalentMap(dataclasses.replace(org, people=people), today=tmap.today)
    moment = now.astimezone(dt.UTC)
    if agenda.not_before is None or agenda.not_before.moment < moment:
        agenda = agenda.after_notice(Cutoff(moment, moment.date(), 0))
    shadow = shadowing.ShadowConfig(
        min_host_level=3,
        capacity_period="week",
        grid_minutes=config.grid_minutes,
        time_limit=config.time_limit,
        work_limit=50.0,
    )
    return shadowing.build_problem(changed, requests(proposal, config, first_day, done), agenda, shadow)


def plan_sessions(
    tmap: TalentMap,
    proposal: Proposal,
    agenda: Agenda,
    config: TransferConfig,
    *,
    now: dt.datetime,
    first_day: dt.date | None = None,
    earlier: tuple[Session, ...] = (),
) -> SessionPlan:
    """Place as many sessions as the rules allow; say per successor and skill what is missing and why.

    ``earlier`` are the sessions published before for the same start. Those that have begun are
    history: kept as they are, not planned again. Of the others, a session the solver put
    elsewhere goes back to its earlier time wherever that still keeps every rule, so that
    publishing the new plan leaves its invite alone.

    A pure function: the answer is checked with :func:`validate` and what it finds (nothing,
    unless there is a bug) is in ``violations``.
    """
    first_day = first_day or now.date()
    asked = {r.id for r in requests(proposal, config, first_day)}
    history = tuple(s for s in earlier if s.start < now and s.key in asked)
    done = frozenset(s.key for s in history)
    problem = problem_for(tmap, proposal, agenda, config, now=now, first_day=first_day, done=done)
    found = shadowing.plan(problem)
    sessions = tuple(
        Session(
            slot.request_id,
            str(slot.skill_id),
            slot.guest_id,
            slot.host_id,
            slot.start,
            slot.end,
            slot.timezone,
        )
        for slot in found.slots
    )
    if earlier:
        sessions = _keep_earlier(problem, proposal, sessions, earlier, now=now)
    sessions = tuple(sorted((*history, *sessions), key=lambda s: (s.start, s.key)))
    missing: dict[tuple[str, str], list[str]] = defaultdict(list)
    for request_id, reason in found.unplaced:
        skill_id, successor_id, _ = request_id.split("|")
        missing[skill_id, successor_id].append(reason)
    unserved = tuple(
        Unserved(
            skill_id, successor_id, len(reasons), _why(problem, proposal, skill_id, successor_id, reasons)
        )
        for (skill_id, successor_id), reasons in missing.items()
    )
    violations = tuple(validate(problem, proposal, sessions, now=now, done=done))
    return SessionPlan(sessions, unserved, violations, len(problem.requests) + len(history))


def _keep_earlier(
    problem: shadowing.ShadowProblem,
    proposal: Proposal,
    sessions: tuple[Session, ...],
    earlier: tuple[Session, ...],
    *,
    now: dt.datetime,
) -> tuple[Session, ...]:
    """``sessions`` with each one moved back to its earlier time (same key, host and successor)
    where the whole plan then still keeps every rule; one at a time, in the order of the plan."""
    before = {s.key: s for s in earlier}
    kept = list(sessions)
    for n, session in enumerate(kept):
        old = before.get(session.key)
        if old is None or old.start == session.start:
            continue
        if (old.leaver_id, old.successor_id, old.skill_id) != (
            session.leaver_id,
            session.successor_id,
            session.skill_id,
        ):
            continue
        trial = [*kept[:n], old, *kept[n + 1 :]]
        if not validate(problem, proposal, tuple(trial), now=now):
            kept = trial
    return tuple(sorted(kept, key=lambda s: (s.start, s.key)))


def _why(
    problem: shadowing.ShadowProblem, proposal: Proposal, skill_id: str, successor_id: str, reasons: list[str]
) -> str:
    """Why a successor misses sessions on a skill: no common free time at all before the leaving
    date, else the most common of the solver's reasons."""
    keys = [r for r in problem.requests if r.startswith(f"{skill_id}|{successor_id}|")]
    if not any((key, giver) in problem.options for key in keys for giver in proposal.givers):
        if proposal.skill_id is not None:
            return phrase(
                "no free time in common with {names:list} before the deadline ({date})",
                names=[problem.person(g).name for g in proposal.givers],
                date=proposal.leaving_date,
            )
        return phrase(
            "no free time in common with {leaver} before the leaving date ({date})",
            leaver=proposal.leaver_name,
            date=proposal.leaving_date,
        )
    return max(reasons, key=lambda r: (reasons.count(r), -reasons.index(r)))


def validate(
    problem: shadowing.ShadowProblem,
    proposal: Proposal,
    sessions: tuple[Session, ...],
    *,
    now: dt.datetime,
    done: frozenset[str] = frozenset(),
) -> list[Violation]:
    """Every rule the sessions break: the shadowing rules (free time, working hours, capacity, no
    overlaps, the windows), and never before ``now`` nor on or after the leaving date. Sessions in
    ``done`` are history from a plan published before, not checked again."""
    sessions = tuple(s for s in sessions if s.key not in done)
    slots = [
        shadowing.ShadowSlot(
            s.key, s.successor_id, s.leaver_id, s.skill_id, s.start, s.end, s.timezone, s.timezone
        )
        for s in sessions
    ]
    found = list(shadowing.validate(problem, slots))
    for s in sessions:
        leaver = problem.person(s.leaver_id)
        if s.start < now:
            found.append(
                Violation(
                    term("never in the past"), (s.key,), phrase("session {id} starts before now", id=s.key)
                )
            )
        if s.end.astimezone(ZoneInfo(leaver.timezone)).date() >= proposal.leaving_date:
            found.append(
                Violation(
                    term("before the leaving date"),
                    (s.key,),
                    phrase("session {id} is not before {date}", id=s.key, date=proposal.leaving_date),
                )
            )
    return found


@dataclass(frozen=True)
class LevelRecord:
    """A successor's level in a skill of the plan: their own view and the leaver's confirmation."""

    skill_id: str
    successor_id: str
    own_level: int | None = None
    own_set: dt.datetime | None = None
    confirmed_level: int | None = None
    confirmed: dt.datetime | None = None


@dataclass(frozen=True)
class StoredTransferPlan:
    """A leaver's transfer plan as HR keeps it."""

    id: int
    #: proposed | published
    status: str
    config: TransferConfig
    proposal: Proposal
    plan: SessionPlan
    created: dt.datetime
    published: dt.datetime | None
    levels: tuple[LevelRecord, ...] = ()

    @property
    def source(self) -> str:
        """What its sessions' events belong to: the same for every plan of one start, so that
        publishing a changed plan updates only the sessions that changed."""
        return source_of(self.proposal)

    def level(self, skill_id: str, successor_id: str) -> LevelRecord:
        for record in self.levels:
            if (record.skill_id, record.successor_id) == (skill_id, successor_id):
                return record
        return LevelRecord(skill_id, successor_id)


def source_of(proposal: Proposal) -> str:
    return f"transfer:{proposal.start}"
