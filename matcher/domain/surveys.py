"""The learning loop's questionnaires: the quarterly value check and the learning climate (leerklimaat),
and how their answers become reports that show counts only.

The value check asks, once a quarter, which of Wenger-Trayner's five value levels learning with
colleagues reached during the quarter before (DOMAIN.md). The learning climate questionnaire follows
the conditions for informal learning of the Rijksoverheid guide ("Conditie voor informeel leren
verbeteren"): seven statements, each answered on a scale from 1 (not at all) to 5 (very much).

Reports group answers (per programme, department, tenure band or team) and per quarter, and show a
group only when at least ``min_group`` people answered in it: a smaller group is a
:class:`Suppressed` cell, so that nobody's answers can be read from a count.

>>> cells = value_report([_answer("a", "IV"), _answer("b", "IV")], by="department", min_group=2)
>>> cells["IV"]["2026-Q4"].levels["applied"]
2
>>> value_report([_answer("a", "IV")], by="department", min_group=2)["IV"]["2026-Q4"]
Suppressed(answers=1)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from matcher.domain.reflections import VALUE_LEVELS

#: The learning climate statements, by key, in the guide's order (the words are in ``web.surveys``).
CLIMATE_ITEMS: tuple[str, ...] = (
    "changes",
    "challenge",
    "own-work",
    "contacts",
    "feedback",
    "support",
    "reward",
)
#: The answers on the learning climate scale: 1 not at all ... 5 very much.
SCALE: tuple[int, ...] = (1, 2, 3, 4, 5)
#: Fewer answers than this in a group and the group is not shown.
MIN_GROUP = 5
#: How value checks can be grouped in a report.
VALUE_GROUPINGS: tuple[str, ...] = ("programme", "department", "tenure")


@dataclass(frozen=True)
class Quarter:
    """A calendar quarter: ``Quarter(2026, 4)`` is October to December 2026.

    >>> Quarter.of(dt.date(2027, 1, 1)).previous().key
    '2026-Q4'
    >>> Quarter.parse("2026-Q4") == Quarter(2026, 4)
    True
    """

    year: int
    number: int

    @classmethod
    def of(cls, day: dt.date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @classmethod
    def parse(cls, key: str) -> Quarter | None:
        """The quarter named ``2026-Q4``; None for anything else."""
        year, _sep, number = key.partition("-Q")
        if not (year.isdigit() and len(year) == 4 and number in ("1", "2", "3", "4")):
            return None
        return cls(int(year), int(number))

    @property
    def key(self) -> str:
        return f"{self.year}-Q{self.number}"

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, 3 * self.number - 2, 1)

    @property
    def last_day(self) -> dt.date:
        return self.next().first_day - dt.timedelta(days=1)

    def next(self) -> Quarter:
        return Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)

    def previous(self) -> Quarter:
        return Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)


@dataclass(frozen=True)
class ValueCheck:
    """One person's value check on one quarter. ``department``, ``team``, ``tenure`` and
    ``programmes`` are as they were when it was answered, so a later move does not rewrite a trend."""

    person_id: str
    quarter: str
    levels: tuple[str, ...]
    story: str
    department: str
    team: str
    tenure: str
    programmes: tuple[str, ...]
    answered: dt.datetime | None


@dataclass(frozen=True)
class ClimateAnswer:
    """One person's learning climate answers in one quarter: a score from 1 to 5 per statement."""

    person_id: str
    quarter: str
    scores: Mapping[str, int]
    department: str
    team: str
    answered: dt.datetime


@dataclass(frozen=True)
class Suppressed:
    """A group with fewer answers than the minimum: nothing of it is shown but that it is small."""

    answers: int


@dataclass(frozen=True)
class ValueCell:
    """A group's value checks in one quarter: how many answered, and how many reached each level."""

    answers: int
    levels: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class ClimateCell:
    """A team's learning climate in one quarter: how many answered, and the mean score per statement."""

    answers: int
    means: dict[str, float] = field(default_factory=dict)


def _groups(answer: ValueCheck, by: str) -> tuple[str, ...]:
    if by == "programme":
        return answer.programmes
    if by == "department":
        return (answer.department,)
    if by == "tenure":
        return (answer.tenure,)
    raise ValueError(f"'{by}' is not a grouping; use one of {', '.join(VALUE_GROUPINGS)}")


def value_report(
    answers: Iterable[ValueCheck], *, by: str, min_group: int = MIN_GROUP
) -> dict[str, dict[str, ValueCell | Suppressed]]:
    """``{group: {quarter: cell}}`` of the value checks that were answered. Someone in two
    programmes counts in both; a group with fewer than ``min_group`` answers is
    :class:`Suppressed`."""
    found: dict[str, dict[str, list[ValueCheck]]] = {}
    for answer in answers:
        if answer.answered is None:
            continue
        for group in _groups(answer, by):
            found.setdefault(group, {}).setdefault(answer.quarter, []).append(answer)
    return {
        group: {
            quarter: _value_cell(in_quarter, min_group) for quarter, in_quarter in sorted(quarters.items())
        }
        for group, quarters in sorted(found.items(), key=lambda item: item[0].casefold())
    }


def _value_cell(answers: list[ValueCheck], min_group: int) -> ValueCell | Suppressed:
    if len(answers) < min_group:
        return Suppressed(len(answers))
    levels = dict.fromkeys(VALUE_LEVELS, 0)
    for answer in answers:
        for level in answer.levels:
            if level in levels:
                levels[level] += 1
    return ValueCell(len(answers), levels)


def climate_report(
    answers: Iterable[ClimateAnswer], *, min_group: int = MIN_GROUP
) -> dict[str, dict[str, ClimateCell | Suppressed]]:
    """``{team: {quarter: cell}}``: the mean score per statement, for teams where at least
    ``min_group`` people answered that quarter; smaller ones :class:`Suppressed`."""
    found: dict[str, dict[str, list[ClimateAnswer]]] = {}
    for answer in answers:
        found.setdefault(answer.team, {}).setdefault(answer.quarter, []).append(answer)
    return {
        team: {
            quarter: _climate_cell(in_quarter, min_group) for quarter, in_quarter in sorted(quarters.items())
        }
        for team, quarters in sorted(found.items(), key=lambda item: item[0].casefold())
    }


def _climate_cell(answers: list[ClimateAnswer], min_group: int) -> ClimateCell | Suppressed:
    if len(answers) < min_group:
        return Suppressed(len(answers))
    means = {}
    for item in CLIMATE_ITEMS:
        scores = [a.scores[item] for a in answers if item in a.scores]
        if scores:
            means[item] = round(sum(scores) / len(scores), 1)
    return ClimateCell(len(answers), means)


def _answer(person_id: str, department: str) -> ValueCheck:
    """A value check for the examples above."""
    return ValueCheck(
        person_id, "2026-Q4", ("applied",), "", department, "", "1-5", ("mentor",), dt.datetime(2027, 1, 2)
    )
