"""Free and busy time test helpers: the sample calendars, times in a zone by zoneinfo alone, and small
calendars around event bodies."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

from matcher.domain.availability import Interval, read_busy

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
