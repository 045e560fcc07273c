"""Parsing and formatting of single field values, shared by every importer.

Each parser takes what a person typed (or a spreadsheet stored) and returns a
domain value, or raises ``ValueError`` with a message a person understands: a
:func:`~matcher.domain.phrases.phrase`, so that it can be said in the reader's language
(:func:`reason` gets it back from the error).
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import zoneinfo
from collections.abc import Sequence
from functools import cache

from matcher.domain.model import (
    MAX_PRIORITY,
    MIN_PRIORITY,
    WEEKDAYS,
    Level,
    RelatedSkill,
    TimeRange,
    WorkingHours,
)
from matcher.domain.phrases import AsWritten, Message, phrase, term
from matcher.domain.problems import Grouped, number
from matcher.io.limits import MAX_CELL, MAX_ID, MAX_TEXT

LEVEL_WORDS: dict[str, Level] = {
    "none": Level.NONE,
    "geen": Level.NONE,
    "aware": Level.AWARE,
    "bekend": Level.AWARE,
    "working": Level.WORKING,
    "werkend": Level.WORKING,
    "proficient": Level.PROFICIENT,
    "vaardig": Level.PROFICIENT,
    "expert": Level.EXPERT,
}

# The skills matrix's person columns. No skill id may be one of them (or hold a list separator), so that
# every skill of every organisation fits a column of the matrix.
PERSON_COLUMNS: tuple[str, ...] = (
    "id", "name", "email", "department", "function", "site", "team", "manager", "start_date",
    "years_experience", "languages", "timezone", "working_hours", "leaving_date", "intern", "newcomer",
    "ask_me", "mentor_capacity", "host_capacity", "presenter",
)  # fmt: skip
SKILL_ID_SEPARATORS = ",;|:"

# Line breaks as Python's str.splitlines() knows them (Excel's Alt+Enter is a line feed), and the other
# control characters (C0, DEL and C1); a tab counts as a control character in a one-line text.
_LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_ODD = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")

_TRUE = {"1", "true", "yes", "y", "ja", "j", "x", "waar"}
_FALSE = {"0", "false", "no", "n", "nee", "onwaar", ""}

_DAY_ALIASES: dict[str, str] = {
    **{d: d for d in WEEKDAYS},
    "monday": "mon",
    "tuesday": "tue",
    "wednesday": "wed",
    "thursday": "thu",
    "friday": "fri",
    "saturday": "sat",
    "sunday": "sun",
    "ma": "mon",
    "di": "tue",
    "wo": "wed",
    "do": "thu",
    "vr": "fri",
    "za": "sat",
    "zo": "sun",
}
# The weekday codes as a sentence names them.
_DAY_WORDS: dict[str, str] = {
    "mon": term("mon"),
    "tue": term("tue"),
    "wed": term("wed"),
    "thu": term("thu"),
    "fri": term("fri"),
    "sat": term("sat"),
    "sun": term("sun"),
}
_RANGE = re.compile(r"^(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$")
_LIST_SPLIT = re.compile(r"\s*[,;|]\s*")


def reason(error: Exception) -> str:
    """What a parser's ``ValueError`` says, as the message it was raised with; the text of an
    error from elsewhere is kept as written."""
    said = error.args[0] if len(error.args) == 1 else None
    return said if isinstance(said, Message) else AsWritten(str(error))


def blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def parse_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def check_cell(text: str) -> str:
    """``text`` when a file's cell may hold it: at most :data:`MAX_CELL` characters and nothing
    that no text can hold (:func:`check_storable`); else ValueError saying what is wrong and where."""
    if len(text) > MAX_CELL:
        raise ValueError(
            phrase(
                "is {length} characters long; no value in a file may be longer than {limit} ('{start}...')",
                length=Grouped(len(text)),
                limit=Grouped(MAX_CELL),
                start=text[:20],
            )
        )
    return check_storable(text)


def check_storable(text: str) -> str:
    """``text`` when it holds no NUL character and no lone surrogate, which no database keeps."""
    nul = text.find("\x00")
    if nul >= 0:
        raise ValueError(
            phrase(
                "holds a NUL character (a zero byte) at character {position}; remove it",
                position=nul + 1,
            )
        )
    surrogate = _SURROGATE.search(text)
    if surrogate:
        raise ValueError(
            phrase(
                "holds half a character (a lone surrogate, U+{code:04X}) at character {position}; "
                "type the text again",
                code=ord(surrogate[0]),
                position=surrogate.start() + 1,
            )
        )
    return text


def check_line(text: str, limit: int = MAX_TEXT) -> str:
    """``text`` when it is one line of at most ``limit`` characters without control characters;
    else ValueError saying what is wrong and where.

    >>> check_line("Zoë Çelik")
    'Zoë Çelik'
    """
    check_storable(text)
    odd = _ODD.search(text)
    if odd and odd[0] in _LINE_BREAKS:
        raise ValueError(
            phrase(
                "holds a line break at character {position} ('{before}'); write it on one line "
                "(in Excel a line break in a cell is typed with Alt+Enter)",
                position=odd.start() + 1,
                before=text[max(0, odd.start() - 20) : odd.start()],
            )
        )
    if odd:
        raise ValueError(
            phrase(
                "holds a control character (U+{code:04X}) at character {position}; remove it",
                code=ord(odd[0]),
                position=odd.start() + 1,
            )
        )
    if len(text) > limit:
        raise ValueError(_too_long(text, limit))
    return text


def _too_long(text: str, limit: int) -> str:
    return phrase(
        "is {length} characters long; at most {limit} fit here ('{start}...')",
        length=Grouped(len(text)),
        limit=Grouped(limit),
        start=text[:20],
    )


def parse_line(value: object, limit: int = MAX_TEXT) -> str:
    """A cell that holds one line of text: :func:`parse_text`, then :func:`check_line`."""
    return check_line(parse_text(value), limit)


def parse_skill_id(value: object) -> str:
    text = check_line(parse_text(value), MAX_ID)
    if not text:
        raise ValueError(phrase("the skill id is empty"))
    if any(separator in text for separator in SKILL_ID_SEPARATORS):
        raise ValueError(
            phrase(
                "'{text}' cannot be a skill id: it holds one of {separators}",
                text=text,
                separators=" ".join(SKILL_ID_SEPARATORS),
            )
        )
    if text.lower() in PERSON_COLUMNS:
        raise ValueError(
            phrase(
                "'{text}' cannot be a skill id: it is the name of a person column in the matrix", text=text
            )
        )
    return text


def parse_date(value: object) -> dt.date | None:
    """ISO dates (2024-03-01) and day-first dates (1-3-2024, 01/03/2024)."""
    if blank(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    match = re.fullmatch(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})", text)
    if match:
        day, month, year = (int(g) for g in match.groups())
        try:
            return dt.date(year, month, day)
        except ValueError as exc:
            raise ValueError(
                phrase("'{text}' is not a date that exists ({error})", text=text, error=str(exc))
            ) from None
    raise ValueError(
        phrase("'{text}' is not a date; write it as YYYY-MM-DD, for example 2024-03-01", text=text)
    )


def parse_bool(value: object, default: bool = False) -> bool:
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text == "":
        return default
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(
        phrase("'{value}' is not yes or no; use yes/no, ja/nee, true/false or 1/0", value=str(value))
    )


def parse_count(value: object, *, maximum: int = 1000) -> int:
    """A whole number from 0 up to ``maximum``; empty means 0."""
    if blank(value):
        return 0
    if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
        raise ValueError(phrase("'{value}' is not a whole number", value=str(value)))
    if isinstance(value, float):
        value = int(value)
    try:
        number = int(str(value).strip())
    except ValueError:
        raise ValueError(phrase("'{value}' is not a whole number", value=str(value))) from None
    if not 0 <= number <= maximum:
        raise ValueError(phrase("{number} is outside 0 to {maximum}", number=number, maximum=maximum))
    return number


def parse_years(value: object) -> float:
    """Years of experience in the field: 0 to 60, a decimal comma is fine."""
    if blank(value):
        return 0.0
    if isinstance(value, bool):
        raise ValueError(phrase("'{value}' is not a number of years", value=str(value)))
    try:
        years = float(str(value).strip().replace(",", "."))
    except ValueError:
        raise ValueError(phrase("'{value}' is not a number of years", value=str(value))) from None
    if not 0 <= years <= 60:
        raise ValueError(phrase("{years} years is outside 0 to 60", years=number(years)))
    return years


def parse_level(value: object) -> Level | None:
    """A level 0-4 or its word (expert, proficient/vaardig, ...); empty is no holding."""
    if blank(value):
        return None
    if isinstance(value, bool):
        raise ValueError(phrase("'{value}' is not a level", value=str(value)))
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip().lower()
    if text in LEVEL_WORDS:
        return LEVEL_WORDS[text]
    try:
        number = int(text)
    except ValueError:
        raise ValueError(
            phrase(
                "'{value}' is not a level; "
                "use 0 (none), 1 (aware), 2 (working), 3 (proficient) or 4 (expert)",
                value=str(value),
            )
        ) from None
    if not Level.NONE <= number <= Level.EXPERT:
        raise ValueError(phrase("level {level} is outside the scale 0 (none) to 4 (expert)", level=number))
    return Level(number)


def parse_priority(value: object) -> int | None:
    """A learning wish priority 1 (nice to have) to 3 (needed now); empty is no wish."""
    if blank(value):
        return None
    if isinstance(value, bool):
        raise ValueError(phrase("'{value}' is not a priority", value=str(value)))
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    try:
        number = int(str(value).strip())
    except ValueError:
        raise ValueError(
            phrase(
                "'{value}' is not a priority; use {lowest}, 2 or {highest}",
                value=str(value),
                lowest=MIN_PRIORITY,
                highest=MAX_PRIORITY,
            )
        ) from None
    if not MIN_PRIORITY <= number <= MAX_PRIORITY:
        raise ValueError(
            phrase(
                "priority {priority} is outside {lowest} to {highest}",
                priority=number,
                lowest=MIN_PRIORITY,
                highest=MAX_PRIORITY,
            )
        )
    return number


@cache
def known_timezones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def parse_timezone(value: object, default: str = "Europe/Amsterdam") -> str:
    if blank(value):
        return default
    name = str(value).strip()
    if name not in known_timezones():
        raise ValueError(
            phrase("'{name}' is not a known time zone; use an IANA name such as Europe/Amsterdam", name=name)
        )
    return name


def parse_list(value: object) -> tuple[str, ...]:
    """Items separated by commas, semicolons or bars, in their given order, without repeats."""
    if blank(value):
        return ()
    if isinstance(value, list | tuple):
        items = [parse_text(v) for v in value]
    else:
        items = _LIST_SPLIT.split(str(value).strip())
    return tuple(dict.fromkeys(item for item in items if item))


def parse_languages(value: object) -> tuple[str, ...]:
    languages = tuple(code.lower() for code in parse_list(value))
    for code in languages:
        if not re.fullmatch(r"[a-z]{2,3}(-[a-z0-9]{2,8})?", code):
            raise ValueError(
                phrase("'{code}' is not a language code; use codes such as nl, en, fr", code=code)
            )
    return languages


def parse_related(value: object) -> tuple[RelatedSkill, ...]:
    """``other-skill:0.8; another`` (strength 0 < s <= 1, default 0.5)."""
    related = []
    for item in parse_list(value):
        skill_id, _, strength_text = item.partition(":")
        strength = 0.5
        if strength_text:
            try:
                strength = float(strength_text.replace(",", "."))
            except ValueError:
                raise ValueError(
                    phrase(
                        "'{item}': strength '{strength}' is not a number", item=item, strength=strength_text
                    )
                ) from None
        related.append(_related(skill_id.strip(), strength))
    return tuple(related)


def _related(skill_id: str, strength: float) -> RelatedSkill:
    if not skill_id:
        raise ValueError(phrase("a related skill needs a skill id"))
    if not 0 < strength <= 1:
        raise ValueError(
            phrase(
                "strength {strength} for '{skill}' is outside 0 to 1 (0 excluded)",
                strength=number(strength),
                skill=skill_id,
            )
        )
    return RelatedSkill(skill_id, strength)


def format_related(related: tuple[RelatedSkill, ...]) -> str:
    return "; ".join(f"{r.skill_id}:{r.strength:g}" for r in related)


def _time(hour: str, minute: str, text: str) -> int:
    h, m = int(hour), int(minute)
    if m >= 60 or h > 24 or (h == 24 and m):
        raise ValueError(phrase("'{text}' is not a time of day", text=text))
    return h * 60 + m


def parse_time_range(text: str) -> TimeRange:
    match = _RANGE.match(text.strip())
    if not match:
        raise ValueError(phrase("'{text}' is not a time range; write it as 09:00-17:00", text=text))
    start = _time(match[1], match[2], text)
    end = _time(match[3], match[4], text)
    if end <= start:
        raise ValueError(phrase("'{text}' ends before it starts", text=text))
    return TimeRange(start, end)


def _days(spec: str) -> list[str]:
    days: list[str] = []
    for part in spec.split(","):
        part = part.strip().lower()
        first, dash, last = part.partition("-")
        if first not in _DAY_ALIASES or (dash and last not in _DAY_ALIASES):
            raise ValueError(
                phrase("'{part}' is not a weekday or a span of weekdays such as mon-fri", part=part)
            )
        a = WEEKDAYS.index(_DAY_ALIASES[first])
        b = WEEKDAYS.index(_DAY_ALIASES[last]) if dash else a
        if b < a:
            raise ValueError(
                phrase("'{part}' runs backwards; write the span from the first day, as in mon-fri", part=part)
            )
        days.extend(WEEKDAYS[a : b + 1])
    return days


def _assemble(mapping: dict[str, list[TimeRange]]) -> WorkingHours:
    for day, ranges in mapping.items():
        ranges.sort()
        for earlier, later in itertools.pairwise(ranges):
            if later.start < earlier.end:
                raise ValueError(
                    phrase(
                        "on {day}, {earlier} and {later} overlap",
                        day=_DAY_WORDS.get(day, day),
                        earlier=str(earlier),
                        later=str(later),
                    )
                )
    return WorkingHours.from_mapping(mapping)


def parse_working_hours(value: object) -> WorkingHours | None:
    """Working hours as text (``mon-thu 08:30-17:00; fri 08:30-12:30``) or as a
    mapping of weekday to ranges (``{"mon": ["09:00-12:00", "13:00-17:00"]}``).
    Empty means the default office hours."""
    if blank(value):
        return None
    mapping: dict[str, list[TimeRange]] = {}
    if isinstance(value, dict):
        for day, ranges in value.items():
            key = _DAY_ALIASES.get(str(day).lower())
            if key is None:
                raise ValueError(phrase("'{day}' is not a weekday", day=str(day)))
            if isinstance(ranges, str):
                ranges = [ranges]
            mapping.setdefault(key, []).extend(parse_time_range(str(r)) for r in ranges)
        return _assemble(mapping)
    for group in str(value).split(";"):
        group = group.strip()
        if not group:
            continue
        spec, _, times = group.partition(" ")
        if not times.strip():
            raise ValueError(phrase("'{group}' needs days and times, as in mon-fri 09:00-17:00", group=group))
        ranges = [parse_time_range(t) for t in times.split(",") if t.strip()]
        for day in _days(spec):
            mapping.setdefault(day, []).extend(ranges)
    if not mapping:
        raise ValueError(phrase("'{value}' holds no working hours", value=str(value)))
    return _assemble(mapping)


def format_working_hours(
    hours: WorkingHours, *, days: Sequence[str] = WEEKDAYS, dash: str = "-", between: str = ","
) -> str:
    """The compact text form; consecutive days with the same hours share a span. ``days`` names
    the weekdays from Monday (the reader's words on a page), ``dash`` joins a span and ``between``
    the ranges of a day."""
    groups: list[tuple[list[str], tuple[TimeRange, ...]]] = []
    for day, ranges in hours.days:
        if (
            groups
            and groups[-1][1] == ranges
            and WEEKDAYS.index(groups[-1][0][-1]) + 1 == WEEKDAYS.index(day)
        ):
            groups[-1][0].append(day)
        else:
            groups.append(([day], ranges))
    parts = []
    for span, ranges in groups:
        first, last = days[WEEKDAYS.index(span[0])], days[WEEKDAYS.index(span[-1])]
        spec = first if len(span) == 1 else f"{first}{dash}{last}"
        parts.append(f"{spec} {between.join(str(r).replace('-', dash) for r in ranges)}")
    return "; ".join(parts)
