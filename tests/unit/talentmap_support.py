"""Talent map test helpers: a small taxonomy of skills and hand-made organisations around it."""

from __future__ import annotations

import datetime as dt

from matcher.domain.model import HistoryEntry, Holding, Level, Organisation, Person, RelatedSkill, Skill
from matcher.domain.talentmap import TalentMap

TODAY = dt.date(2024, 3, 1)

SKILLS = (
    Skill("prog", "Programming"),
    Skill("py", "Python", aliases=("python3",), parent_id="prog"),
    Skill("dj", "Django", related=(RelatedSkill("py", 0.8),)),
    Skill("social-support", "Wet maatschappelijke ondersteuning", aliases=("WMO",)),
    Skill("reint", "Réintegratie"),
    Skill("excel", "Excel"),
)


def person(pid: str, **fields) -> Person:
    fields.setdefault("name", pid.capitalize())
    fields.setdefault("email", f"{pid}@example.org")
    return Person(id=pid, **fields)


def holds(*triples: tuple[str, str, int]) -> tuple[Holding, ...]:
    return tuple(Holding(pid, sid, Level(level)) for pid, sid, level in triples)


def organisation(people, holdings=(), wishes=(), history=(), skills=SKILLS) -> Organisation:
    return Organisation(
        "Gemeente Test", tuple(people), tuple(skills), tuple(holdings), tuple(wishes), tuple(history)
    )


def talent_map(people, holdings=(), **more) -> TalentMap:
    return TalentMap(organisation(people, holdings, **more), today=TODAY)


def names(result) -> list[str]:
    return [answer.name for answer in result.answers]


def busy(pid: str, times: int) -> list[HistoryEntry]:
    return [
        HistoryEntry(f"r{i}", "buddy", (pid, f"x{i}"), TODAY - dt.timedelta(days=10)) for i in range(times)
    ]
