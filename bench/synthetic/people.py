"""People from their drafts: names, languages, time zones, working hours, traits and capacities."""

from __future__ import annotations

import datetime as dt
import math
import random
from functools import cache
from itertools import accumulate

from bench.synthetic.blueprint import Blueprint
from bench.synthetic.names import Names
from bench.synthetic.structure import NEWCOMER_DAYS, Draft
from bench.vocabulary import BACKGROUNDS
from matcher.domain.model import Person, WorkingHours
from matcher.io.fields import parse_working_hours

_HOURS: tuple[tuple[str, float, bool], ...] = (  # text, weight, full time
    ("mon-fri 09:00-17:00", 32, True),
    ("mon-fri 08:30-17:00", 15, True),
    ("mon-fri 08:00-16:30", 8, True),
    ("mon-fri 09:00-12:30,13:00-17:30", 8, True),
    ("mon-thu 09:00-17:00", 12, False),
    ("mon-thu 08:30-12:00,12:30-17:00; fri 08:30-12:30", 5, False),
    ("mon-tue 09:00-17:00; thu-fri 09:00-17:00", 6, False),
    ("mon-wed 08:30-17:00", 4, False),
    ("mon-fri 09:00-15:00", 5, False),
    ("tue-sat 09:00-17:00", 3, True),
    ("mon-thu 09:00-17:00; sat 10:00-14:00", 2, False),
)


@cache
def _hour_patterns(full_time_only: bool) -> tuple[tuple[WorkingHours, ...], tuple[float, ...]]:
    chosen = [
        (parse_working_hours(text), weight) for text, weight, full in _HOURS if full or not full_time_only
    ]
    return tuple(h for h, _ in chosen if h), tuple(accumulate(w for _, w in chosen))


_ABROAD = ("Europe/London", "America/New_York", "Asia/Kolkata")


def _languages(rng: random.Random, timezone: str, background: str) -> tuple[str, ...]:
    if timezone in _ABROAD:
        return ("en",) if rng.random() < 0.6 else ("en", "nl")
    if timezone == "Europe/Brussels":
        return rng.choice((("nl", "fr"), ("nl", "fr", "en"), ("nl", "en")))
    draw = rng.random()
    if draw < 0.66:
        return ("nl",)
    if draw < 0.88:
        return ("nl", "en")
    if draw < 0.91:
        return ("en",)
    third = BACKGROUNDS[background].language
    return ("nl", "en", third if third not in ("nl", "en") else "de")


def persons_from(
    drafts: list[Draft], blueprint: Blueprint, rng: random.Random, today: dt.date
) -> list[Person]:
    shares = blueprint.shares
    width = max(5, len(str(len(drafts))))
    ids = [f"E{i + 1:0{width}d}" for i in range(len(drafts))]
    candidates = [i for i, d in enumerate(drafts) if not d.intern and d.days >= NEWCOMER_DAYS and d.manager]
    leavers = set(rng.sample(candidates, min(len(candidates), round(shares.leaver * len(drafts)))))
    names = Names(rng, blueprint.domain)
    zones, zone_weights = zip(*blueprint.timezones, strict=True)
    zone_cum = list(accumulate(zone_weights))
    persons = []
    for i, draft in enumerate(drafts):
        plan = draft.plan
        timezone = plan.timezone if plan and plan.timezone else rng.choices(zones, cum_weights=zone_cum)[0]
        background = names.background()
        if plan and plan.background and rng.random() < 0.8:
            background = plan.background
        elif timezone == "Europe/Brussels" and rng.random() < 0.7:
            background = "flemish"
        name, email = names.make(background)
        tenure = draft.days / 365.25
        prior = (
            rng.choice((0.0, 0.0, 0.5, 1.0))
            if draft.intern
            else (0.0 if rng.random() < 0.3 else rng.gammavariate(1.3, 4.0))
        )
        experience = min(45.0, math.ceil((tenure + prior) * 2) / 2)
        newcomer = draft.days < NEWCOMER_DAYS
        hours, hours_cum = _hour_patterns(draft.role != "member")
        mentor = not draft.intern and not newcomer and experience >= 8 and rng.random() < shares.mentor
        host = not draft.intern and rng.random() < shares.host
        persons.append(
            Person(
                id=ids[i],
                name=name,
                email=email,
                department=draft.department,
                function=draft.function,
                site=draft.site,
                team=draft.team,
                manager_id=None if draft.manager is None else ids[draft.manager],
                start_date=today - dt.timedelta(days=draft.days),
                years_experience=experience,
                languages=_languages(rng, timezone, background),
                timezone=timezone,
                working_hours=rng.choices(hours, cum_weights=hours_cum)[0],
                leaving_date=today + dt.timedelta(days=rng.randint(14, 364)) if i in leavers else None,
                intern=draft.intern,
                newcomer=newcomer,
                ask_me=rng.random() < shares.ask_me,
                mentor_capacity=rng.choice((1, 1, 1, 2, 2, 3)) if mentor else 0,
                host_capacity=rng.randint(1, 4) if host else 0,
            )
        )
    return persons
