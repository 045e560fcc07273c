"""Busy time from an uploaded iCalendar file: events, their repetitions, and VFREEBUSY blocks."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import icalendar
import recurring_ical_events
import x_wr_timezone
from dateutil.rrule import rrule, rruleset, rrulestr

from matcher.domain.availability.hours import local_interval, to_utc
from matcher.domain.intervals import Interval, Window, clip, merge, utc_window
from matcher.domain.phrases import phrase, term
from matcher.domain.problems import Grouped, InvalidInput, Location, Problem, Problems, line

MAX_FILE_BYTES = 5 * 1024 * 1024
# Limits on the work one upload can cause: repetitions of recurring events that fall in the window, and
# repetitions walked from each series' first occurrence up to the end of the window (all series together).
MAX_OCCURRENCES = 50_000
MAX_REPETITIONS = 200_000
# Components nest three deep (VCALENDAR, VEVENT, VALARM); a file nesting deeper is not a calendar export.
MAX_NESTING = 8
# Floating times and all-day events are placed in a time zone only after expanding, so the expansion
# looks a day further on both sides; the result is cut back to the window.
_MARGIN = dt.timedelta(days=1)

# RFC 5545 3.1: no control character but a tab (and the line ends); no text holds a lone surrogate.
_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_CONTENT_LINE = re.compile(r"([A-Za-z0-9-]+)[;:]")
_DATE_PROPERTIES = ("DTSTART", "DTEND", "RECURRENCE-ID", "EXDATE", "RDATE")
_KINDS = {"VEVENT": term("event"), "VFREEBUSY": term("free/busy block")}
# What icalendar, dateutil and recurring_ical_events raise on input they cannot handle.
_LIBRARY_ERRORS = (ValueError, TypeError, OverflowError)


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
    start, end = utc_window(window)
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
        problem = phrase("cannot be expanded: {error}", error=str(error))
        raise InvalidInput([Problem(Location(source), problem)]) from None
    return clip(merge(busy), start, end)


def _event_busy(calendar: icalendar.Calendar, zone: ZoneInfo, span: Window) -> list[Interval]:
    events = recurring_ical_events.of(calendar).between(*span)
    busy = []
    for event in events:
        if str(event.get("TRANSP", "")).upper() == "TRANSPARENT":
            continue
        if str(event.get("STATUS", "")).upper() == "CANCELLED":
            continue
        span_of_event = local_interval(event.start, event.end, zone)
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
            span = local_interval(start, start + end if isinstance(end, dt.timedelta) else end, zone)
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
        message = phrase(
            "is {size} bytes; calendars up to {limit} MB are accepted",
            size=Grouped(size),
            limit=MAX_FILE_BYTES // 2**20,
        )
        raise InvalidInput([Problem(Location(source), message)])
    if isinstance(data, str):
        text = data.removeprefix("\ufeff")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            number = data[: error.start].count(b"\n") + 1
            problem = Problem(Location(source, line(number)), phrase("is not UTF-8 text"))
            raise InvalidInput([problem]) from None
    forbidden = _FORBIDDEN.search(text)
    if forbidden:
        where = Location(source, line(text.count("\n", 0, forbidden.start()) + 1))
        message = phrase(
            "holds a control character (U+{code:04X}), which a calendar file may not hold; export the "
            "calendar again",
            code=ord(forbidden[0]),
        )
        raise InvalidInput([Problem(where, message)])
    return text


def _outline(text: str, source: str) -> _Outline:
    """Check the file's line structure and note where components and properties are."""
    lines = _unfold(text)
    if not lines or lines[0][1].strip().upper() != "BEGIN:VCALENDAR":
        message = phrase("is not an iCalendar file: it does not start with BEGIN:VCALENDAR")
        raise InvalidInput([Problem(Location(source, line(1)), message)])
    problems = Problems()
    stack: list[_Block] = []
    root = _Block("", 0)
    content: list[tuple[int, str, str]] = []
    for number, text in lines:
        where = Location(source, line(number))
        match = _CONTENT_LINE.match(text)
        if match is None:
            problems.add(where, phrase("is not an iCalendar content line: {text}", text=repr(text[:60])))
            continue
        name, value = match.group(1).upper(), text[match.end() :].strip().upper()
        if name == "BEGIN" and len(stack) >= MAX_NESTING:
            message = phrase(
                "BEGIN:{name} nests more than {limit} components deep; a calendar export nests three",
                name=value,
                limit=MAX_NESTING,
            )
            raise InvalidInput([Problem(where, message)])
        if name == "BEGIN":
            block = _Block(value, number)
            (stack[-1].children if stack else root.children).append(block)
            stack.append(block)
        elif name == "END":
            if stack and stack[-1].name != value:
                problems.add(
                    where,
                    phrase(
                        "END:{name} does not match BEGIN:{begun} on line {line}",
                        name=value,
                        begun=stack[-1].name,
                        line=stack[-1].line,
                    ),
                )
            elif not stack:
                problems.add(where, phrase("END:{name} has no BEGIN:{name} before it", name=value))
            if any(block.name == value for block in stack):
                while stack.pop().name != value:
                    pass
            elif stack:
                stack.pop()  # a misspelt END still closes the innermost component
        elif not stack:
            problems.add(where, phrase("lies outside BEGIN:VCALENDAR ... END:VCALENDAR"))
        else:
            stack[-1].properties.setdefault(name, number)
            content.append((number, text, stack[-1].name))
    for block in stack:
        where = Location(source, line(block.line))
        problems.add(where, phrase("BEGIN:{name} is never closed; is the file cut off?", name=block.name))
    if len(root.children) > 1:
        where = Location(source, line(root.children[1].line))
        problems.add(where, phrase("holds a second calendar; send one per file"))
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
        problem = phrase("cannot be read: {error}", error=str(error))
        raise InvalidInput([Problem(_unreadable_line(outline, source), problem)]) from None


def _unreadable_line(outline: _Outline, source: str) -> Location:
    """Find the line icalendar could not read, trying each on its own; only done once reading failed."""
    for number, text, component in outline.lines:
        try:
            icalendar.Component.from_ical(f"BEGIN:{component}\r\n{text}\r\nEND:{component}\r\n")
        except Exception:
            match = _CONTENT_LINE.match(text)
            assert match is not None, "the outline keeps only lines that are content lines"
            return Location(source, line(number), match.group(1).upper())
    return Location(source)


def _check(calendar: icalendar.Calendar, root: _Block, source: str, zone: ZoneInfo, window: Window) -> None:
    """Report every unreadable date, unknown time zone and absurd repetition at once."""
    problems = Problems()
    x_wr = calendar.get("X-WR-TIMEZONE")
    if x_wr is not None and not _known_zone(str(x_wr)):
        where = Location(source, line(root.properties["X-WR-TIMEZONE"]), "X-WR-TIMEZONE")
        problems.add(where, phrase("names an unknown time zone {zone}", zone=repr(str(x_wr))))
    components = calendar.subcomponents
    in_step = [block.name for block in root.children] == [component.name for component in components]
    budget = _Budget()
    for index, component in enumerate(components):
        kind = _KINDS.get(component.name or "")
        if kind is None:
            continue
        place = _Place(source, root.children[index] if in_step else None, _describe(component, kind))
        for name, message in component.errors:
            problems.add(place.at(name), phrase("cannot be read: {error}", error=str(message)))
        if isinstance(component, icalendar.Event):  # what icalendar makes of every VEVENT
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
        number = self.block.properties.get(name, self.block.line) if name else self.block.line
        return Location(
            self.source, phrase("line {line}, {component}", line=number, component=self.label), name
        )


def _describe(component: icalendar.cal.Component, kind: str) -> str:
    """``event 'Standup' (UID 17@example.org)``: the kind, with the summary and UID the file gives."""
    summary = repr(str(component["SUMMARY"])) if component.get("SUMMARY") else None
    uid = str(component["UID"]) if component.get("UID") else None
    if summary and uid:
        return phrase("{kind} {summary} (UID {uid})", kind=kind, summary=summary, uid=uid)
    if summary:
        return phrase("{kind} {summary}", kind=kind, summary=summary)
    if uid:
        return phrase("{kind} (UID {uid})", kind=kind, uid=uid)
    return kind


def _known_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (KeyError, ValueError):
        return False
    return True


def _check_event(event: icalendar.Event, place: _Place, zone: ZoneInfo, problems: Problems) -> None:
    broken = {name for name, _ in event.errors}
    if "DTSTART" not in event:
        problems.add(place.at(), phrase("has no DTSTART"))
        return
    for name in _DATE_PROPERTIES:
        if name in broken:
            continue
        for prop in _as_list(event.get(name)):
            tzid = prop.params.get("TZID")
            values = [item.dt for item in prop.dts] if hasattr(prop, "dts") else [prop.dt]
            firsts = [value[0] if isinstance(value, tuple) else value for value in values]
            if tzid and any(isinstance(value, dt.datetime) and value.tzinfo is None for value in firsts):
                message = phrase(
                    "uses time zone {zone}: no VTIMEZONE in the file and not a known zone",
                    zone=repr(str(tzid)),
                )
                problems.add(place.at(name), message)
    if broken & {"DTSTART", "DTEND", "DURATION"}:
        return
    end_name = "DTEND" if "DTEND" in event else "DURATION"
    try:
        start, end = event.start, event.end
        if isinstance(start, dt.datetime) != isinstance(end, dt.datetime):
            problems.add(
                place.at("DTEND"), phrase("DTSTART and DTEND must both be dates or both be date-times")
            )
        elif to_utc(end, zone) < to_utc(start, zone):
            problems.add(place.at(end_name), phrase("the event ends before it starts"))
    except _LIBRARY_ERRORS as error:
        problems.add(place.at(end_name), phrase("cannot be read: {error}", error=str(error)))
    for recur in _as_list(event.get("RRULE")):
        if "COUNT" in recur and "UNTIL" in recur:
            problems.add(
                place.at("RRULE"), phrase("has both COUNT and UNTIL; RFC 5545 allows one or the other")
            )


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
    start, length = event.start, to_utc(event.end, zone) - to_utc(event.start, zone)
    if not isinstance(start, dt.datetime):
        start = dt.datetime.combine(start, dt.time())
    earliest, latest = window[0] - _MARGIN, window[1] + _MARGIN
    if start.tzinfo is None:
        earliest, latest = earliest.replace(tzinfo=None), latest.replace(tzinfo=None)
    for recur in _as_list(event.get("RRULE")):
        try:
            rule = _rule(recur, start)
        except _LIBRARY_ERRORS as error:
            problems.add(place.at("RRULE"), phrase("cannot be read: {error}", error=str(error)))
            return
        for when in rule:
            if when >= latest:
                break
            budget.walked += 1
            if when - earliest > -length:  # ends after the window starts, in a way that cannot overflow
                budget.in_window += 1
            if budget.in_window > MAX_OCCURRENCES:
                message = phrase(
                    "repeats so often that the file has over {limit} events in the window",
                    limit=Grouped(MAX_OCCURRENCES),
                )
                problems.add(place.at("RRULE"), message)
                return
            if budget.walked > MAX_REPETITIONS:
                message = phrase(
                    "repeats so often that the file passes {limit} repetitions",
                    limit=Grouped(MAX_REPETITIONS),
                )
                problems.add(place.at("RRULE"), message)
                return


def _rule(recur: icalendar.vRecur, start: dt.datetime) -> rrule | rruleset:
    try:
        return rrulestr(recur.to_ical().decode(), dtstart=start)
    except _LIBRARY_ERRORS:
        # Exporters disagree on UNTIL's form (date, local or UTC); without it the
        # rule repeats at least as often, which is all a bound needs.
        without_until = icalendar.vRecur({key: value for key, value in recur.items() if key != "UNTIL"})
        return rrulestr(without_until.to_ical().decode(), dtstart=start)
