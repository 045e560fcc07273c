"""Meeting times for published rounds: the first meeting of every pair or group (or a series), when
all its members are free, and moving a planned meeting to another time."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from matcher import storage
from matcher.domain.availability import Agenda, Interval
from matcher.domain.model import Person
from matcher.domain.notice import Notice
from matcher.domain.phrases import counted, phrase
from matcher.domain.schedule import PLANNED, ScheduledEvent
from matcher.engines import meetings
from matcher.plans.kinds import directed
from matcher.plans.rounds import PUBLISHED, RoundError
from matcher.services.rounds import no_round
from matcher.services.scheduling import days_window, notice_agenda
from matcher.storage import Database
from matcher.storage import rounds as round_storage
from matcher.storage import schedule as store


def plan_round_meetings(
    db: Database,
    round_name: str,
    config: meetings.MeetingConfig,
    *,
    now: dt.datetime,
    save: bool,
    notice: Notice | None = None,
) -> meetings.MeetingPlan:
    """The first meeting (or a series) of every pair or group of a published round, when all its
    members are free after the notice period; ``save`` stores them.

    Planning again after the round changed keeps each meeting time at which all its people (also
    someone swapped in) are still free; only the rest is planned anew, so invites go out for
    what changed and nothing else.
    """
    with db.transaction() as session:
        stored = round_storage.load_round(session, round_name)
        if stored is None:
            raise RoundError(no_round(round_name))
        if stored.status != PUBLISHED:
            raise RoundError(
                phrase(
                    "round '{name}' is not published yet; publish it before planning meetings",
                    name=round_name,
                )
            )
        org = storage.load_organisation(session)
        busy = store.agenda(session, org, days_window(config.first_day, config.last_day), besides=round_name)
        before = {e.key: e for e in store.events(session, kind="meeting", source=round_name)}
    # A kept meeting must lie after the notice period too: it is only kept when everyone is free then.
    busy = notice_agenda(busy, now=now, notice=notice)
    config = _from_notice(config, busy)
    people = {p.id: p for p in org.people}
    gone = sorted({m for _, unit in stored.units() for m in unit.members if m not in people})
    if gone:
        raise RoundError(
            phrase(
                "round '{name}' names people who are no longer in the organisation: {people:list}",
                name=round_name,
                people=gone,
            )
        )
    units = [(str(position), unit.members) for position, unit in stored.units()]
    kept = {
        unit_id: dataclasses.replace(before[_unit_key(unit_id)], members=tuple(members))
        for unit_id, members in units
        if _unit_key(unit_id) in before
        and _still_fits(before[_unit_key(unit_id)], members, people, busy, config)
    }
    busy = busy.adding(_booked(kept.values()))
    planned = meetings.plan_meetings([u for u in units if u[0] not in kept], people, busy, config)
    by_unit = {m.unit_id: m for m in planned.meetings} | {u: _kept_meeting(u, e) for u, e in kept.items()}
    found = meetings.MeetingPlan(
        tuple(by_unit[unit_id] for unit_id, _ in units if unit_id in by_unit),
        planned.unplaced,
        bound=planned.bound + len(kept),
    )
    if save:
        kind = "group" if stored.is_group_round else "pair"
        events = [
            ScheduledEvent(
                kind="meeting",
                source=round_name,
                key=_unit_key(meeting.unit_id),
                title=phrase(
                    "{round}: {names:list}", round=round_name, names=[people[m].name for m in meeting.members]
                ),
                start=meeting.start,
                end=meeting.end,
                timezone=meeting.timezone,
                members=tuple(meeting.members),
                roles=_roles(stored.mode, meeting.members),
                details={"unit": meeting.unit_id, "kind": kind, "reasons": list(meeting.reasons)},
                rrule=meeting.rrule,
                occurrences=tuple(meeting.occurrences) if meeting.rrule else (),
            )
            for meeting in found.meetings
        ]
        with db.transaction() as session:
            store.reconcile_events(session, round_name, "meeting", events, now=now)
    return found


def _from_notice(config: meetings.MeetingConfig, busy: Agenda) -> meetings.MeetingConfig:
    """The first meetings are searched from the first day after the notice period when the round's
    first day lies before it, so that the notice does not eat into the days searched."""
    cutoff = busy.not_before
    if cutoff is None or not config.first_day < cutoff.day <= config.last_day:
        return config
    return dataclasses.replace(config, first_day=cutoff.day)


def _unit_key(unit_id: str) -> str:
    return f"unit {unit_id}"


def _still_fits(
    event: ScheduledEvent,
    members: tuple[str, ...],
    people: dict[str, Person],
    busy: Agenda,
    config: meetings.MeetingConfig,
) -> bool:
    """The planned time can stay: the same kind of series and length inside the dates, and every
    member (someone swapped in too) free then, in their working hours."""
    if (event.rrule is None) != (config.every_weeks is None):
        return False
    if event.end - event.start != dt.timedelta(minutes=config.minutes):
        return False
    zone = ZoneInfo(event.timezone)
    times = event.times()
    first, last = times[0].start.astimezone(zone).date(), times[-1].start.astimezone(zone).date()
    if not config.first_day <= first < config.first_day + dt.timedelta(days=config.search_days):
        return False
    if last > config.last_day:
        return False
    return all(_free_then(people[m], busy, times) for m in members)


def _free_then(person: Person, busy: Agenda, times: list) -> bool:
    free = busy.free(person, (times[0].start, times[-1].end))
    return all(any(f.start <= t.start and t.end <= f.end for f in free) for t in times)


def _booked(events: Iterable[ScheduledEvent]) -> dict[str, list[Interval]]:
    """Person id -> the times these events take."""
    found: dict[str, list[Interval]] = {}
    for event in events:
        for member in event.members:
            found.setdefault(member, []).extend(event.times())
    return found


def _kept_meeting(unit_id: str, event: ScheduledEvent) -> meetings.Meeting:
    return meetings.Meeting(
        unit_id=unit_id,
        members=event.members,
        start=event.start,
        end=event.end,
        timezone=event.timezone,
        occurrences=event.occurrences or ((event.start, event.end),),
        clashes=(),
        rrule=event.rrule,
        reasons=tuple(event.details.get("reasons", ())),
    )


def _roles(mode: str, members: tuple[str, ...]) -> dict[str, str]:
    if directed(mode) and len(members) == 2:
        return {members[0]: "mentor", members[1]: "mentee"}
    return {m: "member" for m in members}


def move_event(
    db: Database, event_id: int, start: dt.datetime, *, now: dt.datetime, notice: Notice | None = None
) -> ScheduledEvent:
    """Move a planned event (a series: all of it, keeping its weekday rhythm and last day) to
    ``start``, when that is after the notice period and everyone in it is free then. Its sequence
    goes one up, so the invites update."""
    with db.transaction() as session:
        event = store.event(session, event_id)
        if event is None or event.status != PLANNED:
            raise RoundError(phrase("there is no planned event {event}", event=str(event_id)))
        zone = ZoneInfo(event.timezone)
        start = (start if start.tzinfo else start.replace(tzinfo=zone)).astimezone(dt.UTC)
        length = event.end - event.start
        every, until = _series(event)
        last_day = until.astimezone(zone).date() if until else start.astimezone(zone).date()
        starts = meetings.occurrence_starts(start, event.timezone, every, last_day)
        if not starts:
            raise RoundError(
                phrase(
                    "{start:%Y-%m-%d %H:%M} UTC is after the series' last day {last}",
                    start=start,
                    last=last_day,
                )
            )
        times = [(s, s + length) for s in starts]
        cutoff = (Notice.from_env() if notice is None else notice).cutoff(now, store.holidays(session))
        if starts[0] < cutoff.moment:
            raise RoundError(
                phrase("event {event} was not moved: {why}", event=str(event_id), why=cutoff.reason())
            )
        org = storage.load_organisation(session)
        people = {p.id: p for p in org.people}
        window = (times[0][0] - dt.timedelta(days=1), times[-1][1] + dt.timedelta(days=1))
        busy = store.agenda(session, org, window, besides=event.source)
        busy = busy.adding(_booked(e for e in store.events(session, source=event.source) if e.id != event.id))
        intervals = [Interval(s, e) for s, e in times]
        busy_people = [m for m in event.members if m in people and not _free_then(people[m], busy, intervals)]
        if busy_people:
            raise RoundError(
                counted(
                    len(busy_people),
                    "event {event} was not moved: {names:list} is not free then "
                    "(busy or outside working hours)",
                    "event {event} was not moved: {names:list} are not free then "
                    "(busy or outside working hours)",
                    event=str(event_id),
                    names=[people[m].name for m in busy_people],
                )
            )
        rrule = f"FREQ=WEEKLY;INTERVAL={every};UNTIL={starts[-1]:%Y%m%dT%H%M%SZ}" if every else None
        return store.move_event(session, event_id, start, tuple(times) if every else (), rrule, now=now)


def _series(event: ScheduledEvent) -> tuple[int | None, dt.datetime | None]:
    """INTERVAL and UNTIL of a weekly series, or (None, None) for one meeting."""
    if not event.rrule:
        return None, None
    parts = dict(part.split("=", 1) for part in event.rrule.split(";"))
    until = dt.datetime.strptime(parts["UNTIL"], "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)
    return int(parts.get("INTERVAL", "1")), until
