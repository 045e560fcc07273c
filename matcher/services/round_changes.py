"""Use cases for HR's work on a pairing or group round after it was proposed: exclude someone,
forbid a pair, see what the round breaks, publish it with its meetings and invites, and change
it after publishing so that the invites follow.

Each step is one transaction, as in :mod:`matcher.services.organisation`; a publication is several steps
(publish, plan the meetings, queue the invites, deliver them), and a step that fails leaves the
ones before it done and says what is left to do.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
from collections import Counter, OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from matcher import storage
from matcher.domain.phrases import phrase
from matcher.domain.schedule import ScheduledEvent
from matcher.domain.talentmap import TalentMap
from matcher.engines import groups
from matcher.engines.meetings import MeetingConfig, MeetingPlan
from matcher.engines.pairing import Violation, build_problem, validate
from matcher.io import ics
from matcher.io.ics import CANCEL, PUBLISH, InviteSettings
from matcher.io.mail import SmtpSettings
from matcher.io.outbox import Due
from matcher.plans.rounds import PUBLISHED, RoundError, StoredRound, said_by, without_lock
from matcher.services import meeting_times, publishing, rounds
from matcher.storage import Database
from matcher.storage import rounds as round_storage
from matcher.storage import schedule as schedule_store
from matcher.storage import solve_jobs as job_store

#: Rounds checked lately, and their problems built lately, by what each depends on.
_CHECKED: OrderedDict[tuple[object, ...], list[Violation]] = OrderedDict()
_PROBLEMS: OrderedDict[tuple[object, ...], Any] = OrderedDict()
_CHECKED_SIZE, _PROBLEMS_SIZE = 64, 8
_CACHE_LOCK = threading.Lock()


def violations(
    db: Database, name: str, *, today: dt.date, stored: StoredRound | None = None
) -> list[Violation]:
    """The rules the round's pairs or groups break on today's data (none, unless the data or
    the round changed since it was proposed).

    The answer is kept for as long as nothing it depends on changed: the round (its pairs, status,
    settings), the organisation's data version and the day. A caller that has just loaded the
    round hands it in as ``stored``."""
    with db.transaction() as session:
        if stored is None:
            stored = _existing(round_storage.load_round(session, name), name)
        version = storage.data_version(session)
    members = [unit.members for unit in stored.pairs]
    key = (db.url, name, stored.status, tuple(members), repr(stored.config), version, today)
    with _CACHE_LOCK:
        if key in _CHECKED:
            _CHECKED.move_to_end(key)
            return list(_CHECKED[key])
    problem, built_on = round_problem(db, stored, today=today, version=version)
    key = (*key[:5], built_on, today)
    if isinstance(stored.config, groups.GroupConfig):
        found = groups.validate(problem, members)
    else:
        found = validate(problem, members)
    with _CACHE_LOCK:
        _CHECKED[key] = list(found)
        while len(_CHECKED) > _CHECKED_SIZE:
            _CHECKED.popitem(last=False)
    return found


def round_problem(db: Database, stored: StoredRound, *, today: dt.date, version: int) -> tuple[Any, int]:
    """The round's problem (pairing or groups) and the data version it was built on: ``version``
    unless the data changed since. Building reads the whole organisation, seconds at 2,000 people,
    so a problem is kept for as long as the round's settings, the data version and the day stay
    the same. Treat it as read-only."""
    key = (db.url, stored.name, stored.status, repr(stored.config), version, today)
    with _CACHE_LOCK:
        if key in _PROBLEMS:
            _PROBLEMS.move_to_end(key)
            return _PROBLEMS[key], version
    with db.transaction() as session:
        org = storage.load_organisation(session)
        version = storage.data_version(session)
    key = (*key[:4], version, today)
    if stored.status == PUBLISHED:
        # Its own pairs are in the history now: they do not repeat themselves.
        org = dataclasses.replace(org, history=tuple(h for h in org.history if h.round != stored.name))
    tmap = TalentMap(org, today=today)
    problem: Any
    if isinstance(stored.config, groups.GroupConfig):
        problem = groups.build_problem(tmap, stored.config, today=today)
    else:
        problem = build_problem(tmap, stored.config, today=today)
    with _CACHE_LOCK:
        _PROBLEMS[key] = problem
        while len(_PROBLEMS) > _PROBLEMS_SIZE:
            _PROBLEMS.popitem(last=False)
    return problem, version


def participants(stored: StoredRound) -> list[str]:
    """Everyone in the round: in its pairs or groups, then those left out."""
    found = [m for unit in stored.pairs for m in unit.members]
    found += [u.person_id for u in stored.unmatched]
    return list(dict.fromkeys(found))


def exclude_person(
    db: Database, name: str, person_id: str, *, today: dt.date, now: dt.datetime
) -> StoredRound:
    """Take someone out of a proposed round: the settings exclude them from now on (proposing
    again leaves them out), a lock that holds them goes, and they leave their pair (the partner
    is placed again at the next re-solve) or their group (which keeps the others)."""
    with db.transaction() as session:
        stored = _proposed(round_storage.load_round(session, name, for_update=True), name)
        if person_id not in participants(stored):
            raise RoundError(_nobody(name, person_id))
        config = stored.config
        select = config.select
        config = config.replace(
            select=dataclasses.replace(select, exclude=tuple(dict.fromkeys((*select.exclude, person_id)))),
            locked=tuple(lock for lock in config.locked if person_id not in lock),
        )
        job_store.set_round_config(
            session,
            name,
            config,
            now=now,
            action="settings",
            detail=phrase("excluded {person}", person=person_id),
        )
        found = next(((p, u) for p, u in stored.units() if person_id in u.members), None)
        if found is not None:
            position, unit = found
            rest = tuple(m for m in unit.members if m != person_id)
            keep = stored.is_group_round and len(rest) >= 2
            members = ", ".join(unit.members)
            if stored.is_group_round:
                detail = phrase(
                    "took {person} out of the group of {members}", person=person_id, members=members
                )
            else:
                detail = phrase(
                    "took {person} out of the pair of {members}", person=person_id, members=members
                )
            round_storage.change_units(
                session,
                name,
                {position: rest if keep else None},
                today=today,
                now=now,
                action="excluded",
                detail=detail,
            )
        return _existing(round_storage.load_round(session, name), name)


def forbid_pair(db: Database, name: str, first: str, second: str, *, now: dt.datetime) -> StoredRound:
    """Rule out a pair in a proposed round: it joins the settings' forbidden pairs, and a lock
    that holds both goes. Proposing the round again keeps the two apart."""
    with db.transaction() as session:
        stored = _proposed_with(session, name, first, second)
        both = {first, second}
        config = stored.config
        forbidden = config.forbidden
        if not any(set(pair) == both for pair in forbidden):
            forbidden = (*forbidden, (first, second))
        config = config.replace(
            forbidden=forbidden, locked=tuple(lk for lk in config.locked if not both <= set(lk))
        )
        for position, unit in stored.units():
            if unit.locked and both <= set(unit.members):
                config = without_lock(config, unit.members)
                round_storage.set_pair_locked(
                    session,
                    name,
                    position,
                    False,
                    config,
                    now=now,
                    detail=phrase("unlocked {members}", members=", ".join(unit.members)),
                )
        job_store.set_round_config(
            session,
            name,
            config,
            now=now,
            action="settings",
            detail=phrase("forbade the pair {first} and {second}", first=first, second=second),
        )
        return _existing(round_storage.load_round(session, name), name)


def lock_new_pair(db: Database, name: str, teacher: str, learner: str, *, now: dt.datetime) -> StoredRound:
    """Fix a pair the proposal does not hold (a "why not" answer HR takes): it joins the settings'
    locks, and any other lock of either of the two goes, so that proposing the round again makes
    it. The round is then solved again by the caller."""
    with db.transaction() as session:
        stored = _proposed_with(session, name, teacher, learner)
        config = stored.config
        both = {teacher, learner}
        locked = tuple(lk for lk in config.locked if not both & set(lk))
        config = config.replace(locked=(*locked, (teacher, learner)))
        job_store.set_round_config(
            session,
            name,
            config,
            now=now,
            action="settings",
            detail=phrase(
                "locked {first} with {second} for the next proposal", first=teacher, second=learner
            ),
        )
        return _existing(round_storage.load_round(session, name), name)


def _proposed_with(session: Any, name: str, first: str, second: str) -> StoredRound:
    """The proposed round, read for an update, when two different people of it are named; else
    RoundError."""
    if first == second:
        raise RoundError(phrase("choose two different people"))
    stored = _proposed(round_storage.load_round(session, name, for_update=True), name)
    everyone = participants(stored)
    for person_id in (first, second):
        if person_id not in everyone:
            raise RoundError(_nobody(name, person_id))
    return stored


def check_swap(stored: StoredRound, first: str, second: str) -> None:
    """A locked pair or group stays as HR fixed it: unlock it before swapping someone out of it."""
    for unit in stored.pairs:
        if unit.locked and ({first, second} & set(unit.members)):
            members = ", ".join(unit.members)
            if stored.is_group_round:
                raise RoundError(
                    phrase("the group of {members} is locked; unlock it before swapping", members=members)
                )
            raise RoundError(
                phrase("the pair of {members} is locked; unlock it before swapping", members=members)
            )


# -- publishing -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Invites:
    """What planning the meetings and sending called for."""

    meetings: MeetingPlan | None = None
    queued: tuple[Due, ...] = ()
    delivery: publishing.Delivery | None = None
    #: Why a step could not be done (the steps before it were), as a message; or None.
    problem: str | None = None
    #: Messages not queued because their meeting has begun already.
    too_late: int = 0

    def count(self) -> Counter[str]:
        """new (first invitations), updated and cancelled messages queued."""
        return Counter(_message_kind(d) for d in self.queued)


def _message_kind(due: Due) -> str:
    if due.method == CANCEL:
        return "cancelled"
    return "updated" if due.sequence else "new"


def publish(
    db: Database,
    name: str,
    meeting: MeetingConfig,
    settings: InviteSettings,
    smtp: SmtpSettings | None,
    *,
    today: dt.date,
    now: dt.datetime,
) -> tuple[StoredRound, Invites]:
    """Publish the round, then plan its meetings, queue the invites and deliver them when e-mail is
    set up; as ``meeloop publish``, ``meet --save`` and ``send`` do, one transaction each. The round
    is published even when a later step fails; the answer then says what is left to do."""
    stored = rounds.publish_round(db, name, today=today, now=now)
    return stored, plan_and_send(db, name, meeting, settings, smtp, now=now)


def plan_and_send(
    db: Database,
    name: str,
    meeting: MeetingConfig,
    settings: InviteSettings,
    smtp: SmtpSettings | None,
    *,
    now: dt.datetime,
) -> Invites:
    """Plan (or plan again) a published round's meetings, queue what that calls for and deliver it."""
    try:
        plan = meeting_times.plan_round_meetings(db, name, meeting, now=now, save=True)
    except (RoundError, ValueError) as exc:
        return Invites(problem=said_by(exc))
    return _send(db, name, settings, smtp, now=now, meetings=plan)


def _send(
    db: Database,
    source: str,
    settings: InviteSettings,
    smtp: SmtpSettings | None,
    *,
    now: dt.datetime,
    meetings: MeetingPlan | None = None,
) -> Invites:
    try:
        queued = publishing.queue_invites(db, settings, source=source, now=now)
    except RoundError as exc:
        return Invites(meetings=meetings, problem=exc.message)
    delivery = publishing.deliver(db, smtp, settings, now=now, source=source) if smtp is not None else None
    late = len(publishing.too_late(db, source=source, now=now))
    return Invites(meetings=meetings, queued=tuple(queued), delivery=delivery, too_late=late)


def send(
    db: Database, source: str, settings: InviteSettings, smtp: SmtpSettings | None, *, now: dt.datetime
) -> Invites:
    """Queue what the plan for ``source`` calls for since the last send, and deliver the queue."""
    return _send(db, source, settings, smtp, now=now)


def meeting_config(db: Database, name: str) -> MeetingConfig | None:
    """The meeting settings a published round's meetings were planned with, read back from them:
    the first local day, the last day a series reaches, how often and how long. None when none
    are planned. Planning again with these keeps every meeting whose people are still free."""
    with db.transaction() as session:
        found = schedule_store.events(session, kind="meeting", source=name)
    if not found:
        return None
    firsts, lasts, every = [], [], None
    for event in found:
        zone = ZoneInfo(event.timezone)
        times = event.times()
        firsts.append(times[0].start.astimezone(zone).date())
        lasts.append(times[-1].start.astimezone(zone).date())
        if event.rrule:
            parts = dict(part.split("=", 1) for part in event.rrule.split(";"))
            every = int(parts.get("INTERVAL", "1"))
    minutes = round((found[0].end - found[0].start).total_seconds() / 60)
    return MeetingConfig(first_day=min(firsts), last_day=max(lasts), minutes=minutes, every_weeks=every)


def change_published(
    db: Database,
    name: str,
    settings: InviteSettings,
    smtp: SmtpSettings | None,
    *,
    swap: tuple[str, str] | None = None,
    remove: str | None = None,
    today: dt.date,
    now: dt.datetime,
) -> tuple[StoredRound, Invites]:
    """Swap two people or take out someone's pair or group in a published round, then plan the
    meetings again with the settings they had (unchanged meetings stay as they are) and queue the
    updates and cancellations: what ``meeloop swap``/``drop``, ``meet --save`` and ``send`` do."""
    meeting = meeting_config(db, name)
    if swap is not None:
        stored = rounds.swap_people(db, name, *swap, today=today, now=now)
    elif remove is not None:
        stored = rounds.remove_unit(db, name, remove, today=today, now=now)
    else:
        raise RoundError(phrase("say what to change: a swap or someone to take out"))
    if meeting is None:
        return stored, Invites(problem=phrase("no meetings were planned for this round yet"))
    return stored, plan_and_send(db, name, meeting, settings, smtp, now=now)


# -- calendar files -----------------------------------------------------------------------------------


def calendar_file(
    db: Database, settings: InviteSettings, sources: Sequence[str], *, name: str, now: dt.datetime
) -> bytes:
    """Everything planned for these sources (a round, or a plan's slots) as one PUBLISH file,
    the ``round.ics`` that ``meeloop ics ROUND --out DIR`` writes."""
    with db.transaction() as session:
        found: list[ScheduledEvent] = []
        for source in sources:
            found.extend(schedule_store.events(session, source=source))
        people = storage.load_people(session, (p for e in found for p in ics.participants(e)))
    if not found:
        raise RoundError(phrase("nothing is planned for '{name}' yet", name=name))
    found.sort(key=lambda e: (e.start, e.id or 0))
    return ics.calendar(PUBLISH, found, people, settings, now=now, name=name).to_ical()


def events_of(db: Database, sources: Sequence[str]) -> list[ScheduledEvent]:
    """What is planned for these sources, cancelled events included, in time order."""
    with db.transaction() as session:
        found = [e for s in sources for e in schedule_store.events(session, source=s, planned_only=False)]
    return sorted(found, key=lambda e: (e.start, e.id or 0))


def outbox_counts(db: Database, sources: Sequence[str]) -> Counter[str]:
    """The e-mails about these sources' events, by status: queued, sent, failed."""
    counts: Counter[str] = Counter()
    for source in sources:
        counts.update(m.status for m in publishing.outbox_messages(db, source=source))
    return counts


def _existing(stored: StoredRound | None, name: str) -> StoredRound:
    if stored is None:
        raise RoundError(rounds.no_round(name))
    return stored


def _proposed(stored: StoredRound | None, name: str) -> StoredRound:
    stored = _existing(stored, name)
    if stored.status == PUBLISHED:
        raise RoundError(phrase("round '{name}' is published; its settings can no longer change", name=name))
    return stored


def _nobody(name: str, person_id: str) -> str:
    return phrase("round '{name}' has nobody with id '{person}'", name=name, person=person_id)
