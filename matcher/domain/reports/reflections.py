"""What reflections say per value level, counted per quarter."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from matcher.domain.reflections import VALUE_LEVELS


@dataclass(frozen=True)
class ReflectionFact:
    """One reflection without its person or story text: which levels, whether a story was told, when."""

    levels: tuple[str, ...]
    has_story: bool
    day: dt.date


@dataclass(frozen=True)
class ValueCounts:
    key: str
    reflections: int = 0
    stories: int = 0
    #: Reflections that reached each value level, in the order of :data:`VALUE_LEVELS`.
    levels: tuple[int, ...] = (0,) * len(VALUE_LEVELS)


def quarter(day: dt.date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def value_counts(key: str, facts: Iterable[ReflectionFact]) -> ValueCounts:
    """How many reflections, how many with a story, and how many reached each value level."""
    facts = list(facts)
    reached = Counter(level for f in facts for level in set(f.levels))
    return ValueCounts(
        key,
        reflections=len(facts),
        stories=sum(1 for f in facts if f.has_story),
        levels=tuple(reached[level] for level in VALUE_LEVELS),
    )


def reflections_per_quarter(facts: Iterable[ReflectionFact]) -> list[ValueCounts]:
    """The value check the guide suggests each quarter: counts per quarter of the session day,
    the latest quarter first."""
    by_quarter: dict[str, list[ReflectionFact]] = defaultdict(list)
    for f in facts:
        by_quarter[quarter(f.day)].append(f)
    return [value_counts(key, by_quarter[key]) for key in sorted(by_quarter, reverse=True)]
