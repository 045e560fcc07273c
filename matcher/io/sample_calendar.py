"""A sample calendar export (.ics) for a colleague of the demo organisation, around a given day.

What an agenda of a municipal civil servant holds: a weekly team meeting that began some weeks ago
and runs on for months, appointments in the coming weeks within their working hours, and a day off.
Times are wall-clock times in the person's own time zone (with a VTIMEZONE, as Outlook writes them),
so the weekly meeting keeps its hour across the change to and from daylight saving time. The same
person, day and seed always give the same file.
"""

from __future__ import annotations

import datetime as dt
import random
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from matcher.domain.model import WEEKDAYS, Person, TimeRange
from matcher.io.vtimezone import vtimezone

PRODID = "-//meeloop//sample calendar 1.0//NL"
#: The weekly team meeting started this many weeks before the day, and runs this many weeks after it.
WEEKS_BEFORE, WEEKS_AFTER = 10, 16
#: Appointments in the coming weeks: how many, and over how many days.
APPOINTMENTS, AHEAD_DAYS = 8, 28
#: What the appointments are about (the organisation's own words, as in any Dutch agenda).
SUBJECTS = (
    "Overleg wijkteam",
    "Bijpraten met collega",
    "Cursus schrijven in B1",
    "Klantgesprek",
    "Afstemming met juridische zaken",
    "Projectoverleg omgevingsvisie",
    "Spreekuur",
    "Inwerkgesprek nieuwe collega",
    "Evaluatie werkproces",
    "Presentatie aan het college",
)


def sample_calendar(person: Person, day: dt.date, *, seed: int = 0) -> bytes:
    """The person's calendar export around ``day``: busy time before it and in the weeks after it."""
    chooser = random.Random(f"{seed}:{person.id}:{day.isoformat()}")
    zone = ZoneInfo(person.timezone)
    workdays = [
        (index, ranges[0]) for index, key in enumerate(WEEKDAYS) if (ranges := person.working_hours.on(key))
    ]
    if not workdays:
        workdays = [(index, TimeRange(9 * 60, 17 * 60)) for index in range(5)]
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", f"Agenda {person.name}")
    first = dt.datetime.combine(day - dt.timedelta(weeks=WEEKS_BEFORE), dt.time(), zone)
    last = dt.datetime.combine(day + dt.timedelta(weeks=WEEKS_AFTER), dt.time(), zone)
    calendar.add_component(vtimezone(person.timezone, first, last))
    stamp = dt.datetime.combine(day, dt.time(8), dt.UTC)
    weekday, hours = chooser.choice(workdays)
    monday = first.date() - dt.timedelta(days=first.weekday())
    team_day = monday + dt.timedelta(days=weekday)
    team = f"Teamoverleg {person.team or person.department}".strip()
    meeting = _event(
        f"teamoverleg-{person.id}@{_domain(person)}", team, _at(team_day, hours.start + 60, zone), 60, stamp
    )
    meeting.add("rrule", {"freq": "weekly", "count": WEEKS_BEFORE + WEEKS_AFTER})
    calendar.add_component(meeting)
    for number in range(APPOINTMENTS):
        when = day + dt.timedelta(days=chooser.randint(1, AHEAD_DAYS))
        ranges = person.working_hours.on(WEEKDAYS[when.weekday()])
        if not ranges:
            continue
        span = ranges[0]
        minutes = chooser.choice((30, 60, 60, 90, 120))
        latest = max(span.start, span.end - minutes)
        start = span.start + 15 * chooser.randint(0, (latest - span.start) // 15)
        subject = chooser.choice(SUBJECTS)
        calendar.add_component(
            _event(
                f"afspraak-{person.id}-{number}@{_domain(person)}",
                subject,
                _at(when, start, zone),
                minutes,
                stamp,
            )
        )
    off = day + dt.timedelta(days=chooser.randint(14, 35))
    while not person.working_hours.on(WEEKDAYS[off.weekday()]):
        off += dt.timedelta(days=1)
    free = Event()
    free.add("uid", f"vrij-{person.id}-{off.isoformat()}@{_domain(person)}")
    free.add("dtstamp", stamp)
    free.add("summary", "Vrije dag")
    free.add("dtstart", off)
    free.add("dtend", off + dt.timedelta(days=1))
    free.add("transp", "OPAQUE")
    calendar.add_component(free)
    return calendar.to_ical()


def _at(day: dt.date, minutes: int, zone: ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(minutes // 60, minutes % 60), zone)


def _event(key: str, summary: str, start: dt.datetime, minutes: int, stamp: dt.datetime) -> Event:
    event = Event()
    event.add("uid", key)
    event.add("dtstamp", stamp)
    event.add("summary", summary)
    event.add("dtstart", start)
    event.add("dtend", start + dt.timedelta(minutes=minutes))
    event.add("transp", "OPAQUE")
    return event


def _domain(person: Person) -> str:
    return person.email.rpartition("@")[2] or "meeloop.sample"
