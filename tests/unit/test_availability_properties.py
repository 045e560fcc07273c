"""Free and busy time: properties of slots and interval arithmetic (hypothesis)."""

from __future__ import annotations

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from matcher.domain.availability import Interval, common_free, free_time, merge, slots, subtract
from matcher.domain.model import WEEKDAYS, Person, TimeRange, WorkingHours
from tests.unit.availability_support import AMSTERDAM, HOUR, KOLKATA, NEW_YORK, utc

# --- properties ----------------------------------------------------------------------------------

STEP = dt.timedelta(minutes=5)
ZONES = (AMSTERDAM, NEW_YORK, KOLKATA, "Asia/Kathmandu", "Australia/Lord_Howe", "UTC")
# Mondays to Fridays just before daylight-saving changes in Europe, the US and Lord Howe Island.
AROUND_CHANGES = (
    utc(2026, 3, 5),
    utc(2026, 3, 26),
    utc(2026, 4, 2),
    utc(2026, 10, 1),
    utc(2026, 10, 22),
    utc(2026, 10, 29),
)
# Range boundaries stay out of 00:05-03:55 local, where wall-clock times are skipped or repeated and
# "inside working hours" has no single reading; ranges may still span those hours.
BOUNDARIES = [m for m in range(0, 24 * 60 + 1, 5) if not 0 < m < 240]


@st.composite
def working_hours(draw) -> WorkingHours:
    days = {}
    for day in WEEKDAYS:
        points = sorted(draw(st.sets(st.sampled_from(BOUNDARIES), max_size=4)))
        days[day] = [TimeRange(a, b) for a, b in zip(points[::2], points[1::2], strict=False)]
    return WorkingHours.from_mapping(days)


@st.composite
def windows(draw) -> tuple[dt.datetime, dt.datetime]:
    start = draw(st.sampled_from(AROUND_CHANGES)) + draw(st.integers(0, 96)) * HOUR
    return start, start + draw(st.integers(1, 4 * 24)) * HOUR


def intervals_in(window, max_size=8):
    start, end = window
    steps = int((end - start) / STEP)
    pairs = st.tuples(st.integers(0, steps - 1), st.integers(1, 120))
    return st.lists(pairs, max_size=max_size).map(
        lambda found: [Interval(start + a * STEP, min(end, start + (a + n) * STEP)) for a, n in found]
    )


def blocks(intervals: list[Interval]) -> set[dt.datetime]:
    """The five-minute blocks an interval list covers (all the times here fall on that grid)."""
    covered = set()
    for piece in intervals:
        moment = piece.start
        while moment < piece.end:
            covered.add(moment)
            moment += STEP
    return covered


def at_work(moment: dt.datetime, hours: WorkingHours, zone: str, holidays: set[dt.date]) -> bool:
    """The wall-clock reading of working hours, by zoneinfo alone."""
    seen = moment.astimezone(ZoneInfo(zone))
    minute = seen.hour * 60 + seen.minute
    return seen.date() not in holidays and any(
        part.start <= minute < part.end for part in hours.on(WEEKDAYS[seen.weekday()])
    )


@settings(max_examples=120, deadline=None)
@given(st.data())
def test_every_slot_lies_in_working_hours_and_touches_no_busy_time(data):
    hours, zone, window = data.draw(working_hours()), data.draw(st.sampled_from(ZONES)), data.draw(windows())
    busy = data.draw(intervals_in(window))
    first_day = window[0].date() - dt.timedelta(days=1)
    holidays = set(data.draw(st.lists(st.integers(0, 6).map(lambda n: first_day + dt.timedelta(days=n)))))
    length = data.draw(st.integers(1, 36)) * STEP
    grid = data.draw(st.sampled_from([15, 30, 60])) * dt.timedelta(minutes=1)
    person = Person("E1", "Test", "test@example.org", timezone=zone, working_hours=hours)

    busy_blocks = blocks(busy)
    for start in slots(free_time(person, window, busy=busy, holidays=holidays), length, grid=grid):
        assert (start - dt.datetime(2026, 1, 1, tzinfo=dt.UTC)) % grid == dt.timedelta(0)
        assert window[0] <= start and start + length <= window[1]
        inside = blocks([Interval(start, start + length)])
        assert all(at_work(moment, hours, zone, holidays) for moment in inside)
        assert not inside & busy_blocks


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_subtract_and_common_free_give_sorted_disjoint_parts_of_their_inputs(data):
    window = (utc(2026, 6, 1), utc(2026, 6, 2))
    free, busy, other = (data.draw(intervals_in(window, max_size=10)) for _ in range(3))

    for result, expected in [
        (subtract(free, busy), blocks(free) - blocks(busy)),
        (common_free(free, busy, other), blocks(free) & blocks(busy) & blocks(other)),
        (common_free(free), blocks(free)),
    ]:
        assert all(a.end < b.start for a, b in itertools.pairwise(result))
        assert blocks(result) == expected
        assert all(any(f.start <= r.start and r.end <= f.end for f in merge(free)) for r in result)
