"""Who works with whom, and how strongly: the ties that bridge figures and hub persons read.

A manager line and a pairing (an earlier round's pair: mentor, buddy, exchange) count 1 each. A
team of k counts 1/(k-1) for each of its ties, so that being in a team adds as much to each member
as one pairing, however large the team is. An earlier round's group of k (a think tank, an
intervision group) counts as one pairing in all, 2/(k(k-1)) for each of its ties. One
organisation-wide think-tank round thus gives everyone a few weak ties across departments, not a
dozen full ones.

>>> from matcher.domain.model import HistoryEntry, Person
>>> people = {p.id: p for p in (Person("a", "A", "a@x", team="T"), Person("b", "B", "b@x", team="T"),
...                               Person("c", "C", "c@x", team="T"), Person("d", "D", "d@x"))}
>>> import datetime as dt
>>> ties = Ties(people, [HistoryEntry("r", "exchange", ("a", "d"), dt.date(2024, 1, 1))])
>>> ties.tie("a", "d").strength, ties.tie("a", "b").strength
(1.0, 0.5)
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from matcher.domain.model import HistoryEntry, Person
from matcher.domain.talentmap.build import MapIndex


@dataclass(frozen=True)
class Tie:
    """What links one person to others: manager lines, pairings, shared groups and team mates,
    and the strength of it all (a manager line or pairing 1, a team of k 1/(k-1) per tie, an
    earlier group of k 2/(k(k-1)) per tie)."""

    manager_lines: int = 0
    pairings: int = 0
    groups: int = 0
    team_mates: int = 0
    group_strength: float = 0.0
    team_strength: float = 0.0

    @property
    def strength(self) -> float:
        return self.manager_lines + self.pairings + self.group_strength + self.team_strength

    def __add__(self, other: Tie) -> Tie:
        return Tie(
            self.manager_lines + other.manager_lines,
            self.pairings + other.pairings,
            self.groups + other.groups,
            self.team_mates + other.team_mates,
            self.group_strength + other.group_strength,
            self.team_strength + other.team_strength,
        )


NO_TIE = Tie()


def group_weight(size: int) -> float:
    """Each tie of an earlier round's group of ``size``: the group counts as much as one pairing in
    all, shared over its size * (size - 1) / 2 ties."""
    return 2 / (size * (size - 1))


def team_weight(size: int) -> float:
    """Each tie of a team of ``size``: being in a team adds as much to each member as one pairing."""
    return 1 / (size - 1)


class Ties:
    """The ties between the people of one map: manager lines and pairings as direct links, teams
    and groups as lists of members (a group of k is not made into k(k-1)/2 links: at 20,000 people
    the teams alone would be hundreds of thousands)."""

    def __init__(self, people: Mapping[str, Person], history: Iterable[HistoryEntry]) -> None:
        self.people = people
        #: person -> other -> [manager lines, pairings]
        self.direct: dict[str, dict[str, list[int]]] = defaultdict(dict)
        #: groups of three or more from the history; teams apart, each as its members.
        self.groups: list[tuple[str, ...]] = []
        self.teams: dict[str, tuple[str, ...]] = {}
        self.group_of: dict[str, list[int]] = defaultdict(list)
        for person in people.values():
            if person.manager_id and person.manager_id in people and person.manager_id != person.id:
                self._link(person.id, person.manager_id, 0)
        for entry in history:
            members = tuple(m for m in dict.fromkeys(entry.members) if m in people)
            if len(members) == 2:
                self._link(*members, 1)
            elif len(members) > 2:
                for member in members:
                    self.group_of[member].append(len(self.groups))
                self.groups.append(members)
        teams: dict[str, list[str]] = defaultdict(list)
        for person in people.values():
            if person.team:
                teams[person.team].append(person.id)
        self.teams = {name: tuple(members) for name, members in teams.items() if len(members) > 1}

    def _link(self, a: str, b: str, kind: int) -> None:
        for x, y in ((a, b), (b, a)):
            counts = self.direct[x].setdefault(y, [0, 0])
            counts[kind] += 1

    def team_of(self, person_id: str) -> tuple[str, ...]:
        person = self.people.get(person_id)
        return self.teams.get(person.team, ()) if person and person.team else ()

    def tie(self, a: str, b: str) -> Tie:
        """Everything that links ``a`` and ``b``."""
        if a == b:
            return NO_TIE
        manager, pairings = self.direct.get(a, {}).get(b, (0, 0))
        shared = [g for g in self.group_of.get(a, ()) if b in self.groups[g]]
        group_strength = sum(group_weight(len(self.groups[g])) for g in shared)
        team = self.team_of(a)
        mates = b in team
        return Tie(
            manager,
            pairings,
            len(shared),
            int(mates),
            group_strength,
            team_weight(len(team)) if mates else 0.0,
        )

    def neighbours(self, person_id: str) -> dict[str, Tie]:
        """Everyone tied to the person, with the tie."""
        found: dict[str, Tie] = {}

        def add(other: str, tie: Tie) -> None:
            if other != person_id:
                found[other] = found.get(other, NO_TIE) + tie

        for other, (manager, pairings) in self.direct.get(person_id, {}).items():
            add(other, Tie(manager, pairings))
        for g in self.group_of.get(person_id, ()):
            members = self.groups[g]
            for other in members:
                add(other, Tie(groups=1, group_strength=group_weight(len(members))))
        team = self.team_of(person_id)
        for other in team:
            add(other, Tie(team_mates=1, team_strength=team_weight(len(team))))
        return found

    def into_departments(self, person_id: str, department_of: Mapping[str, str]) -> dict[str, Tie]:
        """The person's ties into each department, their own included: per department, the sum."""
        found: dict[str, Tie] = {}
        for other, tie in self.neighbours(person_id).items():
            department = department_of.get(other, "")
            found[department] = found.get(department, NO_TIE) + tie
        return found

    def between_departments(self, department_of: Mapping[str, str]) -> dict[frozenset[str], float]:
        """The strength of all ties between each two departments (people without one left out)."""
        total: dict[frozenset[str], float] = defaultdict(float)

        def add(a: str, b: str, strength: float) -> None:
            da, db = department_of.get(a, ""), department_of.get(b, "")
            if da and db and da != db:
                total[frozenset((da, db))] += strength

        for a, others in self.direct.items():
            for b, (manager, pairings) in others.items():
                if a < b:
                    add(a, b, manager + pairings)
        weighed = [(m, group_weight(len(m))) for m in self.groups]
        weighed += [(m, team_weight(len(m))) for m in self.teams.values()]
        for members, weight in weighed:
            per_department: dict[str, int] = defaultdict(int)
            for m in members:
                if department_of.get(m):
                    per_department[department_of[m]] += 1
            if len(per_department) < 2:
                continue
            names = sorted(per_department)
            for i, da in enumerate(names):
                for db in names[i + 1 :]:
                    total[frozenset((da, db))] += per_department[da] * per_department[db] * weight
        return dict(total)


class TieIndex(MapIndex):
    """The ties of a map, found once per state of its people and history: a map changed person by
    person (:mod:`matcher.domain.talentmap.update`) has new people and finds them again."""

    _ties_found: tuple[object, object, Ties] | None = None

    def ties(self) -> Ties:
        people, history = self._people, self.organisation_base.history
        found = self._ties_found
        if found is None or found[0] is not people or found[1] is not history:
            found = (people, history, Ties(people, history))
            self._ties_found = found
        return found[2]
