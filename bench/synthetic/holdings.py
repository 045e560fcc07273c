"""Holdings and wishes drawn with a Zipf-like popularity, and who offers to present."""

from __future__ import annotations

import random
from dataclasses import replace
from itertools import accumulate

from bench import vocabulary as vocab
from bench.synthetic.blueprint import Blueprint, Shares
from matcher.domain.model import Holding, Level, Person, Wish

LEVELS = tuple(Level)
_Pool = tuple[list[str], list[float]]  # skill ids and their cumulative weights


class SkillPicker:
    """Draws skills with a Zipf-like popularity, leaning on a department's categories."""

    def __init__(self, blueprint: Blueprint, rng: random.Random) -> None:
        self.rng = rng
        self.skill_ids = [s.id for s in blueprint.skills]
        self.known = set(self.skill_ids)
        self.held, weight = self._ranked(vocab.POPULAR, 0.9)
        self.wanted, _ = self._ranked(vocab.WISHED, 1.2)
        category_of = {s.id: s.category for s in blueprint.skills}
        self.pools: dict[str, _Pool] = {}
        for department in blueprint.departments:
            ids = [s for s in self.held[0] if category_of[s] in department.categories]
            if ids:
                self.pools[department.name] = (ids, list(accumulate(weight[s] for s in ids)))

    def _ranked(self, first: tuple[str, ...], exponent: float) -> tuple[_Pool, dict[str, float]]:
        """The ``first`` skills most popular, then the rest in random order, weighted by rank."""
        rest = [s for s in self.skill_ids if s not in first]
        self.rng.shuffle(rest)
        order = [s for s in first if s in self.known] + rest
        weight = {s: 1 / (rank + 1) ** exponent + 0.002 for rank, s in enumerate(order)}
        return (order, list(accumulate(weight.values()))), weight

    def _draw(self, pool: _Pool) -> str:
        return self.rng.choices(pool[0], cum_weights=pool[1])[0]

    def assign(self, persons: list[Person]) -> tuple[tuple[Holding, ...], tuple[Wish, ...]]:
        holdings: list[Holding] = []
        wishes: list[Wish] = []
        for person in persons:
            levels = self._holdings(person)
            holdings += [Holding(person.id, s, level) for s, level in levels.items()]
            wishes += self._wishes(person, levels)
        return tuple(holdings), tuple(wishes)

    def _holdings(self, person: Person) -> dict[str, Level]:
        rng = self.rng
        total = len(self.skill_ids)
        count = rng.randint(3, 5) if person.intern else round(rng.triangular(3, 15, 6))
        count = min(total, count)
        levels: dict[str, Level] = {}
        for skill_id in vocab.FUNCTION_SKILLS.get(person.function, ()):
            if skill_id in self.known and len(levels) < count and rng.random() < 0.8:
                levels[skill_id] = self._level(person, core=True)
        pool = self.pools.get(person.department, self.held)
        for _ in range(count * 6):
            if len(levels) >= count:
                break
            skill_id = self._draw(pool if rng.random() < 0.7 else self.held)
            if skill_id not in levels:
                levels[skill_id] = self._level(person, core=False)
        return levels

    def _level(self, person: Person, core: bool) -> Level:
        draw = self.rng.random()
        if person.intern:
            return LEVELS[1] if draw < 0.7 else LEVELS[2]
        seasoned = min(1.0, person.years_experience / 20)
        expert = 0.012 + 0.04 * seasoned
        proficient = expert + 0.08 + 0.17 * seasoned
        level = 4 if draw < expert else 3 if draw < proficient else 2 if draw < proficient + 0.4 else 1
        if core and level < 4 and self.rng.random() < 0.3:
            level += 1
        return LEVELS[level]

    def _wishes(self, person: Person, levels: dict[str, Level]) -> list[Wish]:
        rng = self.rng
        eager = person.newcomer or person.intern
        count = rng.choices((0, 1, 2, 3, 4), (5, 20, 35, 25, 15) if eager else (25, 30, 25, 12, 8))[0]
        pool = self.pools.get(person.department, self.held)
        wished: dict[str, int] = {}
        for _ in range(count * 6):
            if len(wished) >= count:
                break
            skill_id = self._draw(self.wanted if rng.random() < 0.55 else pool)
            if skill_id not in wished and levels.get(skill_id, Level.NONE) < Level.PROFICIENT:
                wished[skill_id] = rng.choices((1, 2, 3), (35, 40, 25))[0]
        return [Wish(person.id, s, priority) for s, priority in wished.items()]


def presenters(
    persons: list[Person], holdings: tuple[Holding, ...], shares: Shares, rng: random.Random
) -> list[Person]:
    """Some who hold a skill at level 3 or more offer to present at lunch & learn. Drawn last, so the
    rest of an organisation is the same as before presenters existed."""
    proficient = {h.person_id for h in holdings if h.level >= Level.PROFICIENT}
    return [
        replace(p, presenter=True)
        if p.id in proficient and not p.intern and rng.random() < shares.presenter
        else p
        for p in persons
    ]
