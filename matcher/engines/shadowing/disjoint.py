"""How many of some requests one person can take part in, their slots apart in time.

A guest is in one place at a time, and so is a host: however many requests
name a guest, or reach a host in one capacity period, no plan places more of
them than fit side by side on that person's time. :func:`most_apart` works
that number out for the upper bound
(:func:`~matcher.engines.shadowing.bounds.upper_bound`), or, when there are
too many requests to be sure quickly, gives the number of requests (never less
than the truth, so the bound stays a bound).

Each request brings its *choices*: its valid starts as grid ranges with one
host, how long before and after the slot it takes the person's time (the
guest's travel; 0 for a host), and the starts allowed (a host's capacity
period). On one person's time the slots of a set of requests follow one
another, so the set fits when some order of it fits, each placed as early as
it can after the one before: the earliest end of a set is the least, over its
last request, of that request's earliest end after the rest's earliest end. Going
up one size at a time from the sets that fit finds the largest that fits, exactly.
:func:`never_together` finds groups of requests no two of which fit apart: the
bound lets each group pass on one unit, which a count alone does not say.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from matcher.domain.intervals import Span

#: Above this many requests the sets are not tried (there are too many): the count is the answer.
MOST_REQUESTS = 16
#: Nor are more sets than this tried at one size.
MOST_SETS = 20_000
NEVER = 1 << 62


@dataclass(frozen=True)
class Choices:
    """A request's starts with one host, as grid ranges, for one person's time."""

    ranges: Sequence[Span]
    minutes: int
    #: The person's time taken before the start and after the end (the guest's travel).
    before: int = 0
    after: int = 0
    #: Only starts in [first, last) count (a host's capacity period).
    first: int = -NEVER
    last: int = NEVER


def earliest_end(choices: Sequence[Choices], free_from: int, grid: int) -> int | None:
    """The earliest end (travel after included) of a slot whose time, travel before included,
    begins at ``free_from`` or later; None when there is none."""
    best: int | None = None
    for c in choices:
        need = max(free_from + c.before, c.first)
        i = max(0, bisect.bisect_right(c.ranges, (need, NEVER)) - 1)
        for a, b in c.ranges[i:]:
            start = a if need <= a else a + -(-(need - a) // grid) * grid
            if start >= b:
                continue
            if start < c.last:
                end = start + c.minutes + c.after
                best = end if best is None or end < best else best
            break
    return best


def most_apart(requests: Mapping[str, Sequence[Choices]], most: int, grid: int) -> int:
    """The most of these requests (up to ``most``) whose slots fit apart on one person's time;
    ``min(most, len(requests))`` when there are too many requests to try the sets."""
    most = min(most, len(requests))
    if _one_after_another(requests, most, grid) >= most:
        return most  # the usual answer, found quickly
    if len(requests) > MOST_REQUESTS:
        return most
    ids = sorted(requests)
    # Size one: each request on its own, at its earliest end.
    level: dict[frozenset[int], int] = {}
    for i, request_id in enumerate(ids):
        end = earliest_end(requests[request_id], -NEVER, grid)
        if end is not None:
            level[frozenset((i,))] = end
    size = 1 if level else 0
    while level and size < most:
        bigger: dict[frozenset[int], int] = {}
        for members in level:
            for i in range(max(members) + 1, len(ids)):
                grown = members | {i}
                if grown in bigger:
                    continue
                best = _earliest_end_of(grown, level, requests, ids, grid)
                if best is not None:
                    bigger[grown] = best
                if len(bigger) > MOST_SETS:
                    return most  # too many sets to try: the bound keeps the count
        level = bigger
        size += bool(level)
    return size


def never_together(
    requests: Mapping[str, Sequence[Choices]], grid: int, most: int = MOST_REQUESTS
) -> list[list[str]]:
    """Groups of these requests no two of which fit apart on one person's time, so that no plan
    places more than one of each group (groups of one left out). The bound's count alone lets a
    guest's units go to two such requests while a third, which would fit with either, waits.
    Each request joins the first group it clashes with all of: any such groups are right."""
    ids = sorted(requests)
    if len(ids) > most:
        return []  # too many pairs to try quickly; the count alone is still a bound
    apart = {
        (a, b)
        for a, b in itertools.combinations(ids, 2)
        if most_apart({a: requests[a], b: requests[b]}, 2, grid) == 2
    }
    groups: list[list[str]] = []
    for request_id in ids:
        group = next((g for g in groups if all((m, request_id) not in apart for m in g)), None)
        if group is None:
            groups.append([request_id])
        else:
            group.append(request_id)
    return [g for g in groups if len(g) > 1]


def _one_after_another(requests: Mapping[str, Sequence[Choices]], most: int, grid: int) -> int:
    """How many fit when the request that can end first is taken each time (often the most)."""
    free_from, left, placed = -NEVER, set(requests), 0
    while left and placed < most:
        ends = ((earliest_end(requests[r], free_from, grid), r) for r in sorted(left))
        found = min(((end, r) for end, r in ends if end is not None), default=None)
        if found is None:
            break
        free_from = found[0]
        left.discard(found[1])
        placed += 1
    return placed


def _earliest_end_of(
    members: frozenset[int],
    smaller: dict[frozenset[int], int],
    requests: Mapping[str, Sequence[Choices]],
    ids: list[str],
    grid: int,
) -> int | None:
    """The earliest end of a set placed one after another: some member last, after the rest."""
    best: int | None = None
    for last in members:
        before = smaller.get(members - {last})
        if before is None:
            continue
        end = earliest_end(requests[ids[last]], before, grid)
        if end is not None and (best is None or end < best):
            best = end
    return best
