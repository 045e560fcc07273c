"""A group round as a problem: who takes part, what each attribute says of them, and how a
group scores. The rules a plan must keep are here too, shared by the search and validate().

A group's score is a sum of named parts, one per criterion:

* diverse: weight x (distinct values - 1): each further value the group mixes in counts;
* similar: weight x (members - distinct values): each member who shares a value counts;

less a penalty for every member who is the only one of their value of a ``no_isolated``
attribute, and for every pair of earlier groupmates within the cooldown.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import combinations

from ortools.linear_solver import pywraplp

from matcher.domain.model import Level
from matcher.domain.phrases import phrase, term
from matcher.domain.talentmap import TalentMap
from matcher.engines.groups.config import Criterion, GroupConfig, experience_band
from matcher.engines.pairing.problem import rounds_ago
from matcher.engines.pairing.rules import Violation

#: Points taken off for each isolated member and each repeated pair of groupmates.
ISOLATED_PENALTY = 5.0
REPEAT_PENALTY = 3.0


@dataclass
class GroupProblem:
    config: GroupConfig
    tmap: TalentMap
    today: dt.date
    people: tuple[str, ...]
    #: attribute -> person id -> value, for every attribute a criterion or rule names.
    values: dict[str, dict[str, str]]
    #: topic skill -> the participants at the topic level or above.
    topic_holders: dict[str, frozenset[str]]
    #: Pairs of earlier groupmates within the cooldown.
    recent: frozenset[frozenset[str]]
    groups: int
    left_over: int
    forbidden: frozenset[frozenset[str]] = field(default_factory=frozenset)
    conflicts: list[str] = field(default_factory=list)

    def name(self, person_id: str) -> str:
        person = self.tmap.person(person_id)
        return person.name if person else person_id

    def distinct(self, attribute: str) -> int:
        return len(set(self.values[attribute].values()))


def attribute_values(
    tmap: TalentMap, attribute: str, people: Iterable[str], today: dt.date
) -> dict[str, str]:
    found = {}
    for pid in people:
        person = tmap.person(pid)
        assert person is not None
        if attribute == "experience":
            found[pid] = experience_band(person.experience_years(today))
        elif attribute.startswith("skill:"):
            level = tmap.levels_of(pid).get(attribute[6:], Level.NONE)
            found[pid] = "holds it" if level >= Level.PROFICIENT else "does not"
        elif attribute.startswith("interest:"):
            skill = attribute[9:]
            holds = skill in tmap.levels_of(pid) or skill in tmap.wished_by(pid)
            found[pid] = "holds or wants it" if holds else "neither"
        else:
            found[pid] = getattr(person, attribute) or "(none)"
    return found


def build_problem(tmap: TalentMap, config: GroupConfig, *, today: dt.date) -> GroupProblem:
    org = tmap.organisation
    people = tuple(
        sorted(
            p.id
            for p in org.people
            if config.select.admits(p.id, p.department, p.site)
            and (p.leaving_date is None or p.leaving_date > today)
            and _takes_part(tmap, config, p.id)
        )
    )
    attributes = {c.attribute for c in config.criteria} | set(config.no_isolated)
    values = {a: attribute_values(tmap, a, people, today) for a in sorted(attributes)}
    topic = {
        skill: frozenset(p for p in people if tmap.levels_of(p).get(skill, 0) >= config.topic_level)
        for skill in config.topic_skills
    }
    ago = rounds_ago(org.history, config.kind) if config.cooldown_rounds else {}
    recent = frozenset(pair for pair, n in ago.items() if n <= config.cooldown_rounds)
    groups, left_over = config.group_count(len(people))
    problem = GroupProblem(
        config=config,
        tmap=tmap,
        today=today,
        people=people,
        values=values,
        topic_holders=topic,
        recent=recent,
        groups=groups,
        left_over=left_over,
        forbidden=frozenset(frozenset(p) for p in config.forbidden),
    )
    for skill, holders in topic.items():
        if len(holders) < groups:
            name = tmap.skill(skill).name if tmap.skill(skill) else skill
            problem.conflicts.append(
                phrase(
                    "topic {skill}: {n} people at level {level} or more for {groups} groups; "
                    "{missing} groups go without",
                    skill=name,
                    n=len(holders),
                    level=config.topic_level,
                    groups=groups,
                    missing=groups - len(holders),
                )
            )
    return problem


def _takes_part(tmap: TalentMap, config: GroupConfig, person_id: str) -> bool:
    """A community of practice gathers those who hold or want one of its interest skills."""
    interests = [c.attribute[9:] for c in config.criteria if c.attribute.startswith("interest:")]
    if config.kind != "community" or not interests or person_id in config.select.people:
        return True
    return any(s in tmap.levels_of(person_id) or s in tmap.wished_by(person_id) for s in interests)


# -- scoring ----------------------------------------------------------------------------------------


def group_parts(problem: GroupProblem, members: Iterable[str]) -> list[tuple[str, float]]:
    """The named parts of a group's score."""
    members = list(members)
    parts: list[tuple[str, float]] = []
    for c in problem.config.criteria:
        if c.goal == "ignore" or not c.weight:
            continue
        k = len({problem.values[c.attribute][m] for m in members})
        points = (k - 1) if c.goal == "diverse" else (len(members) - k)
        parts.append((f"{c.goal} {c.attribute}", c.weight * points))
    isolated = len(isolated_members(problem, members))
    if isolated:
        parts.append(("isolated members", -ISOLATED_PENALTY * isolated))
    repeats = repeated_pairs(problem, members)
    if repeats:
        parts.append(("earlier groupmates", -REPEAT_PENALTY * len(repeats)))
    return parts


def group_score(problem: GroupProblem, members: Iterable[str]) -> float:
    return sum(value for _, value in group_parts(problem, members))


def isolated_members(problem: GroupProblem, members: Iterable[str]) -> list[tuple[str, str]]:
    """(person, attribute) for everyone who is the only one of their value in the group."""
    members = list(members)
    found = []
    for attribute in problem.config.no_isolated:
        counts = Counter(problem.values[attribute][m] for m in members)
        found += [(m, attribute) for m in members if counts[problem.values[attribute][m]] == 1]
    return found


def repeated_pairs(problem: GroupProblem, members: Iterable[str]) -> list[frozenset[str]]:
    if not problem.recent:
        return []
    return [
        pair for a, b in combinations(sorted(members), 2) if (pair := frozenset((a, b))) in problem.recent
    ]


# -- hard rules -------------------------------------------------------------------------------------


def validate(problem: GroupProblem, groups: Iterable[Iterable[str]]) -> list[Violation]:
    """Every hard rule a set of groups breaks; an empty list means it may be published.

    Checks: members are people taking part, nobody in two groups, sizes, HR's locked people
    together and forbidden pairs apart, the topic covered in every group (as far as there are
    enough holders), at most ``max_repeats`` earlier groupmates per group, and no isolated member
    where it was avoidable: another group has at least three of that value, so one could move.
    """
    groups = [tuple(g) for g in groups]
    config = problem.config
    found: list[Violation] = []
    taking_part = set(problem.people)
    seen = Counter(m for g in groups for m in g)
    for person, n in sorted(seen.items()):
        if person not in taking_part:
            message = phrase("{id} does not take part in this round", id=person)
            found.append(Violation(term("taking part"), (person,), message))
        if n > 1:
            message = phrase("{name} is in {n} groups", name=problem.name(person), n=n)
            found.append(Violation(term("one group each"), (person,), message))
    for g in groups:
        if not config.size_min <= len(g) <= config.size_max:
            size = f"{config.size_min}-{config.size_max}"
            found.append(Violation(term("size"), g, phrase("{n} members, not {size}", n=len(g), size=size)))
        for pair in combinations(g, 2):
            if frozenset(pair) in problem.forbidden:
                names = " and ".join(problem.name(p) for p in pair)
                found.append(
                    Violation(term("forbidden"), g, phrase("HR ruled out {names} in one group", names=names))
                )
        if len(repeated_pairs(problem, g)) > config.max_repeats:
            message = phrase("{n} pairs of recent groupmates", n=len(repeated_pairs(problem, g)))
            found.append(Violation(term("cooldown"), g, message))
    group_of = {m: i for i, g in enumerate(groups) for m in g}
    for lock in config.locked:
        places = {group_of.get(m) for m in lock}
        if len(places) != 1 or None in places:
            message = phrase("HR put these people together, but they are not")
            found.append(Violation(term("locked"), tuple(lock), message))
    for skill, holders in problem.topic_holders.items():
        if len(holders) >= len(groups):
            for g in groups:
                if not holders & set(g):
                    message = phrase(
                        "nobody at level {level}+ in {skill}", level=config.topic_level, skill=skill
                    )
                    found.append(Violation(term("topic"), g, message))
    found += _avoidable_isolation(problem, groups)
    return found


def _avoidable_isolation(problem: GroupProblem, groups: list[tuple[str, ...]]) -> list[Violation]:
    found = []
    for attribute in problem.config.no_isolated:
        counts = [Counter(problem.values[attribute][m] for m in g) for g in groups]
        for g, count in zip(groups, counts, strict=True):
            for m in g:
                value = problem.values[attribute][m]
                if count[value] == 1 and any(other[value] >= 3 for other in counts if other is not count):
                    message = phrase(
                        "{name} is the only {attribute} '{value}' in the group",
                        name=problem.name(m),
                        attribute=attribute,
                        value=value,
                    )
                    found.append(Violation(term("isolated"), g, message))
    return found


def upper_bound(problem: GroupProblem) -> float:
    """A bound no plan can beat, from each criterion's best over all groups at once.

    On its own, a diverse value appears in at most min(groups, its count) groups and a group
    holds at most its size in values; a similar value spreads over at least ceil(count /
    size_max) groups. Criteria pull against each other, though: groups pure in site cannot mix
    departments that work at other sites. So each similar criterion is also bounded together with
    all diverse ones (:func:`_coupled_bound`), and the lowest of these bounds is the answer.
    The worst group scores at most the average.
    """
    g = problem.groups
    if not g:
        return 0.0
    criteria = [c for c in problem.config.criteria if c.goal != "ignore" and c.weight]
    alone = [_single_bound(problem, c) for c in criteria]
    total = sum(alone)
    diverse = [c for c in criteria if c.goal == "diverse"]
    similar = [(c, b) for c, b in zip(criteria, alone, strict=True) if c.goal == "similar"]
    for c, own in similar:
        coupled = _coupled_bound(problem, c, diverse)
        if coupled is not None:
            total = min(total, coupled + sum(b for _, b in similar) - own)
    return total + problem.config.worst_group * total / g


def _placed(problem: GroupProblem) -> int:
    return len(problem.people) - problem.left_over


def _single_bound(problem: GroupProblem, c: Criterion) -> float:
    g, placed = problem.groups, _placed(problem)
    counts = Counter(problem.values[c.attribute].values())
    if c.goal == "diverse":
        appearances = sum(min(g, n) for n in counts.values())
        return c.weight * (min(appearances, placed) - g)
    # With people left over, fewer values may need placing: only the plain bound holds.
    spread = (
        g if problem.left_over else max(g, sum(-(-n // problem.config.size_max) for n in counts.values()))
    )
    return c.weight * (placed - min(spread, placed))


def _coupled_bound(problem: GroupProblem, similar: Criterion, diverse: list[Criterion]) -> float | None:
    """The best a plan can do on one similar criterion and every diverse one together, as a
    linear programme whose integer points include every plan.

    ``spread[s]`` counts the groups holding similar value s (the similar score is everyone placed
    less their sum). A group holds diverse value d only through someone of value d who brings
    their similar value s along, so the groups holding d number at most the sum over s of
    min(people with d and s, spread[s]), and at most min(people with d, groups).
    """
    g, placed = problem.groups, _placed(problem)
    solver = pywraplp.Solver.CreateSolver("GLOP")
    if solver is None:
        return None
    of = problem.values[similar.attribute]
    spread = {}
    for value, n in sorted(Counter(of.values()).items()):
        fewest = 0 if problem.left_over else -(-n // problem.config.size_max)
        spread[value] = solver.NumVar(fewest, min(n, g), "")
    solver.Add(solver.Sum(list(spread.values())) >= min(g, placed))
    objective = similar.weight * (placed - solver.Sum(list(spread.values())))
    for c in diverse:
        values = problem.values[c.attribute]
        both = Counter((values[p], of[p]) for p in problem.people)
        reach: dict[str, list] = {}
        for (value, near), n in sorted(both.items()):
            through = solver.NumVar(0, n, "")
            solver.Add(through <= spread[near])
            reach.setdefault(value, []).append(through)
        held = []
        for value, n in sorted(Counter(values.values()).items()):
            groups_with = solver.NumVar(0, min(n, g), "")
            solver.Add(groups_with <= solver.Sum(reach[value]))
            held.append(groups_with)
        appearances = solver.NumVar(0, placed, "")
        solver.Add(appearances <= solver.Sum(held))
        objective += c.weight * (appearances - g)
    solver.Maximize(objective)
    if solver.Solve() != pywraplp.Solver.OPTIMAL:
        return None
    return solver.Objective().Value()
