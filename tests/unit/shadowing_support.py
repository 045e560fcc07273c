"""Shadowing test helpers: a small world of people and skills, requests, and the plan's answers by
request."""

from __future__ import annotations

import dataclasses
import datetime as dt
from zoneinfo import ZoneInfo

from matcher.domain.availability import Agenda, Interval
from matcher.domain.model import Holding, Organisation, Person, Skill, Wish
from matcher.domain.talentmap import TalentMap
from matcher.engines.shadowing import (
    LENGTHS,
    ShadowConfig,
    ShadowPlan,
    ShadowRequest,
    build_problem,
    plan,
    validate,
)

AMSTERDAM, NEW_YORK, LONDON = "Europe/Amsterdam", "America/New_York", "Europe/London"
MONDAY = dt.date(2026, 5, 4)  # Amsterdam is UTC+2 and New York UTC-4 in May
SKILLS = (Skill("sql", "SQL"), Skill("python", "Python"), Skill("archief", "Archiefwet"))
CONFIG = ShadowConfig(time_limit=5.0)


def utc(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=dt.UTC)


def local(zone: str, day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZoneInfo(zone)).astimezone(dt.UTC)


def busy_except(day: dt.date, *free_hours: tuple[int, int], zone: str = AMSTERDAM) -> list[Interval]:
    """Busy the whole local working day (08:00-18:00) except the given hours."""
    busy, cursor = [], 8
    for start, end in sorted(free_hours):
        if start > cursor:
            busy.append(Interval(local(zone, day, cursor), local(zone, day, start)))
        cursor = end
    if cursor < 18:
        busy.append(Interval(local(zone, day, cursor), local(zone, day, 18)))
    return busy


def world(
    people: list[Person], holdings: list[Holding], wishes: list[Wish] = (), busy: dict | None = None
) -> tuple[TalentMap, Agenda]:
    org = Organisation("Wadloo", tuple(people), SKILLS, tuple(holdings), tuple(wishes))
    return TalentMap(org, today=dt.date(2026, 1, 1)), Agenda(busy or {})


def ask(
    rid: str,
    guest: str,
    skill: str | None = "sql",
    host: str | None = None,
    minutes: int = LENGTHS["hour"],
    first: dt.date = MONDAY,
    last: dt.date | None = None,
) -> ShadowRequest:
    return ShadowRequest(rid, guest, skill, host, minutes, first, last or first)


def solved(tmap: TalentMap, requests: list[ShadowRequest], agenda: Agenda, **config: object) -> ShadowPlan:
    problem = build_problem(tmap, requests, agenda, dataclasses.replace(CONFIG, **config))
    result = plan(problem)
    assert result.violations == ()
    assert validate(problem, result.slots) == []
    return result


def placed(result: ShadowPlan) -> dict[str, tuple[str, dt.datetime]]:
    return {s.request_id: (s.host_id, s.start) for s in result.slots}


def reasons(result: ShadowPlan) -> dict[str, str]:
    return dict(result.unplaced)
