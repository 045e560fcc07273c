"""Building the problem: who may host each request, every valid start, and the ones the solver sees.

The valid starts of a request are worked out for all its hosts at once on the
grid (:mod:`~matcher.engines.shadowing.grid`). :func:`start_ranges` works out
the same for one host on ranges, not one by one: the common free time of guest
and host inside both windows, less the starts whose slot would not fit, less
(when the guest travels) the starts whose travel time before or after would
touch the guest's busy time. A busy block ``[b, e)`` rules out exactly the
starts in ``[b - length - travel + 1, e + travel)``. The explanations use it to
tell whether travel alone rules a request out.

Every valid start is a candidate as long as there are at most
``max_candidates`` of them; the model is then the whole problem. Beyond,
pruning keeps the model small: per request and host at most ``starts_per_host``
starts, and fewer when the request has many hosts (see
:class:`~matcher.engines.shadowing.config.ShadowConfig`). They are taken round-robin
over the guest's local days, the days themselves in an order that spreads them
over the window (first, last, middle, quarters, ...) after one day from each
of the host's capacity periods, and within each day first the earliest, then
the latest, then the times between. So a request keeps choices on different
days and at different times of day, which is what lets the solver move it out
of another's way. Every start stays in ``problem.options``: the upper bound
and the final fill-in pass see them all.
"""

from __future__ import annotations

import bisect
from collections import deque
from collections.abc import Iterable, Iterator, Mapping

from matcher.domain.availability import Agenda
from matcher.domain.intervals import Span, clip, subtract
from matcher.domain.problems import Location, Problems
from matcher.domain.talentmap import TalentMap
from matcher.engines.shadowing.config import ShadowConfig, ShadowRequest
from matcher.engines.shadowing.grid import StartGrid
from matcher.engines.shadowing.problem import Candidate, ShadowProblem, person_time
from matcher.engines.shadowing.rules import host_reason

MAX_HORIZON_DAYS = 400


def build_problem(
    tmap: TalentMap,
    requests: Iterable[ShadowRequest],
    agenda: Agenda,
    config: ShadowConfig | None = None,
    *,
    recent_hosting: Mapping[str, int] | None = None,
) -> ShadowProblem:
    """The requests, their hosts, every valid start and the candidates for the solver;
    ``recent_hosting`` is the slots each host hosted in recent plans.

    Raises :class:`~matcher.domain.problems.InvalidInput` naming every malformed request
    and setting at once (unknown people or skills, a window that ends before it
    starts, a length that is not positive, duplicate ids).
    """
    config = config or ShadowConfig()
    requests = list(requests)
    _check(tmap, requests, config)
    problem = ShadowProblem(tmap, agenda, config, {r.id: r for r in requests})
    problem.recent_hosting = {h: n for h, n in (recent_hosting or {}).items() if n}
    for request in requests:
        problem.hosts[request.id] = _hosts(problem, request)
    if not requests:
        return problem
    first, last = min(r.first_day for r in requests), max(r.last_day for r in requests)
    people = {r.guest_id for r in requests} | {h for hosts in problem.hosts.values() for h in hosts}
    for person_id in sorted(people):
        problem.times[person_id] = person_time(problem.person(person_id), agenda, first, last)
    on_grid = StartGrid(problem)  # every valid start, all hosts of a request at once
    for request in requests:
        for host_id, ranges in on_grid.ranges(request.id):
            problem.options[request.id, host_id] = ranges
    add_candidates(problem)
    return problem


def add_candidates(problem: ShadowProblem) -> None:
    """The candidates the solver sees, from ``problem.options``: every valid start, or when there
    are more than ``max_candidates`` of them a spread-out few (see the module docstring)."""
    config, grid = problem.config, problem.config.grid_minutes
    total = sum((b - a) // grid for ranges in problem.options.values() for a, b in ranges)
    problem.pruned = total > config.max_candidates
    for request in problem.requests.values():
        with_options = [h for h in problem.hosts[request.id] if (request.id, h) in problem.options]
        per_host = min(config.starts_per_host, max(2, config.starts_per_request // max(1, len(with_options))))
        for host_id in with_options:
            if problem.pruned:
                starts = spread_starts(problem, request, host_id, per_host)
            else:
                starts = list(problem.starts(request.id, host_id))
            # The ranges keep every slot rule by construction, and validate() checks the plan
            # again, so each start is not run through the rules here (that was most of the time).
            points = problem.pair_points(request, host_id)
            problem.candidates.extend(Candidate(request.id, host_id, s, points(s)) for s in starts)


def _hosts(problem: ShadowProblem, request: ShadowRequest) -> tuple[str, ...]:
    if request.host_id is not None:
        return () if host_reason(problem, request, request.host_id) else (request.host_id,)
    assert request.skill_id is not None, "_check refuses a request that names neither skill nor host"
    holders, needed = problem.tmap.levels_in(request.skill_id), problem.config.min_host_level
    # host_reason() for every holder, its quick tests first: most holders do not host at all.
    eligible = [
        pid
        for pid, level in holders.items()
        if level >= needed
        and pid != request.guest_id
        and problem.capacity(pid) > 0
        and host_reason(problem, request, pid) is None
    ]
    return tuple(sorted(eligible, key=lambda pid: (-holders[pid], problem.name(pid).casefold(), pid)))


def start_ranges(
    problem: ShadowProblem, request: ShadowRequest, host_id: str, *, travel: int | None = None
) -> tuple[Span, ...]:
    """Every valid start of the request with this host, as grid ranges (see the module docstring).

    ``travel`` overrides the travel time, to tell whether travel alone rules a request out.
    """
    length, grid = request.minutes, problem.config.grid_minutes
    travel = problem.travel(request, host_id) if travel is None else travel
    first, last = problem.pair_window(request, host_id)
    guest, host = problem.times[request.guest_id], problem.times[host_id]
    ranges = _common(guest.free, host.free, first, last, length)
    if travel and ranges:
        busy = clip(guest.busy, first - travel, last + travel)
        ranges = subtract(ranges, [(b - length - travel + 1, e + travel) for b, e in busy])
    aligned = ((-(-a // grid) * grid, -(-b // grid) * grid) for a, b in ranges)
    return tuple((a, b) for a, b in aligned if a < b)


def _common(a: list[Span], b: list[Span], first: int, last: int, length: int) -> list[Span]:
    """The starts (as ranges ``[s, e)``) of a ``length`` inside both merged lists and ``[first,
    last)``; the same as intersecting the clipped lists, written out because it runs for every
    request and host."""
    i = max(0, bisect.bisect_right(a, (first, first)) - 1)
    j = max(0, bisect.bisect_right(b, (first, first)) - 1)
    found = []
    while i < len(a) and j < len(b):
        (a0, a1), (b0, b1) = a[i], b[j]
        start = first if first > a0 else a0
        start = b0 if b0 > start else start
        end = last if last < a1 else a1
        end = b1 if b1 < end else end
        if end - start >= length:
            found.append((start, end - length + 1))
        if a0 >= last or b0 >= last:
            break
        if a1 <= b1:
            i += 1
        else:
            j += 1
    return found


def spread(n: int) -> Iterator[int]:
    """``0 .. n-1`` in an order that spreads out: first, last, middle, then the quarters, ...

    >>> list(spread(5))
    [0, 4, 2, 1, 3]
    """
    if n <= 0:
        return
    yield 0
    if n == 1:
        return
    yield n - 1
    halves = deque([(0, n - 1)])
    while halves:
        low, high = halves.popleft()
        if high - low >= 2:
            middle = (low + high) // 2
            yield middle
            halves.extend(((low, middle), (middle, high)))


def spread_starts(problem: ShadowProblem, request: ShadowRequest, host_id: str, keep: int) -> list[int]:
    """Up to ``keep`` valid starts over distinct local days of the guest and times of day."""
    grid, time = problem.config.grid_minutes, problem.times[request.guest_id]
    days: dict[int, list[Span]] = {}  # by the guest's local day (its index: time.day() is slower)
    for a, b in problem.options.get((request.id, host_id), ()):
        days.setdefault(bisect.bisect_right(time.midnights, a), []).append((a, b))
    per_day = list(days.values())
    day_order = list(spread(len(per_day)))
    # The host's capacity periods (weeks or months) each get a day first, so that a request
    # whose window crosses into the next period can move there when a host is full in this one.
    firsts: dict[tuple[int, int], int] = {}
    for d in day_order:
        firsts.setdefault(problem.period(host_id, per_day[d][0][0]), d)
    day_order = [*firsts.values(), *(d for d in day_order if d not in firsts.values())]
    if keep <= len(day_order):
        # The usual case on large rounds: the first round over the days, each day's earliest start.
        return sorted(per_day[d][0][0] for d in day_order[:keep])
    orders = [spread(sum((b - a) // grid for a, b in ranges)) for ranges in per_day]
    chosen: list[int] = []
    while len(chosen) < keep and day_order:
        still = []
        for d in day_order:
            index = next(orders[d], None)
            if index is None:
                continue
            still.append(d)
            chosen.append(_nth_start(per_day[d], index, grid))
            if len(chosen) == keep:
                break
        day_order = still
    return sorted(chosen)


def _nth_start(ranges: list[Span], index: int, grid: int) -> int:
    for a, b in ranges:
        count = (b - a) // grid
        if index < count:
            return a + index * grid
        index -= count
    raise IndexError(index)


def _check(tmap: TalentMap, requests: list[ShadowRequest], config: ShadowConfig) -> None:
    problems = Problems()
    for problem in config.problems():
        problems.add(problem.where, problem.message)
    seen: set[str] = set()
    for r in requests:

        def fail(field: str, message: str, r: ShadowRequest = r) -> None:
            problems.add(Location("requests", f"request '{r.id}'", field), message)

        if r.id in seen:
            fail("id", "is used by another request too")
        seen.add(r.id)
        if tmap.person(r.guest_id) is None:
            fail("guest_id", f"'{r.guest_id}' is not a known colleague")
        if r.skill_id is None and r.host_id is None:
            fail("skill_id", "a request names a skill, a host or both")
        if r.skill_id is not None and tmap.skill(r.skill_id) is None:
            fail("skill_id", f"'{r.skill_id}' is not a known skill")
        if r.host_id is not None and tmap.person(r.host_id) is None:
            fail("host_id", f"'{r.host_id}' is not a known colleague")
        if r.minutes <= 0:
            fail("minutes", "must be a positive number of minutes")
        if r.last_day < r.first_day:
            fail("last_day", f"{r.last_day} is before the first day {r.first_day}")
    if requests:
        span = (max(r.last_day for r in requests) - min(r.first_day for r in requests)).days
        if span > MAX_HORIZON_DAYS:
            problems.add(Location("requests"), f"span {span} days; plan at most {MAX_HORIZON_DAYS} at once")
    problems.raise_if_any()
