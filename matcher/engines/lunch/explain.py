"""Why a wanted topic has no session, in words for the people who asked for it."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from matcher.domain.phrases import clauses, counted, phrase
from matcher.domain.wording import listing
from matcher.engines.lunch.config import LunchConfig
from matcher.engines.lunch.problem import LunchProblem, Topic

if TYPE_CHECKING:
    from matcher.engines.lunch.solver import _Option


def _no_slot_reason(problem: LunchProblem, topic: Topic) -> str:
    found = counted(
        len(topic.presenters),
        "{names:list} (presenter) has no free lunch slot in {weeks}",
        "{names:list} (presenters) have no free lunch slot in {weeks}",
        names=[problem.name(pid) for pid in topic.presenters],
        weeks=_weeks_phrase(problem.config.days()),
    )
    # The horizon's first day starts no earlier than the day before it in UTC, in any time zone.
    first = dt.datetime.combine(problem.config.first_day, dt.time(), dt.UTC) - dt.timedelta(days=1)
    notice = problem.agenda.notice_cuts(first)
    return clauses([found, notice]) if notice else found


def _full_reason(config: LunchConfig, limit: int) -> str:
    if config.max_topics is not None and limit == config.max_topics:
        return counted(
            limit,
            "the plan holds at most {n} topic, all taken by more-wanted topics",
            "the plan holds at most {n} topics, all taken by more-wanted topics",
        )
    weeks = len({day.isocalendar()[:2] for day in config.days()})
    return phrase(
        "the horizon holds only {sessions} ({per_week} a week over {weeks}), all taken by more-wanted topics",
        sessions=counted(limit, "{n} session", "{n} sessions"),
        per_week=config.per_week,
        weeks=counted(weeks, "{n} week", "{n} weeks"),
    )


def _squeezed_reason(
    problem: LunchProblem, n: int, options: list[_Option], placed: Mapping[int, _Option]
) -> str:
    topic, config = problem.topics[n], problem.config
    presenting = Counter(o.presenter for o in placed.values())
    names = [problem.name(pid) for pid in topic.presenters]
    if all(presenting[pid] >= config.max_sessions_per_presenter for pid in topic.presenters):
        return counted(
            len(names),
            "{names:list} already presents {sessions}, the most allowed",
            "{names:list} already present {sessions}, the most allowed",
            names=names,
            sessions=counted(config.max_sessions_per_presenter, "{n} session", "{n} sessions"),
        )
    return counted(
        len(names),
        "every lunch slot in which {names:list} can present ({weeks}) is taken by more-wanted topics",
        "every lunch slot in which {names:list} can each present ({weeks}) is taken by more-wanted topics",
        names=names,
        weeks=_weeks_phrase(o.day for o in options),
    )


def _weeks_phrase(days: Iterable[dt.date]) -> str:
    """ISO weeks in words: "weeks 19–20 of 2026", or "week 52 of 2026 and week 1 of 2027" across a new
    year."""
    weeks = sorted({day.isocalendar()[:2] for day in days})
    years = {year for year, _ in weeks}
    if len(years) > 1:
        return listing(phrase("week {number} of {year}", number=week, year=str(year)) for year, week in weeks)
    numbers = _ranges(
        [week for _, week in weeks]
    )  # outside the call: the extractor skips a call holding a loop
    return counted(
        len(weeks),
        "week {numbers} of {year}",
        "weeks {numbers} of {year}",
        numbers=numbers,
        year=str(weeks[0][0]),
    )


def _ranges(numbers: list[int]) -> str:
    """Week numbers in short: 19, 20, 21, 23 -> "19–21, 23"."""
    parts: list[list[int]] = []
    for number in numbers:
        if parts and number == parts[-1][-1] + 1:
            parts[-1].append(number)
        else:
            parts.append([number])
    return ", ".join(str(p[0]) if len(p) == 1 else f"{p[0]}–{p[-1]}" for p in parts)
