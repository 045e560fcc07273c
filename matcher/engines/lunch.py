"""Lunch & learn: the most-wanted topics, a colleague to present each, and a lunch slot to hold it in.

Plain data in and out. :func:`build_problem` reads the talent map: which skills
colleagues want to learn, who holds them well enough to present and offered to
(``Person.presenter``), and everyone's free time from an
:class:`~matcher.domain.availability.Agenda`. :func:`propose` places the sessions and
:func:`validate` lists what any set of sessions breaks, the proposal's own or
one HR edited by hand.

Topics
------
A topic's demand is the number of colleagues who wish to learn the skill and do
not already hold it at ``min_level``; its weight is the sum of their wishes'
priorities. Topics wanted by fewer than ``min_demand`` colleagues are not
considered. Most wanted first: by weight, then by demand, then by name.

Presenters
----------
Opted in, holding the skill at ``min_level`` or higher, and not overloaded. A
person's load is the number of pairings and groups they take part in on the
map's day (history entries active then) unless ``loads`` names it; a load above
``busy_load`` is overloaded. Best first: higher level, then lower load, then name.

Placement
---------
A session lies in the lunch window of the presenter's own time zone, on a grid
of ``grid_minutes`` from the window's start, on one of the horizon's days (the
presenter's local dates), at a time the presenter is free for all of it:
:meth:`Agenda.free` with holidays and busy time, on a working day. A lunch break
between two stretches of working hours counts as free time here (many people's
hours stop for lunch, which is just when the session is), so the day runs from
its first working hour to its last. The plan
holds at most one session a day, ``per_week`` per ISO week and
``max_sessions_per_presenter`` per presenter.

Topics are taken most wanted first, and each is kept when it can be placed
together with every topic kept before it; the check is a small CP-SAT model,
so a more wanted topic is never dropped for a less wanted one and an early topic
never takes the only week a later topic's presenter can do. Among the plans
that keep the same topics the best is chosen: better presenters first, then
more interested colleagues free at the time, then earlier days for the more
wanted topics. The solver runs on one worker with a fixed seed and a
deterministic work limit, so the same input gives the same plan.

>>> from matcher.domain.model import Holding, Organisation, Person, Skill, Wish
>>> people = (Person("anna", "Anna", "a@example.org", presenter=True),
...           Person("bram", "Bram", "b@example.org"), Person("chen", "Chen", "c@example.org"))
>>> org = Organisation(people=people, skills=(Skill("wmo", "Wmo"),), holdings=(Holding("anna", "wmo", 4),),
...                    wishes=(Wish("bram", "wmo", 3), Wish("chen", "wmo", 2)))
>>> config = LunchConfig(first_day=dt.date(2026, 5, 4), last_day=dt.date(2026, 5, 10))
>>> plan = propose(build_problem(TalentMap(org, today=dt.date(2026, 5, 1)), Agenda(), config))
>>> [(s.skill_id, s.presenter_id, f"{s.start:%Y-%m-%d %H:%M}") for s in plan.sessions]
[('wmo', 'anna', '2026-05-04 10:00')]
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo

from ortools.sat.python import cp_model

from matcher.domain.availability import Agenda, Interval, Window
from matcher.domain.model import Level, Person, TimeRange, WorkingHours
from matcher.domain.phrases import counted, phrase, term
from matcher.domain.talentmap import TalentMap
from matcher.engines.results import Violation

DEFAULT_LUNCH = TimeRange(12 * 60, 13 * 60)
# The solver's work limit per call, in its own deterministic units (roughly seconds): unlike a wall-clock
# limit it stops at the same point on every run, so a plan never depends on how busy the machine is.
SOLVER_WORK = 5.0


@dataclass(frozen=True)
class LunchConfig:
    """What a lunch & learn plan looks for; every default is documented beside it."""

    #: The horizon: the first and last local date a session may fall on, both included.
    first_day: dt.date
    last_day: dt.date
    #: At most this many sessions in one ISO week.
    per_week: int = 1
    #: The lunch window in each presenter's own wall-clock time.
    lunch: TimeRange = DEFAULT_LUNCH
    #: How long a session lasts; it must fit in the lunch window.
    minutes: int = 60
    #: Possible starts lie this many minutes apart, counted from the lunch window's start.
    grid_minutes: int = 15
    #: A presenter holds the skill at least at this level; a colleague who does is not its audience.
    min_level: int = Level.PROFICIENT
    #: How often one person may present over the horizon.
    max_sessions_per_presenter: int = 1
    #: At most this many sessions in the plan; None for as many as the horizon holds.
    max_topics: int | None = None
    #: A topic needs at least this many interested colleagues.
    min_demand: int = 2
    #: Plan for one site (presenters and audience who work there), or None for the whole organisation.
    site: str | None = None
    #: A presenter taking part in more than this many pairings or groups is overloaded.
    busy_load: int = 2
    #: The solver's random seed.
    seed: int = 0

    def __post_init__(self) -> None:
        if self.last_day < self.first_day:
            raise ValueError(f"the horizon ends ({self.last_day}) before it starts ({self.first_day})")
        if self.minutes <= 0 or self.grid_minutes <= 0:
            raise ValueError("session length and grid must be positive")
        if self.minutes > self.lunch.minutes:
            raise ValueError(
                f"a session of {self.minutes} minutes does not fit in the lunch window {self.lunch}"
            )
        if self.per_week < 1 or self.max_sessions_per_presenter < 1 or self.min_demand < 1:
            raise ValueError("per_week, max_sessions_per_presenter and min_demand must be at least 1")
        if self.max_topics is not None and self.max_topics < 0:
            raise ValueError("max_topics must not be negative")

    def days(self) -> list[dt.date]:
        span = (self.last_day - self.first_day).days + 1
        return [self.first_day + dt.timedelta(days=n) for n in range(span)]

    def starts(self) -> range:
        """Session starts in the lunch window, as minutes after local midnight."""
        return range(self.lunch.start, self.lunch.end - self.minutes + 1, self.grid_minutes)


@dataclass(frozen=True)
class Topic:
    """A skill colleagues want to learn, with who wants it and who could present it."""

    skill_id: str
    name: str
    #: (person id, priority) of each interested colleague, by name.
    wishers: tuple[tuple[str, int], ...]
    #: Eligible presenters, best first.
    presenters: tuple[str, ...]
    #: Why nobody can present it, when ``presenters`` is empty.
    why_no_presenter: str | None = None

    @property
    def demand(self) -> int:
        return len(self.wishers)

    @property
    def weight(self) -> int:
        return sum(priority for _, priority in self.wishers)


@dataclass(frozen=True)
class LunchProblem:
    """Everything a plan is made from and checked against."""

    config: LunchConfig
    tmap: TalentMap
    agenda: Agenda
    #: Pairings and groups each person takes part in now.
    loads: Mapping[str, int]
    #: Topics with enough demand, most wanted first.
    topics: tuple[Topic, ...]
    #: Free time over the horizon of everyone a topic names.
    free: Mapping[str, list[Interval]]

    def person(self, person_id: str) -> Person:
        person = self.tmap.person(person_id)
        if person is None:
            raise KeyError(person_id)
        return person

    def name(self, person_id: str) -> str:
        person = self.tmap.person(person_id)
        return person.name if person else person_id

    def topic(self, skill_id: str) -> Topic | None:
        return next((t for t in self.topics if t.skill_id == skill_id), None)


@dataclass(frozen=True)
class LunchSession:
    skill_id: str
    presenter_id: str
    start: dt.datetime
    end: dt.datetime
    #: The presenter's time zone, in which the session is at lunch time.
    timezone: str
    #: Interested colleagues who are free for the whole session.
    audience: tuple[str, ...]
    #: How many colleagues want to learn the topic.
    demand: int
    reasons: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "skill_id": self.skill_id,
            "presenter_id": self.presenter_id,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "timezone": self.timezone,
            "local_start": self.start.astimezone(ZoneInfo(self.timezone)).isoformat(),
            "audience": list(self.audience),
            "demand": self.demand,
            "reasons": list(self.reasons),
        }


@dataclass(frozen=True)
class LunchPlan:
    #: In time order.
    sessions: tuple[LunchSession, ...]
    #: (skill id, why it has no session), most wanted first.
    unplaced: tuple[tuple[str, str], ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "sessions": [s.as_dict() for s in self.sessions],
            "unplaced": [{"skill_id": skill, "reason": reason} for skill, reason in self.unplaced],
        }


# --- the problem -----------------------------------------------------------------------------------


def build_problem(
    tmap: TalentMap, agenda: Agenda, config: LunchConfig, *, loads: Mapping[str, int] | None = None
) -> LunchProblem:
    """Topics, presenters and free time for one horizon.

    ``loads`` gives a person's current number of pairings and groups where the
    map's history does not tell it all (a round proposed but not yet published);
    for the people it names it replaces the count of active history entries.
    """
    org = tmap.organisation
    active = Counter(
        member
        for entry in org.history
        if entry.active_on(tmap.today)
        for member in dict.fromkeys(entry.members)
    )
    all_loads = {p.id: active[p.id] for p in org.people} | dict(loads or {})
    here = [p for p in org.people if config.site is None or p.site == config.site]
    order = {p.id: n for n, p in enumerate(sorted(org.people, key=lambda p: (p.name.casefold(), p.id)))}
    wanted: dict[str, dict[str, int]] = defaultdict(dict)
    for person in here:
        held = tmap.levels_of(person.id)
        for skill_id, priority in tmap.wished_by(person.id).items():
            if held.get(skill_id, Level.NONE) < config.min_level:
                wanted[skill_id][person.id] = priority
    topics = []
    for skill_id, wishers in wanted.items():
        if len(wishers) < config.min_demand:
            continue
        skill = tmap.skill(skill_id)
        assert skill is not None  # the map only indexes wishes for skills it knows
        holders = sorted(tmap.levels_in(skill_id), key=order.__getitem__)
        eligible = [
            pid for pid in holders if _not_a_presenter(tmap, all_loads, config, pid, skill_id) is None
        ]
        eligible.sort(key=lambda pid: (-tmap.levels_in(skill_id)[pid], all_loads[pid], order[pid]))
        why = None if eligible else _why_no_presenter(tmap, config, skill_id, holders)
        listed = tuple(sorted(wishers.items(), key=lambda item: order[item[0]]))
        topics.append(Topic(skill_id, skill.name, listed, tuple(eligible), why))
    topics.sort(key=lambda t: (-t.weight, -t.demand, t.name.casefold(), t.skill_id))
    window = _padded_horizon(config)
    involved = {pid for t in topics for pid in (*t.presenters, *(w for w, _ in t.wishers))}
    people = {p.id: p for p in org.people}
    free = {pid: agenda.free(at_lunch(people[pid]), window) for pid in sorted(involved)}
    return LunchProblem(config, tmap, agenda, all_loads, tuple(topics), free)


def _not_a_presenter(
    tmap: TalentMap, loads: Mapping[str, int], config: LunchConfig, person_id: str, skill_id: str
) -> str | None:
    """Why this person may not present this skill, or None: the presenter rule, shared with validate."""
    person = tmap.person(person_id)
    if person is None:
        return phrase("{id} is not on the talent map", id=person_id)
    level = tmap.levels_of(person_id).get(skill_id, Level.NONE)
    skill = tmap.skill(skill_id)
    name = skill.name if skill else skill_id
    if level < config.min_level:
        return phrase(
            "{name} holds {skill} at level {level}, below {needed}",
            name=person.name,
            skill=name,
            level=int(level),
            needed=config.min_level,
        )
    if not person.presenter:
        return phrase("{name} did not offer to present", name=person.name)
    if config.site is not None and person.site != config.site:
        return phrase(
            "{name} works at {site}, not at {wanted}",
            name=person.name,
            site=person.site or phrase("no site"),
            wanted=config.site,
        )
    load = loads.get(person_id, 0)
    if load > config.busy_load:
        return counted(
            load,
            "{name} takes part in {n} pairing or group now, more than {limit}",
            "{name} takes part in {n} pairings or groups now, more than {limit}",
            name=person.name,
            limit=config.busy_load,
        )
    return None


def _why_no_presenter(tmap: TalentMap, config: LunchConfig, skill_id: str, holders: list[str]) -> str:
    """Why a wanted skill has no presenter: nobody holds it well enough, nobody offered, or all are busy."""
    levels = tmap.levels_in(skill_id)
    able = [
        person
        for person in (tmap.person(pid) for pid in holders if levels[pid] >= config.min_level)
        if person is not None and (config.site is None or person.site == config.site)
    ]
    offered = [person for person in able if person.presenter]
    words = {"site": config.site, "level": config.min_level}
    if not able and config.site:
        skill = tmap.skill(skill_id)
        words["skill"] = skill.name if skill else skill_id
        return phrase("nobody at {site} holds {skill} at level {level} or more", **words)
    if not able:
        skill = tmap.skill(skill_id)
        words["skill"] = skill.name if skill else skill_id
        return phrase("nobody holds {skill} at level {level} or more", **words)
    if not offered and config.site:
        return phrase("no colleague at {site} at level {level} or more offered to present", **words)
    if not offered:
        return phrase("no colleague at level {level} or more offered to present", **words)
    return counted(
        len(offered),
        "{names:list} offered to present but already takes part in more than {limit}",
        "{names:list} offered to present but already take part in more than {limit}",
        names=[p.name for p in offered],
        limit=counted(config.busy_load, "{n} pairing or group", "{n} pairings or groups"),
    )


def _padded_horizon(config: LunchConfig) -> Window:
    """The horizon in UTC with a day to spare on each side, wide enough for every time zone's dates."""
    start = dt.datetime.combine(config.first_day - dt.timedelta(days=1), dt.time(), dt.UTC)
    end = dt.datetime.combine(config.last_day + dt.timedelta(days=2), dt.time(), dt.UTC)
    return start, end


# --- placing the sessions --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Option:
    """One way to hold a topic: a presenter on a day, at the best start that day."""

    topic: int
    presenter: str
    day: dt.date
    start: dt.datetime
    end: dt.datetime
    audience: tuple[str, ...]

    @property
    def week(self) -> tuple[int, int]:
        iso = self.day.isocalendar()
        return iso.year, iso.week


def propose(problem: LunchProblem) -> LunchPlan:
    """Sessions for the most-wanted topics, and why the others have none."""
    config = problem.config
    options = {n: _options(problem, n) for n, topic in enumerate(problem.topics) if topic.presenters}
    limit = capacity(config) if config.max_topics is None else min(capacity(config), config.max_topics)
    kept: list[int] = []
    placed: dict[int, _Option] = {}
    left: dict[int, str | None] = {}  # None: squeezed out by more-wanted topics, explained at the end
    for n, topic in enumerate(problem.topics):
        if not topic.presenters:
            left[n] = topic.why_no_presenter
        elif not options[n]:
            left[n] = _no_slot_reason(problem, topic)
        elif len(kept) >= limit:
            left[n] = _full_reason(config, limit)
        else:
            grown = _extend(config, placed, options[n]) or _solve(problem, options, [*kept, n], placed)
            if grown is None:
                left[n] = None
            else:
                kept.append(n)
                placed = grown
    if kept:
        placed = _solve(problem, options, kept, placed, best=True) or placed
    sessions = sorted((_session(problem, option) for option in placed.values()), key=lambda s: s.start)
    unplaced = tuple(
        (problem.topics[n].skill_id, reason or _squeezed_reason(problem, n, options[n], placed))
        for n, reason in left.items()
    )
    return LunchPlan(tuple(sessions), unplaced)


def capacity(config: LunchConfig) -> int:
    """The most sessions the horizon holds: ``per_week`` in each ISO week, one a day."""
    days_per_week = Counter(day.isocalendar()[:2] for day in config.days())
    return sum(min(config.per_week, days) for days in days_per_week.values())


def _options(problem: LunchProblem, n: int) -> list[_Option]:
    config, topic = problem.config, problem.topics[n]
    length = dt.timedelta(minutes=config.minutes)
    found = []
    audiences: dict[dt.datetime, tuple[str, ...]] = {}  # presenters in one time zone share start times
    for presenter in topic.presenters:
        zone = ZoneInfo(problem.person(presenter).timezone)
        for day in config.days():
            best: _Option | None = None
            for minute in config.starts():
                start = dt.datetime.combine(day, _clock(minute), zone).astimezone(dt.UTC)
                end = start + length
                if not _inside(problem.free[presenter], start, end):
                    continue
                if start not in audiences:
                    audiences[start] = tuple(
                        w for w, _ in topic.wishers if _inside(problem.free[w], start, end)
                    )
                audience = audiences[start]
                if best is None or len(audience) > len(best.audience):
                    best = _Option(n, presenter, day, start, end, audience)
            if best is not None:
                found.append(best)
    return found


def _extend(
    config: LunchConfig, placed: dict[int, _Option], options: list[_Option]
) -> dict[int, _Option] | None:
    """The plan with one more topic, if one of its options fits without moving the others."""
    days = {o.day for o in placed.values()}
    weeks = Counter(o.week for o in placed.values())
    presenting = Counter(o.presenter for o in placed.values())
    for option in options:
        if (
            option.day not in days
            and weeks[option.week] < config.per_week
            and presenting[option.presenter] < config.max_sessions_per_presenter
        ):
            return {**placed, option.topic: option}
    return None


def _solve(
    problem: LunchProblem,
    options: Mapping[int, list[_Option]],
    topics: list[int],
    hint: Mapping[int, _Option],
    *,
    best: bool = False,
) -> dict[int, _Option] | None:
    """A placement of exactly these topics that keeps the weekly, daily and presenter limits, or None.

    With ``best`` the placement also scores highest: see :func:`_scorer`.
    """
    config = problem.config
    model = cp_model.CpModel()
    chosen: list[tuple[cp_model.IntVar, _Option]] = []
    by_day, by_week, by_presenter = defaultdict(list), defaultdict(list), defaultdict(list)
    for n in topics:
        picks = []
        for k, option in enumerate(options[n]):
            var = model.new_bool_var(f"topic{n}_option{k}")
            model.add_hint(var, hint.get(n) == option)
            picks.append(var)
            chosen.append((var, option))
            by_day[option.day].append(var)
            by_week[option.week].append(var)
            by_presenter[option.presenter].append(var)
        model.add_exactly_one(picks)
    for group in by_day.values():
        model.add_at_most_one(group)
    for group in by_week.values():
        model.add(sum(group) <= config.per_week)
    for group in by_presenter.values():
        model.add(sum(group) <= config.max_sessions_per_presenter)
    if best:
        points = _scorer(problem, topics)
        model.maximize(sum(points(option) * var for var, option in chosen))
    solver = cp_model.CpSolver()
    params = solver.parameters
    # One worker searches deterministically. The objective is a transport-like assignment whose LP
    # relaxation is nearly tight, so the full linear relaxation proves it optimal in a fraction of the
    # time plain search takes on an organisation of a thousand; probing buys little on such a model.
    params.num_workers = 1
    params.random_seed = config.seed
    params.linearization_level = 2
    params.cp_model_probing_level = 0
    params.max_deterministic_time = SOLVER_WORK
    if solver.solve(model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return {option.topic: option for var, option in chosen if solver.boolean_value(var)}


def _scorer(problem: LunchProblem, kept: list[int]) -> Callable[[_Option], int]:
    """An option's worth in tiers: the presenter's rank among the topic's presenters, then the
    audience, then an earlier day, weighted so that more-wanted topics come earlier.

    Each tier's step exceeds the most the tiers below can add up to over a whole
    plan of the ``kept`` topics, so a better presenter always wins and an earlier
    day only breaks ties.
    """
    config, topics = problem.config, problem.topics
    count, days = len(kept), len(config.days())
    position = {n: count - i for i, n in enumerate(sorted(kept))}
    audience_step = count * count * days + 1
    rank_step = (count * max(topics[n].demand for n in kept) + 1) * audience_step

    def points(option: _Option) -> int:
        topic = topics[option.topic]
        rank = len(topic.presenters) - 1 - topic.presenters.index(option.presenter)
        earlier = (config.last_day - option.day).days * position[option.topic]
        return rank * rank_step + len(option.audience) * audience_step + earlier

    return points


def _session(problem: LunchProblem, option: _Option) -> LunchSession:
    topic = problem.topics[option.topic]
    presenter = problem.person(option.presenter)
    level = Level(problem.tmap.levels_in(topic.skill_id)[presenter.id])
    reasons = [
        counted(
            topic.demand,
            "{n} colleague wants to learn {skill} (priority sum {weight})",
            "{n} colleagues want to learn {skill} (priority sum {weight})",
            skill=topic.name,
            weight=topic.weight,
        ),
        phrase(
            "{name} holds it at level {level} ({label}) and offered to present",
            name=presenter.name,
            level=int(level),
            label=level.label,
        ),
    ]
    load = problem.loads.get(presenter.id, 0)
    if load:
        reasons.append(
            counted(
                load,
                "{name} takes part in {n} pairing or group now",
                "{name} takes part in {n} pairings or groups now",
                name=presenter.name,
            )
        )
    interested = counted(topic.demand, "{n} interested colleague", "{n} interested colleagues")
    reasons.append(
        counted(
            len(option.audience),
            "{n} of {interested} is free then",
            "{n} of {interested} are free then",
            interested=interested,
        )
    )
    return LunchSession(
        topic.skill_id,
        presenter.id,
        option.start,
        option.end,
        presenter.timezone,
        option.audience,
        topic.demand,
        tuple(reasons),
    )


# --- why a topic has no session --------------------------------------------------------------------


def _no_slot_reason(problem: LunchProblem, topic: Topic) -> str:
    return counted(
        len(topic.presenters),
        "{names:list} (presenter) has no free lunch slot in {weeks}",
        "{names:list} (presenters) have no free lunch slot in {weeks}",
        names=[problem.name(pid) for pid in topic.presenters],
        weeks=_weeks_phrase(problem.config.days()),
    )


def _full_reason(config: LunchConfig, limit: int) -> str:
    if config.max_topics is not None and limit == config.max_topics:
        return counted(
            limit,
            "the plan holds at most {n} topic, all taken by more-wanted topics",
            "the plan holds at most {n} topics, all taken by more-wanted topics",
        )
    weeks = len({day.isocalendar()[:2] for day in config.days()})
    return phrase(
        "the horizon holds only {sessions} ({per_week} a week over {weeks}), all taken by more-wanted topics",
        sessions=counted(limit, "{n} session", "{n} sessions"),
        per_week=config.per_week,
        weeks=counted(weeks, "{n} week", "{n} weeks"),
    )


def _squeezed_reason(
    problem: LunchProblem, n: int, options: list[_Option], placed: Mapping[int, _Option]
) -> str:
    topic, config = problem.topics[n], problem.config
    presenting = Counter(o.presenter for o in placed.values())
    names = [problem.name(pid) for pid in topic.presenters]
    if all(presenting[pid] >= config.max_sessions_per_presenter for pid in topic.presenters):
        return counted(
            len(names),
            "{names:list} already presents {sessions}, the most allowed",
            "{names:list} already present {sessions}, the most allowed",
            names=names,
            sessions=counted(config.max_sessions_per_presenter, "{n} session", "{n} sessions"),
        )
    return counted(
        len(names),
        "every lunch slot in which {names:list} can present ({weeks}) is taken by more-wanted topics",
        "every lunch slot in which {names:list} can each present ({weeks}) is taken by more-wanted topics",
        names=names,
        weeks=_weeks_phrase(o.day for o in options),
    )


def _weeks_phrase(days: Iterable[dt.date]) -> str:
    """ISO weeks in words: "weeks 19–20 of 2026", or "weeks 2026-W52, 2027-W01" across a new year."""
    weeks = sorted({day.isocalendar()[:2] for day in days})
    years = {year for year, _ in weeks}
    if len(years) > 1:
        return phrase("weeks {weeks}", weeks=", ".join(f"{year}-W{week:02d}" for year, week in weeks))
    return counted(
        len(weeks),
        "week {numbers} of {year}",
        "weeks {numbers} of {year}",
        numbers=_ranges([week for _, week in weeks]),
        year=weeks[0][0],
    )


def _ranges(numbers: list[int]) -> str:
    """Week numbers in short: 19, 20, 21, 23 -> "19–21, 23"."""
    parts: list[list[int]] = []
    for number in numbers:
        if parts and number == parts[-1][-1] + 1:
            parts[-1].append(number)
        else:
            parts.append([number])
    return ", ".join(str(p[0]) if len(p) == 1 else f"{p[0]}–{p[-1]}" for p in parts)


# --- validate --------------------------------------------------------------------------------------


def validate(problem: LunchProblem, sessions: Iterable[LunchSession]) -> list[Violation]:
    """Every rule a set of sessions breaks; an empty list means the plan may be published.

    Each session: a topic with enough demand, an eligible presenter, inside the
    horizon and the presenter's lunch window on the grid, the presenter free for
    all of it, and an audience of interested colleagues who are free then.
    Together: one session per topic, at most one a day and none overlapping,
    at most ``per_week`` per ISO week, and no presenter over the limit.
    Free time is computed afresh from the agenda, not from the planner's cache.
    """
    sessions = list(sessions)
    found: list[Violation] = []
    for session in sessions:
        found.extend(_session_violations(problem, session))
    found.extend(_together(problem, sessions))
    return found


AUDIENCE, DOUBLE_BOOKED = term("audience"), term("double booked")


def _session_violations(problem: LunchProblem, session: LunchSession) -> list[Violation]:
    config, who = problem.config, (session.presenter_id,)
    topic = problem.topic(session.skill_id)
    if topic is None:
        message = phrase("{id} is not a topic enough colleagues want to learn", id=session.skill_id)
        return [Violation(term("topic"), who, message)]
    reason = _not_a_presenter(problem.tmap, problem.loads, config, session.presenter_id, session.skill_id)
    if reason:
        return [Violation(term("eligible presenter"), who, reason)]
    found = []
    presenter = problem.person(session.presenter_id)
    zone = ZoneInfo(presenter.timezone)
    local_start, local_end = session.start.astimezone(zone), session.end.astimezone(zone)
    start_minute = local_start.hour * 60 + local_start.minute
    if not config.first_day <= local_start.date() <= config.last_day:
        message = phrase(
            "{skill} on {day} lies outside the horizon", skill=topic.name, day=local_start.date()
        )
        found.append(Violation(term("horizon"), who, message))
    on_grid = (start_minute - config.lunch.start) % config.grid_minutes == 0 and local_start.second == 0
    in_window = (
        local_start.date() == local_end.date()
        and config.lunch.start <= start_minute
        and local_end.hour * 60 + local_end.minute <= config.lunch.end
        and local_end.second == 0
    )
    if session.end - session.start != dt.timedelta(minutes=config.minutes) or not in_window or not on_grid:
        found.append(
            Violation(
                term("lunch window"),
                who,
                phrase(
                    "{skill} at {start}–{end} {timezone} is not a {minutes}-minute session on the "
                    "{grid}-minute grid of lunch {lunch}",
                    skill=topic.name,
                    start=f"{local_start:%H:%M}",
                    end=f"{local_end:%H:%M}",
                    timezone=presenter.timezone,
                    minutes=config.minutes,
                    grid=config.grid_minutes,
                    lunch=config.lunch,
                ),
            )
        )
    if not _free_for(problem.agenda, presenter, session.start, session.end):
        message = phrase(
            "{name} is not free at {time}", name=presenter.name, time=f"{local_start:%Y-%m-%d %H:%M}"
        )
        found.append(Violation(term("presenter free"), who, message))
    interested = {pid for pid, _ in topic.wishers}
    for pid in session.audience:
        person = problem.tmap.person(pid)
        if pid not in interested or person is None:
            message = phrase("{name} did not ask to learn {skill}", name=problem.name(pid), skill=topic.name)
            found.append(Violation(AUDIENCE, (pid,), message))
        elif not _free_for(problem.agenda, person, session.start, session.end):
            message = phrase("{name} is not free for {skill} then", name=person.name, skill=topic.name)
            found.append(Violation(AUDIENCE, (pid,), message))
    return found


def _together(problem: LunchProblem, sessions: list[LunchSession]) -> list[Violation]:
    config = problem.config
    found = []
    for skill_id, n in sorted(Counter(s.skill_id for s in sessions).items()):
        if n > 1:
            message = phrase("{id} has {n} sessions", id=skill_id, n=n)
            found.append(Violation(term("one session per topic"), (), message))
    days: Counter[dt.date] = Counter()
    weeks: Counter[tuple[int, int]] = Counter()
    for session in sessions:
        presenter = problem.tmap.person(session.presenter_id)
        zone = ZoneInfo(presenter.timezone if presenter else session.timezone)
        day = session.start.astimezone(zone).date()
        days[day] += 1
        weeks[day.isocalendar()[:2]] += 1
    for day, n in sorted(days.items()):
        if n > 1:
            message = phrase("{n} sessions on {day}; one a day at most", n=n, day=day)
            found.append(Violation(DOUBLE_BOOKED, (), message))
    ordered = sorted(sessions, key=lambda s: s.start)
    for before, after in pairwise(ordered):
        if after.start < before.end:
            found.append(
                Violation(
                    DOUBLE_BOOKED,
                    (before.presenter_id, after.presenter_id),
                    phrase(
                        "{first} and {second} overlap at {time} UTC",
                        first=before.skill_id,
                        second=after.skill_id,
                        time=f"{after.start:%Y-%m-%d %H:%M}",
                    ),
                )
            )
    for (year, week), n in sorted(weeks.items()):
        if n > config.per_week:
            message = phrase(
                "{n} sessions in week {week} of {year}; at most {most}",
                n=n,
                week=week,
                year=year,
                most=config.per_week,
            )
            found.append(Violation(term("per week"), (), message))
    presenting = Counter(s.presenter_id for s in sessions)
    for pid, n in sorted(presenting.items()):
        if n > config.max_sessions_per_presenter:
            found.append(
                Violation(
                    term("presenter limit"),
                    (pid,),
                    phrase(
                        "{name} presents {n} times; at most {most}",
                        name=problem.name(pid),
                        n=n,
                        most=config.max_sessions_per_presenter,
                    ),
                )
            )
    return found


# --- small helpers ---------------------------------------------------------------------------------


def at_lunch(person: Person) -> Person:
    """The person with each working day closed over its breaks: at lunch they are at work, if not working."""
    days = {day: [TimeRange(ranges[0].start, ranges[-1].end)] for day, ranges in person.working_hours.days}
    return dataclasses.replace(person, working_hours=WorkingHours.from_mapping(days))


def _free_for(agenda: Agenda, person: Person, start: dt.datetime, end: dt.datetime) -> bool:
    return agenda.free(at_lunch(person), (start, end)) == [Interval(start, end)]


def _inside(free: list[Interval], start: dt.datetime, end: dt.datetime) -> bool:
    """Whether one interval of a sorted, disjoint list holds all of ``[start, end)``."""
    at = bisect_right(free, start, key=lambda piece: piece.start) - 1
    return at >= 0 and free[at].end >= end


def _clock(minute: int) -> dt.time:
    return dt.time(minute // 60, minute % 60)
