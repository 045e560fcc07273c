"""Fairness over rounds: what a programme's earlier rounds ask of the next one.

A programme is the run of rounds of one kind (mentor, exchange, buddy ...) in the history, newest
first. Looking back over the last ``window`` of them, three influences shape a round, each a named
part of a pair's score (so the solvers, the bound and "why not X?" count them like any other part)
or, for fresh partners, a rule on the candidates:

* someone left out in the last r rounds in a row gets ``unplaced * r`` points on every pair they
  could be in, and from K = ``max_unplaced_rounds`` rounds on a further ``guarantee * (r - K + 1)``,
  more than a pair usually scores, so a place that exists goes to them first (the longest waiting
  first). It stays a weight, never a
  constraint: a round in which two such people want the one place still has a plan;
* a teacher pays ``recent_load`` points per learner they took in the window, so the load of
  popular mentors, buddies and hosts spreads over the rounds;
* with ``fresh_partners`` (exchange rounds), a partner met before in the programme is a candidate
  only when neither of the two has a partner left whom they have not met.

>>> memory = Memory.of(
...     (HistoryEntry("r1", "mentor", ("m", "a"), dt.date(2026, 1, 5)),),
...     "mentor",
...     {"r1": ["b"]},
... )
>>> recall(memory, Fairness(window=4)).streak, recall(memory, Fairness(window=4)).load
({'b': 1}, {'m': 1})
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from matcher.domain.model import HistoryEntry
from matcher.domain.phrases import counted, phrase, term

#: The rule's name in reasons and "why not" answers.
MET_BEFORE = term("met before")


@dataclass(frozen=True)
class Fairness:
    """What a round remembers of earlier rounds of its kind. Every influence can be switched off."""

    #: Earlier rounds of the same kind looked back on; 0 switches the memory off altogether.
    window: int = 4
    #: Points per round left out in a row, on each pair the person could be in (0: off).
    unplaced: float = 2.0
    #: K: someone left out this many rounds in a row is placed first where a place exists (0: off).
    max_unplaced_rounds: int = 2
    #: Points that priority carries, once more for each further round: more than a pair usually
    #: scores, so it gives way only where no place exists or such people want the same place.
    guarantee: float = 100.0
    #: Points a teacher pays per learner taken in the window, so popular mentors' load spreads (0: off).
    recent_load: float = 1.0
    #: Exchange rounds: no partner met before until the person has met every partner they could have.
    fresh_partners: bool = False

    def problems(self) -> list[tuple[str, str]]:
        """Settings out of range, as (field, why)."""
        found = []
        for name in ("window", "max_unplaced_rounds"):
            if getattr(self, name) < 0:
                found.append((name, phrase("must not be negative")))
        for name in ("unplaced", "guarantee", "recent_load"):
            if getattr(self, name) < 0:
                found.append((name, phrase("must not be negative")))
        if 0 <= self.window < self.max_unplaced_rounds:
            found.append(
                (
                    "max_unplaced_rounds",
                    phrase("must not be more than the rounds looked back on ({window})", window=self.window),
                )
            )
        return found


#: The same engine without memory: for comparisons, and for HR who want each round on its own.
NO_MEMORY = Fairness(window=0, unplaced=0.0, max_unplaced_rounds=0, recent_load=0.0)


@dataclass(frozen=True)
class PastRound:
    """One earlier round of the programme: its pairs (teacher first) and who it left out."""

    name: str
    started: dt.date
    pairs: tuple[tuple[str, ...], ...]
    left_out: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Memory:
    """The earlier rounds of one programme, newest first."""

    rounds: tuple[PastRound, ...] = ()

    @classmethod
    def of(
        cls, history: Iterable[HistoryEntry], kind: str, left_out: Mapping[str, Iterable[str]] | None = None
    ) -> Memory:
        """The rounds of ``kind`` in the history, with who each left out (by round name)."""
        left_out = left_out or {}
        pairs: dict[str, list[tuple[str, ...]]] = {}
        starts: dict[str, dt.date] = {}
        for entry in history:
            if entry.kind != kind:
                continue
            pairs.setdefault(entry.round, []).append(entry.members)
            starts[entry.round] = min(entry.started, starts.get(entry.round, entry.started))
        order = sorted(starts, key=lambda r: (starts[r], r), reverse=True)
        return cls(
            tuple(
                PastRound(name, starts[name], tuple(pairs[name]), frozenset(left_out.get(name, ())))
                for name in order
            )
        )


@dataclass(frozen=True)
class Recall:
    """What a round looks at: rounds looked back on, each person's run of rounds left out
    (the newest rounds), and each teacher's learners over those rounds."""

    rounds: int = 0
    streak: dict[str, int] = field(default_factory=dict)
    load: dict[str, int] = field(default_factory=dict)


def recall(memory: Memory | None, fairness: Fairness) -> Recall:
    if memory is None or not fairness.window:
        return Recall()
    window = memory.rounds[: fairness.window]
    # A run counts back from the newest round: a round in which someone was placed, or did not
    # take part, ends it.
    streak: dict[str, int] = {}
    for person in window[0].left_out if window else ():
        streak[person] = next(
            (i for i, past in enumerate(window) if person not in past.left_out), len(window)
        )
    load = Counter(pair[0] for past in window for pair in past.pairs if len(pair) == 2)
    return Recall(len(window), streak, dict(load))


# -- the parts of a pair's score --------------------------------------------------------------------


def left_out_points(fairness: Fairness, streak: int) -> float:
    """What a run of ``streak`` rounds left out adds to each pair the person could be in."""
    points = fairness.unplaced * streak
    most = fairness.max_unplaced_rounds
    if most and streak >= most:
        # Growing too: where places are scarce, who waited longest goes first.
        points += fairness.guarantee * (streak - most + 1)
    return points


def fairness_parts(
    fairness: Fairness, memory: Recall, first: str, second: str, *, directed: bool
) -> list[tuple[str, float]]:
    """Named parts for the pair: who gets priority for rounds left out, and the teacher's load."""
    parts: list[tuple[str, float]] = []
    waiting = (second,) if directed else (first, second)
    priority = sum(left_out_points(fairness, memory.streak.get(p, 0)) for p in waiting)
    if priority:
        parts.append(("left out before", priority))
    if directed and fairness.recent_load and memory.load.get(first):
        parts.append(("recent load", -fairness.recent_load * memory.load[first]))
    return parts


# -- fresh partners ---------------------------------------------------------------------------------


def stale_pairs(
    candidates: Iterable[tuple[str, str]], met: Mapping[frozenset[str], int]
) -> list[tuple[str, str]]:
    """Candidate pairs who met before while one of them still has a partner they have not met."""
    candidates = list(candidates)
    unmet_left = {m for pair in candidates if frozenset(pair) not in met for m in pair}
    return [pair for pair in candidates if frozenset(pair) in met and set(pair) & unmet_left]


# -- in words ---------------------------------------------------------------------------------------


def streak_reason(name: str, streak: int) -> str:
    return counted(
        streak,
        "{name} was left out in the last round of this kind",
        "{name} was left out in the last {n} rounds of this kind",
        name=name,
    )


def placed_first_reason(name: str, most: int) -> str:
    return counted(
        most,
        "{name} is placed first: nobody is left out more than {n} round in a row where a place exists",
        "{name} is placed first: nobody is left out more than {n} rounds in a row where a place exists",
        name=name,
    )


def load_reason(name: str, load: int, rounds: int) -> str:
    if not load:
        return counted(
            rounds,
            "{name} took no learners in the last round, so the load is spread",
            "{name} took no learners in the last {n} rounds, so the load is spread",
            name=name,
        )
    return counted(
        load,
        "{name} took {n} learner in recent rounds (a small penalty, to spread the load)",
        "{name} took {n} learners in recent rounds (a penalty, to spread the load)",
        name=name,
    )


def fresh_reason() -> str:
    return phrase("have not met before in this kind of round")


def still_left_out(streak: int) -> str:
    return counted(
        streak,
        "also left out in the last round of this kind, despite the priority that gives",
        "also left out in the last {n} rounds of this kind, despite the priority that gives",
    )
