"""Knowledge at risk within a group of people: few holders at level 3 or higher, and who could take over."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass

from matcher.domain.model import Person
from matcher.domain.talentmap import KEY_LEVEL, Risk, TalentMap


@dataclass(frozen=True)
class Holder:
    """Someone who holds a skill at level 3 or higher."""

    person_id: str
    name: str
    department: str
    level: int
    leaving: dt.date | None


@dataclass(frozen=True)
class Taker:
    """Someone who could take a skill over: holds it lower, wants to learn it, or holds a related skill."""

    person_id: str
    name: str
    level: int
    wish: int | None
    related: bool = False


@dataclass(frozen=True)
class RiskLine:
    skill_id: str
    skill_name: str
    category: str
    #: Everyone in scope at level 3 or higher; those leaving within the horizon carry their date.
    holders: tuple[Holder, ...]
    #: How many stay at level 3 or higher once the leavers within the horizon have gone.
    remaining: int
    #: How many people in scope want to learn it.
    demand: int
    #: How many hold it at level 3 or higher in the whole organisation.
    in_organisation: int
    takers: tuple[Taker, ...]

    @property
    def leaving(self) -> tuple[Holder, ...]:
        return tuple(h for h in self.holders if h.leaving is not None)

    @property
    def kind(self) -> str:
        """nobody: no one at level 3 or higher; leaving: people go; few: one or two only."""
        if not self.holders:
            return "nobody"
        return "leaving" if self.leaving else "few"


def knowledge_at_risk(
    tmap: TalentMap,
    *,
    people: Collection[str] | None = None,
    min_holders: int = 3,
    horizon_days: int = 180,
    takers: int = 3,
) -> list[RiskLine]:
    """Skills with fewer than ``min_holders`` people at level 3 or higher once the leavers within
    the horizon have gone, among ``people`` (everyone when None).

    The whole organisation is :meth:`TalentMap.risks`, which also lists the skills someone holds
    lower or wants but nobody holds at level 3 (gaps). A group of people (a department, a team)
    follows the same rule for the knowledge it has: the skills someone in it holds at level 3 or
    higher; holders, wishes and takers come from the group. Most severe first: fewest remaining,
    then the most wanted, then by name.
    """
    if people is None:
        risks = tmap.risks(min_holders=min_holders, horizon_days=horizon_days, successors=takers)
        return [_from_talent_map(tmap, risk, horizon_days) for risk in risks]
    scope = set(people)
    horizon = tmap.today + dt.timedelta(days=horizon_days)
    demand: Counter[str] = Counter(s for pid in scope for s in tmap.wished_by(pid))
    skills = {s for pid in scope for s, level in tmap.levels_of(pid).items() if level >= KEY_LEVEL}
    found = []
    for skill_id in skills:
        skill = tmap.skill(skill_id)
        assert skill is not None
        holders = [_holder(p, lv, horizon) for p, lv in tmap.holders_of(skill_id) if p.id in scope]
        strong = [h for h in holders if h.level >= KEY_LEVEL]
        remaining = sum(1 for h in strong if h.leaving is None)
        if remaining >= min_holders:
            continue
        found.append(
            RiskLine(
                skill.id,
                skill.name,
                skill.category,
                tuple(sorted(strong, key=lambda h: (h.leaving is None, h.leaving or dt.date.min))),
                remaining,
                demand[skill_id],
                _in_organisation(tmap, skill_id),
                tuple(_scoped_takers(tmap, skill_id, scope, holders)[:takers]),
            )
        )
    return sorted(found, key=lambda r: (r.remaining, -r.demand, r.skill_name.casefold(), r.skill_id))


def _holder(person: Person, level: int, horizon: dt.date) -> Holder:
    leaving = person.leaving_date if person.leaving_date and person.leaving_date <= horizon else None
    return Holder(person.id, person.name, person.department, int(level), leaving)


def _in_organisation(tmap: TalentMap, skill_id: str) -> int:
    return sum(1 for level in tmap.levels_in(skill_id).values() if level >= KEY_LEVEL)


def _from_talent_map(tmap: TalentMap, risk: Risk, horizon_days: int) -> RiskLine:
    horizon = tmap.today + dt.timedelta(days=horizon_days)
    levels = tmap.levels_in(risk.skill_id)
    holders = []
    for pid in risk.holders:
        person = tmap.person(pid)
        assert person is not None
        holders.append(_holder(person, levels[pid], horizon))
    skill = tmap.skill(risk.skill_id)
    takers = tuple(
        Taker(s.person_id, s.name, s.level, s.wish_priority, related=s.level == 0 and s.wish_priority is None)
        for s in risk.successors
    )
    return RiskLine(
        risk.skill_id,
        risk.skill_name,
        skill.category if skill else "",
        tuple(sorted(holders, key=lambda h: (h.leaving is None, h.leaving or dt.date.min))),
        risk.remaining,
        risk.demand,
        _in_organisation(tmap, risk.skill_id),
        takers,
    )


def _scoped_takers(tmap: TalentMap, skill_id: str, scope: set[str], holders: list[Holder]) -> list[Taker]:
    """In scope and not leaving: level 2 before 1, a wish first within a level, then wishes alone."""
    levels = {h.person_id: h.level for h in holders if h.level < KEY_LEVEL}
    wishes = {pid: tmap.wished_by(pid)[skill_id] for pid in scope if skill_id in tmap.wished_by(pid)}
    found = []
    for pid in set(levels) | set(wishes):
        person = tmap.person(pid)
        if person is None or person.leaving_date is not None or pid not in scope:
            continue
        found.append(Taker(pid, person.name, levels.get(pid, 0), wishes.get(pid)))
    return sorted(found, key=lambda t: (-t.level, -(t.wish or 0), t.name.casefold(), t.person_id))
