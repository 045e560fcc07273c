"""Busy time read from calendar files: the sample calendars from Outlook and Google, and bad or
damaged files.

Expected times are worked out by hand (see the comments) or with zoneinfo directly, never with the
code under test.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matcher.domain.availability import read_busy, subtract
from matcher.domain.problems import InvalidInput
from tests.unit.availability_support import (
    AMSTERDAM,
    CALENDARS,
    NEW_YORK,
    busy_in,
    calendar,
    local,
    span,
    utc,
)

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
