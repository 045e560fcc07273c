"""VTIMEZONE components: libical and vobject, reading the file and nothing else, see the wall time meant.

Expected times come from zoneinfo directly or by hand, never from the code under test. The libical check
runs under the system Python; without it these tests fail, they do not skip.
"""

from __future__ import annotations

import datetime as dt
import doctest
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest

from matcher.io import vtimezone as vtimezone_module
from matcher.io.vtimezone import vtimezone
from tests.parsers import libical, vobject_calendar

AMSTERDAM, NEW_YORK, TOKYO = "Europe/Amsterdam", "America/New_York", "Asia/Tokyo"
FEBRUARY, NOVEMBER = dt.date(2026, 2, 23), dt.date(2026, 11, 30)
SERIES = [
    # Across the European changes of 2026-03-29 and 2026-10-25.
    (AMSTERDAM, FEBRUARY, NOVEMBER),
    ("Europe/London", FEBRUARY, NOVEMBER),
    # 2026-03-08 and 2026-11-01.
    (NEW_YORK, FEBRUARY, NOVEMBER),
    (TOKYO, FEBRUARY, NOVEMBER),
    # Southern hemisphere: daylight saving ends 2026-04-05 and starts 2026-10-04.
    ("Australia/Sydney", FEBRUARY, NOVEMBER),
    # Daylight saving ended for good on 2022-10-30, so the yearly rules must stop there.
    ("America/Mexico_City", dt.date(2022, 3, 7), dt.date(2023, 6, 26)),
    # Irregular: an hour back for Ramadan, 2026-02-15 to 2026-03-22.
    ("Africa/Casablanca", dt.date(2026, 1, 5), dt.date(2026, 5, 25)),
]
# New York from 2005 takes in the 2007 change of rules, so some changes there follow no yearly rule.
SERIES_AND_RULE_CHANGE = [*SERIES, (NEW_YORK, dt.date(2005, 1, 3), NOVEMBER)]
HOUR = dt.timedelta(hours=1)


def local_starts(zone: str, first_day: dt.date, last_day: dt.date) -> list[dt.datetime]:
    """10:00 in the zone every two weeks from first_day through last_day."""
    days = range(0, (last_day - first_day).days + 1, 14)
    return [dt.datetime.combine(first_day + dt.timedelta(days=d), dt.time(10), ZoneInfo(zone)) for d in days]


def expected_occurrences(zone: str, first_day: dt.date, last_day: dt.date) -> list[list[str]]:
    starts = [start.astimezone(dt.UTC) for start in local_starts(zone, first_day, last_day)]
    return [[start.isoformat(), (start + HOUR).isoformat()] for start in starts]


def write_series(folder: Path, zone: str, first_day: dt.date, last_day: dt.date) -> Path:
    starts = local_starts(zone, first_day, last_day)
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//meeloop//vtimezone test//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add_component(vtimezone(zone, starts[0], starts[-1] + HOUR))
    event = icalendar.Event()
    event.add("uid", f"series-{zone.replace('/', '-')}@meeloop.test")
    event.add("dtstamp", dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    event.add("dtstart", starts[0])
    event.add("dtend", starts[0] + HOUR)
    event.add("rrule", {"freq": "weekly", "interval": 2, "until": starts[-1].astimezone(dt.UTC)})
    event.add("organizer", "mailto:anna@example.org")
    event.add("summary", "Mentoring")
    calendar.add_component(event)
    path = folder / f"{zone.replace('/', '-')}.ics"
    path.write_bytes(calendar.to_ical())
    return path


def observances(timezone: icalendar.Timezone) -> list[tuple[str, dt.datetime, str | None]]:
    return [
        (sub.name, sub["DTSTART"].dt, sub["RRULE"].to_ical().decode() if "RRULE" in sub else None)
        for sub in timezone.subcomponents
    ]


@pytest.mark.parametrize(("zone", "first_day", "last_day"), SERIES)
def test_libical_and_vobject_see_ten_oclock_local_every_other_week(tmp_path, zone, first_day, last_day):
    path = write_series(tmp_path, zone, first_day, last_day)
    expected = expected_occurrences(zone, first_day, last_day)
    by_libical = libical([path])[str(path)]
    by_vobject = vobject_calendar(path.read_text())
    assert by_libical["errors"] == []
    assert by_vobject["errors"] == []
    assert by_libical["method"] == by_vobject["method"] == "PUBLISH"
    assert [event["occurrences"] for event in by_libical["events"]] == [expected]
    assert [event["occurrences"] for event in by_vobject["events"]] == [expected]


def test_the_amsterdam_series_moves_an_hour_in_utc_at_the_european_changes(tmp_path):
    path = write_series(tmp_path, AMSTERDAM, FEBRUARY, NOVEMBER)
    around_the_changes = {
        "2026-03-23T09:00:00+00:00",  # before 2026-03-29: CET
        "2026-04-06T08:00:00+00:00",  # after: CEST
        "2026-10-19T08:00:00+00:00",  # before 2026-10-25: CEST
        "2026-11-02T09:00:00+00:00",  # after: CET
    }
    by_libical = {start for start, _ in libical([path])[str(path)]["events"][0]["occurrences"]}
    by_vobject = {start for start, _ in vobject_calendar(path.read_text())["events"][0]["occurrences"]}
    assert around_the_changes <= by_libical
    assert around_the_changes <= by_vobject


def test_observances_start_at_the_wall_time_before_the_change():
    first, last = (dt.datetime.combine(day, dt.time(10), ZoneInfo(AMSTERDAM)) for day in (FEBRUARY, NOVEMBER))
    assert observances(vtimezone(AMSTERDAM, first, last)) == [
        ("DAYLIGHT", dt.datetime(2025, 3, 30, 2), "FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3"),
        ("STANDARD", dt.datetime(2025, 10, 26, 3), "FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10"),
    ]
    assert observances(vtimezone(NEW_YORK, first, last)) == [
        ("DAYLIGHT", dt.datetime(2025, 3, 9, 2), "FREQ=YEARLY;BYDAY=2SU;BYMONTH=3"),
        ("STANDARD", dt.datetime(2025, 11, 2, 2), "FREQ=YEARLY;BYDAY=1SU;BYMONTH=11"),
    ]


def test_a_short_range_lists_each_change_in_its_own_observance():
    first = dt.datetime(2026, 5, 4, 10, tzinfo=ZoneInfo(AMSTERDAM))
    assert observances(vtimezone(AMSTERDAM, first, first + dt.timedelta(days=30))) == [
        ("STANDARD", dt.datetime(2025, 10, 26, 3), None),
        ("DAYLIGHT", dt.datetime(2026, 3, 29, 2), None),
    ]


@pytest.mark.parametrize(("zone", "first_day", "last_day"), SERIES_AND_RULE_CHANGE)
def test_no_rdate_and_the_first_observance_is_in_effect_at_the_start(zone, first_day, last_day):
    starts = local_starts(zone, first_day, last_day)
    timezone = vtimezone(zone, starts[0], starts[-1])
    assert "RDATE" not in timezone.to_ical().decode()
    assert min(sub["DTSTART"].dt for sub in timezone.subcomponents) <= starts[0].replace(tzinfo=None)


@pytest.mark.parametrize("zone", [TOKYO, "UTC"])
def test_a_zone_without_daylight_saving_gets_a_single_standard(zone):
    first = dt.datetime(2026, 2, 23, 10, tzinfo=ZoneInfo(zone))
    (standard,) = vtimezone(zone, first, first + dt.timedelta(days=400)).subcomponents
    assert standard.name == "STANDARD"
    assert standard["DTSTART"].dt == dt.datetime(1970, 1, 1)
    assert standard["TZOFFSETFROM"].td == standard["TZOFFSETTO"].td == ZoneInfo(zone).utcoffset(first)
    assert "RRULE" not in standard


def test_the_examples_in_the_docstrings_hold():
    assert doctest.testmod(vtimezone_module).failed == 0
