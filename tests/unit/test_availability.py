"""Free and busy time: sample calendars, daylight-saving changes, bad files and properties (hypothesis).

Expected times are worked out by hand (see the comments) or with zoneinfo directly, never with the
code under test.
"""

from __future__ import annotations

import datetime as dt
import doctest
import itertools
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matcher.domain import availability
from matcher.domain.availability import (
    Interval,
    common_free,
    free_time,
    merge,
    read_busy,
    slots,
    subtract,
    working_intervals,
)
from matcher.domain.model import WEEKDAYS, Person, TimeRange, WorkingHours, office_hours
from matcher.domain.problems import InvalidInput

CALENDARS = Path(__file__).resolve().parents[2] / "data" / "calendars"
AMSTERDAM, NEW_YORK, KOLKATA = "Europe/Amsterdam", "America/New_York", "Asia/Kolkata"
HOUR = dt.timedelta(hours=1)


def utc(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=dt.UTC)


def local(zone: str, *parts: int) -> dt.datetime:
    """A wall-clock time somewhere, in UTC, by zoneinfo alone."""
    return dt.datetime(*parts, tzinfo=ZoneInfo(zone)).astimezone(dt.UTC)


def span(start: dt.datetime, end: dt.datetime) -> Interval:
    return Interval(start, end)


def busy_in(name: str, timezone: str, window: tuple[dt.datetime, dt.datetime]) -> list[Interval]:
    return read_busy((CALENDARS / name).read_bytes(), source=name, timezone=timezone, window=window)


def calendar(*events: str, head: str = "") -> str:
    """A small calendar around event bodies (times in IANA zones need no VTIMEZONE here)."""
    body = "".join(
        f"BEGIN:VEVENT\nDTSTAMP:20260101T000000Z\n{event.strip()}\nEND:VEVENT\n" for event in events
    )
    text = f"BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//meeloop//tests//EN\n{head}{body}END:VCALENDAR\n"
    return text.replace("\n", "\r\n")


# --- the sample calendars ------------------------------------------------------------------------


def test_the_outlook_export_gives_the_hand_computed_busy_times():
    busy = busy_in("outlook-team-wmo.ics", AMSTERDAM, (utc(2026, 10, 5), utc(2026, 11, 30)))
    assert busy == [
        # Teamoverleg Wmo, Tuesdays 10:00-11:00 local: CEST (UTC+2) until Sunday 25 October ...
        span(utc(2026, 10, 6, 8), utc(2026, 10, 6, 9)),
        span(utc(2026, 10, 13, 8), utc(2026, 10, 13, 9)),
        # Spreekuur Wmo 13:00 CEST with DURATION:PT2H
        span(utc(2026, 10, 14, 11), utc(2026, 10, 14, 13)),
        # ... 20 October is an EXDATE; then CET (UTC+1)
        span(utc(2026, 10, 27, 9), utc(2026, 10, 27, 10)),
        # Studiedag Jeugdwet, all day Thursday 29 October in Amsterdam (CET)
        span(utc(2026, 10, 28, 23), utc(2026, 10, 29, 23)),
        # 3 November moved by RECURRENCE-ID to Wednesday 4 November 13:30-14:30 CET
        span(utc(2026, 11, 4, 12, 30), utc(2026, 11, 4, 13, 30)),
        span(utc(2026, 11, 10, 9), utc(2026, 11, 10, 10)),
        # Spreekuur again through RDATE, 13:00 CET
        span(utc(2026, 11, 11, 12), utc(2026, 11, 11, 14)),
        span(utc(2026, 11, 17, 9), utc(2026, 11, 17, 10)),
        # UNTIL=20261124T090000Z includes the last Tuesday
        span(utc(2026, 11, 24, 9), utc(2026, 11, 24, 10)),
    ]


def test_transparent_focus_time_and_a_cancelled_meeting_are_not_busy():
    window = (utc(2026, 10, 5), utc(2026, 11, 30))
    busy = busy_in("outlook-team-wmo.ics", AMSTERDAM, window)
    focus_thursday = span(local(AMSTERDAM, 2026, 10, 22, 9), local(AMSTERDAM, 2026, 10, 22, 12))
    cancelled = span(local(AMSTERDAM, 2026, 10, 15, 14), local(AMSTERDAM, 2026, 10, 15, 15))
    assert subtract([focus_thursday, cancelled], busy) == [cancelled, focus_thursday]


def test_google_repeats_stay_on_local_time_through_x_wr_timezone():
    busy = busy_in("google-export.ics", AMSTERDAM, (utc(2026, 10, 12), utc(2026, 11, 9)))
    assert busy == [
        # Weekstart Team Data, Fridays 09:00 Amsterdam, written as 07:00Z in summer time
        span(utc(2026, 10, 16, 7), utc(2026, 10, 16, 7, 30)),
        span(utc(2026, 10, 21, 12, 30), utc(2026, 10, 21, 13, 30)),
        span(utc(2026, 10, 23, 7), utc(2026, 10, 23, 7, 30)),
        # after 25 October 09:00 local is 08:00Z; the transparent Thuiswerkdag (19 October) is not busy
        span(utc(2026, 10, 30, 8), utc(2026, 10, 30, 8, 30)),
        # Verlof, two whole local days (2 and 3 November, CET)
        span(utc(2026, 11, 1, 23), utc(2026, 11, 3, 23)),
        span(utc(2026, 11, 6, 8), utc(2026, 11, 6, 8, 30)),
    ]


def test_without_x_wr_timezone_the_google_repeats_would_stay_on_utc():
    text = (CALENDARS / "google-export.ics").read_bytes().decode("utf-8")
    plain = text.replace("X-WR-TIMEZONE:Europe/Amsterdam\r\n", "")
    busy = read_busy(
        plain, source="plain.ics", timezone=AMSTERDAM, window=(utc(2026, 10, 30), utc(2026, 10, 31))
    )
    assert busy == [span(utc(2026, 10, 30, 7), utc(2026, 10, 30, 7, 30))]


def test_a_freebusy_block_counts_every_period_except_free():
    busy = busy_in("freebusy.ics", AMSTERDAM, (utc(2026, 11, 9), utc(2026, 11, 16)))
    assert busy == [
        span(utc(2026, 11, 9, 8), utc(2026, 11, 9, 9, 30)),  # BUSY, on a folded line with two periods
        span(utc(2026, 11, 9, 13), utc(2026, 11, 9, 14)),  # the second period, given as PT1H
        span(utc(2026, 11, 10, 10), utc(2026, 11, 10, 11)),  # BUSY-TENTATIVE
        span(utc(2026, 11, 11), utc(2026, 11, 12)),  # BUSY-UNAVAILABLE; 12 November is FREE
        span(utc(2026, 11, 13, 14), utc(2026, 11, 13, 14, 30)),  # no FBTYPE means BUSY
    ]


def test_floating_times_and_all_day_events_are_placed_in_the_persons_time_zone():
    window = (utc(2026, 3, 1), utc(2026, 3, 23))
    assert busy_in("new-york-floating.ics", NEW_YORK, window) == [
        # Stand-up partnerstad 09:00 New York: EST (UTC-5), then EDT (UTC-4) from Sunday 8 March
        span(utc(2026, 3, 2, 14), utc(2026, 3, 2, 14, 30)),
        span(utc(2026, 3, 4, 14), utc(2026, 3, 4, 14, 30)),
        span(utc(2026, 3, 9, 13), utc(2026, 3, 9, 13, 30)),
        # floating Lunch & learn 12:00-13:00 in the owner's zone (EDT)
        span(utc(2026, 3, 10, 16), utc(2026, 3, 10, 17)),
        span(utc(2026, 3, 11, 13), utc(2026, 3, 11, 13, 30)),
        span(utc(2026, 3, 16, 13), utc(2026, 3, 16, 13, 30)),
        span(utc(2026, 3, 18, 13), utc(2026, 3, 18, 13, 30)),
        # the reminder has neither DTEND nor DURATION, so it takes no time (RFC 5545 3.6.1);
        # the all-day visit has no DTEND, so it lasts one day: 20 March, New York midnight to midnight
        span(utc(2026, 3, 20, 4), utc(2026, 3, 21, 4)),
    ]
    in_amsterdam = busy_in("new-york-floating.ics", AMSTERDAM, window)
    assert span(utc(2026, 3, 10, 11), utc(2026, 3, 10, 12)) in in_amsterdam
    assert span(utc(2026, 3, 19, 23), utc(2026, 3, 20, 23)) in in_amsterdam


def test_an_occurrence_cancelled_by_recurrence_id_frees_its_time():
    series = """
UID:intervisie@wadloo.example
SUMMARY:Intervisie
DTSTART;TZID=Europe/Amsterdam:20260602T150000
DTEND;TZID=Europe/Amsterdam:20260602T160000
RRULE:FREQ=WEEKLY;COUNT=3
"""
    cancelled = """
UID:intervisie@wadloo.example
SUMMARY:Intervisie
RECURRENCE-ID;TZID=Europe/Amsterdam:20260609T150000
DTSTART;TZID=Europe/Amsterdam:20260609T150000
DTEND;TZID=Europe/Amsterdam:20260609T160000
STATUS:CANCELLED
"""
    busy = read_busy(
        calendar(series, cancelled),
        source="x.ics",
        timezone=AMSTERDAM,
        window=(utc(2026, 6, 1), utc(2026, 7, 1)),
    )
    assert busy == [
        span(utc(2026, 6, 2, 13), utc(2026, 6, 2, 14)),
        span(utc(2026, 6, 16, 13), utc(2026, 6, 16, 14)),
    ]


def test_a_time_zone_the_file_defines_itself_is_used():
    own_zone = """BEGIN:VTIMEZONE
TZID:Amsterdam\\, Berlijn (eigen definitie)
BEGIN:STANDARD
DTSTART:19701025T030000
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:19700329T020000
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
END:DAYLIGHT
END:VTIMEZONE
"""
    event = """
UID:raad@wadloo.example
SUMMARY:Raadsvergadering
DTSTART;TZID="Amsterdam, Berlijn (eigen definitie)":20260701T193000
DTEND;TZID="Amsterdam, Berlijn (eigen definitie)":20260701T223000
"""
    text = calendar(event, head=own_zone)
    busy = read_busy(text, source="raad.ics", timezone=NEW_YORK, window=(utc(2026, 7, 1), utc(2026, 7, 2)))
    assert busy == [span(local(AMSTERDAM, 2026, 7, 1, 19, 30), local(AMSTERDAM, 2026, 7, 1, 22, 30))]


def test_busy_time_is_cut_to_the_window():
    window = (utc(2026, 10, 29, 12), utc(2026, 11, 4, 13))
    assert busy_in("outlook-team-wmo.ics", AMSTERDAM, window) == [
        span(utc(2026, 10, 29, 12), utc(2026, 10, 29, 23)),
        span(utc(2026, 11, 4, 12, 30), utc(2026, 11, 4, 13)),
    ]


@pytest.mark.parametrize("path", sorted(CALENDARS.glob("*.ics")), ids=lambda path: path.name)
def test_the_sample_calendars_are_rfc_5545_files(path):
    data = path.read_bytes()
    assert data.endswith(b"\r\n") and b"\n" not in data.replace(b"\r\n", b"")
    lines = data.decode("utf-8").split("\r\n")[:-1]
    assert all(len(line.encode("utf-8")) <= 75 for line in lines)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    assert "VERSION:2.0" in lines and any(line.startswith("PRODID:") for line in lines)
    used = set(re.findall(r";TZID=([^:;]+)", data.decode("utf-8")))
    defined = {line.removeprefix("TZID:") for line in lines if line.startswith("TZID:")}
    assert used <= defined


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


# --- bad files -----------------------------------------------------------------------------------


INTAKE = "UID:intake-17@wadloo.example\nSUMMARY:Keukentafelgesprek\n"
OUTLOOK = (CALENDARS / "outlook-team-wmo.ics").read_bytes()


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param(
            b"id;naam;afdeling\r\nE00042;Zo\xc3\xab;Wmo\r\n", ["line 1", "not an iCalendar file"], id="csv"
        ),
        pytest.param(
            OUTLOOK[: OUTLOOK.index(b"UNTIL=")], ["line 23", "VEVENT is never closed"], id="truncated"
        ),
        pytest.param(
            calendar(INTAKE + "DTSTART;TZID=Europe/Amsterdam:2026101T100000\nDURATION:PT1H"),
            ["line 8", "Keukentafelgesprek", "intake-17@wadloo.example", "field 'DTSTART'", "2026101T100000"],
            id="broken DTSTART",
        ),
        pytest.param(
            calendar(INTAKE + "DTSTART;TZID=Europe/Wadloo:20261013T100000\nDURATION:PT1H"),
            ["line 8", "Keukentafelgesprek", "field 'DTSTART'", "'Europe/Wadloo'"],
            id="unknown TZID",
        ),
        pytest.param(
            calendar(INTAKE + "DTSTART:20261013T100000Z\nDTEND:20261013T090000Z"),
            ["line 9", "field 'DTEND'", "ends before it starts"],
            id="ends before it starts",
        ),
        pytest.param(
            calendar(INTAKE + "DTSTART:20261013T100000Z\nRRULE:FREQ=SECONDLY"),
            ["line 9", "field 'RRULE'", "50,000"],
            id="absurd recurrence",
        ),
        pytest.param(
            calendar(INTAKE + "DTSTART:20200106T100000Z\nRRULE:FREQ=MINUTELY"),
            ["line 9", "field 'RRULE'", "200,000 repetitions"],
            id="repeating since long ago",
        ),
        pytest.param(
            calendar(INTAKE + "DTSTART:20261013T100000Z\nRRULE:FREQ=DAILY;COUNT=5;UNTIL=20261101T000000Z"),
            ["line 9", "field 'RRULE'", "both COUNT and UNTIL"],
            id="COUNT and UNTIL",
        ),
        pytest.param(
            calendar(
                INTAKE + "DTSTART:20261013T100000Z\nDTEND:20261013T110000Z", head="X-WR-TIMEZONE:Wadloo\n"
            ),
            ["line 4", "field 'X-WR-TIMEZONE'", "'Wadloo'"],
            id="unknown X-WR-TIMEZONE",
        ),
        pytest.param(
            b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VFREEBUSY\r\nUID:fb-1\r\n"
            b"FREEBUSY:20261109T080000Z/2026\r\nEND:VFREEBUSY\r\nEND:VCALENDAR\r\n",
            ["line 6", "field 'FREEBUSY'", "20261109T080000Z/2026"],
            id="broken FREEBUSY",
        ),
        pytest.param(
            calendar(INTAKE + "DTSTART:20261013T100000Z")
            .replace("Keukentafelgesprek", "Caf\xe9")
            .encode("cp1252"),
            ["line 7", "not UTF-8"],
            id="not UTF-8",
        ),
        pytest.param(
            b"BEGIN:VCALENDAR\r\nX-FILL:" + b"a" * (5 * 2**20) + b"\r\nEND:VCALENDAR\r\n", ["5 MB"], id="5 MB"
        ),
    ],
)
def test_a_bad_calendar_is_refused_with_the_file_and_the_line(data, expected):
    window = (utc(2026, 10, 5), utc(2026, 11, 30))
    with pytest.raises(InvalidInput) as refused:
        read_busy(data, source="agenda-zoe.ics", timezone=AMSTERDAM, window=window)
    report = refused.value.report()
    assert all(problem.where.file == "agenda-zoe.ics" for problem in refused.value.problems)
    for fragment in ["agenda-zoe.ics", *expected]:
        assert fragment in report


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_a_damaged_calendar_gives_busy_time_or_a_report_never_a_crash(data):
    damaged = bytearray(OUTLOOK)
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(damaged) - 1))
        cut = data.draw(st.integers(0, 40))
        damaged[at : at + cut] = data.draw(
            st.binary(max_size=12) | st.sampled_from([b":", b";", b"\r\n", b"Z", b"T"])
        )
    try:
        busy = read_busy(
            bytes(damaged), source="x.ics", timezone=AMSTERDAM, window=(utc(2026, 10, 5), utc(2026, 12, 1))
        )
    except InvalidInput as refused:
        assert refused.problems
    else:
        assert busy == sorted(busy)


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
