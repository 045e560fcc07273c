"""Knowledge at risk: skills with too few people at level 3 or higher, and who could take them over."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from matcher.domain.model import Level, Person, Skill
from matcher.domain.phrases import counted, phrase
from matcher.domain.talentmap.build import MapIndex, skill_key

KEY_LEVEL = Level.PROFICIENT


@dataclass(frozen=True)
class Successor:
    person_id: str
    name: str
    level: int
    wish_priority: int | None
    reason: str

    def as_dict(self) -> dict:
        return {
            "person_id": self.person_id, "name": self.name, "level": self.level,
            "wish_priority": self.wish_priority, "reason": self.reason,
        }  # fmt: skip


@dataclass(frozen=True)
class Risk:
    skill_id: str
    skill_name: str
    holders: tuple[str, ...]
    leaving: tuple[tuple[str, dt.date], ...]
    remaining: int
    demand: int
    reasons: tuple[str, ...]
    successors: tuple[Successor, ...]

    def as_dict(self) -> dict:
        return {
            "skill_id": self.skill_id, "skill_name": self.skill_name, "holders": list(self.holders),
            "leaving": [{"person_id": p, "date": d.isoformat()} for p, d in self.leaving],
            "remaining": self.remaining, "demand": self.demand, "reasons": list(self.reasons),
            "successors": [s.as_dict() for s in self.successors],
        }  # fmt: skip


class RiskQuestions(MapIndex):
    """Which knowledge is at risk, on the indexes of :class:`MapIndex`."""

    def risks(self, *, min_holders: int = 2, horizon_days: int = 180, successors: int = 3) -> list[Risk]:
        """Skills with too few people at level 3 or higher, now or once leavers within the horizon have gone.

        Only skills someone holds at some level or wants to learn are looked at.
        Most severe first: nobody left, then the most wanted, then by name.
        """
        horizon = self.today + dt.timedelta(days=horizon_days)
        found = []
        for skill in self.organisation.skills:
            if skill.id not in self._levels and skill.id not in self._wanted:
                continue
            risk = self._risk(skill, min_holders, horizon, successors)
            if risk is not None:
                found.append(risk)
        return sorted(found, key=lambda r: (r.remaining, -r.demand, *skill_key(self._skills[r.skill_id])))

    def _risk(self, skill: Skill, min_holders: int, horizon: dt.date, successors: int) -> Risk | None:
        holders = [p for p, level in self.holders_of(skill.id) if level >= KEY_LEVEL]
        leaving = [p for p in holders if p.leaving_date is not None and p.leaving_date <= horizon]
        remaining = len(holders) - len(leaving)
        if remaining >= min_holders:
            return None
        demand = len(self._wanted.get(skill.id, {}))
        leaving.sort(key=lambda p: (p.leaving_date, self._order[p.id]))
        reasons = self._risk_reasons(skill, holders, leaving, remaining, min_holders, demand)
        return Risk(
            skill.id,
            skill.name,
            holders=tuple(p.id for p in holders),
            leaving=tuple((p.id, p.leaving_date) for p in leaving if p.leaving_date is not None),
            remaining=remaining,
            demand=demand,
            reasons=tuple(reasons),
            successors=tuple(self._successors(skill, successors)),
        )

    def _risk_reasons(
        self,
        skill: Skill,
        holders: list[Person],
        leaving: list[Person],
        remaining: int,
        min_holders: int,
        demand: int,
    ) -> list[str]:
        reasons = []
        if not holders:
            reasons.append(phrase("nobody holds {skill} at level 3 or higher", skill=skill.name))
        elif len(holders) <= 3 and len(holders) < min_holders:
            reasons.append(
                counted(
                    len(holders),
                    "only {names:list} holds {skill} at level 3 or higher",
                    "only {names:list} hold {skill} at level 3 or higher",
                    names=[p.name for p in holders],
                    skill=skill.name,
                )
            )
        elif len(holders) < min_holders:
            reasons.append(
                phrase("only {n} people hold {skill} at level 3 or higher", n=len(holders), skill=skill.name)
            )
        reasons.extend(_leaving_phrase(person, self.today) for person in leaving)
        if leaving and remaining == 0:
            reasons.append(phrase("after that nobody at level 3 or higher would remain"))
        elif leaving:
            reasons.append(
                counted(
                    remaining,
                    "after that only {n} person at level 3 or higher would remain",
                    "after that only {n} people at level 3 or higher would remain",
                )
            )
        if demand:
            reasons.append(counted(demand, "{n} person wants to learn it", "{n} people want to learn it"))
        return reasons

    def _successors(self, skill: Skill, limit: int) -> list[Successor]:
        """Who could take a skill over: level 2 before 1, a wish to learn it first within a level,
        then people who only wish it, then holders of related skills. Leavers never."""
        levels = self._levels.get(skill.id, {})
        wanted = self._wanted.get(skill.id, {})
        direct = [
            pid
            for pid in set(levels) | set(wanted)
            if self._people[pid].leaving_date is None and levels.get(pid, 0) < KEY_LEVEL
        ]
        direct.sort(key=lambda pid: (-levels.get(pid, 0), -wanted.get(pid, 0), self._order[pid]))
        found = [
            self._direct_successor(skill, pid, levels.get(pid, Level.NONE), wanted.get(pid)) for pid in direct
        ]
        if len(found) < limit:
            found.extend(self._related_successors(skill, set(direct)))
        return found[:limit]

    def _direct_successor(self, skill: Skill, pid: str, level: Level, wish: int | None) -> Successor:
        if level and wish:
            reason = phrase(
                "holds {skill} at level {level} and wants to learn more (priority {priority})",
                skill=skill.name,
                level=int(level),
                priority=wish,
            )
        elif level:
            reason = phrase("holds {skill} at level {level}", skill=skill.name, level=int(level))
        else:
            reason = phrase("wants to learn {skill} (priority {priority})", skill=skill.name, priority=wish)
        return Successor(pid, self._people[pid].name, int(level), wish, reason)

    def _related_successors(self, skill: Skill, taken: set[str]) -> list[Successor]:
        own = self._levels.get(skill.id, {})
        best: dict[str, tuple[float, str, Level]] = {}
        for other, strength in sorted(self._related.get(skill.id, {}).items()):
            for pid, level in self._levels.get(other, {}).items():
                if pid in taken or pid in own or self._people[pid].leaving_date is not None:
                    continue
                if pid not in best or level * strength > best[pid][0]:
                    best[pid] = (level * strength, other, level)
        ranked = sorted(best, key=lambda pid: (-best[pid][0], self._order[pid]))
        return [
            Successor(pid, self._people[pid].name, 0, None,
                      phrase("holds the related skill {skill} (level {level})",
                             skill=self._skills[best[pid][1]].name, level=int(best[pid][2])))
            for pid in ranked
        ]  # fmt: skip


def _leaving_phrase(person: Person, today: dt.date) -> str:
    assert person.leaving_date is not None
    days = (person.leaving_date - today).days
    date = person.leaving_date
    if days < 0:
        return phrase("{name} left on {date}", name=person.name, date=date)
    return counted(
        days,
        "{name} leaves on {date}, in {n} day",
        "{name} leaves on {date}, in {n} days",
        name=person.name,
        date=date,
    )
