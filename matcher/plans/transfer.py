"""A knowledge transfer plan: sessions of each successor with the leaver, before the leaving date.

The sessions are shadowing slots (:mod:`matcher.engines.shadowing`) with the leaver as the host
and the successor as the guest, so that the same rules hold and the same solver places them: in
both people's free time and working hours, never before ``now``, nobody in two places at once,
and the leaver's capacity (``sessions_per_week``) shared across all successors. A plan opened from
a skill held by two people has both pass it on: a successor's sessions alternate between them,
and each holder's capacity is shared across the successors. Each successor's
sessions for one skill get consecutive windows that divide the time before the leaving date, so
that a series is spread out rather than packed into the first week.

Planning again keeps what was published: the windows count from the day of the first plan of
the same start, sessions that have begun stay as history, and every later session that still
keeps every rule stays where it is; only the sessions missing (or no longer fitting) are placed,
around the kept ones and within what is left of each week's capacity once the sessions held or
kept in that week are counted.

>>> import datetime as dt
>>> windows(dt.date(2026, 5, 4), dt.date(2026, 5, 31), 4)[1]
(datetime.date(2026, 5, 11), datetime.date(2026, 5, 17))
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from matcher.domain.availability import Agenda
from matcher.domain.intervals import Interval
from matcher.domain.notice import Cutoff
from matcher.domain.phrases import phrase, term
from matcher.domain.talentmap import TalentMap
from matcher.domain.transfer import Proposal, TransferError
from matcher.engines import shadowing
from matcher.engines.results import Violation
from matcher.engines.shadowing.config import SCALE
from matcher.engines.shadowing.problem import Candidate as Choice
from matcher.engines.shadowing.problem import minute_of, person_time

#: What the solver gains for keeping a session from before (see :func:`_place`): more than any
#: choice of new sessions can score, so that it never gives a kept one up for a new one.
KEPT_POINTS = 1000 * SCALE
#: Request ids of the sessions from before, as the solver sees them.
KEPT = "kept|"

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
    #: The day the windows count from: that of the first plan of the same start (None: unknown,
    #: read as the day the plan was made).
    first_day: dt.date | None = None


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
    proposal: Proposal,
    config: TransferConfig,
    first_day: dt.date,
    done: frozenset[str] = frozenset(),
    *,
    today: dt.date | None = None,
) -> list[shadowing.ShadowRequest]:
    """Each successor's sessions on each skill as shadowing requests with the one passing it on as
    host; with two holders, the sessions alternate between them (the n-th successor starting with
    the n-th holder, so that both share the successors' first sessions). The sessions in ``done``
    (keys of sessions that have begun) are history, not asked again.

    The windows divide ``first_day`` (the first plan's day) to the last day; seen from ``today``,
    a window that has begun starts today, and one that has passed becomes every day left."""
    today = max(today or first_day, first_day)
    last_day = proposal.leaving_date - dt.timedelta(days=1)
    if last_day < today:
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
                first, last = (today, last_day) if last < today else (max(first, today), last)
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
    ``now``. The windows count from ``first_day``."""
    asked = requests(proposal, config, first_day, done, today=now.date())
    return _problem(tmap, proposal, agenda, config, asked, now=now)


def _problem(
    tmap: TalentMap,
    proposal: Proposal,
    agenda: Agenda,
    config: TransferConfig,
    asked: list[shadowing.ShadowRequest],
    *,
    now: dt.datetime,
) -> shadowing.ShadowProblem:
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
    return shadowing.build_problem(changed, asked, agenda, shadow)


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

    ``first_day`` is the day the windows count from: that of the first plan of the same start
    (default: today). ``earlier`` are the sessions published before for the same start. Those that
    have begun are history: kept as they are, not planned again. Every other one stays at its time
    wherever that still keeps every rule (taken in time order), so that publishing the new plan
    leaves its invite alone; only the sessions missing are placed, around the kept ones, and each
    week's capacity counts the sessions held or kept in it.

    A pure function: the answer is checked with :func:`validate` and what it finds (nothing,
    unless there is a bug) is in ``violations``.
    """
    first_day = first_day or now.date()
    asked = {r.id for r in requests(proposal, config, first_day, today=now.date())}
    history = tuple(s for s in earlier if s.start < now and s.key in asked)
    done = frozenset(s.key for s in history)
    # A session published before is in the calendars already: the notice period, which is there
    # for new invites, does not move it; it only has to lie ahead.
    published = frozenset((s.key, s.start) for s in earlier)
    notice = agenda.not_before.moment if agenda.not_before is not None else None
    loose = dataclasses.replace(agenda, not_before=None)
    problem = problem_for(tmap, proposal, loose, config, now=now, first_day=first_day, done=done)
    kept: list[Session] = []
    for old in sorted((s for s in earlier if s.key in problem.requests), key=lambda s: (s.start, s.key)):
        if not validate(problem, proposal, (*history, *kept, old), now=now, done=done):
            kept.append(old)
    fixed = (*history, *kept)
    taken = {s.key for s in kept}
    missing = [r for r in problem.requests.values() if r.id not in taken]
    solved = _problem(tmap, proposal, _busy_with(problem, agenda, fixed), config, missing, now=now)
    found = _place(solved, fixed, now=now)
    placed = tuple(
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
        if not slot.request_id.startswith(KEPT)
    )
    sessions = tuple(sorted((*fixed, *placed), key=lambda s: (s.start, s.key)))
    missed: dict[tuple[str, str], list[str]] = defaultdict(list)
    for request_id, reason in found.unplaced:
        if request_id.startswith(KEPT):
            continue  # never, unless the solver ran out of time: validate then says what it broke
        skill_id, successor_id, _ = request_id.split("|")
        missed[skill_id, successor_id].append(reason)
    unserved = tuple(
        Unserved(
            skill_id, successor_id, len(reasons), _why(solved, proposal, skill_id, successor_id, reasons)
        )
        for (skill_id, successor_id), reasons in missed.items()
    )
    violations = tuple(
        validate(problem, proposal, sessions, now=now, done=done, not_before=notice, published=published)
    )
    return SessionPlan(sessions, unserved, violations, len(problem.requests) + len(history), first_day)


def _busy_with(problem: shadowing.ShadowProblem, agenda: Agenda, fixed: tuple[Session, ...]) -> Agenda:
    """The agenda with the sessions kept from before as busy time of both people: the one passing
    it on for the session, the successor also for the travel around it."""
    extra: dict[str, list[Interval]] = defaultdict(list)
    for s in fixed:
        request = problem.requests.get(s.key)
        travel = dt.timedelta(minutes=problem.travel(request, s.leaver_id) if request else 0)
        extra[s.leaver_id].append(Interval(s.start, s.end))
        extra[s.successor_id].append(Interval(s.start - travel, s.end + travel))
    return agenda.adding(extra)


def _place(
    problem: shadowing.ShadowProblem, fixed: tuple[Session, ...], *, now: dt.datetime
) -> shadowing.ShadowPlan:
    """Solve for the missing sessions, with each session kept from before in a week they could
    fall in as a request of its own that has its one time only and counts more than any new one:
    so it takes its part of the host's capacity in its week. (It takes no one's time the new
    sessions could use: that is busy in the problem's agenda.)"""
    if not problem.requests:
        return shadowing.plan(problem)
    first = min(r.first_day for r in problem.requests.values())
    last = max(r.last_day for r in problem.requests.values())
    grid = problem.config.grid_minutes
    for s in fixed:
        if s.leaver_id not in problem.times:
            continue  # they host none of the missing sessions: their capacity is not at stake
        day = s.start.astimezone(ZoneInfo(problem.person(s.leaver_id).timezone)).date()
        if day.isocalendar()[:2] < now.date().isocalendar()[:2]:
            continue  # a week gone by: nothing new lands in it
        for person_id in (s.leaver_id, s.successor_id):
            if person_id not in problem.times:
                problem.times[person_id] = person_time(problem.person(person_id), problem.agenda, first, last)
        request_id = KEPT + s.key
        start = minute_of(s.start)
        problem.requests[request_id] = shadowing.ShadowRequest(
            request_id, s.successor_id, s.skill_id, s.leaver_id, minute_of(s.end) - start, day, day
        )
        problem.hosts[request_id] = (s.leaver_id,)
        problem.options[request_id, s.leaver_id] = ((start, start + grid),)
        problem.candidates.append(Choice(request_id, s.leaver_id, start, KEPT_POINTS))
    return shadowing.plan(problem)


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
    not_before: dt.datetime | None = None,
    published: frozenset[tuple[str, dt.datetime]] = frozenset(),
) -> list[Violation]:
    """Every rule the sessions break: the shadowing rules (free time, working hours, no overlaps,
    the windows), never before ``now`` nor on or after the leaving date, and each one passing it on
    within their sessions a week. Sessions in ``done`` are history from a plan published before:
    not checked again, but counted in the capacity of their week.

    ``not_before`` is where the notice period ends: no session starts earlier, except those
    ``published`` before at that time (key and start), which are in the calendars already."""
    ahead = tuple(s for s in sessions if s.key not in done)
    slots = [
        shadowing.ShadowSlot(
            s.key, s.successor_id, s.leaver_id, s.skill_id, s.start, s.end, s.timezone, s.timezone
        )
        for s in ahead
    ]
    found = [v for v in shadowing.validate(problem, slots) if v.rule != CAPACITY]
    found.extend(_over_capacity(problem, sessions, ahead))
    for s in ahead:
        leaver = problem.person(s.leaver_id)
        if not_before is not None and now <= s.start < not_before and (s.key, s.start) not in published:
            found.append(
                Violation(
                    term("notice period"),
                    (s.key,),
                    phrase("session {id} starts before the notice period ends", id=s.key),
                )
            )
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


CAPACITY = term("capacity")


def _over_capacity(
    problem: shadowing.ShadowProblem, sessions: tuple[Session, ...], ahead: tuple[Session, ...]
) -> list[Violation]:
    """Each week, in the host's time zone, in which someone passing it on has more sessions than
    their sessions a week, counting those held (or begun) in it; only weeks with a session still
    to come, since nothing can change the others."""

    def week(s: Session) -> tuple[str, tuple[int, int]]:
        day = s.start.astimezone(ZoneInfo(problem.person(s.leaver_id).timezone)).date()
        return s.leaver_id, day.isocalendar()[:2]

    load = Counter(week(s) for s in sessions)
    found = []
    for host_id, period in sorted({week(s) for s in ahead}):
        n, capacity = load[host_id, period], problem.capacity(host_id)
        if n > capacity:
            message = phrase(
                "{name} hosts {n} guests in {when}, capacity {capacity} a {period}",
                name=problem.name(host_id),
                n=n,
                when=problem.period_words(period),
                capacity=capacity,
                period=problem.period_word(),
            )
            found.append(Violation(CAPACITY, (host_id,), message))
    return found


@dataclass(frozen=True)
class LevelRecord:
    """A successor's level in a skill of the plan: their own view, and the level confirmed by the
    colleague passing it on (the leaver, or a holder)."""

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
