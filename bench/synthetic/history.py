"""Earlier rounds: mentor, buddy and exchange pairs and think tanks in the quarters before today."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

from matcher.domain.model import HistoryEntry, Person


def _past_quarters(today: dt.date, count: int) -> list[tuple[str, dt.date, dt.date]]:
    """The ``count`` calendar quarters that ended before ``today``, newest first."""
    quarters = []
    year, quarter = today.year, (today.month - 1) // 3 + 1
    for _ in range(count):
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
        start = dt.date(year, 3 * quarter - 2, 1)
        end = dt.date(year + quarter // 4, 3 * quarter % 12 + 1, 1) - dt.timedelta(days=1)
        quarters.append((f"{year}-Q{quarter}", start, end))
    return quarters


def past_rounds(persons: list[Person], rng: random.Random, today: dt.date) -> tuple[HistoryEntry, ...]:
    if len(persons) < 2:
        return ()
    q0, q1, q2, q3 = _past_quarters(today, 4)
    entries: list[HistoryEntry] = []
    for quarter in (q3, q1):
        entries += _mentor_round(persons, rng, quarter)
    for quarter in (q2, q0):
        entries += _buddy_round(persons, rng, quarter)
    entries += _exchange_round(persons, rng, q1)
    entries += _think_tanks(persons, rng, q2)
    return tuple(entries)


def _there(person: Person, day: dt.date) -> bool:
    return person.start_date is not None and person.start_date <= day and not person.intern


def _mentor_round(persons: list[Person], rng: random.Random, quarter: tuple) -> list[HistoryEntry]:
    label, start, end = quarter
    mentors = [p for p in persons if _there(p, start) and (p.is_mentor or p.years_experience >= 12)]
    mentees = [p for p in persons if _there(p, start) and p.years_experience <= 6]
    count = min(len(mentors), len(mentees), max(1, round(len(persons) * 0.03)))
    pairs = zip(rng.sample(mentors, count), rng.sample(mentees, count), strict=True)
    return [HistoryEntry(f"{label} mentor", "mentor", (a.id, b.id), start, end) for a, b in pairs if a != b]


def _buddy_round(persons: list[Person], rng: random.Random, quarter: tuple) -> list[HistoryEntry]:
    label, start, end = quarter
    fresh = [p for p in persons if p.start_date and start - dt.timedelta(days=90) <= p.start_date <= end]
    fresh = rng.sample(fresh, min(len(fresh), max(1, round(len(persons) * 0.04))))
    by_department: dict[str, list[Person]] = defaultdict(list)
    for p in persons:
        if _there(p, start - dt.timedelta(days=730)):
            by_department[p.department].append(p)
    entries = []
    for newcomer in fresh:
        buddies = by_department.get(newcomer.department)
        if buddies:
            buddy = rng.choice(buddies)
            began = max(start, newcomer.start_date or start)
            entries.append(HistoryEntry(f"{label} buddy", "buddy", (buddy.id, newcomer.id), began, end))
    return entries


def _exchange_round(persons: list[Person], rng: random.Random, quarter: tuple) -> list[HistoryEntry]:
    label, start, end = quarter
    present = [p for p in persons if _there(p, start)]
    rng.shuffle(present)
    entries: list[HistoryEntry] = []
    wanted = max(1, round(len(persons) * 0.015))
    for a, b in zip(present[::2], present[1::2], strict=False):
        if len(entries) < wanted and a.department != b.department:
            entries.append(HistoryEntry(f"{label} exchange", "exchange", (a.id, b.id), start, end))
    return entries


def _think_tanks(persons: list[Person], rng: random.Random, quarter: tuple) -> list[HistoryEntry]:
    """Groups of four to six, each member from a different function."""
    label, start, end = quarter
    pool = [p for p in persons if _there(p, start)]
    rng.shuffle(pool)
    candidates = iter(pool)
    entries = []
    for _ in range(max(1, round(len(persons) / 80))):
        size = rng.randint(4, 6)
        group: list[Person] = []
        for person in candidates:
            if all(person.function != member.function for member in group):
                group.append(person)
            if len(group) == size:
                break
        if len(group) < 4:
            break
        members = tuple(p.id for p in group)
        entries.append(HistoryEntry(f"{label} think-tank", "think-tank", members, start, end))
    return entries
