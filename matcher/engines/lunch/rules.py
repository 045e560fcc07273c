"""Every rule of a lunch & learn plan, as :func:`validate` lists what a set of sessions breaks."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from itertools import pairwise
from zoneinfo import ZoneInfo

from matcher.domain.availability import Agenda
from matcher.domain.intervals import Interval
from matcher.domain.model import Person
from matcher.domain.phrases import phrase, term
from matcher.engines.lunch.problem import LunchProblem, LunchSession, _not_a_presenter, at_lunch
from matcher.engines.results import Violation


def validate(problem: LunchProblem, sessions: Iterable[LunchSession]) -> list[Violation]:
    """Every rule a set of sessions breaks; an empty list means the plan may be published.

    Each session: a topic with enough demand, an eligible presenter, inside the
    horizon and the presenter's lunch window on the grid, the presenter free for
    all of it, and an audience of interested colleagues who are free then.
    Together: one session per topic, at most one a day and none overlapping,
    at most ``per_week`` per ISO week, and no presenter over the limit.
    Free time is computed afresh from the agenda, not from the planner's cache.
    """
    sessions = list(sessions)
    found: list[Violation] = []
    for session in sessions:
        found.extend(_session_violations(problem, session))
    found.extend(_together(problem, sessions))
    return found


AUDIENCE, DOUBLE_BOOKED = term("audience"), term("double booked")


def _session_violations(problem: LunchProblem, session: LunchSession) -> list[Violation]:
    config, who = problem.config, (session.presenter_id,)
    topic = problem.topic(session.skill_id)
    if topic is None:
        message = phrase(
            "{id} is not a topic enough colleagues want to learn", id=_topic_name(problem, session.skill_id)
        )
        return [Violation(term("topic"), who, message)]
    reason = _not_a_presenter(problem.tmap, problem.loads, config, session.presenter_id, session.skill_id)
    if reason:
        return [Violation(term("eligible presenter"), who, reason)]
    found = []
    presenter = problem.person(session.presenter_id)
    zone = ZoneInfo(presenter.timezone)
    local_start, local_end = session.start.astimezone(zone), session.end.astimezone(zone)
    start_minute = local_start.hour * 60 + local_start.minute
    if not config.first_day <= local_start.date() <= config.last_day:
        message = phrase(
            "{skill} on {day} lies outside the horizon", skill=topic.name, day=local_start.date()
        )
        found.append(Violation(term("horizon"), who, message))
    on_grid = (start_minute - config.lunch.start) % config.grid_minutes == 0 and local_start.second == 0
    in_window = (
        local_start.date() == local_end.date()
        and config.lunch.start <= start_minute
        and local_end.hour * 60 + local_end.minute <= config.lunch.end
        and local_end.second == 0
    )
    if session.end - session.start != dt.timedelta(minutes=config.minutes) or not in_window or not on_grid:
        found.append(
            Violation(
                term("lunch window"),
                who,
                phrase(
                    "{skill} at {start}–{end} {timezone} is not a {minutes}-minute session on the "
                    "{grid}-minute grid of lunch {lunch}",
                    skill=topic.name,
                    start=f"{local_start:%H:%M}",
                    end=f"{local_end:%H:%M}",
                    timezone=presenter.timezone,
                    minutes=config.minutes,
                    grid=config.grid_minutes,
                    lunch=str(config.lunch),
                ),
            )
        )
    if not _free_for(problem.agenda, presenter, session.start, session.end):
        message = phrase(
            "{name} is not free at {day} {time}",
            name=presenter.name,
            day=local_start.date(),
            time=f"{local_start:%H:%M}",
        )
        found.append(Violation(term("presenter free"), who, message))
    interested = {pid for pid, _ in topic.wishers}
    for pid in session.audience:
        person = problem.tmap.person(pid)
        if pid not in interested or person is None:
            message = phrase("{name} did not ask to learn {skill}", name=problem.name(pid), skill=topic.name)
            found.append(Violation(AUDIENCE, (pid,), message))
        elif not _free_for(problem.agenda, person, session.start, session.end):
            message = phrase("{name} is not free for {skill} then", name=person.name, skill=topic.name)
            found.append(Violation(AUDIENCE, (pid,), message))
    return found


def _together(problem: LunchProblem, sessions: list[LunchSession]) -> list[Violation]:
    config = problem.config
    found = []
    for skill_id, n in sorted(Counter(s.skill_id for s in sessions).items()):
        if n > 1:
            message = phrase("{id} has {n} sessions", id=_topic_name(problem, skill_id), n=n)
            found.append(Violation(term("one session per topic"), (), message))
    days: Counter[dt.date] = Counter()
    weeks: Counter[tuple[int, int]] = Counter()
    for session in sessions:
        presenter = problem.tmap.person(session.presenter_id)
        zone = ZoneInfo(presenter.timezone if presenter else session.timezone)
        day = session.start.astimezone(zone).date()
        days[day] += 1
        weeks[day.isocalendar()[:2]] += 1
    for day, n in sorted(days.items()):
        if n > 1:
            message = phrase("{n} sessions on {day}; one a day at most", n=n, day=day)
            found.append(Violation(DOUBLE_BOOKED, (), message))
    ordered = sorted(sessions, key=lambda s: s.start)
    for before, after in pairwise(ordered):
        if after.start < before.end:
            found.append(
                Violation(
                    DOUBLE_BOOKED,
                    (before.presenter_id, after.presenter_id),
                    phrase(
                        "{first} and {second} overlap at {day} {time} UTC",
                        first=_topic_name(problem, before.skill_id),
                        second=_topic_name(problem, after.skill_id),
                        day=after.start.astimezone(dt.UTC).date(),
                        time=f"{after.start.astimezone(dt.UTC):%H:%M}",
                    ),
                )
            )
    for (year, week), n in sorted(weeks.items()):
        if n > config.per_week:
            message = phrase(
                "{n} sessions in week {week} of {year}; at most {most}",
                n=n,
                week=week,
                year=str(year),
                most=config.per_week,
            )
            found.append(Violation(term("per week"), (), message))
    presenting = Counter(s.presenter_id for s in sessions)
    for pid, n in sorted(presenting.items()):
        if n > config.max_sessions_per_presenter:
            found.append(
                Violation(
                    term("presenter limit"),
                    (pid,),
                    phrase(
                        "{name} presents {n} times; at most {most}",
                        name=problem.name(pid),
                        n=n,
                        most=config.max_sessions_per_presenter,
                    ),
                )
            )
    return found


def _topic_name(problem: LunchProblem, skill_id: str) -> str:
    topic = problem.topic(skill_id)
    skill = problem.tmap.skill(skill_id)
    return topic.name if topic else skill.name if skill else skill_id


def _free_for(agenda: Agenda, person: Person, start: dt.datetime, end: dt.datetime) -> bool:
    return agenda.free(at_lunch(person), (start, end)) == [Interval(start, end)]
