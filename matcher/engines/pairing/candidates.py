"""Build a pairing problem: participants, HR's locks, and the candidate pairs that pass every rule."""

from __future__ import annotations

import datetime as dt
from collections import Counter
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
    Pruned,
    gains_from,
    participants,
    rounds_ago,
    scored,
)
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


def _directed_candidates(problem: PairingProblem) -> None:
    """Candidates per learner, best first, computed as arrays (see :mod:`.arrays`).

    With ``candidates_per_learner`` = k, a learner keeps the k best pairs that pass the rules.
    Where teachers are scarce, a teacher's best learners may not have that teacher among their
    own k, so each teacher also keeps the k x capacity learners they could teach most. The
    other pairs that pass the rules are kept as arrays in ``problem.pruned``, for the bound.
    """
    table = Table.of(problem)
    index = problem.codes().index
    rows = _rows(problem, table)
    keep = problem.config.candidates_per_learner
    nominated = _teachers_choice(problem, rows, keep) if keep else None
    pruned: list[tuple[int, np.ndarray, np.ndarray, np.ndarray]] = []
    for at, (learner, teachers, gains, points) in enumerate(rows):
        order = np.lexsort((table.rank[teachers], -points))
        if keep:
            kept = np.zeros(len(teachers), dtype=bool)
            kept[order[:keep]] = True
            assert nominated is not None
            kept |= nominated[at]
            if not kept.all():
                left = ~kept
                pruned.append((index[learner], teachers[left], points[left], gains[left]))
            order = order[kept[order]]
        names = table.names
        for t, p, g in zip(
            teachers[order].tolist(), points[order].tolist(), gains[order].tolist(), strict=True
        ):
            members = (names[t], learner)
            problem.candidates[members] = Candidate(members, p, gain=g, problem=problem)
    if pruned:
        problem.pruned = Pruned(
            learner=np.repeat(
                np.asarray([p[0] for p in pruned], dtype=np.int32), [len(p[1]) for p in pruned]
            ),
            teacher=np.concatenate([p[1] for p in pruned]),
            points=np.concatenate([p[2] for p in pruned]),
            gains=np.concatenate([p[3] for p in pruned]),
        )
        problem.pruned_count = problem.pruned.size


_Row = tuple[str, np.ndarray, np.ndarray, np.ndarray]


def _rows(problem: PairingProblem, table: Table) -> list[_Row]:
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
    names = {code: name for name, code in RULE_CODES.items()}
    rows: list[_Row] = []
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
        for value, count in zip(*np.unique(code[code > 0], return_counts=True), strict=True):
            problem.rule_counts[names[int(value)]] += int(count)
            problem.ruled_out[learner][names[int(value)]] += int(count)
            for teacher in teachers[code == value].tolist():
                problem.ruled_out[table.names[teacher]][names[int(value)]] += 1
        own_team = int((code == OWN_TEAM).sum())
        if own_team:
            problem.rule_counts[names[OWN_TEAM]] += own_team
            problem.ruled_out[learner][names[OWN_TEAM]] += own_team
        allowed = code == ALLOWED
        rows.append((learner, teachers[allowed].astype(np.int32), gains[allowed], points[allowed]))
    return rows


def _teachers_choice(problem: PairingProblem, rows: list[_Row], keep: int) -> list[np.ndarray]:
    """For each teacher, the keep x capacity learners with the most to learn from them among the
    pairs that pass the rules (ties: the learner first in order), as a mask over each learner's
    teachers."""
    if not rows:
        return []
    sizes = [len(row[1]) for row in rows]
    teachers = np.concatenate([row[1] for row in rows])
    gains = np.concatenate([row[2] for row in rows])
    ranked = np.lexsort((-gains, teachers))  # stable: equal credit keeps the learners' order
    grouped = teachers[ranked]
    starts = np.searchsorted(grouped, grouped, side="left")
    rank = np.arange(len(grouped)) - starts
    index = problem.codes().index
    limit = np.zeros(len(index), dtype=np.int64)
    for teacher, capacity in problem.teachers.items():
        limit[index[teacher]] = keep * max(1, capacity)
    picked = np.zeros(len(teachers), dtype=bool)
    picked[ranked[rank < limit[grouped]]] = True
    return np.split(picked, np.cumsum(sizes)[:-1])


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
