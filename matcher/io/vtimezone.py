"""A VTIMEZONE for an IANA zone, written the way Outlook and Google write one.

``icalendar.Timezone.from_tzid`` lists irregular transitions in one comma-separated RDATE, which Outlook and
Thunderbird mis-time events with, and dates a daylight observance in the wall time after the change. Here each
observance starts at the local time before its change, a yearly change is one RRULE, and any other change is
its own sub-component.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import icalendar

_SCAN_BACK = dt.timedelta(days=366)
_DAY = dt.timedelta(days=1)
_EPOCH = dt.datetime(1970, 1, 1)
_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@dataclass(frozen=True)
class _State:
    offset: dt.timedelta
    daylight: bool
    name: str


@dataclass(frozen=True)
class _Transition:
    at: dt.datetime  # the instant, in UTC
    before: _State
    after: _State

    @property
    def local_start(self) -> dt.datetime:
        """The wall time of the change in the offset before it, as a VTIMEZONE's DTSTART."""
        return (self.at + self.before.offset).replace(tzinfo=None)


@dataclass(frozen=True)
class _Rule:
    month: int
    weekday: int
    nth: int  # 1..5, or -1 for the last of the month
    time: dt.time

    def local_start(self, year: int) -> dt.datetime:
        """This rule's change in ``year``, in the wall time before it."""
        days = calendar.monthrange(year, self.month)[1]
        if self.nth == -1:
            day = days - (dt.date(year, self.month, days).weekday() - self.weekday) % 7
        else:
            day = 1 + (self.weekday - dt.date(year, self.month, 1).weekday()) % 7 + 7 * (self.nth - 1)
        return dt.datetime.combine(dt.date(year, self.month, day), self.time)

    def rrule(self) -> dict[str, object]:
        return {"freq": "yearly", "bymonth": self.month, "byday": f"{self.nth}{_WEEKDAYS[self.weekday]}"}


def vtimezone(tzid: str, first: dt.datetime, last: dt.datetime) -> icalendar.Timezone:
    """A VTIMEZONE that gives the right UTC offset of ``tzid`` at every instant from ``first`` to ``last``.

    Both are aware datetimes. The changes are looked up from a year before ``first``, so the observance in
    effect at ``first`` is one of those written.

    >>> march, december = (dt.datetime(2026, month, 1, tzinfo=dt.UTC) for month in (3, 12))
    >>> for sub in vtimezone("Europe/Amsterdam", march, december).subcomponents:
    ...     print(sub.name, sub["DTSTART"].dt, sub["RRULE"].to_ical().decode())
    DAYLIGHT 2025-03-30 02:00:00 FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3
    STANDARD 2025-10-26 03:00:00 FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10
    """
    zone = ZoneInfo(tzid)
    start = first.astimezone(dt.UTC) - _SCAN_BACK
    end = last.astimezone(dt.UTC)
    transitions = _transitions(zone, start, end)
    timezone = icalendar.Timezone()
    timezone.add("tzid", tzid)
    if not transitions or transitions[0].at > first:
        initial = _state(zone, start)
        timezone.add_component(_observance(initial, initial, _EPOCH))
    groups: dict[tuple[_State, _State], list[_Transition]] = {}
    for transition in transitions:
        groups.setdefault((transition.before, transition.after), []).append(transition)
    observances = []
    for group in groups.values():
        rule = _yearly_rule(group)
        if rule is None:
            observances += [(t.at, _observance(t.before, t.after, t.local_start)) for t in group]
            continue
        observance = _observance(group[0].before, group[0].after, group[0].local_start)
        following = rule.local_start(group[-1].local_start.year + 1) - group[0].before.offset
        recur = rule.rrule()
        if following.replace(tzinfo=dt.UTC) <= end:
            # The zone stops following the rule inside the range, so the rule must stop too.
            recur["until"] = group[-1].at
        observance.add("rrule", recur)
        observances.append((group[0].at, observance))
    for _, observance in sorted(observances, key=lambda pair: pair[0]):
        timezone.add_component(observance)
    return timezone


def _state(zone: ZoneInfo, at: dt.datetime) -> _State:
    local = at.astimezone(zone)
    # Dublin's winter and Casablanca's Ramadan are negative daylight saving in tzdata; write them as STANDARD.
    daylight = (local.dst() or dt.timedelta(0)) > dt.timedelta(0)
    return _State(local.utcoffset() or dt.timedelta(0), daylight, local.tzname() or "")


def _transitions(zone: ZoneInfo, start: dt.datetime, end: dt.datetime) -> list[_Transition]:
    """Every change of offset, daylight saving or name in ``(start, end]``, to the minute."""
    found = []
    day, state = start, _state(zone, start)
    while day < end:
        after = _state(zone, day + _DAY)
        if after != state:
            found.append(_Transition(_first_change(zone, day, state), state, after))
        day, state = day + _DAY, after
    return found


def _first_change(zone: ZoneInfo, before: dt.datetime, state: _State) -> dt.datetime:
    """The first whole minute after ``before`` (within a day) where the zone is no longer in ``state``."""
    low, high = 0, 24 * 60  # in minutes: still in state at low, changed at high
    while high - low > 1:
        middle = (low + high) // 2
        if _state(zone, before + dt.timedelta(minutes=middle)) == state:
            low = middle
        else:
            high = middle
    return before + dt.timedelta(minutes=high)


def _yearly_rule(group: list[_Transition]) -> _Rule | None:
    """The yearly rule the changes of one group follow, one a year without gaps, or None."""
    if len(group) < 2:
        return None
    starts = [transition.local_start for transition in group]
    first = starts[0]
    week = (first.day - 1) // 7 + 1
    for nth in (-1, week) if week < 5 else (-1,):
        rule = _Rule(first.month, first.weekday(), nth, first.time())
        if all(start == rule.local_start(first.year + i) for i, start in enumerate(starts)):
            return rule
    return None


def _observance(
    before: _State, after: _State, start: dt.datetime
) -> icalendar.TimezoneStandard | icalendar.TimezoneDaylight:
    observance = icalendar.TimezoneDaylight() if after.daylight else icalendar.TimezoneStandard()
    observance.add("dtstart", start)
    observance.add("tzoffsetfrom", before.offset)
    observance.add("tzoffsetto", after.offset)
    observance.add("tzname", after.name)
    return observance
