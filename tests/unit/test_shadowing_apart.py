"""Shadowing: the most requests whose slots fit apart on one person's time, and the upper bound
that counts it: exact against trying every combination, and tighter than the flow alone."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from matcher.domain.model import Holding, Level
from matcher.engines.shadowing import LENGTHS, build_problem
from matcher.engines.shadowing.bounds import upper_bound
from matcher.engines.shadowing.disjoint import Choices, most_apart
from tests.orgs import person
from tests.unit.shadowing_support import CONFIG, MONDAY, ask, busy_except, solved, world

GRID = 15


@st.composite
def choices(draw: st.DrawFn) -> Choices:
    """A few ranges of starts on a short grid, a length and travel (all in grid steps, some not)."""
    ranges, at = [], draw(st.integers(0, 4)) * GRID
    for _ in range(draw(st.integers(1, 3))):
        a = at + draw(st.integers(0, 3)) * GRID
        b = a + draw(st.integers(1, 3)) * GRID
        ranges.append((a, b))
        at = b + GRID
    travel = draw(st.sampled_from((0, 0, 10, 15, 30)))
    first = draw(st.sampled_from((-(1 << 40), 0, 30)))
    last = draw(st.sampled_from((1 << 40, 90, 150)))
    return Choices(tuple(ranges), draw(st.sampled_from((15, 20, 30, 45))), travel, travel, first, last)


def tried_every_way(requests: dict[str, list[Choices]], most: int) -> int:
    """The most requests placed apart, found by trying every start of every subset of requests."""
    starts = {
        r: [
            (s - c.before, s + c.minutes + c.after)
            for c in cs
            for a, b in c.ranges
            for s in range(a, b, GRID)
            if c.first <= s < c.last
        ]
        for r, cs in requests.items()
    }
    for size in range(min(most, len(requests)), 0, -1):
        for subset in itertools.combinations(sorted(requests), size):
            for spans in itertools.product(*(starts[r] for r in subset)):
                ordered = sorted(spans)
                if all(x[1] <= y[0] for x, y in itertools.pairwise(ordered)):
                    return size
    return 0


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(choices(), min_size=1, max_size=2), min_size=1, max_size=4), st.integers(1, 4))
def test_the_most_requests_apart_is_what_trying_every_way_finds(
    lists: list[list[Choices]], most: int
) -> None:
    requests = {f"r{i}": cs for i, cs in enumerate(lists)}
    assert most_apart(requests, most, GRID) == tried_every_way(requests, most)


def test_two_day_long_requests_of_one_guest_on_one_day_count_once_in_the_bound() -> None:
    # Ann asks twice for a whole day on Monday, once Bea's skill and once Cor's: each could be
    # placed, but not both, since Ann cannot be in two places at once. The flow alone says 2.
    people = [person("ann"), person("bea", host_capacity=2), person("cor", host_capacity=2)]
    tmap, agenda = world(
        people, [Holding("bea", "sql", Level.EXPERT), Holding("cor", "python", Level.EXPERT)]
    )
    day = LENGTHS["day"]
    requests = [ask("r1", "ann", "sql", minutes=day), ask("r2", "ann", "python", minutes=day)]
    problem = build_problem(tmap, requests, agenda, CONFIG)
    assert upper_bound(problem, apart=False) == 2
    assert upper_bound(problem) == 1
    result = solved(tmap, requests, agenda)
    assert (result.objective, result.bound, result.status) == (1, 1, "optimal")


def test_three_guests_of_one_host_on_one_day_count_as_many_as_fit_side_by_side() -> None:
    # Bea hosts up to three guests a month but is free only 09:00-13:00 on Monday: two of the
    # three two-hour requests fit, not three.
    people = [person(p) for p in ("ann", "dan", "eva")] + [person("bea", host_capacity=3)]
    busy = {"bea": busy_except(MONDAY, (9, 13))}
    tmap, agenda = world(people, [Holding("bea", "sql", Level.EXPERT)], busy=busy)
    requests = [ask(f"r{i}", guest, minutes=120) for i, guest in enumerate(("ann", "dan", "eva"))]
    problem = build_problem(tmap, requests, agenda, CONFIG)
    assert upper_bound(problem, apart=False) == 3
    assert upper_bound(problem) == 2
    result = solved(tmap, requests, agenda)
    assert (result.objective, result.bound, result.status) == (2, 2, "optimal")
