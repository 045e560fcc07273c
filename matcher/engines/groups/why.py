"""Which group could this person move to, and at what cost? For one member of a group round,
each other group: the best way in (a move, when both sizes allow, or an exchange with one of its
members), what the round would then score, and the hard rules that step would break, judged by
the search's own state, so the figures are those :func:`group_score` and :func:`validate` give."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from matcher.engines.groups.problem import GroupProblem
from matcher.engines.groups.state import Move, State


@dataclass(frozen=True)
class GroupMove:
    """``person`` into the group now holding ``members``, alone or in exchange for ``swap_with``."""

    person: str
    members: tuple[str, ...]
    swap_with: str | None
    objective: float
    cost: float
    #: Hard rules broken after the step, by rule, that the plan did not break before.
    breaks: tuple[tuple[str, int], ...] = ()

    def as_dict(self) -> dict[str, object]:
        return {
            "person": self.person,
            "group": list(self.members),
            "swap_with": self.swap_with,
            "objective": self.objective,
            "cost": self.cost,
            "breaks": dict(self.breaks),
        }


def group_moves(problem: GroupProblem, plan: Iterable[Iterable[str]], person: str) -> list[GroupMove]:
    """For each group ``person`` is not in, the best step into it; those that break no rule
    first, then by the round's score with the step taken."""
    state = State(problem, [list(g) for g in plan])
    if person not in state.where:
        return []
    now, before = state.objective(), state.broken_by_rule()
    a = state.where[person]
    config = problem.config
    found = []
    for b, members in enumerate(state.groups):
        if b == a:
            continue
        options: list[str | None] = list(members)
        if len(state.groups[a]) > config.size_min and len(members) < config.size_max:
            options.append(None)
        best: Move | None = None
        for q in options:
            move = state.judge(person, a, q, b)
            if move.better_than(best):
                best = move
        if best is None:
            continue
        breaks: tuple[tuple[str, int], ...] = ()
        if best.broken > state.broken:
            breaks = _new_breaks(state, best, before)
        found.append(
            GroupMove(
                person,
                tuple(sorted(members)),
                best.q,
                round(best.value, 2),
                round(max(0.0, now - best.value), 2),
                breaks,
            )
        )
    found.sort(key=lambda m: (bool(m.breaks), -m.objective, m.members))
    return found


def _new_breaks(state: State, move: Move, before: Counter[str]) -> tuple[tuple[str, int], ...]:
    """The rules ``move`` breaks that the plan did not, by rule: applied, counted, taken back."""
    state.apply(move)
    after = state.broken_by_rule()
    back = state.judge(move.p, move.b, move.q, move.a)
    state.apply(back)
    more = after - before
    return tuple(sorted(more.items()))
