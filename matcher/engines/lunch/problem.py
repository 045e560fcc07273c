"""A lunch & learn round as a problem: the wanted topics, who may present them, and everyone's free time."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from matcher.domain.availability import Agenda
from matcher.domain.intervals import Interval, Window
from matcher.domain.model import Level, Person, TimeRange, WorkingHours
from matcher.domain.phrases import counted, phrase
from matcher.domain.talentmap import TalentMap
from matcher.engines.lunch.config import LunchConfig


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
    """A lunch & learn plan and how good it is.

    ``objective`` is the number of sessions placed and ``bound`` the most sessions any plan
    keeping the same limits could hold, proven by the solver; ``gap = (bound - objective) /
    bound``. ``status`` is "optimal" when the two meet and the choice of presenters and days was
    proven best, else "feasible". A plan can place fewer than the bound on purpose: a more wanted
    topic is never dropped to make room for two less wanted ones.
    """

    #: In time order.
    sessions: tuple[LunchSession, ...]
    #: (skill id, why it has no session), most wanted first.
    unplaced: tuple[tuple[str, str], ...]
    status: str = "feasible"
    bound: int = 0

    @property
    def objective(self) -> int:
        return len(self.sessions)

    @property
    def gap(self) -> float:
        return (self.bound - self.objective) / self.bound if self.bound else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "objective": self.objective,
            "bound": self.bound,
            "gap": self.gap,
            "sessions": [s.as_dict() for s in self.sessions],
            "unplaced": [{"skill_id": skill, "reason": reason} for skill, reason in self.unplaced],
        }


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
    if not level:
        return phrase("{name} does not hold {skill}", name=person.name, skill=name)
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


def at_lunch(person: Person) -> Person:
    """The person with each working day closed over its breaks: at lunch they are at work, if not working."""
    days = {day: [TimeRange(ranges[0].start, ranges[-1].end)] for day, ranges in person.working_hours.days}
    return dataclasses.replace(person, working_hours=WorkingHours.from_mapping(days))
