"""Build a pairing problem: participants, HR's locks, and the candidate pairs that pass every rule."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from matcher.pairing.config import PairingConfig
from matcher.pairing.problem import (
    Candidate,
    PairingProblem,
    make_candidate,
    participants,
    rounds_ago,
    teacher_pool,
)
from matcher.pairing.rules import first_broken, mode_reason
from matcher.talentmap import TalentMap


@dataclass(frozen=True)
class Previous:
    """What the last round of the same kind left behind: its pairs (hints) and who was left out."""

    pairs: tuple[tuple[str, ...], ...] = ()
    unmatched: tuple[str, ...] = ()


def build_problem(
    tmap: TalentMap, config: PairingConfig, *, today: dt.date, previous: Previous | None = None
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
    )
    _apply_locks(problem)
    if config.mode == "exchange":
        _exchange_candidates(problem)
    else:
        _directed_candidates(problem)
    _prune(problem)
    return problem


def _apply_locks(problem: PairingProblem) -> None:
    """Keep every lock that breaks no hard rule; say why each other lock was dropped."""
    kept: list[tuple[str, ...]] = []
    busy: Counter[str] = Counter()
    roles: dict[str, str] = {}
    directed = problem.config.directed
    for lock in problem.config.locked:
        names = " and ".join(problem.name(m) for m in lock)
        unknown = [m for m in lock if m not in problem.people]
        if unknown:
            problem.conflicts.append(f"lock {names}: unknown person {', '.join(unknown)}; lock dropped")
            continue
        if directed and len(lock) != 2:
            problem.conflicts.append(f"lock {names}: a {problem.mode} pair has two people; lock dropped")
            continue
        broken = next(
            (b for i, a in enumerate(lock) for c in lock[i + 1 :] if (b := first_broken(problem, a, c))), None
        )
        if broken:
            problem.conflicts.append(
                f"lock {names} breaks the rule '{broken[0]}' ({broken[1]}); lock dropped"
            )
            continue
        clash = _lock_clash(problem, lock, busy, roles)
        if clash:
            problem.conflicts.append(f"lock {names}: {clash}; lock dropped")
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
        return f"{problem.name(taken[0])} is already in another locked pair" if taken else None
    teacher, learner = lock
    if roles.get(learner) == "learns":
        return f"{problem.name(learner)} already has a locked partner"
    if problem.config.rules.one_role and (roles.get(learner) == "teaches" or roles.get(teacher) == "learns"):
        return "it would give someone two roles in this round"
    capacity = max(problem.capacity(teacher), 1 if teacher not in problem.teachers else 0)
    if problem.config.rules.capacity and roles.get(teacher) == "teaches" and busy[teacher] >= capacity:
        return f"{problem.name(teacher)}'s capacity of {capacity} is already taken by other locks"
    return None


def _consider(
    problem: PairingProblem, teacher: str, learner: str, first: str, second: str
) -> Candidate | None:
    """A candidate when the mode allows the pair and no hard rule forbids it; else count the rule."""
    if problem.config.directed:
        reason = mode_reason(problem, teacher, learner)
        if reason:
            if reason[0] != "eligible":
                problem.rule_counts[reason[0]] += 1
                problem.ruled_out[learner][reason[0]] += 1
            return None
    candidate = make_candidate(problem, first, second)
    if candidate is None:
        return None
    broken = first_broken(problem, first, second)
    if broken:
        problem.rule_counts[broken[0]] += 1
        for person in (first, second):
            problem.ruled_out[person][broken[0]] += 1
        return None
    return candidate


def _locked_people(problem: PairingProblem) -> set[str]:
    return {m for lock in problem.locks for m in lock}


def _directed_candidates(problem: PairingProblem) -> None:
    locked = _locked_people(problem)
    for learner in problem.learners:
        if learner in locked:
            continue
        for teacher in sorted(teacher_pool(problem, learner)):
            if teacher == learner or (teacher in locked and not _teaches_in_lock(problem, teacher)):
                continue
            candidate = _consider(problem, teacher, learner, teacher, learner)
            if candidate is not None and candidate.points > 0:
                problem.candidates[candidate.members] = candidate


def _teaches_in_lock(problem: PairingProblem, person: str) -> bool:
    return any(lock[0] == person for lock in problem.locks)


def _exchange_candidates(problem: PairingProblem) -> None:
    locked = _locked_people(problem)
    free = [p for p in problem.learners if p not in locked]
    teaches = {p: teacher_pool(problem, p) for p in free}  # who could teach p
    for a in free:
        for b in sorted(teaches[a]):
            if b <= a or b not in teaches or a not in teaches[b]:
                continue
            candidate = _consider(problem, a, b, a, b)
            if candidate is not None and candidate.points > 0:
                problem.candidates[candidate.members] = candidate


def _prune(problem: PairingProblem) -> None:
    keep = problem.config.candidates_per_learner
    if not keep or problem.mode == "exchange":
        return
    by_learner: dict[str, list[Candidate]] = {}
    for candidate in problem.candidates.values():
        by_learner.setdefault(candidate.members[1], []).append(candidate)
    for options in by_learner.values():
        if len(options) <= keep:
            continue
        options.sort(key=lambda c: (-c.points, c.members))
        for candidate in options[keep:]:
            problem.pruned[candidate.members] = problem.candidates.pop(candidate.members)
