"""Rounds one after another, each fed the history of the ones before, with and without memory.

One arm runs the pairing engine as HR would with fairness on (its defaults, and fresh partners in
exchange rounds); the other runs the same engine with :data:`NO_MEMORY`. Both keep the cooldown,
the repeat penalty and the priority for who was left out of the last round, which the engine had
before; only what :mod:`matcher.engines.pairing.fairness` adds differs.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from matcher.domain.model import HistoryEntry, Organisation
from matcher.domain.talentmap import TalentMap
from matcher.engines.pairing import (
    NO_MEMORY,
    Fairness,
    Memory,
    PairingConfig,
    PairingProblem,
    Previous,
    build_problem,
    propose,
)
from matcher.engines.pairing.problem import link_candidate

#: The parts of a pair's score that fairness adds (see :func:`fairness_parts`).
FAIRNESS_PARTS = frozenset({"left out before", "recent load"})

#: A quarter, in days: the rounds are three months apart.
QUARTER = 91


@dataclass(frozen=True)
class RoundLog:
    """What one round did, as sets of person ids."""

    opted_in: frozenset[str]
    #: Opted in and with at least one possible partner under the rules: a place existed for them.
    with_place: frozenset[str]
    placed: frozenset[str]
    #: Opted in, left out, and one of their possible partners still had room at the end: a place
    #: they could have taken was free.
    with_free_place: frozenset[str]
    #: Opted in, left out, and a place they could have taken went to someone who had been left out
    #: fewer rounds in a row before this one (or was still free): passed over.
    passed_over: frozenset[str]
    teachers: frozenset[str]
    units: tuple[tuple[str, ...], ...]
    objective: float
    #: What the pairs score without the parts fairness adds: what the round gives up for it.
    score: float
    seconds: float


@dataclass
class Arm:
    """One run of rounds: its history and what each round of each mode did."""

    name: str
    memory: bool
    history: list[HistoryEntry] = field(default_factory=list)
    left_out: dict[str, list[str]] = field(default_factory=dict)
    logs: dict[str, list[RoundLog]] = field(default_factory=dict)


def config_for(mode: str, *, memory: bool, time_limit: float, seed: int) -> PairingConfig:
    fairness = Fairness(fresh_partners=mode == "exchange") if memory else NO_MEMORY
    return PairingConfig(mode=mode, fairness=fairness, time_limit=time_limit, seed=seed)


def simulate(
    org: Organisation,
    *,
    modes: tuple[str, ...],
    rounds: int,
    start: dt.date,
    memory: bool,
    configure: Callable[..., PairingConfig] = config_for,
    time_limit: float = 5.0,
    seed: int = 0,
    on_round: Callable[[str, str, int, RoundLog], None] | None = None,
) -> Arm:
    """Run ``rounds`` quarterly rounds of each mode on ``org``, feeding each round's pairs back into
    the history and, with ``memory``, who it left out into the next round's memory."""
    arm = Arm("memory" if memory else "no memory", memory, list(org.history))
    for i in range(rounds):
        today = start + dt.timedelta(days=QUARTER * i)
        for mode in modes:
            name = f"{mode} {i + 1}"
            log = _one_round(
                arm, org, mode, name, today, configure(mode, memory=memory, time_limit=time_limit, seed=seed)
            )
            arm.logs.setdefault(mode, []).append(log)
            if on_round:
                on_round(arm.name, mode, i + 1, log)
    return arm


def _one_round(
    arm: Arm, org: Organisation, mode: str, name: str, today: dt.date, config: PairingConfig
) -> RoundLog:
    tmap = TalentMap(dataclasses.replace(org, history=tuple(arm.history)), today=today)
    logs = arm.logs.get(mode, [])
    previous = Previous()
    if logs:
        last = logs[-1]
        previous = Previous(last.units, tuple(sorted(last.opted_in - last.placed)))
    recalled = Memory.of(arm.history, mode, arm.left_out) if arm.memory else None
    problem = build_problem(tmap, config, today=today, previous=previous, memory=recalled)
    proposal = propose(problem, round_name=name)
    units = tuple(p.members for p in proposal.pairs)
    arm.history += [HistoryEntry(name, mode, members, today) for members in units]
    arm.left_out[name] = [u.person_id for u in proposal.unmatched]
    # Learners are who opted in to be placed; in exchange rounds everyone is both.
    learners = frozenset(problem.learners)
    placed = frozenset(m for members in units for m in members)
    free = _free_place(problem, units, placed) & learners
    return RoundLog(
        opted_in=learners,
        with_place=frozenset(m for pair in problem.candidates for m in pair) & learners,
        placed=placed & learners,
        with_free_place=free,
        passed_over=_passed_over(problem, units, learners - placed, current_runs(logs)) | free,
        teachers=frozenset(problem.teachers) if config.directed else frozenset(),
        units=units,
        objective=proposal.objective,
        score=_score_without_fairness(problem, units),
        seconds=proposal.seconds,
    )


def _free_place(
    problem: PairingProblem, units: tuple[tuple[str, ...], ...], placed: frozenset[str]
) -> set[str]:
    """Who was left out although a possible partner of theirs had room left: a teacher below
    capacity who does not learn in the round (directed), or a partner who was left out too."""
    if not problem.config.directed:
        return {a for pair in problem.candidates for a, b in (pair, pair[::-1]) if not {a, b} & placed}
    load = Counter(unit[0] for unit in units)
    learning = {unit[1] for unit in units}
    one_role = problem.config.rules.one_role
    room = {
        t
        for t, capacity in problem.teachers.items()
        if load[t] < max(capacity, 1) and not (one_role and t in learning)
    }
    teaching = set(load)
    return {
        learner
        for teacher, learner in problem.candidates
        if teacher in room and learner not in placed and not (one_role and learner in teaching)
    }


def _passed_over(
    problem: PairingProblem, units: tuple[tuple[str, ...], ...], out: frozenset[str], waited: dict[str, int]
) -> set[str]:
    """Who was left out while a place they could have taken went to someone who had been left out
    fewer rounds in a row: a learner of a teacher they could have had (directed), or the partner of
    a partner they could have had (exchange)."""
    took: dict[str, list[str]] = {}
    if problem.config.directed:
        for unit in units:
            took.setdefault(unit[0], []).extend(unit[1:])
        possible = [(learner, teacher) for teacher, learner in problem.candidates]
    else:
        for unit in units:
            for m in unit:
                took.setdefault(m, []).extend(o for o in unit if o != m)
        possible = [(a, b) for pair in problem.candidates for a, b in (pair, pair[::-1])]
    return {
        person
        for person, place in possible
        if person in out and any(waited.get(o, 0) < waited.get(person, 0) for o in took.get(place, ()))
    }


def _score_without_fairness(problem: PairingProblem, units: tuple[tuple[str, ...], ...]) -> float:
    total = 0.0
    for unit in units:
        for i, a in enumerate(unit):
            for b in unit[i + 1 :]:
                candidate = link_candidate(problem, a, b)
                if candidate is not None:
                    total += sum(v for name, v in candidate.parts if name not in FAIRNESS_PARTS)
    return total


# -- the measures -----------------------------------------------------------------------------------


def gini(values: list[float]) -> float:
    """The Gini coefficient: 0 when everyone has the same, towards 1 when one has everything."""
    ordered = sorted(values)
    n, total = len(ordered), sum(ordered)
    if not n or not total:
        return 0.0
    weighted = sum((2 * i - n + 1) * v for i, v in enumerate(ordered))
    return weighted / (n * total)


def longest_runs(logs: list[RoundLog], *, free: bool = False) -> dict[str, int]:
    """Per person, the longest run of rounds in a row in which they opted in, a place existed
    (with ``free``: a place was still free), and they were left out. Any other round ends a run."""
    best: Counter[str] = Counter()
    run: Counter[str] = Counter()
    for log in logs:
        out = (log.with_free_place if free else log.with_place) - log.placed
        for person in set(run) | out:
            run[person] = run[person] + 1 if person in out else 0
            best[person] = max(best[person], run[person])
    return dict(best)


def current_runs(logs: list[RoundLog]) -> dict[str, int]:
    """Per person, the rounds in a row they were left out while a place existed, up to now."""
    run: Counter[str] = Counter()
    for log in logs:
        out = log.with_place - log.placed
        run = Counter({p: run[p] + 1 for p in out})
    return dict(run)


def passed_over_runs(logs: list[RoundLog]) -> dict[str, int]:
    """Per person, the longest run of rounds left out in a row that counts against the guarantee:
    a round left out starts it, and it goes on only through rounds left out in which a place they
    could have taken went to someone who had waited fewer rounds (or stayed free). A round left out
    in which every such place went to someone who had waited as long or longer starts it again."""
    best: Counter[str] = Counter()
    run: Counter[str] = Counter()
    for log in logs:
        out = log.with_place - log.placed
        run = Counter({p: run[p] + 1 if p in log.passed_over and run[p] else 1 for p in out})
        for person, n in run.items():
            best[person] = max(best[person], n)
    return dict(best)


def participation(logs: list[RoundLog]) -> list[float]:
    """Per person who ever had a place: the share of those rounds in which they were placed."""
    chances: Counter[str] = Counter()
    placed: Counter[str] = Counter()
    for log in logs:
        chances.update(log.with_place)
        placed.update(log.placed & log.with_place)
    return [placed[p] / chances[p] for p in sorted(chances)]


def mentor_load(logs: list[RoundLog]) -> list[float]:
    """Per teacher who took part in any round: the learners they took over all rounds."""
    teachers = sorted(set().union(*(log.teachers for log in logs)))
    load = Counter(unit[0] for log in logs for unit in log.units)
    return [float(load[t]) for t in teachers]


def repeat_share(logs: list[RoundLog]) -> float:
    """The share of pairs and groups, after the first round, with two members who met before."""
    met: set[frozenset[str]] = set()
    repeats = total = 0
    for i, log in enumerate(logs):
        links = [{frozenset((a, b)) for j, a in enumerate(unit) for b in unit[j + 1 :]} for unit in log.units]
        if i:
            total += len(links)
            repeats += sum(1 for unit in links if unit & met)
        met |= set().union(*links) if links else set()
    return repeats / total if total else 0.0


def measures(
    logs: list[RoundLog], *, directed: bool, most: int = Fairness().max_unplaced_rounds
) -> dict[str, float | int | None]:
    """The table's figures for one mode; ``most`` is K, the guarantee's rounds in a row."""
    runs = longest_runs(logs)
    passed = passed_over_runs(logs)
    return {
        "longest_run": max(runs.values(), default=0),
        "out_4_or_more": sum(1 for n in runs.values() if n >= 4),
        "longest_run_passed_over": max(passed.values(), default=0),
        "out_more_than_k_passed_over": sum(1 for n in passed.values() if n > most),
        "longest_run_free": max(longest_runs(logs, free=True).values(), default=0),
        "gini_participation": round(gini(participation(logs)), 3),
        "gini_mentor_load": round(gini(mentor_load(logs)), 3) if directed else None,
        "repeat_share": round(repeat_share(logs), 3),
        "score": round(sum(log.score for log in logs) / len(logs), 1) if logs else 0.0,
        "seconds": round(sum(log.seconds for log in logs), 1),
    }
