"""One person's own view: the rounds they are in, what is planned for them, their shadowing,
and everything stored about them (the GDPR's right of access).

Employees see published rounds only: a proposal is HR's work in progress until it is published.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any

from matcher import storage
from matcher.domain.model import Person
from matcher.domain.personal import CalendarFile, FeedTokens
from matcher.domain.schedule import ScheduledEvent, StoredRequest
from matcher.engines.pairing.feedback import PRIVATE_TEMPLATES
from matcher.io.ics import participants
from matcher.plans.kinds import directed
from matcher.plans.rounds import PUBLISHED
from matcher.services.scheduling import request_source
from matcher.storage import Database, schedule
from matcher.storage import accounts as account_storage
from matcher.storage import calendars as linked_storage
from matcher.storage import history as change_storage
from matcher.storage import notices as notice_storage
from matcher.storage import personal as store
from matcher.storage import reflections as reflection_storage
from matcher.storage import replies as reply_storage
from matcher.storage import rounds as round_storage
from matcher.storage import surveys as survey_storage

# -- rounds -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Membership:
    """The pair or group a person is in, in one published round."""

    round: str
    mode: str
    unit: str
    published: dt.datetime | None
    #: teaches (the first of a pair in a directed mode), learns, or member.
    role: str
    members: tuple[str, ...]
    others: tuple[Person, ...]
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class LeftOutOf:
    round: str
    mode: str
    reason: str
    #: The side they were left out on, as the round names it: mentee, mentor, member, ...
    role: str = ""


@dataclass(frozen=True)
class MyRounds:
    memberships: tuple[Membership, ...]
    left_out: tuple[LeftOutOf, ...]


def _role(mode: str, members: tuple[str, ...], person_id: str) -> str:
    if directed(mode) and len(members) == 2:
        return "teaches" if members[0] == person_id else "learns"
    return "member"


def my_rounds(db: Database, person_id: str) -> MyRounds:
    """The person's pairs and groups in published rounds (newest round first), with why they were
    proposed, and the published rounds that left them out, with the reason."""
    found: list[tuple[Any, ...]] = []
    left_out: list[LeftOutOf] = []
    with db.transaction() as session:
        for summary in round_storage.round_summaries(session):
            if summary.status != PUBLISHED:
                continue
            stored = round_storage.load_round(session, summary.name)
            if stored is None:
                continue
            for _position, unit in stored.units():
                if person_id in unit.members:
                    found.append((stored, unit))
            left_out += [
                LeftOutOf(stored.name, stored.mode, u.reason, u.role)
                for u in stored.unmatched
                if u.person_id == person_id
            ]
        people = storage.load_people(session, (m for _stored, unit in found for m in unit.members))
    memberships = tuple(
        Membership(
            round=stored.name,
            mode=stored.mode,
            unit=stored.unit,
            published=stored.published,
            role=_role(stored.mode, unit.members, person_id),
            members=unit.members,
            others=tuple(people[m] for m in unit.members if m != person_id and m in people),
            reasons=tuple(r for r in unit.reasons if getattr(r, "template", None) not in PRIVATE_TEMPLATES),
        )
        for stored, unit in found
    )
    return MyRounds(memberships, tuple(left_out))


# -- scheduled events -------------------------------------------------------------------------------


@dataclass(frozen=True)
class MyEvent:
    event: ScheduledEvent
    role: str
    #: The other members (a lunch & learn's audience is counted, not named).
    others: tuple[Person, ...]
    audience: int
    #: Occurrences still to come (start, end); empty when it is all in the past.
    upcoming: tuple[tuple[dt.datetime, dt.datetime], ...]

    @property
    def reasons(self) -> tuple[str, ...]:
        return tuple(self.event.details.get("reasons", ()))

    @property
    def next_start(self) -> dt.datetime | None:
        return self.upcoming[0][0] if self.upcoming else None


def my_events(db: Database, person_id: str, *, now: dt.datetime) -> list[MyEvent]:
    """Everything planned that the person is in, by its first occurrence."""
    with db.transaction() as session:
        events = [e for e in schedule.events(session) if person_id in participants(e)]
        people = storage.load_people(session, (m for e in events for m in e.members))
    found = []
    for event in events:
        others = tuple(people[m] for m in event.members if m != person_id and m in people)
        audience = sum(1 for p in event.details.get("audience", ()) if p != person_id)
        upcoming = tuple((t.start, t.end) for t in event.times() if t.end > now)
        found.append(MyEvent(event, participants(event)[person_id], others, audience, upcoming))
    return found


def event_for(db: Database, person_id: str, event_id: int) -> ScheduledEvent | None:
    """The event when the person is (or, cancelled, was) in it; None for anyone else's."""
    with db.transaction() as session:
        event = schedule.event(session, event_id)
    if event is None or person_id not in participants(event):
        return None
    return event


# -- shadowing -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ShadowItem:
    """A shadow request as one of its two people sees it: the guest who asked, or the host (named
    in the request, or given the slot)."""

    request: StoredRequest
    #: guest or host
    role: str
    guest: Person | None
    host: Person | None
    #: The proposed slot, while one is planned.
    slot: ScheduledEvent | None

    @property
    def answers(self) -> dict[str, str]:
        return dict(self.slot.details.get("answers", {})) if self.slot else {}

    @property
    def reasons(self) -> tuple[str, ...]:
        return tuple(self.slot.details.get("reasons", ())) if self.slot else ()


def shadow_items(db: Database, person_id: str) -> list[ShadowItem]:
    """The requests the person made and those addressed to them or with a slot they host, newest first."""
    with db.transaction() as session:
        slots = {
            e.details.get("request"): e
            for e in schedule.events(session, kind="shadowing")
            if e.source == request_source(e.details.get("request", -1))
        }
        mine = [
            r
            for r in schedule.requests(session)
            if person_id in (r.guest_id, r.host_id) or person_id in _members(slots.get(r.id))
        ]
        people = storage.load_people(
            session, [p for r in mine for p in (r.guest_id, r.host_id, *_members(slots.get(r.id))) if p]
        )
    items = []
    for request in reversed(mine):
        slot = slots.get(request.id)
        host_id = next((m for m, role in slot.roles.items() if role == "host"), None) if slot else None
        host_id = host_id or request.host_id
        items.append(
            ShadowItem(
                request=request,
                role="guest" if request.guest_id == person_id else "host",
                guest=people.get(request.guest_id),
                host=people.get(host_id) if host_id else None,
                slot=slot,
            )
        )
    return items


def _members(event: ScheduledEvent | None) -> tuple[str, ...]:
    return event.members if event else ()


def shadow_item(db: Database, person_id: str, request_id: int) -> ShadowItem | None:
    """One request when it is the person's (as guest or host); None for anyone else's."""
    return next((i for i in shadow_items(db, person_id) if i.request.id == request_id), None)


# -- everything stored about a person ----------------------------------------------------------------


def _iso(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def current_calendar(db: Database, person_id: str) -> CalendarFile | None:
    with db.transaction() as session:
        return next((c for c in store.calendar_files(session, person_id) if c.replaced is None), None)


def feed_tokens(db: Database, person_id: str) -> FeedTokens:
    with db.transaction() as session:
        return store.feed_tokens(session, person_id)


def person_data(db: Database, person_id: str, *, now: dt.datetime) -> dict[str, Any] | None:
    """Everything meeloop stores about the person, as plain JSON-ready data; None for nobody.
    Their ``changes`` are every recorded change of their record, newest first, field by field.
    The login is listed with its role, never the password's hash; feed tokens are counted,
    never shown."""
    with db.transaction() as session:
        org = storage.load_organisation(session)
        person = org.person(person_id)
        if person is None:
            return None
        account = account_storage.account_of_person(session, person_id)
        calendars = store.calendar_files(session, person_id)
        linked = linked_storage.link_of(session, person_id)
        linked_busy = linked_storage.busy_times(session, linked.id) if linked else []
        tokens = store.feed_tokens(session, person_id)
        messages = store.messages_to(session, person_id)
        history = store.history_of(session, person_id)
        changes = change_storage.changes_of(session, person_id)
        written = reflection_storage.of_person(session, person_id)
        notices = notice_storage.notices(session, person_id=person_id)
        check_ins = notice_storage.check_ins_of(session, person_id)
        value_checks = survey_storage.value_checks(session, person_ids=[person_id])
        climate = survey_storage.climate_answers(session, person_ids=[person_id])
        replies = reply_storage.answers_of(session, person_id)
        titles = {e.id: e.title for e in schedule.events(session, planned_only=False)}
    skills = {s.id: s for s in org.skills}
    names = {p.id: p.name for p in org.people}
    record = {key: _iso(value) for key, value in storage.person_values(person).items()}
    manager = record.pop("manager_id")
    record["manager"] = {"id": manager, "name": names.get(manager, "")} if manager else None
    rounds = my_rounds(db, person_id)
    events = my_events(db, person_id, now=now)
    return {
        "exported": now.isoformat(),
        "person": record,
        "skills": [
            {"skill": h.skill_id, "name": _name(skills, h.skill_id), "level": int(h.level)}
            for h in sorted(org.holdings)
            if h.person_id == person_id
        ],
        "wishes": [
            {"skill": w.skill_id, "name": _name(skills, w.skill_id), "priority": w.priority}
            for w in sorted(org.wishes)
            if w.person_id == person_id
        ],
        "history": [
            {
                "round": h.round,
                "kind": h.kind,
                "members": [{"id": m, "name": names.get(m, "")} for m in h.members],
                "started": h.started.isoformat(),
                "ended": _iso(h.ended),
            }
            for h in history
        ],
        "changes": [
            {
                "at": c.at.isoformat(),
                "kind": c.author.kind,
                "by": c.author.by,
                "sources": list(c.sources),
                "event": c.event,
                "fields": [{"field": f.field, "old": f.old, "new": f.new} for f in c.fields],
            }
            for c in reversed(changes)
        ],
        "rounds": [
            {
                "round": m.round,
                "mode": m.mode,
                "published": _iso(m.published),
                "role": m.role,
                "members": [{"id": i, "name": names.get(i, "")} for i in m.members],
                "reasons": list(m.reasons),
            }
            for m in rounds.memberships
        ],
        "left_out": [dataclasses.asdict(entry) for entry in rounds.left_out],
        "shadow_requests": [
            {**item.request.as_dict(), "role": item.role, "slot": item.slot.id if item.slot else None}
            for item in shadow_items(db, person_id)
        ],
        "events": [
            {
                "id": e.event.id,
                "kind": e.event.kind,
                "title": e.event.title,
                "start": e.event.start.isoformat(),
                "end": e.event.end.isoformat(),
                "timezone": e.event.timezone,
                "repeats": e.event.rrule,
                "role": e.role,
                "with": [{"id": p.id, "name": p.name} for p in e.others],
                "reasons": list(e.reasons),
            }
            for e in events
        ],
        "reflections": [
            {**r.as_dict(), "event": titles.get(r.event_id, "")}
            for r in sorted(written, key=lambda r: (r.session_day, r.id))
        ],
        "notices": [
            {"kind": n.kind, "about": n.about, "status": n.status, "sent": _iso(n.sent)} for n in notices
        ],
        "check_ins": [
            {
                "event": titles.get(c.event_id, ""),
                "session": c.session_day.isoformat(),
                "asked": c.asked.isoformat(),
                "answer": c.answer,
                "moved_to": _iso(c.moved_to),
                "answered": _iso(c.answered),
            }
            for c in check_ins
        ],
        "value_checks": [
            {
                "quarter": c.quarter,
                "levels": list(c.levels),
                "story": c.story,
                "department": c.department,
                "team": c.team,
                "tenure": c.tenure,
                "programmes": list(c.programmes),
                "answered": _iso(c.answered),
            }
            for c in value_checks
            if c.answered is not None
        ],
        "learning_climate": [
            {
                "quarter": a.quarter,
                "scores": dict(a.scores),
                "department": a.department,
                "team": a.team,
                "answered": a.answered.isoformat(),
            }
            for a in climate
        ],
        # Their answers to e-mailed invites, as their calendar program sent them back.
        "invite_replies": [
            {
                "event": titles.get(r.event_id, ""),
                "occurrence": _iso(r.occurrence),
                "answer": r.answer,
                "comment": r.comment,
                "proposed_start": _iso(r.proposed_start),
                "proposed_end": _iso(r.proposed_end),
                "received": r.received.isoformat(),
            }
            for r in replies
        ],
        "calendar_uploads": [
            {key: _iso(value) for key, value in dataclasses.asdict(c).items()} for c in calendars
        ],
        # The address only by its host (the rest is a key to the whole calendar), never the password.
        "linked_calendar": (
            {
                "kind": linked.kind,
                "address": linked.shown_address,
                "user_name": linked.username,
                "linked": _iso(linked.linked),
                "last_read": _iso(linked.last_read),
                "last_failed": _iso(linked.last_failed),
                "last_error": linked.last_error,
                "busy": [[i.start.isoformat(), i.end.isoformat()] for i in linked_busy],
            }
            if linked
            else None
        ),
        "messages": [{key: _iso(value) for key, value in dataclasses.asdict(m).items()} for m in messages],
        "account": (
            {
                "login": account.login,
                "role": account.role,
                "language": account.locale,
                "active": account.active,
                "created": _iso(account.created),
                "password_changed": _iso(account.password_changed),
            }
            if account
            else None
        ),
        "feed_tokens": {"active": tokens.active, "revoked": tokens.revoked},
    }


def _name(skills: dict[str, Any], skill_id: str) -> str:
    skill = skills.get(skill_id)
    return skill.name if skill else skill_id
