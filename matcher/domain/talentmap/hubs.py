"""The hub person (spilfiguur) of a skill: who gathers and passes on what its holders learn.

After a training or a conference on a skill, someone has to collect what the holders of the skill
picked up and pass it on to those who want to learn it. That works best for a holder who already
works with many of them. The hub person of a skill is the holder (at level 2, working, or more,
open to questions and not gone) tied to the most other holders and learners of the skill, through
the ties of :mod:`matcher.domain.talentmap.ties`: a team, a manager line, an earlier pairing or
group. Equal counts go to the stronger ties, then the higher level, then by name. A skill whose
holders work with none of its other holders or learners has no hub person.

>>> import datetime as dt
>>> from matcher.domain.model import Holding, Organisation, Person, Skill, Wish
>>> from matcher.domain.talentmap import TalentMap
>>> people = tuple(Person(i, i.upper(), f"{i}@x", team=t) for i, t in
...                (("ann", "A"), ("bo", "A"), ("cas", "A"), ("dirk", "B")))
>>> org = Organisation(people=people, skills=(Skill("py", "Python"),),
...                    holdings=(Holding("ann", "py", 3), Holding("dirk", "py", 4), Holding("bo", "py", 1)),
...                    wishes=(Wish("cas", "py", 2),))
>>> hub = TalentMap(org, today=dt.date(2024, 3, 1)).hub("py")
>>> hub.person_id, hub.reasons[0]
('ann', 'works with 1 other holder of Python and 1 colleague who wants to learn Python')
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from matcher.domain.model import Level
from matcher.domain.phrases import counted, phrase
from matcher.domain.talentmap.ties import TieIndex

#: A hub person holds the skill at least at this level.
HUB_LEVEL = Level.WORKING


@dataclass(frozen=True)
class Hub:
    person_id: str
    name: str
    level: int
    #: How many other holders and learners of the skill they are tied to.
    holders: int
    learners: int
    strength: float
    reasons: tuple[str, ...]

    def as_dict(self) -> dict:
        return {
            "person_id": self.person_id, "name": self.name, "level": self.level,
            "holders": self.holders, "learners": self.learners,
            "strength": round(self.strength, 2), "reasons": list(self.reasons),
        }  # fmt: skip


class HubQuestions(TieIndex):
    """Who the hub person of a skill is."""

    def hub(self, skill_id: str) -> Hub | None:
        """The hub person of the skill (see the module), or None when nobody qualifies."""
        skill = self.skill(skill_id)
        if skill is None:
            return None
        holders = self.levels_in(skill_id)
        learners = set(self._wanted.get(skill_id, {}))
        ties = self.ties()
        best: tuple[tuple, Hub] | None = None
        for pid, level in holders.items():
            person = self._people[pid]
            if level < HUB_LEVEL or not person.ask_me or _gone(person.leaving_date, self.today):
                continue
            near = ties.neighbours(pid)
            held = [q for q in near if q in holders]
            wanting = [q for q in near if q in learners and q not in holders]
            if not held and not wanting:
                continue
            strength = sum(near[q].strength for q in (*held, *wanting))
            rank = (-(len(held) + len(wanting)), -strength, -int(level), self._order[pid])
            if best is None or rank < best[0]:
                reasons = (_works_with(skill.name, len(held), len(wanting)),)
                hub = Hub(pid, person.name, int(level), len(held), len(wanting), strength, reasons)
                best = (rank, hub)
        return best[1] if best else None


def _gone(leaving: dt.date | None, today: dt.date) -> bool:
    return leaving is not None and leaving <= today


def _works_with(skill: str, holders: int, learners: int) -> str:
    people = []
    if holders:
        people.append(
            counted(holders, "{n} other holder of {skill}", "{n} other holders of {skill}", skill=skill)
        )
    if learners:
        people.append(
            counted(
                learners,
                "{n} colleague who wants to learn {skill}",
                "{n} colleagues who want to learn {skill}",
                skill=skill,
            )
        )
    return phrase("works with {people:list}", people=people)
