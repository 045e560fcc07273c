"""Build a pairing problem: participants, HR's locks, and the candidate pairs that pass every rule."""

from __future__ import annotations

import datetime as dt
import heapq
import math
from array import array
from collections import Counter
from dataclasses import dataclass

import numpy as np

from matcher.domain.phrases import counted, phrase
from matcher.domain.talentmap import TalentMap
from matcher.engines.pairing.config import PairingConfig
from matcher.engines.pairing.fairness import MET_BEFORE, Memory, recall, stale_pairs
from matcher.engines.pairing.problem import (
    SCALE,
    Candidate,
    PairingProblem,
    gains_from,
    max_bonus,
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
    """Candidates per learner, best first.

    With ``candidates_per_learner`` = k, a learner keeps the k best pairs that pass the rules,
    found lazily: teachers are scored in order of an upper bound on their score and the rules
    checked in order of the actual score, so the search stops as soon as nothing left can beat
    the k-th. Where teachers are scarce, a teacher's best learners may not have that teacher
    among their own k, so each teacher also keeps the k x capacity learners they could teach
    most. What is left out is remembered, with its learning credit, for the bound.
    """
    locked = _locked_people(problem)
    keep = problem.config.candidates_per_learner
    open_pool = problem.mode in ("buddy", "intern-manager")
    options: list[tuple[str, list[str], dict[str, float]]] = []
    for learner in problem.learners:
        if learner in locked:
            continue
        gains = gains_from(problem, learner)
        if open_pool:
            gains = {t: gains.get(t, 0.0) for t in problem.teachers if t != learner}
        usable = [t for t in gains if t not in locked or _teaches_in_lock(problem, t)]
        options.append((learner, sorted(usable, key=lambda t: (-gains[t], t)), gains))
    nominated = _teachers_choice(problem, options, keep) if keep else {}
    for learner, order, gains in options:
        kept, rest = _best_for(problem, learner, order, gains, keep)
        chosen = nominated.get(learner, ())
        left: list[str] = []
        for teacher, candidate in rest:
            if teacher in chosen:
                candidate = candidate or scored(problem, teacher, learner, gains[teacher])
                if candidate.points > 0 and _allowed(problem, teacher, learner):
                    kept.append(candidate)
                continue
            left.append(teacher)
        if left:
            problem.pruned.append((learner, left, array("d", (gains[t] for t in left))))
            problem.pruned_count += len(left)
        for candidate in sorted(kept, key=lambda c: (-c.points, c.members)):
            problem.candidates[candidate.members] = candidate


def _best_for(
    problem: PairingProblem, learner: str, order: list[str], gains: dict[str, float], keep: int
) -> tuple[list[Candidate], list[tuple[str, Candidate | None]]]:
    """The learner's ``keep`` best allowed pairs (all when 0), and the teachers not looked at."""
    learning = SCALE * problem.config.weights.learning
    bonus = SCALE * max_bonus(problem, learner)
    scored_heap: list[tuple[int, str, Candidate]] = []  # best actual score first
    kept: list[Candidate] = []
    index = 0
    while not keep or len(kept) < keep:
        ceiling = math.ceil(learning * gains[order[index]] + bonus) if index < len(order) else None
        if scored_heap and (ceiling is None or -scored_heap[0][0] >= ceiling):
            candidate = heapq.heappop(scored_heap)[2]
            if _allowed(problem, *candidate.members):
                kept.append(candidate)
            continue
        if ceiling is None:
            break
        teacher = order[index]
        index += 1
        candidate = scored(problem, teacher, learner, gains[teacher])
        if candidate.points > 0:
            heapq.heappush(scored_heap, (-candidate.points, teacher, candidate))
    rest: list[tuple[str, Candidate | None]] = [(item[1], item[2]) for item in scored_heap]
    rest += [(t, None) for t in order[index:]]
    return kept, rest


def _teachers_choice(
    problem: PairingProblem, options: list[tuple[str, list[str], dict[str, float]]], keep: int
) -> dict[str, set[str]]:
    """For each teacher, the keep x capacity learners with the most to learn from them."""
    teacher_index = {t: i for i, t in enumerate(problem.teachers)}
    sizes = [len(order) for _, order, _ in options]
    teachers = np.fromiter((teacher_index[t] for _, order, _ in options for t in order), np.int64, sum(sizes))
    gains = np.fromiter((g[t] for _, order, g in options for t in order), np.float64, sum(sizes))
    learners = np.repeat(np.arange(len(options)), sizes)
    ranked = np.lexsort((-gains, teachers))
    grouped = teachers[ranked]
    starts = np.searchsorted(grouped, grouped, side="left")
    rank = np.arange(len(grouped)) - starts
    limit = np.asarray([keep * max(1, c) for c in problem.teachers.values()], dtype=np.int64)
    picked = ranked[rank < limit[grouped]]
    names = list(problem.teachers)
    chosen: dict[str, set[str]] = {}
    for learner_at, teacher_at in zip(learners[picked].tolist(), teachers[picked].tolist(), strict=True):
        chosen.setdefault(options[learner_at][0], set()).add(names[teacher_at])
    return chosen


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
