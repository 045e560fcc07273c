"""Lunch & learn test helpers: two ISO weeks in May 2026, a small talent map, and plans checked by
validate."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from matcher.domain.availability import Agenda, Interval
from matcher.domain.model import Organisation, Person, Skill
from matcher.domain.talentmap import TalentMap
from matcher.engines.lunch import LunchConfig, build_problem, propose, validate
from tests.orgs import person

AMSTERDAM, NEW_YORK = "Europe/Amsterdam", "America/New_York"
TODAY = dt.date(2026, 5, 1)
# ISO weeks 19 and 20 of 2026, Monday to Sunday.
WEEK19, WEEK20_END = dt.date(2026, 5, 4), dt.date(2026, 5, 17)
SKILLS = (Skill("wmo", "Wmo"), Skill("sql", "SQL"), Skill("archief", "Archiefwet"), Skill("python", "Python"))


def local(zone: str, *parts: int) -> dt.datetime:
    """A wall-clock time somewhere, in UTC, by zoneinfo alone."""
    return dt.datetime(*parts, tzinfo=ZoneInfo(zone)).astimezone(dt.UTC)


def lunch_on(day: dt.date, zone: str = AMSTERDAM) -> Interval:
    return Interval(
        local(zone, day.year, day.month, day.day, 12), local(zone, day.year, day.month, day.day, 13)
    )


def talent(people, holdings=(), wishes=(), history=()) -> TalentMap:
    org = Organisation(
        "Gemeente Wadloo", tuple(people), SKILLS, tuple(holdings), tuple(wishes), tuple(history)
    )
    return TalentMap(org, today=TODAY)


def presenter(pid: str, **kwargs: object) -> Person:
    return person(pid, presenter=True, **kwargs)


def colleagues(*ids: str, **kwargs: object) -> list[Person]:
    return [person(pid, **kwargs) for pid in ids]


def config(**changes: object) -> LunchConfig:
    return LunchConfig(**{"first_day": WEEK19, "last_day": WEEK20_END, **changes})  # type: ignore[arg-type]


def plan_for(tmap: TalentMap, agenda: Agenda | None = None, **changes: object):
    problem = build_problem(tmap, agenda or Agenda(), config(**changes))
    plan = propose(problem)
    assert validate(problem, plan.sessions) == []
    return problem, plan


def where(plan) -> list[tuple[str, str, dt.datetime]]:
    return [(s.skill_id, s.presenter_id, s.start) for s in plan.sessions]
