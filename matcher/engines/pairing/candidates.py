"""Build a pairing problem: participants, HR's locks, and the candidate pairs that pass every rule."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from matcher.domain.phrases import counted, phrase
from matcher.domain.talentmap import TalentMap
from matcher.engines.pairing.arrays import ALLOWED, INELIGIBLE, OWN_TEAM, RULE_CODES, Table
from matcher.engines.pairing.config import PairingConfig
from matcher.engines.pairing.fairness import MET_BEFORE, Memory, recall, stale_pairs
from matcher.engines.pairing.problem import (
    Candidate,
    PairingProblem,
    gains_from,
    participants,
    rounds_ago,
    scored,
)
from matcher.engines.pairing.pruned import BLOCK_PAIRS, Collector, TeachersChoice
from matcher.engines.pairing.rules import first_broken, mode_reason


@dataclass(frozen=True)
class Previous:
    """What the last round of the same kind left behind: its pairs (hints) and who was left out."""

    pairs: tuple[tuple[str, ...], ...] = ()
    unmatched: tuple[str, ...] = ()


def build_problem(
    tmap: TalentMap,
    config: PairingConfig,
    *,
    today: dt.date,
    previous: Previous | None = None,
    memory: Memory | None = None,
) -> PairingProblem:
    teachers, learners = participants(tmap, config, today)
    previous = previous or Previous()
    problem = PairingProblem(
        config=config,
        tmap=tmap,
        today=today,
        teachers=teachers,
        learners=tuple(learners),
        rounds_ago=rounds_ago(tmap.organisation.history, config.mode),
        previous_unmatched=frozenset(previous.unmatched),
        previous_pairs=previous.pairs,
        recall=recall(memory, config.fairness),
    )
    _apply_locks(problem)
    if config.mode == "exchange":
        _exchange_candidates(problem)
        if config.fairness.fresh_partners:
            _keep_fresh(problem)
    else:
        _directed_candidates(problem)
    problem.arcs()
    return problem


def _apply_locks(problem: PairingProblem) -> None:
    """Keep every lock that breaks no hard rule; say why each other lock was dropped."""
    kept: list[tuple[str, ...]] = []
    busy: Counter[str] = Counter()
    roles: dict[str, str] = {}
    directed = problem.config.directed
    for lock in problem.config.locked:
        names = [problem.name(m) for m in lock]
        unknown = [m for m in lock if m not in problem.people]
        if unknown:
            problem.conflicts.append(
                counted(
                    len(unknown),
                    "lock {names:list}: unknown person {ids}; lock dropped",
                    "lock {names:list}: unknown people {ids}; lock dropped",
                    names=names,
                    ids=", ".join(unknown),
                )
            )
            continue
        if directed and len(lock) != 2:
            problem.conflicts.append(
                phrase("lock {names:list}: a pair in this round has two people; lock dropped", names=names)
            )
            continue
        broken = next(
            (b for i, a in enumerate(lock) for c in lock[i + 1 :] if (b := first_broken(problem, a, c))), None
        )
        if broken:
            problem.conflicts.append(
                phrase(
                    "lock {names:list} breaks the rule '{rule}' ({reason}); lock dropped",
                    names=names,
                    rule=broken[0],
                    reason=broken[1],
                )
            )
            continue
        clash = _lock_clash(problem, lock, busy, roles)
        if clash:
            problem.conflicts.append(
                phrase("lock {names:list}: {clash}; lock dropped", names=names, clash=clash)
            )
            continue
        kept.append(lock)
        if directed:
            teacher, learner = lock
            busy[teacher] += 1
            busy[learner] += 1
            roles[teacher], roles[learner] = "teaches", "learns"
            problem.teachers.setdefault(teacher, max(1, problem.config.default_capacity))
        else:
            busy.update(lock)
    problem.locks = tuple(kept)


def _lock_clash(
    problem: PairingProblem, lock: tuple[str, ...], busy: Counter[str], roles: dict[str, str]
) -> str | None:
    if not problem.config.directed:
        taken = [m for m in lock if busy[m]]
        return (
            phrase("{name} is already in another locked pair", name=problem.name(taken[0])) if taken else None
        )
    teacher, learner = lock
    if roles.get(learner) == "learns":
        return phrase("{name} already has a locked partner", name=problem.name(learner))
    if problem.config.rules.one_role and (roles.get(learner) == "teaches" or roles.get(teacher) == "learns"):
        return phrase("it would give someone two roles in this round")
    capacity = max(problem.capacity(teacher), 1 if teacher not in problem.teachers else 0)
    if problem.config.rules.capacity and roles.get(teacher) == "teaches" and busy[teacher] >= capacity:
        return phrase(
            "{name}'s capacity of {capacity} is already taken by other locks",
            name=problem.name(teacher),
            capacity=capacity,
        )
    return None


def _allowed(problem: PairingProblem, teacher: str, learner: str) -> bool:
    """Whether the mode allows the pair and no hard rule forbids it; counts the rule that does."""
    if problem.config.directed:
        reason = mode_reason(problem, teacher, learner)
        if reason:
            if reason[0] != "eligible":
                problem.rule_counts[reason[0]] += 1
                problem.ruled_out[learner][reason[0]] += 1
            return False
    broken = first_broken(problem, teacher, learner)
    if broken:
        problem.rule_counts[broken[0]] += 1
        for person in (teacher, learner):
            problem.ruled_out[person][broken[0]] += 1
        return False
    return True


def _locked_people(problem: PairingProblem) -> set[str]:
    return {m for lock in problem.locks for m in lock}


def _directed_candidates(problem: PairingProblem, block_pairs: int = BLOCK_PAIRS) -> None:
    """Candidates per learner, best first, computed as arrays (see :mod:`.arrays`).

    With ``candidates_per_learner`` = k, a learner keeps the k best pairs that pass the rules.
    Where teachers are scarce, a teacher's best learners may not have that teacher among their
    own k, so each teacher also keeps the k x capacity learners they could teach most. The
    other pairs that pass the rules are kept in ``problem.pruned``, for the bound. The learners'
    pairs stream past a learner at a time (see :mod:`.pruned`): only the pairs the search keeps
    become candidates, and the rest are stored compactly, never all as full arrays at once.
    """
    table = Table.of(problem)
    keep = problem.config.candidates_per_learner
    struck = _Struck(problem, table)
    store = Collector(block_pairs)
    choice = TeachersChoice(_choice_limits(problem, keep), block_pairs) if keep else None
    heads: list[np.ndarray] = []
    head_gains: list[np.ndarray] = []
    for learner, teachers, gains, points in _rows(problem, table, struck):
        order = np.lexsort((table.rank[teachers], -points))
        teachers, gains, points = teachers[order], gains[order], points[order]
        first = store.add(problem.codes().index[learner], teachers, points)
        head = len(teachers) if not keep else min(keep, len(teachers))
        heads.append(np.arange(first, first + head))
        head_gains.append(gains[:head])
        if choice is not None:
            choice.offer(teachers, gains, first)
    struck.tell()
    if not heads:
        return
    kept, kept_gains = np.concatenate(heads), np.concatenate(head_gains)
    if choice is not None:
        chosen, chosen_gains = choice.chosen()
        kept, at = np.unique(np.concatenate([kept, chosen]), return_index=True)
        kept_gains = np.concatenate([kept_gains, chosen_gains])[at]
    pruned = store.finish(np.zeros(0, dtype=np.int64))
    assert pruned is not None
    learners, teachers, points = pruned.take(kept)
    names = table.names
    for lr, t, p, g in zip(
        learners.tolist(), teachers.tolist(), points.tolist(), kept_gains.tolist(), strict=True
    ):
        members = (names[t], names[lr])
        problem.candidates[members] = Candidate(members, p, gain=g, problem=problem)
    if pruned.size:
        problem.pruned = pruned
        problem.pruned_count = pruned.size


_Row = tuple[str, np.ndarray, np.ndarray, np.ndarray]


def _rows(problem: PairingProblem, table: Table, struck: _Struck) -> Iterator[_Row]:
    """For each learner not in a lock: the teachers of the pairs that score and pass every rule,
    with their learning credit and points. Each rule a scoring pair breaks is counted for the
    explanations, as the reference does."""
    locked = _locked_people(problem)
    index = problem.codes().index
    usable = table.teacher.copy()
    for person in locked:
        if not _teaches_in_lock(problem, person):
            usable[index[person]] = False
    open_pool = problem.mode in ("buddy", "intern-manager")
    everyone = np.flatnonzero(table.teacher)
    for learner in problem.learners:
        if learner in locked:
            continue
        teachers, gains = table.gains(learner)
        if open_pool:
            credit = np.zeros(len(table.names))
            credit[teachers] = gains
            teachers = everyone[everyone != index[learner]]
            gains = credit[teachers]
        ok = usable[teachers]
        teachers, gains = teachers[ok], gains[ok]
        points = table.points(learner, teachers, gains)
        code = np.full(len(teachers), INELIGIBLE, dtype=np.int64)
        positive = points > 0
        code[positive] = table.broken(learner, teachers[positive])
        struck.count(index[learner], teachers, code)
        allowed = code == ALLOWED
        if allowed.any():
            yield learner, teachers[allowed].astype(np.int32), gains[allowed], points[allowed]


class _Struck:
    """How many would-be partners each rule struck out, per person, for the explanations: the
    same counts, and the rules in the same order per person (the order of ``most_common``'s
    ties), as counting pair by pair, but added up as arrays and told to the problem once."""

    #: Rule codes in the order they are counted for a learner: the pair rules, then own team.
    ORDER = (*sorted(c for c in RULE_CODES.values() if c > 0), OWN_TEAM)

    def __init__(self, problem: PairingProblem, table: Table) -> None:
        self.problem, self.names = problem, table.names
        people = len(table.names)
        self.counts = np.zeros((len(self.ORDER), people), dtype=np.int64)
        self.first = np.full((len(self.ORDER), people), np.iinfo(np.int64).max)
        self.slot = np.full(max(RULE_CODES.values()) + 1 - OWN_TEAM, -1)
        for at, code in enumerate(self.ORDER):
            self.slot[code - OWN_TEAM] = at
        self.totals = np.zeros(len(self.ORDER), dtype=np.int64)  # pairs struck, each once
        self.seen = 0

    def count(self, learner: int, teachers: np.ndarray, code: np.ndarray) -> None:
        """One learner's pairs with the code of the first rule each breaks."""
        struck = (code > 0) | (code == OWN_TEAM)
        if not struck.any():
            return
        slot = self.slot[code[struck] - OWN_TEAM]
        when = self.seen * len(self.ORDER) + slot
        self.seen += 1
        self.totals += np.bincount(slot, minlength=len(self.ORDER))
        # The learner: every rule that struck a pair; the teachers: the pair rules only.
        np.add.at(self.counts[:, learner], slot, 1)
        np.minimum.at(self.first[:, learner], slot, when)
        rule = code[struck] > 0
        flat = slot[rule] * self.counts.shape[1] + teachers[struck][rule]
        np.add.at(self.counts.reshape(-1), flat, 1)
        np.minimum.at(self.first.reshape(-1), flat, when[rule])

    def tell(self) -> None:
        rules = {code: name for name, code in RULE_CODES.items()}
        slot, person = np.nonzero(self.counts)
        order = np.lexsort((self.first[slot, person], person))
        for s, p in zip(slot[order].tolist(), person[order].tolist(), strict=True):
            self.problem.ruled_out[self.names[p]][rules[self.ORDER[s]]] += int(self.counts[s, p])
        for s in np.argsort(self.first.min(axis=1), kind="stable").tolist():
            if self.totals[s]:
                self.problem.rule_counts[rules[self.ORDER[s]]] += int(self.totals[s])


def _choice_limits(problem: PairingProblem, keep: int) -> np.ndarray:
    """How many learners each teacher keeps (person index): k x capacity, at least k."""
    index = problem.codes().index
    limit = np.zeros(len(index), dtype=np.int64)
    for teacher, capacity in problem.teachers.items():
        limit[index[teacher]] = keep * max(1, capacity)
    return limit


def _teaches_in_lock(problem: PairingProblem, person: str) -> bool:
    return any(lock[0] == person for lock in problem.locks)


def _keep_fresh(problem: PairingProblem) -> None:
    """No repeat until you have met everyone: strike out partners met before in the programme
    while one of the two still has a partner they have not met."""
    for pair in stale_pairs(problem.candidates, problem.rounds_ago):
        del problem.candidates[pair]
        problem.rule_counts[MET_BEFORE] += 1
        for person in pair:
            problem.ruled_out[person][MET_BEFORE] += 1


def _exchange_candidates(problem: PairingProblem) -> None:
    locked = _locked_people(problem)
    free = [p for p in problem.learners if p not in locked]
    taught_by = {p: gains_from(problem, p) for p in free}  # teacher -> credit, for each learner
    for a in free:
        for b in sorted(taught_by[a]):
            if b <= a or b not in taught_by or a not in taught_by[b]:
                continue
            if _allowed(problem, a, b):
                candidate = scored(problem, a, b, taught_by[a][b] + taught_by[b][a])
                if candidate.points > 0:
                    problem.candidates[candidate.members] = candidate
