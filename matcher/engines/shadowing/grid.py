"""Every valid start of a request with each of its hosts at once, on the grid, with numpy.

Each person's free time becomes, at every grid point of the horizon, how many
minutes of one stretch of free time run on from it (0 where the point is not
free): their *reach*. A start ``t`` of a request of ``length`` minutes with a
host is valid when the guest's and the host's reach at ``t`` are both at least
``length`` (the slot lies inside one stretch of each one's free time), ``t`` and
``t + length`` lie inside both people's windows, and, when the guest travels,
no busy time of the guest touches the ``travel`` minutes before and after. That
is exactly what :func:`~matcher.engines.shadowing.candidates.start_ranges` works
out on ranges for one host; here a request's hosts are the rows of one matrix,
so a round of ten thousand requests with fifty hosts each is not half a million
calls of Python.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from matcher.domain.intervals import Span
from matcher.engines.shadowing.problem import ShadowProblem


def _reach(spans: list[Span], points: np.ndarray) -> np.ndarray:
    """Minutes of the stretch of ``spans`` (sorted, disjoint) that holds each point, from the point on."""
    if not spans:
        return np.zeros(len(points), dtype=np.int64)
    starts = np.fromiter((a for a, _ in spans), dtype=np.int64, count=len(spans))
    ends = np.fromiter((b for _, b in spans), dtype=np.int64, count=len(spans))
    index = np.searchsorted(starts, points, side="right") - 1
    end = np.where(index >= 0, ends[np.maximum(index, 0)], points)
    return np.maximum(end - points, 0)


def _touched(busy: list[Span], points: np.ndarray, length: int, travel: int) -> np.ndarray:
    """Whether busy time (sorted, disjoint) shares a moment with ``[t - travel, t + length + travel)``."""
    if not busy:
        return np.zeros(len(points), dtype=bool)
    starts = np.fromiter((a for a, _ in busy), dtype=np.int64, count=len(busy))
    ends = np.fromiter((b for _, b in busy), dtype=np.int64, count=len(busy))
    first = np.searchsorted(ends, points - travel, side="right")  # the first block ending after
    inside = first < len(busy)
    return inside & (starts[np.minimum(first, len(busy) - 1)] < points + length + travel)


class StartGrid:
    """The hosts' reach over the whole horizon, one row each, and every person's local midnights."""

    def __init__(self, problem: ShadowProblem) -> None:
        self.problem = problem
        self.grid = grid = problem.config.grid_minutes
        times = problem.times
        self.origin = min(t.midnights[0] for t in times.values()) // grid * grid
        last = max(t.midnights[-1] for t in times.values())
        self.points = self.origin + grid * np.arange((last - self.origin) // grid + 1, dtype=np.int64)
        longest = max((r.minutes for r in problem.requests.values()), default=1)
        # Only "at least the length" matters, so the reach is kept up to the longest request: small.
        self.dtype = np.int16 if longest < np.iinfo(np.int16).max else np.int64
        hosts = sorted({h for hosts in problem.hosts.values() for h in hosts})
        self.row = {host_id: i for i, host_id in enumerate(hosts)}
        self.reach = np.zeros((len(hosts), len(self.points)), dtype=self.dtype)
        for host_id, i in self.row.items():
            self.reach[i] = np.minimum(_reach(times[host_id].free, self.points), longest)
        # Every person's midnights cover the same local days (see person_time), so one matrix.
        days = len(next(iter(times.values())).midnights)
        self.midnights = np.array([times[h].midnights for h in hosts], dtype=np.int64).reshape(
            len(hosts), days
        )

    def ranges(self, request_id: str) -> Iterator[tuple[str, tuple[Span, ...]]]:
        """Each host of the request with any valid start, and those starts as maximal grid ranges
        ``(a, b)`` (the starts ``a, a + grid, ..., b - grid``), hosts in the request's order."""
        problem, grid = self.problem, self.grid
        request = problem.requests[request_id]
        hosts = problem.hosts[request_id]
        if not hosts:
            return
        guest = problem.times[request.guest_id]
        days = len(guest.midnights)
        first = min(max((request.first_day - guest.first_day).days, 0), days - 1)
        last = min(max((request.last_day - guest.first_day).days + 1, 0), days - 1)
        rows = np.fromiter((self.row[h] for h in hosts), dtype=np.int64, count=len(hosts))
        length = request.minutes
        begins = np.maximum(guest.midnights[first], self.midnights[rows, first])
        ends = np.minimum(guest.midnights[last], self.midnights[rows, last]) - length
        low = -(-(int(begins.min()) - self.origin) // grid)
        high = (int(ends.max()) - self.origin) // grid + 1
        if high <= low:
            return
        points = self.points[low:high]
        valid = (self.reach[rows, low:high] >= length) & (_reach(guest.free, points) >= length)
        valid &= (points >= begins[:, None]) & (points <= ends[:, None])
        travel = np.fromiter((problem.travel(request, h) for h in hosts), dtype=np.int64, count=len(hosts))
        for minutes in set(travel[travel > 0].tolist()):
            valid[travel == minutes] &= ~_touched(guest.busy, points, length, minutes)
        padded = np.zeros((len(hosts), high - low + 2), dtype=np.int8)
        padded[:, 1:-1] = valid
        steps = np.diff(padded, axis=1)
        # Row-major order: each run's start (+1) comes right before its end (-1).
        rows_at, at = np.nonzero(steps)
        base = self.origin + grid * low
        minutes = (base + grid * at).tolist()
        found: dict[int, list[Span]] = {}
        for i, row in enumerate(rows_at[::2].tolist()):
            found.setdefault(row, []).append((minutes[2 * i], minutes[2 * i + 1]))
        for row in sorted(found):
            yield hosts[row], tuple(found[row])
