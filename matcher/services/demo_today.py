"""What the demo organisation holds around the day the demo is started, so that every page has
something real to show on that day.

The organisation file (``data/demo/organisation.json``) describes Gemeente Wadloo as it was on
:data:`REFERENCE_DAY`. On the day the demo starts:

* every start and leaving date moves forward by the whole weeks since then, so that newcomers are
  new and the planned departures still lie ahead (:func:`moved_forward`);
* the Dutch public holidays of this year and the next are the organisation's holidays;
* a team has uploaded its calendars: busy time before the day and in the coming weeks
  (:mod:`matcher.io.sample_calendar`);
* a reverse mentoring round was proposed and published some weeks ago, and its pairs meet every
  other week: their sessions so far took place, the next ones are coming up;
* some colleagues reflected on the sessions they had, so that the reflection report has counts;
* some of the team asked to shadow a colleague in the coming weeks, for HR to plan;
* most colleagues answered the learning climate questions this quarter and the two before, so that
  the report per team has a trend (the demo employee's answer for this quarter waits for whoever tries
  the demo).

Everything follows from the day and :data:`SEED`: the same day builds the same demo.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from zoneinfo import ZoneInfo

from matcher.domain.model import Level, Organisation, Person
from matcher.domain.notice import Notice
from matcher.domain.schedule import ScheduledEvent
from matcher.domain.surveys import CLIMATE_ITEMS, SCALE, Quarter
from matcher.engines.meetings import MeetingConfig
from matcher.engines.pairing.config import PairingConfig
from matcher.io.sample_calendar import sample_calendar
from matcher.services import meeting_times, reflections, rounds, scheduling, surveys
from matcher.storage import Database
from matcher.storage import reflections as reflection_storage
from matcher.storage import schedule as schedule_storage

#: The day ``data/make_demo.py`` wrote the organisation for.
REFERENCE_DAY = dt.date(2026, 11, 2)
SEED = 2026
#: Who logs in to the demo: an HR adviser, a team leader and someone in her team.
ACCOUNTS = (("E00138", "hr"), ("E00123", "manager"), ("E00125", "employee"))
#: The past round: its kind, how many weeks before the day it started, how often its pairs meet
#: (every this many weeks) and until how many weeks after the day.
ROUND_MODE, ROUND_WEEKS_AGO, MEET_EVERY_WEEKS, ROUND_WEEKS_AHEAD = "reverse", 9, 2, 9
#: How many of the team ask to shadow a colleague, waiting for HR to plan them.
SHADOW_ASKERS = 4
#: Of the sessions that took place, about this share got a reflection from each participant.
REFLECTING = 0.45
#: What people wrote after a session (their own words; stories stay with them, reports count levels).
STORIES = (
    "",
    "",
    "We hebben samen een lastige beschikking doorgelopen. Ik weet nu waar ik op moet letten.",
    "Mooi om te zien hoe het andere team werkt. Volgende keer neem ik een eigen casus mee.",
    "Vooral veel vragen gesteld. Het overzicht van het zaaksysteem helpt me al.",
    "De tip over vooroverleg heb ik de week erna meteen gebruikt bij een aanvraag.",
    "Ik had niet verwacht dat ik zelf ook zoveel zou kunnen uitleggen.",
    "Kort gesprek, maar het bracht me op een ander idee voor ons werkproces.",
)
#: How likely each value level is to be chosen, in the order of the scale.
LEVEL_WEIGHTS = (0.8, 0.6, 0.35, 0.15, 0.08)
#: Of each team, about this share answered the learning climate questions in each quarter.
ANSWERING = 0.8
#: The quarters answered: this one and the ones before it.
CLIMATE_QUARTERS = 3


def weeks_moved(day: dt.date) -> int:
    """Whole weeks from :data:`REFERENCE_DAY` to ``day`` (negative before it)."""
    return (day - REFERENCE_DAY).days // 7


def moved_forward(org: Organisation, weeks: int) -> Organisation:
    """The organisation with every start and leaving date ``weeks`` later (weekdays stay)."""
    shift = dt.timedelta(weeks=weeks)

    def moved(person: Person) -> Person:
        return replace(
            person,
            start_date=person.start_date + shift if person.start_date else None,
            leaving_date=person.leaving_date + shift if person.leaving_date else None,
        )

    return replace(org, people=tuple(moved(p) for p in org.people))


def dutch_holidays(years: Iterable[int]) -> dict[dt.date, str]:
    """The public holidays of the Netherlands in these years, by their Dutch names."""
    import holidays

    found = holidays.country_holidays("NL", years=sorted(years), language="nl")
    return {day: str(name) for day, name in sorted(found.items())}


def calendar_people(org: Organisation) -> list[Person]:
    """Whose calendars the demo holds: the team leader of the demo accounts and her team, and the
    HR adviser."""
    manager = next(person_id for person_id, role in ACCOUNTS if role == "manager")
    ids = {person_id for person_id, _ in ACCOUNTS} | {p.id for p in org.people if p.manager_id == manager}
    return [p for p in org.people if p.id in ids]


def write_calendars(people: Iterable[Person], folder: Path, day: dt.date) -> dict[str, Path]:
    """Each person's sample calendar around ``day`` as a file in ``folder``: person id -> file."""
    folder.mkdir(parents=True, exist_ok=True)
    written = {}
    for person in people:
        path = folder / f"agenda-{person.id}.ics"
        path.write_bytes(sample_calendar(person, day, seed=SEED))
        written[person.id] = path
    return written


def bring_to_life(db: Database, org: Organisation, calendars: Mapping[str, Path], *, now: dt.datetime) -> str:
    """Holidays, uploaded calendars, a published past round with its meetings, and reflections on
    the sessions held, around ``now``. Says the past round's name."""
    with db.transaction() as session:
        for day, name in dutch_holidays((now.year, now.year + 1)).items():
            schedule_storage.set_holiday(session, day, name)
    uploaded = now - dt.timedelta(weeks=ROUND_WEEKS_AGO + 1)
    for person_id, path in calendars.items():
        scheduling.import_calendar(db, person_id, path, now=uploaded)
    name = past_round(db, now=now)
    reflect(db, name, now=now)
    ask_to_shadow(db, org, now=now)
    answer_climate(db, org, now=now)
    return name


def answer_climate(db: Database, org: Organisation, *, now: dt.datetime) -> int:
    """Learning climate answers of about :data:`ANSWERING` of each team in each of the last
    :data:`CLIMATE_QUARTERS` quarters: each team has its own level, a little better each quarter,
    and each person answers around it. Says how many answered."""
    chooser = random.Random(f"{SEED}:climate:{now.date().isoformat()}")
    employee = next(person_id for person_id, role in ACCOUNTS if role == "employee")
    quarters = [Quarter.of(now.date())]
    while len(quarters) < CLIMATE_QUARTERS:
        quarters.insert(0, quarters[0].previous())
    team_level = {team: chooser.uniform(2.6, 3.8) for team in sorted({p.team for p in org.people if p.team})}
    answered = 0
    for step, quarter in enumerate(quarters):
        day = min(now.date(), quarter.first_day + dt.timedelta(days=20))
        at = min(now, dt.datetime.combine(day, dt.time(10), tzinfo=dt.UTC))
        for person in sorted(org.people, key=lambda p: p.id):
            this_quarter = step == len(quarters) - 1
            if not person.team or chooser.random() >= ANSWERING or (this_quarter and person.id == employee):
                continue
            level = team_level[person.team] + 0.2 * step
            scores = {item: str(_score(level + chooser.gauss(0, 0.8))) for item in CLIMATE_ITEMS}
            surveys.save_climate(db, person.id, scores, today=day, now=at)
            answered += 1
    return answered


def _score(value: float) -> int:
    return min(SCALE[-1], max(SCALE[0], round(value)))


def ask_to_shadow(db: Database, org: Organisation, *, now: dt.datetime) -> int:
    """Open shadow requests, for HR to plan, from the team leader's team: each colleague whose most
    wanted skill someone hosts asks to shadow on it in the coming weeks. Says how many asked."""
    hosts = {p.id for p in org.people if p.is_host}
    hosted: dict[str, set[str]] = {}
    for holding in org.holdings:
        if holding.person_id in hosts and holding.level >= Level.PROFICIENT:
            hosted.setdefault(holding.skill_id, set()).add(holding.person_id)
    askers = []
    for person in calendar_people(org):
        wishes = sorted(
            (w for w in org.wishes if w.person_id == person.id), key=lambda w: (-w.priority, w.skill_id)
        )
        wanted = next((w.skill_id for w in wishes if hosted.get(w.skill_id, set()) - {person.id}), None)
        if wanted is not None and person.manager_id:
            askers.append((person.id, wanted))
    for number, (person_id, skill_id) in enumerate(askers[:SHADOW_ASKERS]):
        scheduling.add_shadow_request(
            db,
            guest_id=person_id,
            skill=skill_id,
            host_id=None,
            length=("hour", "half-day")[number % 2],
            first_day=now.date() + dt.timedelta(days=7),
            last_day=now.date() + dt.timedelta(weeks=5),
            now=now - dt.timedelta(days=number + 1),
        )
    return len(askers[:SHADOW_ASKERS])


def past_round(db: Database, *, now: dt.datetime) -> str:
    """Propose and publish a round some weeks before ``now``, and plan its pairs' meetings every
    other week from then until some weeks after ``now``. Says its name."""
    started = (now - dt.timedelta(weeks=ROUND_WEEKS_AGO)).astimezone(ZoneInfo("Europe/Amsterdam"))
    start_day = started.date() - dt.timedelta(days=started.weekday())
    moment = dt.datetime.combine(start_day, dt.time(9), dt.UTC)
    name = f"{start_day.year}-Q{(start_day.month - 1) // 3 + 1} {ROUND_MODE}"
    config = PairingConfig(mode=ROUND_MODE, seed=SEED)
    rounds.propose_round(db, round_name=name, config=config, today=start_day, now=moment, save=True)
    rounds.publish_round(db, name, today=start_day, now=moment + dt.timedelta(hours=2))
    meeting_times.plan_round_meetings(
        db,
        name,
        MeetingConfig(
            first_day=start_day + dt.timedelta(days=7),
            last_day=now.date() + dt.timedelta(weeks=ROUND_WEEKS_AHEAD),
            every_weeks=MEET_EVERY_WEEKS,
            search_days=10,
        ),
        now=moment + dt.timedelta(hours=3),
        save=True,
        notice=Notice(),
    )
    return name


def reflect(db: Database, round_name: str, *, now: dt.datetime) -> int:
    """Reflections by the round's people on sessions that took place: about :data:`REFLECTING` of
    them, and every session but the latest of the demo employee (that one waits for whoever tries
    the demo). Says how many were written."""
    chooser = random.Random(f"{SEED}:{now.date().isoformat()}")
    employee = next(person_id for person_id, role in ACCOUNTS if role == "employee")
    written = 0
    with db.transaction() as session:
        events = schedule_storage.events(session, kind="meeting", source=round_name)
        for event in sorted(events, key=lambda e: e.id or 0):
            assert event.id is not None, "a stored event has its id"
            held = _held(event, now)
            for member in event.members:
                for number, (day, end) in enumerate(held):
                    # The employee's latest session waits for whoever tries the demo.
                    skipped = (
                        number == len(held) - 1 if member == employee else chooser.random() >= REFLECTING
                    )
                    if skipped:
                        continue
                    levels = _levels(chooser)
                    story = chooser.choice(STORIES)
                    written_at = min(now, end + dt.timedelta(hours=chooser.randint(1, 30)))
                    reflection_storage.save(session, member, event.id, day, levels, story, now=written_at)
                    written += 1
    return written


def _levels(chooser: random.Random) -> tuple[str, ...]:
    """Some value levels, the lower ones more often (at least the first)."""
    chosen = tuple(
        level
        for level, weight in zip(reflections.VALUE_LEVELS, LEVEL_WEIGHTS, strict=True)
        if chooser.random() < weight
    )
    return chosen or reflections.VALUE_LEVELS[:1]


def _held(event: ScheduledEvent, now: dt.datetime) -> list[tuple[dt.date, dt.datetime]]:
    """The sessions of the event that ended before ``now``: their day (in the event's time zone)
    and end, the earliest first."""
    zone = ZoneInfo(event.timezone)
    return [(time.start.astimezone(zone).date(), time.end) for time in event.times() if time.end <= now]
