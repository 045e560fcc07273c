"""Group rounds one after another, with and without memory of the earlier ones.

One arm runs the groups engine with ``fresh_groupmates`` on and who the last rounds of the kind left
out placed first (``left_out_first``, fed their runs of rounds left out); the other with both off.
Both keep the kind's cooldown (earlier groupmates of the last rounds count as repeats), which the
engine had before. Each round's groups are fed back into the history.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable

from bench.fairness.simulation import QUARTER, RoundLog, current_runs
from matcher.domain.model import HistoryEntry, Organisation
from matcher.domain.talentmap import TalentMap
from matcher.engines.groups import GroupConfig, build_problem, propose
from matcher.engines.pairing import Fairness, Memory
from matcher.engines.pairing.fairness import recall


def simulate_groups(
    org: Organisation,
    *,
    kind: str,
    rounds: int,
    start: dt.date,
    memory: bool,
    time_limit: float = 5.0,
    seed: int = 0,
    on_round: Callable[[str, str, int, RoundLog], None] | None = None,
) -> list[RoundLog]:
    history = list(org.history)
    left_out: dict[str, list[str]] = {}
    logs: list[RoundLog] = []
    arm = "memory" if memory else "no memory"
    config = GroupConfig.for_kind(
        kind, fresh_groupmates=memory, left_out_first=memory, time_limit=time_limit, seed=seed
    )
    for i in range(rounds):
        today = start + dt.timedelta(days=QUARTER * i)
        name = f"{kind} {i + 1}"
        tmap = TalentMap(dataclasses.replace(org, history=tuple(history)), today=today)
        waiting = recall(Memory.of(history, kind, left_out), Fairness()).streak if memory else {}
        problem = build_problem(tmap, config, today=today, left_out=waiting)
        proposal = propose(problem, round_name=name)
        units = tuple(g.members for g in proposal.groups)
        history += [HistoryEntry(name, kind, members, today) for members in units]
        left_out[name] = [u.person_id for u in proposal.unmatched]
        people = frozenset(problem.people)
        placed = frozenset(m for unit in units for m in unit)
        log = RoundLog(
            opted_in=people,
            with_place=people if units else frozenset(),
            placed=placed,
            with_free_place=frozenset(),
            passed_over=_passed_over(people - placed, placed, current_runs(logs)),
            teachers=frozenset(),
            units=units,
            objective=proposal.objective,
            score=proposal.objective,
            seconds=proposal.seconds,
        )
        logs.append(log)
        if on_round:
            on_round(arm, kind, i + 1, log)
    return logs


def _passed_over(out: frozenset[str], placed: frozenset[str], waited: dict[str, int]) -> set[str]:
    """In a group round any place could be anyone's: left out while someone placed had waited less."""
    least = min((waited.get(p, 0) for p in placed), default=None)
    return {p for p in out if least is not None and waited.get(p, 0) > least}
