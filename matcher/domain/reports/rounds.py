"""How rounds went: participation, who was left out and why, and how diverse the pairs and groups were.

Experience is tenure: years since a person's start date, never age.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from itertools import combinations

from matcher.domain.model import Organisation, Person

#: Why someone was left out, in a few kinds (the stored reasons are sentences with names in them).
REASON_KINDS = ("locked", "group-size", "taken", "rules", "experience", "no-match", "other")
#: Tenure bands in years since the start date: [low, high).
TENURE_BANDS: tuple[tuple[str, float, float], ...] = (
    ("under-1", 0.0, 1.0),
    ("1-5", 1.0, 5.0),
    ("5-15", 5.0, 15.0),
    ("15-plus", 15.0, float("inf")),
)
UNKNOWN_TENURE = "unknown"


@dataclass(frozen=True)
class RoundFacts:
    """What a report needs of a round: its pairs or groups and who was left out, with why."""

    name: str
    kind: str
    #: proposed, published, or history (known only from the imported history: nobody left out is known)
    status: str
    day: dt.date
    units: tuple[tuple[str, ...], ...]
    left_out: tuple[tuple[str, str], ...] = ()

    @property
    def known_eligible(self) -> bool:
        return self.status != "history"


@dataclass(frozen=True)
class RoundStats:
    name: str
    kind: str
    status: str
    day: dt.date
    units: int
    took_part: int
    #: Took part plus left out; None when only the history is known.
    eligible: int | None
    left_out: int
    #: (reason kind, people), most first.
    reasons: tuple[tuple[str, int], ...]
    cross_department: int
    cross_site: int
    mixed_tenure: int
    #: (tenure band, people taking part), in band order.
    tenure: tuple[tuple[str, int], ...]
    #: Pairs or groups in which two members were together in an earlier round.
    repeats: int

    def share(self, count: int) -> float:
        """A count of pairs or groups as a share of all of them."""
        return count / self.units if self.units else 0.0

    @property
    def participation(self) -> float | None:
        return self.took_part / self.eligible if self.eligible else None


@dataclass(frozen=True)
class DepartmentShare:
    department: str
    headcount: int
    took_part: int
    left_out: int

    @property
    def eligible(self) -> int:
        return self.took_part + self.left_out

    @property
    def share(self) -> float:
        return self.took_part / self.headcount if self.headcount else 0.0


def reason_kind(reason: str) -> str:
    """The kind of a left-out reason as the pairing and group engines word them."""
    text = reason.casefold()
    checks = (
        ("locked", ("hr locked",)),
        ("group-size", ("do not divide into groups", "does not divide into groups")),
        ("taken", ("score higher", "better fit")),
        ("rules", ("ruled out", "struck out")),
        ("experience", ("experienced than them",)),
        ("no-match", ("nobody", "no ")),
    )
    for kind, needles in checks:
        if any(needle in text for needle in needles):
            return kind
    return "other"


def tenure_band(person: Person | None, day: dt.date) -> str:
    if person is None or person.start_date is None:
        return UNKNOWN_TENURE
    years = person.tenure_years(day)
    return next(name for name, low, high in TENURE_BANDS if low <= years < high)


def rounds_from_history(org: Organisation, *, besides: Collection[str] = ()) -> list[RoundFacts]:
    """Rounds known only from the history (imported, or from before rounds were stored)."""
    by_round: dict[str, list] = defaultdict(list)
    for entry in org.history:
        if entry.round not in besides:
            by_round[entry.round].append(entry)
    return [
        RoundFacts(
            name,
            entries[0].kind,
            "history",
            min(e.started for e in entries),
            tuple(e.members for e in entries),
        )
        for name, entries in by_round.items()
    ]


def round_stats(facts: RoundFacts, org: Organisation) -> RoundStats:
    people = {p.id: p for p in org.people}
    members = list(dict.fromkeys(m for unit in facts.units for m in unit))
    in_units = set(members)
    left_out = list(dict.fromkeys(pid for pid, _ in facts.left_out if pid not in in_units))
    why = {pid: reason for pid, reason in facts.left_out}
    reasons = Counter(reason_kind(why[pid]) for pid in left_out)
    tenure = Counter(tenure_band(people.get(m), facts.day) for m in members)
    bands = [name for name, _, _ in TENURE_BANDS] + [UNKNOWN_TENURE]
    earlier = _earlier_pairs(org, facts)

    def mixes(unit: tuple[str, ...], attribute: str) -> bool:
        values = {getattr(people[m], attribute) for m in unit if m in people}
        return len(values - {""}) > 1

    def mixed_tenure(unit: tuple[str, ...]) -> bool:
        known = {tenure_band(people.get(m), facts.day) for m in unit} - {UNKNOWN_TENURE}
        return len(known) > 1

    return RoundStats(
        facts.name,
        facts.kind,
        facts.status,
        facts.day,
        units=len(facts.units),
        took_part=len(members),
        eligible=len(members) + len(left_out) if facts.known_eligible else None,
        left_out=len(left_out),
        reasons=tuple(sorted(reasons.items(), key=lambda item: (-item[1], REASON_KINDS.index(item[0])))),
        cross_department=sum(1 for u in facts.units if mixes(u, "department")),
        cross_site=sum(1 for u in facts.units if mixes(u, "site")),
        mixed_tenure=sum(1 for u in facts.units if mixed_tenure(u)),
        tenure=tuple((band, tenure[band]) for band in bands if tenure[band]),
        repeats=sum(1 for u in facts.units if any(frozenset(p) in earlier for p in combinations(u, 2))),
    )


def _earlier_pairs(org: Organisation, facts: RoundFacts) -> set[frozenset[str]]:
    """Who was together in another round that started on or before this round's day."""
    return {
        frozenset(pair)
        for entry in org.history
        if entry.round != facts.name and entry.started <= facts.day
        for pair in combinations(dict.fromkeys(entry.members), 2)
    }


def department_participation(rounds: Iterable[RoundFacts], org: Organisation) -> list[DepartmentShare]:
    """Per department: how many took part in at least one of the rounds, and how many were
    only ever left out."""
    took_part: set[str] = set()
    left_out: set[str] = set()
    for facts in rounds:
        took_part.update(m for unit in facts.units for m in unit)
        left_out.update(pid for pid, _ in facts.left_out)
    left_out -= took_part
    headcount: Counter[str] = Counter()
    part: Counter[str] = Counter()
    out: Counter[str] = Counter()
    for p in org.people:
        headcount[p.department] += 1
        part[p.department] += p.id in took_part
        out[p.department] += p.id in left_out
    return [
        DepartmentShare(d, headcount[d], part[d], out[d])
        for d in sorted(headcount, key=lambda d: (d == "", d.casefold()))
    ]
