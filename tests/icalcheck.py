"""Read iCalendar files with libical and print what it makes of them, as JSON.

Run by the system Python, which has libical's GObject bindings (Debian: python3-gi, gir1.2-ical-3.0); it
imports nothing from meeloop. Usage: ``icalcheck.py FILE.ics...``. Prints
``{path: {"method", "errors", "events": [{"uid", "sequence", "status", "summary", "attendees", "organizer",
"occurrences": [[utc_start, utc_end], ...]}]}}``. The errors are libical's X-LIC-ERROR texts after parsing
and after its iTIP restriction check; exits 0 when there are some, the caller judges them.

A TZID is resolved only from the file's own VTIMEZONE: libical would quietly use its built-in zone of the
same name, which would hide a broken or missing VTIMEZONE.
"""

import datetime as dt
import json
import sys

import gi

gi.require_version("ICalGLib", "3.0")
from gi.repository import ICalGLib as ical  # noqa: E402

MAX_OCCURRENCES = 200
UTC = ical.Timezone.get_utc_timezone()


def check(text):
    calendar = ical.Parser.parse_string(text)
    if calendar is None or calendar.isa() != ical.ComponentKind.VCALENDAR_COMPONENT:
        return {"method": None, "errors": ["not one VCALENDAR"], "events": []}
    calendar.check_restrictions()
    errors = list(_errors(calendar))
    events = [
        _event(calendar, event, errors) for event in _children(calendar, ical.ComponentKind.VEVENT_COMPONENT)
    ]
    return {"method": _text(calendar, ical.PropertyKind.METHOD_PROPERTY), "errors": errors, "events": events}


def _children(component, kind):
    child = component.get_first_component(kind)
    while child is not None:
        yield child
        child = component.get_next_component(kind)


def _properties(component, kind):
    prop = component.get_first_property(kind)
    while prop is not None:
        yield prop
        prop = component.get_next_property(kind)


def _errors(component):
    for prop in _properties(component, ical.PropertyKind.XLICERROR_PROPERTY):
        yield prop.get_xlicerror()
    for child in _children(component, ical.ComponentKind.ANY_COMPONENT):
        yield from _errors(child)


def _text(component, kind):
    prop = component.get_first_property(kind)
    return None if prop is None else prop.get_value_as_string()


def _time(calendar, event, prop, errors):
    """The property's date-time in the zone of the file's VTIMEZONE for its TZID."""
    time = prop.get_datetime_with_component(event)
    tzid = prop.get_first_parameter(ical.ParameterKind.TZID_PARAMETER)
    if tzid is not None:
        zone = calendar.get_timezone(tzid.get_tzid())
        if zone is None:
            errors.append(f"no VTIMEZONE for TZID={tzid.get_tzid()} in the file")
            return None
        time.set_timezone(zone)
    return time


def _utc(time):
    return dt.datetime.fromtimestamp(time.convert_to_zone(UTC).as_timet(), dt.UTC)


def _event(calendar, event, errors):
    sequence = _text(event, ical.PropertyKind.SEQUENCE_PROPERTY)
    found = {
        "uid": _text(event, ical.PropertyKind.UID_PROPERTY),
        "sequence": None if sequence is None else int(sequence),
        "status": _text(event, ical.PropertyKind.STATUS_PROPERTY),
        "summary": _text(event, ical.PropertyKind.SUMMARY_PROPERTY),
        "attendees": [p.get_attendee() for p in _properties(event, ical.PropertyKind.ATTENDEE_PROPERTY)],
        "organizer": _text(event, ical.PropertyKind.ORGANIZER_PROPERTY),
        "occurrences": [],
    }
    start_prop = event.get_first_property(ical.PropertyKind.DTSTART_PROPERTY)
    start = None if start_prop is None else _time(calendar, event, start_prop, errors)
    if start is None:
        return found
    end_prop = event.get_first_property(ical.PropertyKind.DTEND_PROPERTY)
    end = None if end_prop is None else _time(calendar, event, end_prop, errors)
    if end is not None:
        length = _utc(end) - _utc(start)
    else:
        length = dt.timedelta(seconds=event.get_duration().as_int())
    starts = [start]
    rrule = event.get_first_property(ical.PropertyKind.RRULE_PROPERTY)
    if rrule is not None:
        starts = []
        iterator = ical.RecurIterator.new(rrule.get_rrule(), start)
        while len(starts) < MAX_OCCURRENCES:
            time = iterator.next()
            if time is None or time.is_null_time():
                break
            starts.append(time)
    utc_starts = {_utc(time) for time in starts}
    for prop in _properties(event, ical.PropertyKind.RDATE_PROPERTY):
        time = _time(calendar, event, prop, errors)
        if time is not None:
            utc_starts.add(_utc(time))
    for prop in _properties(event, ical.PropertyKind.EXDATE_PROPERTY):
        time = _time(calendar, event, prop, errors)
        if time is not None:
            utc_starts.discard(_utc(time))
    found["occurrences"] = [[s.isoformat(), (s + length).isoformat()] for s in sorted(utc_starts)]
    return found


def main(paths):
    result = {}
    for path in paths:
        with open(path, encoding="utf-8") as file:
            result[path] = check(file.read())
    json.dump(result, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main(sys.argv[1:])
