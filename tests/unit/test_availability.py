"""Free and busy time across daylight-saving changes and time zones, interval arithmetic and slots.

Expected times are worked out by hand (see the comments) or with zoneinfo directly, never with the
code under test.
"""

from __future__ import annotations

import datetime as dt
import doctest

import pytest

from matcher.domain import availability
from matcher.domain.availability import (
    Interval,
    common_free,
    free_time,
    read_busy,
    slots,
    subtract,
    working_intervals,
)
from matcher.domain.model import Person, TimeRange, WorkingHours, office_hours
from tests.unit.availability_support import AMSTERDAM, HOUR, KOLKATA, NEW_YORK, calendar, local, span, utc

# --- daylight saving -----------------------------------------------------------------------------


WEEKLY_AT_TEN = """
UID:weekly-ten@wadloo.example
SUMMARY:Werkoverleg
DTSTART;TZID=Europe/Amsterdam:{start}T100000
DTEND;TZID=Europe/Amsterdam:{start}T110000
RRULE:FREQ=WEEKLY
"""


@pytest.mark.parametrize(
    ("first", "thursdays", "hours_utc"),
    [
        # spring: the clocks go forward on Sunday 29 March 2026, 10:00 CET = 09:00Z, 10:00 CEST = 08:00Z
        ("20260319", [(3, 19), (3, 26), (4, 2), (4, 9)], [9, 9, 8, 8]),
        # autumn: back on Sunday 25 October 2026
        ("20261015", [(10, 15), (10, 22), (10, 29), (11, 5)], [8, 8, 9, 9]),
    ],
)
def test_a_weekly_ten_oclock_amsterdam_meeting_moves_in_utc_on_the_dst_change(first, thursdays, hours_utc):
    text = calendar(WEEKLY_AT_TEN.format(start=first))
    window = (utc(2026, *thursdays[0]), utc(2026, *thursdays[-1], 23))
    busy = read_busy(text, source="weekly.ics", timezone=AMSTERDAM, window=window)
    by_hand = [
        span(utc(2026, m, d, h), utc(2026, m, d, h + 1))
        for (m, d), h in zip(thursdays, hours_utc, strict=True)
    ]
    by_zoneinfo = [
        span(local(AMSTERDAM, 2026, m, d, 10), local(AMSTERDAM, 2026, m, d, 11)) for m, d in thursdays
    ]
    assert busy == by_hand == by_zoneinfo


def test_amsterdam_office_hours_move_an_hour_in_utc_in_the_change_weeks():
    spring = working_intervals(office_hours(), AMSTERDAM, (utc(2026, 3, 26), utc(2026, 4, 1)))
    assert spring == [
        span(utc(2026, 3, 26, 8), utc(2026, 3, 26, 16)),
        span(utc(2026, 3, 27, 8), utc(2026, 3, 27, 16)),
        span(utc(2026, 3, 30, 7), utc(2026, 3, 30, 15)),
        span(utc(2026, 3, 31, 7), utc(2026, 3, 31, 15)),
    ]
    autumn = working_intervals(office_hours(), AMSTERDAM, (utc(2026, 10, 22), utc(2026, 10, 28)))
    assert autumn == [
        span(utc(2026, 10, 22, 7), utc(2026, 10, 22, 15)),
        span(utc(2026, 10, 23, 7), utc(2026, 10, 23, 15)),
        span(utc(2026, 10, 26, 8), utc(2026, 10, 26, 16)),
        span(utc(2026, 10, 27, 8), utc(2026, 10, 27, 16)),
    ]


def test_night_hours_on_the_change_sundays_last_two_and_four_hours():
    night = WorkingHours.from_mapping({"sun": [TimeRange(60, 240)]})  # 01:00-04:00 local
    spring = working_intervals(night, AMSTERDAM, (utc(2026, 3, 28), utc(2026, 3, 30)))
    autumn = working_intervals(night, AMSTERDAM, (utc(2026, 10, 24), utc(2026, 10, 26)))
    assert spring == [span(utc(2026, 3, 29, 0), utc(2026, 3, 29, 2))]  # 01:00 CET to 04:00 CEST
    assert autumn == [span(utc(2026, 10, 24, 23), utc(2026, 10, 25, 3))]  # 01:00 CEST to 04:00 CET


@pytest.mark.parametrize(
    ("wednesday", "shared_utc"),
    [
        ((3, 4), (14, 16)),  # both on winter time
        ((3, 11), (13, 16)),  # New York on EDT since 8 March, Amsterdam on CET until 29 March
        ((3, 25), (13, 16)),
        ((4, 1), (13, 15)),  # both on summer time
        ((10, 21), (13, 15)),
        ((10, 28), (13, 16)),  # Amsterdam on CET since 25 October, New York on EDT until 1 November
        ((11, 4), (14, 16)),
    ],
)
def test_new_york_and_amsterdam_share_three_hours_in_the_weeks_their_clocks_differ(wednesday, shared_utc):
    day = (utc(2026, *wednesday), utc(2026, *wednesday) + 24 * HOUR)
    both = common_free(
        working_intervals(office_hours(), AMSTERDAM, day), working_intervals(office_hours(), NEW_YORK, day)
    )
    assert both == [span(utc(2026, *wednesday, shared_utc[0]), utc(2026, *wednesday, shared_utc[1]))]


def test_kolkata_half_hour_offset_keeps_slots_on_utc_quarter_hours():
    day = (utc(2026, 7, 1), utc(2026, 7, 2))
    kolkata = working_intervals(office_hours(), KOLKATA, day)
    assert kolkata == [span(utc(2026, 7, 1, 3, 30), utc(2026, 7, 1, 11, 30))]  # IST is UTC+5:30 all year
    with_amsterdam = common_free(kolkata, working_intervals(office_hours(), AMSTERDAM, day))
    assert with_amsterdam == [span(utc(2026, 7, 1, 7), utc(2026, 7, 1, 11, 30))]
    starts = list(slots(with_amsterdam, 4 * HOUR, grid=dt.timedelta(minutes=15)))
    assert starts == [utc(2026, 7, 1, 7), utc(2026, 7, 1, 7, 15), utc(2026, 7, 1, 7, 30)]


def test_a_holiday_is_a_whole_local_day_off():
    person = Person("E1", "Zoë Çelik", "zoe@wadloo.example", timezone=AMSTERDAM)
    week = (utc(2026, 4, 26), utc(2026, 4, 29))
    kings_day = dt.date(2026, 4, 27)
    meeting = span(utc(2026, 4, 28, 9), utc(2026, 4, 28, 10))
    assert free_time(person, week, busy=[meeting], holidays=[kings_day]) == [
        span(utc(2026, 4, 28, 7), utc(2026, 4, 28, 9)),
        span(utc(2026, 4, 28, 10), utc(2026, 4, 28, 15)),
    ]


# --- interval arithmetic and slots ---------------------------------------------------------------


def test_subtract_and_common_free_take_unsorted_overlapping_lists():
    a = [span(utc(2026, 5, 4, 12), utc(2026, 5, 4, 14)), span(utc(2026, 5, 4, 8), utc(2026, 5, 4, 12, 30))]
    b = [span(utc(2026, 5, 4, 9), utc(2026, 5, 4, 10)), span(utc(2026, 5, 4, 9, 30), utc(2026, 5, 4, 11))]
    assert subtract(a, b) == [
        span(utc(2026, 5, 4, 8), utc(2026, 5, 4, 9)),
        span(utc(2026, 5, 4, 11), utc(2026, 5, 4, 14)),
    ]
    assert common_free(a, b) == [span(utc(2026, 5, 4, 9), utc(2026, 5, 4, 11))]


def test_slots_fit_inside_one_free_interval_and_the_window():
    free = [
        span(utc(2026, 5, 4, 9, 10), utc(2026, 5, 4, 10)),
        span(utc(2026, 5, 4, 10), utc(2026, 5, 4, 10, 40)),  # touches the first: one stretch
        span(utc(2026, 5, 4, 11), utc(2026, 5, 4, 11, 50)),
    ]
    assert list(slots(free, HOUR)) == [
        utc(2026, 5, 4, 9, 15),
        utc(2026, 5, 4, 9, 30),
    ]
    window = (utc(2026, 5, 4, 9, 20), utc(2026, 5, 4, 12))
    assert list(slots(free, dt.timedelta(minutes=30), window=window, grid=dt.timedelta(minutes=20))) == [
        utc(2026, 5, 4, 9, 20),
        utc(2026, 5, 4, 9, 40),
        utc(2026, 5, 4, 10, 0),
        utc(2026, 5, 4, 11, 0),
        utc(2026, 5, 4, 11, 20),
    ]


def test_nonsense_arguments_are_refused():
    at = utc(2026, 5, 4, 9)
    with pytest.raises(ValueError, match="timezone-aware"):
        Interval(at.replace(tzinfo=None), at + HOUR)
    with pytest.raises(ValueError, match="end after it starts"):
        Interval(at, at)
    with pytest.raises(ValueError, match="positive"):
        slots([Interval(at, at + HOUR)], dt.timedelta(0))
    with pytest.raises(ValueError, match="at least one"):
        common_free()
    with pytest.raises(ValueError, match="timezone-aware"):
        working_intervals(office_hours(), AMSTERDAM, (at.replace(tzinfo=None), at + HOUR))


def test_a_calendar_without_events_has_no_busy_time():
    only_a_task = calendar().replace(
        "END:VCALENDAR", "BEGIN:VTODO\r\nUID:todo-1\r\nEND:VTODO\r\nEND:VCALENDAR"
    )
    year = (utc(2026, 1, 1), utc(2027, 1, 1))
    assert read_busy(only_a_task, source="taken.ics", timezone=AMSTERDAM, window=year) == []


def test_the_module_examples_run():
    assert doctest.testmod(availability).failed == 0
