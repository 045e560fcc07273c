"""The first groups brought within the hard count ranges and balances before the search starts:
swaps between dealt groups, of people alike in every ``no_isolated`` attribute first, so that the
gathering the dealing made stays. Repairing these from dealt groups by the search's repairs took a
third of a benchmark round's time (2,000 people, 30 s); these passes take a fraction of a second.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from matcher.engines.groups.problem import GroupProblem
from matcher.engines.groups.rules import balance_broken


def even_ranges(problem: GroupProblem, groups: list[list[str]], locked: set[str]) -> None:
    """Bring every group within each hard count range of one kind: a group over the maximum gives
    one of the kind to a group short of the minimum (else to one below the maximum), in exchange
    for a member of another kind, alike in every ``no_isolated`` attribute where there is one."""
    alike = problem.config.no_isolated

    def sign(person: str) -> tuple[str, ...]:
        return tuple(problem.values[a][person] for a in alike)

    for rule, kind in zip(problem.config.counts, problem.kinds, strict=True):
        if kind is None or not rule.hard:
            continue
        most = rule.max if rule.max is not None else len(kind)
        held = [sum(1 for m in g if m in kind) for g in groups]
        # Swaps between people alike first; only what those cannot mend takes any member.
        for strict in (True, False):
            for wanted in (rule.min, most):
                # First fill the groups short of the minimum, then the rest up to the maximum.
                for i in range(len(groups)):
                    while held[i] > most:
                        swap = _over_swap(groups, held, i, wanted, kind, locked, sign, strict)
                        if swap is None:
                            break
                        _exchange(groups, held, kind, i, swap)
            for i in range(len(groups)):
                while held[i] < rule.min:
                    swap = _short_swap(groups, held, i, rule.min, kind, locked, sign, strict)
                    if swap is None:
                        break
                    _exchange(groups, held, kind, i, swap)


def even_balances(problem: GroupProblem, groups: list[list[str]], locked: set[str]) -> None:
    """Bring groups further off than a balance's tolerance within it: swap a member on the side
    the group leans to for one on the other side from a group that stays within, both alike in
    every ``no_isolated`` attribute and in being of each hard count range's kind or not (so the
    swap keeps the gathering and the ranges the steps before made)."""
    people = len(problem.people)
    kinds = [
        kind for rule, kind in zip(problem.config.counts, problem.kinds, strict=True) if kind and rule.hard
    ]
    alike = problem.config.no_isolated

    signs = {
        m: (*(problem.values[a][m] for a in alike), *(m in kind for kind in kinds)) for g in groups for m in g
    }
    sign = signs.__getitem__

    def broken(sums: list[int], size: int) -> int:
        return sum(
            balance_broken(rule, sums[b], size, problem.whole(b), people)
            for b, rule in enumerate(problem.config.balance)
        )

    numbers = problem.numbers
    totals = [[sum(n[m] for m in g) for n in numbers] for g in groups]
    for i, group in enumerate(groups):
        if not broken(totals[i], len(group)):
            continue
        for p, j, q in _balance_swaps(groups, i, locked, sign):
            mine = [t - numbers[b][p] + numbers[b][q] for b, t in enumerate(totals[i])]
            theirs = [t + numbers[b][p] - numbers[b][q] for b, t in enumerate(totals[j])]
            if not broken(mine, len(group)) and not broken(theirs, len(groups[j])):
                group[group.index(p)], groups[j][groups[j].index(q)] = q, p
                totals[i], totals[j] = mine, theirs
                break


def _balance_swaps(
    groups: list[list[str]], i: int, locked: set[str], sign: Callable[[str], tuple]
) -> Iterator[tuple[str, int, str]]:
    """(member of group ``i``, another group, its member) alike in ``sign``, none of them locked."""
    mine = [m for m in groups[i] if m not in locked]
    for j, group in enumerate(groups):
        if j == i:
            continue
        for q in group:
            if q in locked:
                continue
            for p in mine:
                if sign(p) == sign(q):
                    yield p, j, q


def _exchange(
    groups: list[list[str]], held: list[int], kind: frozenset[str], i: int, swap: tuple[int, str, str]
) -> None:
    """Group ``j`` gives ``theirs`` to group ``i`` for ``mine``: ``swap`` is (j, theirs, mine)."""
    j, theirs, mine = swap
    groups[j][groups[j].index(theirs)], groups[i][groups[i].index(mine)] = mine, theirs
    change = (mine in kind) - (theirs in kind)
    held[i] -= change
    held[j] += change


def _over_swap(
    groups: list[list[str]],
    held: list[int],
    i: int,
    below: int,
    kind: frozenset[str],
    locked: set[str],
    sign: Callable[[str], tuple[str, ...]],
    strict: bool,
) -> tuple[int, str, str] | None:
    """(group j, a member there of another kind, one of the kind in group ``i``): a swap giving
    the kind to a group holding fewer than ``below``; only alike people when ``strict``."""
    givers = [m for m in groups[i] if m in kind and m not in locked]
    if not givers:
        return None
    for j, group in enumerate(groups):
        if j == i or held[j] >= below:
            continue
        for taker in (m for m in group if m not in kind and m not in locked):
            same = next((g for g in givers if sign(g) == sign(taker)), None)
            if same is not None or not strict:
                return j, taker, same if same is not None else givers[0]
    return None


def _short_swap(
    groups: list[list[str]],
    held: list[int],
    i: int,
    low: int,
    kind: frozenset[str],
    locked: set[str],
    sign: Callable[[str], tuple[str, ...]],
    strict: bool,
) -> tuple[int, str, str] | None:
    """(group j, one of the kind there, a member of group ``i`` of another kind): a swap giving
    group ``i`` one more of the kind from a group holding more than ``low``; only alike people
    when ``strict``."""
    takers = [m for m in groups[i] if m not in kind and m not in locked]
    if not takers:
        return None
    for j, group in enumerate(groups):
        if j == i or held[j] <= low:
            continue
        for giver in (m for m in group if m in kind and m not in locked):
            same = next((t for t in takers if sign(t) == sign(giver)), None)
            if same is not None or not strict:
                return j, giver, same if same is not None else takers[0]
    return None
