"""Free and busy time: working hours minus calendars, holidays and what meeloop already planned.

Plain data in and out. Every time is a timezone-aware datetime in UTC and every
stretch of time a half-open :class:`Interval`. Working hours stay in the
person's own wall-clock time until they are placed on real dates, so each
daylight-saving change lands on the day it happens in that person's time zone.

Busy time comes from an uploaded calendar (:func:`read_busy`: events, their
repetitions, and VFREEBUSY blocks), from the organisation's holidays and from
what meeloop itself already scheduled. :func:`free_time` takes them away from
the working hours; :func:`common_free` and :func:`slots` find a moment for a
group.

>>> from matcher.domain.model import office_hours
>>> week = (dt.datetime(2026, 3, 27, tzinfo=dt.UTC), dt.datetime(2026, 3, 31, tzinfo=dt.UTC))
>>> for stretch in working_intervals(office_hours(), "Europe/Amsterdam", week):
...     print(stretch)
2026-03-27 08:00–16:00 UTC
2026-03-30 07:00–15:00 UTC
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import icalendar
import recurring_ical_events
import x_wr_timezone
from dateutil.rrule import rrule, rrulestr

from matcher.domain.model import WEEKDAYS, Person, WorkingHours
from matcher.domain.problems import InvalidInput, Location, Problem, Problems

Window = tuple[dt.datetime, dt.datetime]

MAX_FILE_BYTES = 5 * 1024 * 1024
# Limits on the work one upload can cause: repetitions of recurring events that fall in the window, and
# repetitions walked from each series' first occurrence up to the end of the window (all series together).
MAX_OCCURRENCES = 50_000
MAX_REPETITIONS = 200_000
# Floating times and all-day events are placed in a time zone only after expanding, so the expansion
# looks a day further on both sides; the result is cut back to the window.
_MARGIN = dt.timedelta(days=1)
_GRID_ORIGIN = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_CONTENT_LINE = re.compile(r"([A-Za-z0-9-]+)[;:]")
_DATE_PROPERTIES = ("DTSTART", "DTEND", "RECURRENCE-ID", "EXDATE", "RDATE")
_KINDS = {"VEVENT": "event", "VFREEBUSY": "free/busy block"}
# What icalendar, dateutil and recurring_ical_events raise on input they cannot handle.
_LIBRARY_ERRORS = (ValueError, TypeError, OverflowError)


@dataclass(frozen=True, order=True)
class Interval:
    """A half-open stretch of time ``[start, end)``, stored in UTC."""

    start: dt.datetime
    end: dt.datetime

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError(f"an interval needs timezone-aware times, got {self.start} and {self.end}")
        if self.end <= self.start:
            raise ValueError(f"an interval must end after it starts, got {self.start} to {self.end}")
        object.__setattr__(self, "start", self.start.astimezone(dt.UTC))
        object.__setattr__(self, "end", self.end.astimezone(dt.UTC))

    def __str__(self) -> str:
        if self.start.date() == self.end.date():
            return f"{self.start:%Y-%m-%d %H:%M}–{self.end:%H:%M} UTC"
        return f"{self.start:%Y-%m-%d %H:%M} – {self.end:%Y-%m-%d %H:%M} UTC"


# --- interval arithmetic -------------------------------------------------------------------------


def merge(intervals: Iterable[Interval]) -> list[Interval]:
    """Sort intervals and join the ones that overlap or touch."""
    merged: list[Interval] = []
    for piece in sorted(intervals):
        if merged and piece.start <= merged[-1].end:
            if piece.end > merged[-1].end:
                merged[-1] = Interval(merged[-1].start, piece.end)
        else:
            merged.append(piece)
    return merged


def subtract(free: list[Interval], busy: list[Interval]) -> list[Interval]:
    """The parts of ``free`` that no busy interval touches: sorted, disjoint, inside ``free``.

    >>> at = lambda hour: dt.datetime(2026, 5, 4, hour, tzinfo=dt.UTC)
    >>> [str(i) for i in subtract([Interval(at(8), at(16))], [Interval(at(10), at(11))])]
    ['2026-05-04 08:00–10:00 UTC', '2026-05-04 11:00–16:00 UTC']
    """
    blocked = merge(busy)
    result: list[Interval] = []
    first = 0
    for piece in merge(free):
        while first < len(blocked) and blocked[first].end <= piece.start:
            first += 1
        cursor = piece.start
        for block in blocked[first:]:
            if block.start >= piece.end:
                break
            if block.start > cursor:
                result.append(Interval(cursor, block.start))
            cursor = max(cursor, block.end)
        if cursor < piece.end:
            result.append(Interval(cursor, piece.end))
    return result


def common_free(*free_lists: list[Interval]) -> list[Interval]:
    """The time that is free in every list: their intersection, sorted and disjoint."""
    if not free_lists:
        raise ValueError("common_free needs at least one list of free time")
    common = merge(free_lists[0])
    for other in free_lists[1:]:
        common = _intersect(common, merge(other))
    return common


def _intersect(a: list[Interval], b: list[Interval]) -> list[Interval]:
    result: list[Interval] = []
    i = j = 0
    while i < len(a) and j < len(b):
        start, end = max(a[i].start, b[j].start), min(a[i].end, b[j].end)
        if start < end:
            result.append(Interval(start, end))
        if a[i].end <= b[j].end:
            i += 1
        else:
            j += 1
    return result


def _clip(intervals: list[Interval], window: Window) -> list[Interval]:
    return _intersect(intervals, [Interval(*window)]) if window[0] < window[1] else []


def _utc_window(window: Window) -> Window:
    start, end = window
    if start.tzinfo is None or end.tzinfo is None:
        raise ValueError(f"a window needs timezone-aware times, got {start} and {end}")
    if end < start:
        raise ValueError(f"a window must not end before it starts, got {start} to {end}")
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)


def _span(start: dt.date, end: dt.date, zone: ZoneInfo) -> Interval | None:
    """An interval from iCalendar-style bounds: a date is local midnight, a naive time is local."""
    start_utc, end_utc = _to_utc(start, zone), _to_utc(end, zone)
    return Interval(start_utc, end_utc) if start_utc < end_utc else None


def _to_utc(moment: dt.date, zone: ZoneInfo) -> dt.datetime:
    if not isinstance(moment, dt.datetime):
        moment = dt.datetime.combine(moment, dt.time())
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment.astimezone(dt.UTC)


# --- working hours, free time and slots ----------------------------------------------------------


def working_intervals(
    person_hours: WorkingHours, timezone: str, window: Window, holidays: Iterable[dt.date] = ()
) -> list[Interval]:
    """Working hours placed on the real dates of a window.

    Parameters
    ----------
    person_hours
        Wall-clock hours per weekday, in ``timezone``.
    timezone
        An IANA time zone name such as ``"Europe/Amsterdam"``.
    window
        A half-open range of aware datetimes; the result is cut to it.
    holidays
        Local dates on which nobody works.

    Returns
    -------
    list of Interval
        Sorted and disjoint, in UTC. On a daylight-saving day a range keeps its
        wall-clock times, so 01:00–04:00 lasts two or four hours in Europe.
    """
    start, end = _utc_window(window)
    zone = ZoneInfo(timezone)
    days_off = set(holidays)
    pieces = []
    day, last = start.astimezone(zone).date(), end.astimezone(zone).date()
    while day <= last:
        if day not in days_off:
            for part in person_hours.on(WEEKDAYS[day.weekday()]):
                midnight = dt.datetime.combine(day, dt.time())
                begin, finish = (midnight + dt.timedelta(minutes=m) for m in (part.start, part.end))
                span = _span(begin, finish, zone)
                if span is not None:
                    pieces.append(span)
        day += dt.timedelta(days=1)
    return _clip(merge(pieces), (start, end))


def free_time(
    person: Person, window: Window, *, busy: Iterable[Interval] = (), holidays: Iterable[dt.date] = ()
) -> list[Interval]:
    """A person's working hours in the window, without their holidays and busy time."""
    return subtract(working_intervals(person.working_hours, person.timezone, window, holidays), list(busy))


@dataclass(frozen=True)
class Agenda:
    """Busy time per person and the organisation's holidays: what free time is computed from.

    ``busy`` holds, per person id, everything that blocks them: their uploaded
    calendar and what meeloop already scheduled.
    """

    busy: dict[str, list[Interval]] = field(default_factory=dict)
    holidays: frozenset[dt.date] = frozenset()

    def free(self, person: Person, window: Window) -> list[Interval]:
        return free_time(person, window, busy=self.busy.get(person.id, ()), holidays=self.holidays)

    def with_busy(self, person_id: str, *intervals: Interval) -> Agenda:
        """A new agenda in which the person is also busy at these times."""
        return self.adding({person_id: intervals})

    def adding(self, extra: Mapping[str, Iterable[Interval]]) -> Agenda:
        """A new agenda in which these people are also busy at these times."""
        busy = dict(self.busy)
        for person_id, intervals in extra.items():
            busy[person_id] = merge([*busy.get(person_id, ()), *intervals])
        return Agenda(busy, self.holidays)


def slots(
    free: list[Interval],
    length: dt.timedelta,
    *,
    grid: dt.timedelta = dt.timedelta(minutes=15),
    window: Window | None = None,
) -> Iterator[dt.datetime]:
    """Start times for a meeting of ``length`` that fits wholly inside one free interval.

    Starts lie on a grid counted from midnight UTC (quarter hours by default),
    in time order. Slots may overlap each other: each is one possible start.

    >>> at = lambda hour, minute=0: dt.datetime(2026, 5, 4, hour, minute, tzinfo=dt.UTC)
    >>> [f"{start:%H:%M}" for start in slots([Interval(at(9, 10), at(10, 30))], dt.timedelta(hours=1))]
    ['09:15', '09:30']
    """
    if length <= dt.timedelta(0) or grid <= dt.timedelta(0):
        raise ValueError(f"slot length and grid must be positive, got {length} and {grid}")
    pieces = merge(free) if window is None else _clip(merge(free), _utc_window(window))
    return _slot_starts(pieces, length, grid)


def _slot_starts(pieces: list[Interval], length: dt.timedelta, grid: dt.timedelta) -> Iterator[dt.datetime]:
    for piece in pieces:
        start = piece.start + (-(piece.start - _GRID_ORIGIN) % grid)
        while start + length <= piece.end:
            yield start
            start += grid


# --- busy time from an iCalendar file ------------------------------------------------------------


def read_busy(data: bytes | str, *, source: str, timezone: str, window: Window) -> list[Interval]:
    """Busy time in the window from an iCalendar file: events and VFREEBUSY blocks.

    Parameters
    ----------
    data
        The file's contents.
    source
        The file's name, for problem reports.
    timezone
        The owner's IANA time zone: floating times and all-day events are
        placed in it (unless the file names its own with ``X-WR-TIMEZONE``).
    window
        The half-open range of aware datetimes to expand repeating events over.

    Returns
    -------
    list of Interval
        Sorted, merged and cut to the window. Events marked ``TRANSP:TRANSPARENT``
        or ``STATUS:CANCELLED`` are not busy; an all-day event blocks whole
        local days; a FREEBUSY period is busy unless its ``FBTYPE`` is ``FREE``.

    Raises
    ------
    InvalidInput
        For a file that is not an iCalendar file, is cut off, too large, has
        unreadable dates or unknown time zones, or repeats absurdly often; each
        problem names the file and, where it can, the line and the event.
    """
    start, end = _utc_window(window)
    zone = ZoneInfo(timezone)
    text = _decode(data, source)
    outline = _outline(text, source)
    calendar = _parse(text, outline, source)
    _check(calendar, outline.root, source, zone, (start, end))
    try:
        calendar = x_wr_timezone.to_standard(calendar)
        busy = _event_busy(calendar, zone, (start - _MARGIN, end + _MARGIN)) + _freebusy_busy(calendar, zone)
    except _LIBRARY_ERRORS as error:
        # The checks before name the event and line where they can; this is what slips past them.
        raise InvalidInput([Problem(Location(source), f"cannot be expanded: {error}")]) from None
    return _clip(merge(busy), (start, end))


def _event_busy(calendar: icalendar.Calendar, zone: ZoneInfo, span: Window) -> list[Interval]:
    events = recurring_ical_events.of(calendar).between(*span)
    busy = []
    for event in events:
        if str(event.get("TRANSP", "")).upper() == "TRANSPARENT":
            continue
        if str(event.get("STATUS", "")).upper() == "CANCELLED":
            continue
        span_of_event = _span(event.start, event.end, zone)
        if span_of_event is not None:
            busy.append(span_of_event)
    return busy


def _freebusy_busy(calendar: icalendar.Calendar, zone: ZoneInfo) -> list[Interval]:
    busy = []
    for block in calendar.walk("VFREEBUSY"):
        for period in _as_list(block.get("FREEBUSY")):
            # RFC 5545 3.2.9: an FBTYPE a reader does not know counts as BUSY.
            if str(period.params.get("FBTYPE", "BUSY")).upper() == "FREE":
                continue
            start, end = period.dt
            span = _span(start, start + end if isinstance(end, dt.timedelta) else end, zone)
            if span is not None:
                busy.append(span)
    return busy


def _as_list(value: object) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


# --- reading and checking the file ---------------------------------------------------------------


@dataclass
class _Block:
    """Where a component begins and where each of its own properties first appears."""

    name: str
    line: int
    properties: dict[str, int] = field(default_factory=dict)
    children: list[_Block] = field(default_factory=list)


@dataclass
class _Outline:
    root: _Block
    lines: list[tuple[int, str, str]]  # line number, unfolded content line, the component it is in


def _decode(data: bytes | str, source: str) -> str:
    size = len(data) if isinstance(data, bytes) else len(data.encode("utf-8", "surrogatepass"))
    if size > MAX_FILE_BYTES:
        message = f"is {size:,} bytes; calendars up to {MAX_FILE_BYTES // 2**20} MB are accepted"
        raise InvalidInput([Problem(Location(source), message)])
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise InvalidInput([Problem(Location(source, f"line {line}"), "is not UTF-8 text")]) from None


def _outline(text: str, source: str) -> _Outline:
    """Check the file's line structure and note where components and properties are."""
    lines = _unfold(text)
    if not lines or lines[0][1].strip().upper() != "BEGIN:VCALENDAR":
        message = "is not an iCalendar file: it does not start with BEGIN:VCALENDAR"
        raise InvalidInput([Problem(Location(source, "line 1"), message)])
    problems = Problems()
    stack: list[_Block] = []
    root = _Block("", 0)
    content: list[tuple[int, str, str]] = []
    for number, line in lines:
        where = Location(source, f"line {number}")
        match = _CONTENT_LINE.match(line)
        if match is None:
            problems.add(where, f"is not an iCalendar content line: {line[:60]!r}")
            continue
        name, value = match.group(1).upper(), line[match.end() :].strip().upper()
        if name == "BEGIN":
            block = _Block(value, number)
            (stack[-1].children if stack else root.children).append(block)
            stack.append(block)
        elif name == "END":
            if not stack or stack[-1].name != value:
                opened = f"BEGIN:{stack[-1].name} on line {stack[-1].line}" if stack else "no BEGIN"
                problems.add(where, f"END:{value} does not match {opened}")
            if any(block.name == value for block in stack):
                while stack.pop().name != value:
                    pass
            elif stack:
                stack.pop()  # a misspelt END still closes the innermost component
        elif not stack:
            problems.add(where, "lies outside BEGIN:VCALENDAR ... END:VCALENDAR")
        else:
            stack[-1].properties.setdefault(name, number)
            content.append((number, line, stack[-1].name))
    for block in stack:
        where = Location(source, f"line {block.line}")
        problems.add(where, f"BEGIN:{block.name} is never closed; is the file cut off?")
    if len(root.children) > 1:
        where = Location(source, f"line {root.children[1].line}")
        problems.add(where, "holds a second calendar; send one per file")
    problems.raise_if_any()
    return _Outline(root.children[0], content)


def _unfold(text: str) -> list[tuple[int, str]]:
    """Content lines with the number of the line each starts on (RFC 5545 3.1: folded lines)."""
    lines: list[tuple[int, str]] = []
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.removesuffix("\r")
        if line[:1] in (" ", "\t") and lines:
            lines[-1] = (lines[-1][0], lines[-1][1] + line[1:])
        elif line.strip():
            lines.append((number, line))
    return lines


def _parse(text: str, outline: _Outline, source: str) -> icalendar.Calendar:
    try:
        return icalendar.Calendar.from_ical(text)
    except Exception as error:  # icalendar lets odd input escape as TypeError, AttributeError and more
        raise InvalidInput([Problem(_unreadable_line(outline, source), f"cannot be read: {error}")]) from None


def _unreadable_line(outline: _Outline, source: str) -> Location:
    """Find the line icalendar could not read, trying each on its own; only done once reading failed."""
    for number, line, component in outline.lines:
        try:
            icalendar.Component.from_ical(f"BEGIN:{component}\r\n{line}\r\nEND:{component}\r\n")
        except Exception:
            return Location(source, f"line {number}", _CONTENT_LINE.match(line).group(1).upper())
    return Location(source)


def _check(calendar: icalendar.Calendar, root: _Block, source: str, zone: ZoneInfo, window: Window) -> None:
    """Report every unreadable date, unknown time zone and absurd repetition at once."""
    problems = Problems()
    x_wr = calendar.get("X-WR-TIMEZONE")
    if x_wr is not None and not _known_zone(str(x_wr)):
        where = Location(source, f"line {root.properties['X-WR-TIMEZONE']}", "X-WR-TIMEZONE")
        problems.add(where, f"names an unknown time zone {str(x_wr)!r}")
    components = calendar.subcomponents
    in_step = [block.name for block in root.children] == [component.name for component in components]
    budget = _Budget()
    for index, component in enumerate(components):
        if component.name not in _KINDS:
            continue
        place = _Place(source, root.children[index] if in_step else None, _describe(component))
        for name, message in component.errors:
            problems.add(place.at(name), f"cannot be read: {message}")
        if component.name == "VEVENT":
            _check_event(component, place, zone, problems)
            if not problems:  # walking a series needs readable dates; the file is refused anyway otherwise
                _check_repetitions(component, place, zone, window, budget, problems)
    problems.raise_if_any()


@dataclass(frozen=True)
class _Place:
    """Points at a component, or one of its properties, in the file."""

    source: str
    block: _Block | None
    label: str

    def at(self, name: str | None = None) -> Location:
        if self.block is None:
            return Location(self.source, self.label, name)
        line = self.block.properties.get(name, self.block.line) if name else self.block.line
        return Location(self.source, f"line {line}, {self.label}", name)


def _describe(component: icalendar.cal.Component) -> str:
    label = _KINDS[component.name]
    if component.get("SUMMARY"):
        label += f" {str(component['SUMMARY'])!r}"
    if component.get("UID"):
        label += f" (UID {component['UID']})"
    return label


def _known_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (KeyError, ValueError):
        return False
    return True


def _check_event(event: icalendar.Event, place: _Place, zone: ZoneInfo, problems: Problems) -> None:
    broken = {name for name, _ in event.errors}
    if "DTSTART" not in event:
        problems.add(place.at(), "has no DTSTART")
        return
    for name in _DATE_PROPERTIES:
        if name in broken:
            continue
        for prop in _as_list(event.get(name)):
            tzid = prop.params.get("TZID")
            values = [item.dt for item in prop.dts] if hasattr(prop, "dts") else [prop.dt]
            firsts = [value[0] if isinstance(value, tuple) else value for value in values]
            if tzid and any(isinstance(value, dt.datetime) and value.tzinfo is None for value in firsts):
                message = f"uses time zone {tzid!r}: no VTIMEZONE in the file and not a known zone"
                problems.add(place.at(name), message)
    if broken & {"DTSTART", "DTEND", "DURATION"}:
        return
    end_name = "DTEND" if "DTEND" in event else "DURATION"
    try:
        start, end = event.start, event.end
        if isinstance(start, dt.datetime) != isinstance(end, dt.datetime):
            problems.add(place.at("DTEND"), "DTSTART and DTEND must both be dates or both be date-times")
        elif _to_utc(end, zone) < _to_utc(start, zone):
            problems.add(place.at(end_name), "the event ends before it starts")
    except _LIBRARY_ERRORS as error:
        problems.add(place.at(end_name), f"cannot be read: {error}")
    for recur in _as_list(event.get("RRULE")):
        if "COUNT" in recur and "UNTIL" in recur:
            problems.add(place.at("RRULE"), "has both COUNT and UNTIL; RFC 5545 allows one or the other")


@dataclass
class _Budget:
    """Repetitions counted so far in one file: all of them, and those in the window."""

    walked: int = 0
    in_window: int = 0


def _check_repetitions(
    event: icalendar.Event, place: _Place, zone: ZoneInfo, window: Window, budget: _Budget, problems: Problems
) -> None:
    """Count an event's repetitions up to the end of the window, before anything expands them.

    The count is an upper bound: a rule whose UNTIL cannot be read is walked without it.
    """
    if "RRULE" not in event:
        return
    start, length = event.start, _to_utc(event.end, zone) - _to_utc(event.start, zone)
    if not isinstance(start, dt.datetime):
        start = dt.datetime.combine(start, dt.time())
    earliest, latest = window[0] - _MARGIN, window[1] + _MARGIN
    if start.tzinfo is None:
        earliest, latest = earliest.replace(tzinfo=None), latest.replace(tzinfo=None)
    for recur in _as_list(event.get("RRULE")):
        try:
            rule = _rule(recur, start)
        except _LIBRARY_ERRORS as error:
            problems.add(place.at("RRULE"), f"cannot be read: {error}")
            return
        for when in rule:
            if when >= latest:
                break
            budget.walked += 1
            if when - earliest > -length:  # ends after the window starts, in a way that cannot overflow
                budget.in_window += 1
            if budget.in_window > MAX_OCCURRENCES:
                message = f"repeats so often that the file has over {MAX_OCCURRENCES:,} events in the window"
                problems.add(place.at("RRULE"), message)
                return
            if budget.walked > MAX_REPETITIONS:
                message = f"repeats so often that the file passes {MAX_REPETITIONS:,} repetitions"
                problems.add(place.at("RRULE"), message)
                return


def _rule(recur: icalendar.vRecur, start: dt.datetime) -> rrule:
    try:
        return rrulestr(recur.to_ical().decode(), dtstart=start)
    except _LIBRARY_ERRORS:
        # Exporters disagree on UNTIL's form (date, local or UTC); without it the
        # rule repeats at least as often, which is all a bound needs.
        without_until = icalendar.vRecur({key: value for key, value in recur.items() if key != "UNTIL"})
        return rrulestr(without_until.to_ical().decode(), dtstart=start)
