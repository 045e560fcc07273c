"""Use cases for time, one function each: calendars and holidays, shadow requests and their
slots, lunch & learn sessions, and meeting times for published rounds.

Like :mod:`matcher.services.organisation`: the CLI and the web app call these; every change is one
transaction, and bad input raises :class:`~matcher.domain.problems.InvalidInput` before anything
is written.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path
from typing import Any

from matcher import storage
from matcher.domain.availability import MAX_FILE_BYTES, Agenda, Window, read_busy
from matcher.domain.model import Organisation
from matcher.domain.notice import Notice
from matcher.domain.phrases import phrase
from matcher.domain.problems import InvalidInput, Location, Problem, Problems
from matcher.domain.schedule import CANCELLED, OPEN, PLANNED, ScheduledEvent, StoredRequest
from matcher.domain.talentmap import TalentMap, UnknownSkill
from matcher.engines import lunch, shadowing
from matcher.plans.rounds import said_by
from matcher.services import shadow_answers
from matcher.storage import Database, admin
from matcher.storage import schedule as store
from matcher.storage import time_plans as time_plan_storage

#: An uploaded calendar is checked, and its busy time counted, over this stretch after the upload.
CHECK_AHEAD = dt.timedelta(days=366)


def _bad(where: Location, message: str) -> InvalidInput:
    return InvalidInput([Problem(where, message)])


def _no_person(person_id: str) -> str:
    return phrase("there is no person with id '{person}'", person=person_id)


# -- calendars and holidays --------------------------------------------------------------------------


def import_calendar(db: Database, person_id: str, path: Path, *, now: dt.datetime) -> int:
    """Store a person's calendar export (.ics) as their busy time; returns the busy stretches found
    in the coming year. A file that cannot be read changes nothing and says where it is wrong."""
    if not path.is_file():
        raise _bad(Location(path.name), phrase("the file does not exist"))
    if path.stat().st_size > MAX_FILE_BYTES:
        raise _bad(
            Location(path.name),
            phrase("the file is larger than {mib} MiB", mib=MAX_FILE_BYTES // (1024 * 1024)),
        )
    data = path.read_bytes()
    with db.transaction() as session:
        person = storage.load_person(session, person_id)
        if person is None:
            raise _bad(Location(path.name, None, "person"), _no_person(person_id))
        busy = read_busy(data, source=path.name, timezone=person.timezone, window=(now, now + CHECK_AHEAD))
        text = data.decode("utf-8-sig", errors="replace")
        store.store_upload(session, person_id, path.name, text, len(busy), now=now)
    return len(busy)


def holidays(db: Database) -> dict[dt.date, str]:
    with db.transaction() as session:
        return store.holidays(session)


def set_holiday(db: Database, day: dt.date, name: str = "") -> None:
    with db.transaction() as session:
        store.set_holiday(session, day, name.strip())


def remove_holiday(db: Database, day: dt.date) -> bool:
    with db.transaction() as session:
        return store.remove_holiday(session, day)


def notice_agenda(agenda: Agenda, *, now: dt.datetime, notice: Notice | None = None) -> Agenda:
    """The agenda with nobody free before now plus the notice period: what every plan is made from.
    ``notice`` None reads the organisation's (``MEELOOP_NOTICE_DAYS``, ``MEELOOP_TIMEZONE``)."""
    notice = Notice.from_env() if notice is None else notice
    return agenda.after_notice(notice.cutoff(now, agenda.holidays))


def first_plan_day(db: Database, *, now: dt.datetime, notice: Notice | None = None) -> dt.date:
    """The first day a plan made now may place anything on: the first working day after the notice
    period (the default first day of every plan)."""
    notice = Notice.from_env() if notice is None else notice
    return notice.first_day(now, frozenset(holidays(db)))


def agenda(db: Database, window: Window) -> Agenda:
    """Everyone's busy time in the window, with the organisation's holidays."""
    with db.transaction() as session:
        return store.agenda(session, storage.load_organisation(session), window)


# -- shadow requests -------------------------------------------------------------------------------------

#: Lengths people ask for, in minutes.
LENGTHS = shadowing.LENGTHS


def add_shadow_request(
    db: Database,
    *,
    guest_id: str,
    skill: str | None,
    host_id: str | None,
    length: str,
    first_day: dt.date,
    last_day: dt.date,
    now: dt.datetime,
    talent: TalentMap | None = None,
) -> StoredRequest:
    """An employee asks to shadow a colleague: on a skill, a named host, or both. The skill is found
    as "who can I ask" finds it, on ``talent`` (the web's cached talent map) or else on the stored
    skills."""
    problems = Problems()
    where = "shadow request"

    def fail(field: str, message: str) -> None:
        problems.add(Location(where, None, field), message)

    if length not in LENGTHS:
        fail(
            "length",
            phrase("'{length}' is not a length; choose {lengths}", length=length, lengths=", ".join(LENGTHS)),
        )
    if last_day < first_day:
        fail(
            "to",
            phrase("the window ends ({last}) before it starts ({first})", last=last_day, first=first_day),
        )
    if last_day - first_day > dt.timedelta(days=92):
        fail("to", phrase("the window may be at most three months long"))
    if skill is None and host_id is None:
        fail("skill", phrase("name a skill, a host, or both"))
    with db.transaction() as session:
        # Only the two people and the skills: a request stays quick in a large organisation.
        known = storage.load_people(session, [guest_id, *([host_id] if host_id else [])])
        if guest_id not in known:
            fail("guest", _no_person(guest_id))
        skill_id = None
        if skill is not None:
            finder = talent or TalentMap(Organisation(skills=admin.load_skills(session)), today=now.date())
            try:
                skill_id = finder.resolve_skill(skill)[0].id
            except UnknownSkill as exc:
                fail("skill", said_by(exc))
        if host_id is not None:
            host = known.get(host_id)
            if host is None:
                fail("host", _no_person(host_id))
            elif host_id == guest_id:
                fail("host", phrase("nobody can shadow themselves"))
            elif not host.is_host:
                fail("host", phrase("{name} has not offered to host guests", name=host.name))
        problems.raise_if_any()
        request = StoredRequest(
            0, guest_id, skill_id, host_id, LENGTHS[length], first_day, last_day, OPEN, now
        )
        return store.add_request(session, request)


def shadow_requests(db: Database, *, status: str | None = None) -> list[StoredRequest]:
    with db.transaction() as session:
        return store.requests(session, status=status)


def cancel_shadow_request(db: Database, request_id: int, *, now: dt.datetime) -> StoredRequest:
    """Withdraw a request; a slot planned for it is cancelled too (and kept, marked cancelled)."""
    with db.transaction() as session:
        if store.request(session, request_id) is None:
            raise _bad(Location("shadow request", request_id), phrase("there is no such request"))
        store.set_request_status(session, request_id, CANCELLED)
        store.cancel_events(session, source=request_source(request_id), kind="shadowing", now=now)
        cancelled = store.request(session, request_id)
        assert cancelled is not None
        return cancelled


def request_source(request_id: int) -> str:
    """What a shadowing slot's event belongs to."""
    return f"request:{request_id}"


def plan_shadowing(
    db: Database,
    first_day: dt.date,
    last_day: dt.date,
    config: shadowing.ShadowConfig,
    *,
    now: dt.datetime,
    save: bool,
    notice: Notice | None = None,
) -> shadowing.ShadowPlan:
    """Place the open requests whose window meets these dates: host and slot together, in both
    people's free time after the notice period. ``save`` stores the slots and marks their requests
    planned; a request left open keeps the reason it could not be placed."""
    problem = shadow_problem(db, first_day, last_day, config, now=now, notice=notice)
    found = shadowing.plan(problem)
    if save:
        save_shadow_plan(db, problem.tmap, found, now=now)
    return found


def shadow_problem(
    db: Database,
    first_day: dt.date,
    last_day: dt.date,
    config: shadowing.ShadowConfig,
    *,
    now: dt.datetime,
    notice: Notice | None = None,
) -> shadowing.ShadowProblem:
    """The open requests whose window meets these dates, with everyone's busy time and nobody free
    before the notice period: what a shadowing plan is made from, and checked against before it is
    saved."""
    if last_day < first_day:
        raise _bad(
            Location("shadow plan", None, "to"),
            phrase("{last} is before {first}", last=last_day, first=first_day),
        )
    with db.transaction() as session:
        org = storage.load_organisation(session)
        open_requests = [
            r
            for r in store.requests(session, status=OPEN)
            if r.first_day <= last_day and first_day <= r.last_day
        ]
        busy = store.agenda(session, org, days_window(first_day, last_day))
        # A slot someone declined is not offered to them again.
        busy = busy.adding(shadow_answers.declined_times(session, {r.id for r in open_requests}))
        hosted = recent_hosting(session, first_day)
    busy = notice_agenda(busy, now=now, notice=notice)
    tmap = TalentMap(org, today=now.date())
    wanted = [
        shadowing.ShadowRequest(
            str(r.id),
            r.guest_id,
            r.skill_id,
            r.host_id,
            r.minutes,
            max(r.first_day, first_day),
            min(r.last_day, last_day),
        )
        for r in open_requests
    ]
    return shadowing.build_problem(tmap, wanted, busy, config, recent_hosting=hosted)


#: How far back a host's earlier shadowing slots count as their recent load.
RECENT_HOSTING_DAYS = 365


def recent_hosting(session: Any, first_day: dt.date) -> dict[str, int]:
    """Per host, the shadowing slots still planned in the year before ``first_day``."""
    since = dt.datetime.combine(first_day - dt.timedelta(days=RECENT_HOSTING_DAYS), dt.time(), dt.UTC)
    until = dt.datetime.combine(first_day, dt.time(), dt.UTC)
    hosted: Counter[str] = Counter()
    for event in store.events(session, kind="shadowing", ending_after=since):
        if event.start < until:
            hosted.update(p for p, role in event.roles.items() if role == "host")
    return dict(hosted)


def save_shadow_plan(
    db: Database,
    tmap: TalentMap,
    found: shadowing.ShadowPlan,
    *,
    now: dt.datetime,
    published_as: str | None = None,
) -> None:
    """Store the slots as events and mark their requests planned; the others stay open with the
    reason they were not placed. One transaction, which also marks the stored plan named
    ``published_as`` published."""
    with db.transaction() as session:
        if published_as is not None:
            time_plan_storage.mark_published(session, published_as, now)
        for slot in found.slots:
            source = request_source(int(slot.request_id))
            host = tmap.person(slot.host_id)
            assert host is not None, "a slot's host is a colleague on the map it was planned with"
            event = ScheduledEvent(
                kind="shadowing",
                source=source,
                key="slot",
                title=shadowing_title(host.name, _skill_name(tmap, slot.skill_id) if slot.skill_id else None),
                start=slot.start,
                end=slot.end,
                timezone=slot.timezone,
                members=(slot.host_id, slot.guest_id),
                roles={slot.host_id: "host", slot.guest_id: "guest"},
                details={
                    "skill": slot.skill_id,
                    "reasons": list(slot.reasons),
                    "request": int(slot.request_id),
                },
            )
            store.reconcile_events(session, source, "shadowing", [event], now=now)
            store.set_request_status(session, int(slot.request_id), PLANNED)
        for request_id, reason in found.unplaced:
            store.set_request_status(session, int(request_id), OPEN, note=reason)


def shadowing_title(host: str, skill: str | None) -> str:
    """A shadowing slot's title, said in the reader's language: the host, and the skill if asked."""
    if skill is None:
        return phrase("Shadowing {host}", host=host)
    return phrase("Shadowing {host}: {skill}", host=host, skill=skill)


def scheduled(db: Database, *, kind: str | None = None, source: str | None = None) -> list[ScheduledEvent]:
    with db.transaction() as session:
        return store.events(session, kind=kind, source=source)


def days_window(first_day: dt.date, last_day: dt.date) -> Window:
    """UTC bounds that hold every local date from first to last in any time zone."""
    start = dt.datetime.combine(first_day - dt.timedelta(days=1), dt.time(), dt.UTC)
    return start, dt.datetime.combine(last_day + dt.timedelta(days=2), dt.time(), dt.UTC)


# -- lunch & learn -------------------------------------------------------------------------------------


def lunch_source(config: lunch.LunchConfig) -> str:
    site = f" at {config.site}" if config.site else ""
    return f"lunch & learn {config.first_day.isoformat()} – {config.last_day.isoformat()}{site}"


def plan_lunch(
    db: Database, config: lunch.LunchConfig, *, now: dt.datetime, save: bool, notice: Notice | None = None
) -> lunch.LunchPlan:
    """Lunch & learn sessions on the most-wanted topics over the horizon, after the notice period;
    ``save`` stores them, cancelling an earlier plan for the same horizon."""
    problem = lunch_problem(db, config, now=now, notice=notice)
    found = lunch.propose(problem)
    if save:
        save_lunch_plan(db, problem.tmap, config, found, now=now)
    return found


def lunch_problem(
    db: Database, config: lunch.LunchConfig, *, now: dt.datetime, notice: Notice | None = None
) -> lunch.LunchProblem:
    """Topics, presenters and everyone's busy time for the horizon (an earlier plan for the same
    horizon not counted, nobody free before the notice period): what a plan is made from, and
    checked against before it is saved."""
    with db.transaction() as session:
        org = storage.load_organisation(session)
        busy = store.agenda(
            session, org, days_window(config.first_day, config.last_day), besides=lunch_source(config)
        )
    return lunch.build_problem(
        TalentMap(org, today=now.date()), notice_agenda(busy, now=now, notice=notice), config
    )


def save_lunch_plan(
    db: Database,
    tmap: TalentMap,
    config: lunch.LunchConfig,
    found: lunch.LunchPlan,
    *,
    now: dt.datetime,
    published_as: str | None = None,
) -> None:
    """Store the sessions over the earlier plan for the same horizon, in one transaction, which also
    marks the stored plan named ``published_as`` published."""
    source = lunch_source(config)
    events = [
        ScheduledEvent(
            kind="lunch",
            source=source,
            key=s.skill_id,
            title=phrase("Lunch & learn: {skill}", skill=_skill_name(tmap, s.skill_id)),
            start=s.start,
            end=s.end,
            timezone=s.timezone,
            members=(s.presenter_id,),
            roles={s.presenter_id: "presenter"},
            details={
                "skill": s.skill_id,
                "reasons": list(s.reasons),
                "audience": list(s.audience),
                "demand": s.demand,
            },
        )
        for s in found.sessions
    ]
    with db.transaction() as session:
        if published_as is not None:
            time_plan_storage.mark_published(session, published_as, now)
        store.reconcile_events(session, source, "lunch", events, now=now)


def _skill_name(tmap: TalentMap, skill_id: str) -> str:
    skill = tmap.skill(skill_id)
    return skill.name if skill else skill_id
