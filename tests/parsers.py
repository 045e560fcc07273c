"""Independent readers of the calendar files meeloop writes: libical (through tests/icalcheck.py) and vobject.

Both return, per file, ``{"method", "errors", "events": [{"uid", "sequence", "status", "summary",
"attendees", "organizer", "occurrences": [[utc_start, utc_end], ...]}]}`` with ISO 8601 UTC times, so a
test can hold the two readers against each other and against what it expects.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import subprocess
from collections.abc import Iterable
from pathlib import Path

import vobject
from vobject.base import ParseError, ValidateError

ICALCHECK = Path(__file__).with_name("icalcheck.py")
MAX_OCCURRENCES = 200


def system_python() -> str:
    """The Python with libical's bindings: Debian's, unless MEELOOP_SYSTEM_PYTHON names another."""
    return os.environ.get("MEELOOP_SYSTEM_PYTHON", "/usr/bin/python3")


def libical(paths: Iterable[str | Path]) -> dict:
    """What libical makes of each file, keyed by the path as given."""
    command = [system_python(), str(ICALCHECK), *map(str, paths)]
    hint = f"the libical check needs python3-gi and gir1.2-ical-3.0 for {command[0]} (MEELOOP_SYSTEM_PYTHON)"
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=False)
    except FileNotFoundError as error:
        raise RuntimeError(f"{hint}: {error}") from error
    if done.returncode != 0:
        raise RuntimeError(f"{hint}; it failed:\n{done.stderr}")
    return json.loads(done.stdout)


def vobject_calendar(text: str) -> dict:
    """What vobject makes of one calendar, validated."""
    try:
        calendar = vobject.readOne(text, validate=True)
        calendar.validate()
    except (ParseError, ValidateError) as error:
        return {"method": None, "errors": [str(error)], "events": []}
    errors: list[str] = []
    # vobject resolves a TZID through a process-wide registry (the first VTIMEZONE of that name it ever
    # saw, else pytz), so put each wall time back into this file's own VTIMEZONE.
    zones = {zone.tzid.value: zone.gettzinfo() for zone in calendar.contents.get("vtimezone", [])}
    events = [_vobject_event(event, zones, errors) for event in calendar.contents.get("vevent", [])]
    method = calendar.method.value if "method" in calendar.contents else None
    return {"method": method, "errors": errors, "events": events}


def _tzid(line) -> str | None:
    tzid = line.params.get("TZID") or line.params.get("X-VOBJ-ORIGINAL-TZID")
    while isinstance(tzid, list):
        tzid = tzid[0] if tzid else None
    return tzid


def _in_file_zone(line, zones: dict, errors: list[str]):
    """The line's value (a date-time or a list of them) in the zone of the file's VTIMEZONE for its TZID."""
    tzid = _tzid(line)
    if tzid is None or tzid == "UTC":
        return line.value
    if tzid not in zones:
        errors.append(f"no VTIMEZONE for TZID={tzid} in the file")
        return None
    if isinstance(line.value, list):
        return [value.replace(tzinfo=zones[tzid]) for value in line.value]
    return line.value.replace(tzinfo=zones[tzid])


def _vobject_event(event, zones: dict, errors: list[str]) -> dict:
    def text(name: str) -> str | None:
        return event.contents[name][0].value if name in event.contents else None

    sequence = text("sequence")
    found = {
        "uid": text("uid"),
        "sequence": None if sequence is None else int(sequence),
        "status": text("status"),
        "summary": text("summary"),
        "attendees": [line.value for line in event.contents.get("attendee", [])],
        "organizer": text("organizer"),
        "occurrences": [],
    }
    start = _in_file_zone(event.dtstart, zones, errors)
    if start is None:
        return found
    event.dtstart.value = start
    for line in [*event.contents.get("exdate", []), *event.contents.get("rdate", [])]:
        line.value = _in_file_zone(line, zones, errors) or line.value
    if "dtend" in event.contents:
        end = _in_file_zone(event.dtend, zones, errors) or start
        length = end.astimezone(dt.UTC) - start.astimezone(dt.UTC)
    else:
        length = event.duration.value if "duration" in event.contents else dt.timedelta(0)
    starts = [start]
    if "rrule" in event.contents or "rdate" in event.contents:
        starts = list(itertools.islice(event.getrruleset(addRDate=True), MAX_OCCURRENCES))
    utc_starts = sorted(value.astimezone(dt.UTC) for value in starts)
    found["occurrences"] = [[s.isoformat(), (s + length).isoformat()] for s in utc_starts]
    return found


def occurrences_agree(*events: dict) -> bool:
    """Whether every reader found the same occurrences."""
    return all(event["occurrences"] == events[0]["occurrences"] for event in events)
