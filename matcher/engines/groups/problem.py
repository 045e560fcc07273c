"""A group round as a problem: who takes part, what each attribute says of them, the locks HR
made that can be kept, and how a group scores.

A group's score is a sum of named parts, one per criterion:

* diverse: weight x (distinct values - 1): each further value the group mixes in counts;
* similar: weight x (members - distinct values): each member who shares a value counts;

less ``weight`` for each person a group is short or over in a soft count range, less ``weight``
for each year (or level) a group's average is off the round's in a balance, less
:data:`ISOLATED_PENALTY` for every member who is the only one of their value of a
``no_isolated`` attribute, and :data:`REPEAT_PENALTY` for every pair of earlier groupmates within
the cooldown. The search state (:mod:`matcher.engines.groups.state`) keeps the same parts up to date
move by move with :func:`criterion_points` and :func:`penalty`; the hard rules are in
:mod:`matcher.engines.groups.rules`.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import combinations

from matcher.domain.phrases import join_words, term
from matcher.domain.talentmap import TalentMap
from matcher.engines.groups.config import GroupConfig
from matcher.engines.groups.criteria import Balance, CountRange, SharedTime
from matcher.engines.groups.shared import SLOT, common

#: Points taken off for each isolated member and each repeated pair of groupmates.
ISOLATED_PENALTY = 5.0
REPEAT_PENALTY = 3.0
#: The value of an attribute a person has none of (no team, say): counted as a value of its own.
NO_VALUE = term("(none)")
#: The values of ``skill:<id>`` (holds it at level 3 or more, or not) and ``interest:<id>`` (holds
#: or wants it, or neither).
HOLDS, HOLDS_NOT = term("holds it"), term("does not")
HOLDS_OR_WANTS, NEITHER = term("holds or wants it"), term("neither")
#: The attributes a criterion may name, as words shown in sentences.
ATTRIBUTE_WORDS = {
    "department": term("department"),
    "function": term("function"),
    "site": term("site"),
    "team": term("team"),
    "experience": term("experience"),
}


def attribute_word(attribute: str) -> str:
    """An attribute's word in a sentence; one meeloop has no word for is named as it is set."""
    return ATTRIBUTE_WORDS.get(attribute, attribute)


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
    #: Per count range of the config: the participants of its kind (None for a range that holds
    #: for each value of its attribute, whose values are in :attr:`values`).
    kinds: tuple[frozenset[str] | None, ...] = ()
    #: Per balance of the config: each participant's number in tenths (of years, or of a level),
    #: so that sums stay exact.
    numbers: tuple[dict[str, int], ...] = ()
    #: The cut-offs of the bands of experience, in years: HR's, or from the participants' spread.
    bands: tuple[float, ...] = ()
    #: With ``shared_time`` set: each participant's working half hours of a usual week in UTC, as
    #: bits (:func:`~matcher.engines.groups.shared.week_slots`).
    available: dict[str, int] = field(default_factory=dict)
    #: With ``left_out_first``: who was left out of the last rounds of the kind, and how many in a
    #: row, placed before others where the sizes do not divide.
    waiting: dict[str, int] = field(default_factory=dict)

    def shared_slots(self, members: Iterable[str]) -> int:
        """How many half hours of a usual week every one of ``members`` works."""
        return common(self.available[m] for m in members).bit_count()

    def whole(self, b: int) -> int:
        """Balance ``b``'s number summed over everyone taking part, in tenths."""
        return sum(self.numbers[b].values())

    #: HR's locks that can be kept: participants only, each breaking no rule and fitting a group
    #: (:func:`~matcher.engines.groups.build.build_problem` says in ``conflicts`` why any other
    #: lock was dropped).
    locks: tuple[tuple[str, ...], ...] = ()

    def name(self, person_id: str) -> str:
        person = self.tmap.person(person_id)
        return person.name if person else person_id

    def names(self, people: Iterable[str]) -> str:
        """Names in a sentence: "A and B", "A, B and C"."""
        return join_words(self.name(p) for p in people)

    def distinct(self, attribute: str) -> int:
        return len(set(self.values[attribute].values()))

    def group_sizes(self) -> list[int]:
        """The sizes of :attr:`groups` groups that hold everyone placed, as even as they can be."""
        if not self.groups:
            return []
        base, extra = divmod(len(self.people) - self.left_over, self.groups)
        return [base + (1 if i < extra else 0) for i in range(self.groups)]


# -- scoring ----------------------------------------------------------------------------------------


def criterion_points(diverse: bool, size: int, distinct: int) -> int:
    """A criterion's points before its weight, from the group's size and its distinct values."""
    return distinct - 1 if diverse else size - distinct


def penalty(isolated: int, repeats: int) -> float:
    """Points taken off a group for its isolated members and its pairs of recent groupmates."""
    return ISOLATED_PENALTY * isolated + REPEAT_PENALTY * repeats


def range_tally(problem: GroupProblem, r: int, members: Iterable[str]) -> int:
    """What a group holds of count range ``r``: for a range of one kind, how many of that kind;
    for a range per value, how many people are over the maximum in all values."""
    rule, kind = problem.config.counts[r], problem.kinds[r]
    if kind is not None:
        return len(kind.intersection(members))
    assert rule.max is not None
    counts = Counter(problem.values[rule.attribute][m] for m in members)
    return sum(n - rule.max for n in counts.values() if n > rule.max)


def range_off(rule: CountRange, held: int) -> int:
    """People a group is short or over in a count range, from what it holds of it
    (:func:`range_tally`)."""
    return held if rule.each_value else rule.off(held)


def range_points(rule: CountRange, held: int) -> float:
    """Points a soft count range takes off a group (a hard one is a rule, not points)."""
    return 0.0 if rule.hard else rule.weight * range_off(rule, held)


def deviation(total: int, size: int, whole: int, people: int) -> float:
    """How far a group's average (``total`` over ``size``) is from the round's (``whole`` over
    ``people``), in years or levels; all in tenths."""
    if not size or not people:
        return 0.0
    return abs(people * total - whole * size) / (10 * people * size)


def balance_points(rule: Balance, off: float) -> float:
    """Points a balance takes off a group whose average is ``off``."""
    return rule.weight * off


def hours_of(slots: int) -> float:
    """Hours a week in so many half hours."""
    return slots * SLOT / 60


def shared_points(rule: SharedTime | None, slots: int) -> float:
    """Points a soft shared time takes off a group sharing ``slots`` half hours a week: its
    weight for each hour short (a hard one is a rule, not points)."""
    if rule is None or rule.hard:
        return 0.0
    return rule.weight * rule.short(hours_of(slots))


def group_parts(problem: GroupProblem, members: Iterable[str]) -> list[tuple[str, float]]:
    """The named parts of a group's score."""
    members = list(members)
    parts: list[tuple[str, float]] = []
    for c in problem.config.criteria:
        if c.goal == "ignore" or not c.weight:
            continue
        k = len({problem.values[c.attribute][m] for m in members})
        parts.append(
            (f"{c.goal} {c.attribute}", c.weight * criterion_points(c.goal == "diverse", len(members), k))
        )
    for r, rule in enumerate(problem.config.counts):
        points = range_points(rule, range_tally(problem, r, members))
        if points:
            parts.append((f"count {rule.attribute} {rule.value}".strip(), -points))
    for b, balance in enumerate(problem.config.balance):
        total = sum(problem.numbers[b][m] for m in members)
        off = deviation(total, len(members), problem.whole(b), len(problem.people))
        if balance.weight and off:
            parts.append((f"balance {balance.attribute}", -balance_points(balance, off)))
    wanted = problem.config.shared_time
    shared = shared_points(wanted, problem.shared_slots(members)) if wanted is not None else 0.0
    if shared:
        parts.append(("shared time", -shared))
    isolated = len(isolated_members(problem, members))
    if isolated:
        parts.append(("isolated members", -penalty(isolated, 0)))
    repeats = repeated_pairs(problem, members)
    if repeats:
        parts.append(("earlier groupmates", -penalty(0, len(repeats))))
    return parts


def group_score(problem: GroupProblem, members: Iterable[str]) -> float:
    return sum(value for _, value in group_parts(problem, members))


def objective(problem: GroupProblem, groups: Iterable[Iterable[str]]) -> float:
    """What a plan scores: the groups' scores summed, plus ``worst_group`` times the lowest."""
    scores = [group_score(problem, g) for g in groups]
    return sum(scores) + problem.config.worst_group * min(scores) if scores else 0.0


def isolated_members(problem: GroupProblem, members: Iterable[str]) -> list[tuple[str, str]]:
    """(person, attribute) for everyone who is the only one of their value in the group."""
    members = list(members)
    found = []
    for attribute in problem.config.no_isolated:
        counts = Counter(problem.values[attribute][m] for m in members)
        found += [(m, attribute) for m in members if counts[problem.values[attribute][m]] == 1]
    return found


def pairs_among(pairs: frozenset[frozenset[str]], members: Iterable[str]) -> list[frozenset[str]]:
    """The pairs of ``pairs`` (recent groupmates, forbidden pairs) that both belong to ``members``."""
    if not pairs:
        return []
    return [pair for a, b in combinations(sorted(members), 2) if (pair := frozenset((a, b))) in pairs]


def repeated_pairs(problem: GroupProblem, members: Iterable[str]) -> list[frozenset[str]]:
    return pairs_among(problem.recent, members)
