"""Scheduled work that people receive: a reminder before a session, a "did you meet?" check-in after
it that leads to the reflection, and a quarterly value check (DOMAIN.md: Wenger-Trayner).

A session is one occurrence of a planned event (a pair or group meeting, a shadowing slot, a
lunch & learn session), named by its day in the event's time zone as reflections are. The queue
runs the three on a schedule (:func:`send_reminders`, :func:`send_check_ins`,
:func:`send_value_checks`); each run works out what is due at ``now`` and sends it, in each
reader's language (their account's, else the organisation's).

Every run may repeat, and several workers may run the same schedule: each notice is claimed before
it goes out (:func:`matcher.storage.notices.claim`, unique per kind, session or quarter and person,
committed before the mail server is asked) and marked sent once the server took it, so none goes
out twice. A letter the server refuses is recorded as failed and tried again by a later run while
it is still due, up to :attr:`NoticeSettings.most_attempts` times; a mail server that cannot be
reached stops the run with :class:`~matcher.services.queue.TryAgain`, leaving the rest for the
next one. A worker that dies between the server's answer and the mark leaves its notice
``sending``; after :attr:`NoticeSettings.sending_for` a later run sends it again, with the same
Message-ID, so the one case that can send twice is recognisable as such.

The check-in's three links (held, moved, not held) carry a random token (only its SHA-256 is
stored) that answers for one person and one session, without logging in; links of older e-mails
(yes, no) still answer held and not held. The value check's link likewise opens its form
(:mod:`matcher.services.surveys`). HR sees only counts (:func:`check_in_counts`); the learning
loop reads the answers per session and person (:func:`check_in_answers`).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime, format_time

from matcher import storage
from matcher.domain.model import Person
from matcher.domain.phrases import Translator, counted, phrase, say, term
from matcher.domain.problems import Location, Problems
from matcher.domain.schedule import PLANNED, ScheduledEvent
from matcher.domain.surveys import Quarter
from matcher.io import catalogs
from matcher.io.ics import InviteSettings, location, participants
from matcher.io.invite_text import PREPARE, kind_word
from matcher.io.mail import ENVIRONMENT, DeliveryError, Postman, one_line
from matcher.services import queue
from matcher.services.reflections import session_group
from matcher.storage import Database, accounts, schedule
from matcher.storage import notices as store
from matcher.storage import surveys as survey_storage

log = logging.getLogger(__name__)

REMINDER, CHECK_IN, VALUE_CHECK = "reminder", "check-in", "value-check"
#: The check-in answers: it took place; it takes place at another time; it did not take place.
HELD, MOVED, NOT_HELD = store.HELD, store.MOVED, store.NOT_HELD
CHECK_IN_ANSWERS: tuple[str, ...] = (HELD, MOVED, NOT_HELD)
#: The two answers of check-in e-mails sent before "moved" existed, and what they mean now.
YES, NO = "yes", "no"
OLD_ANSWERS = {YES: HELD, NO: NOT_HELD}
SENT: Literal["sent"] = "sent"


@dataclass(frozen=True)
class NoticeSettings:
    """When notices are due. Only ``reminder_hours`` comes from the environment
    (``MEELOOP_REMINDER_HOURS``); the rest are the defaults documented here."""

    #: A reminder goes out for a session that starts within this many hours.
    reminder_hours: int = 24
    #: A check-in goes out this long after a session ended...
    check_in_after: dt.timedelta = dt.timedelta(hours=1)
    #: ...and no longer once the session ended this long ago (a worker that was down for a week
    #: does not ask about last week's sessions all at once).
    check_in_within: dt.timedelta = dt.timedelta(days=3)
    #: The value check goes out during the first this many days of a quarter.
    value_check_days: int = 14
    #: A notice the server refused is tried this many times in all.
    most_attempts: int = 5
    #: A notice claimed this long ago and never marked sent or failed (its worker died while
    #: sending) is taken over by the next run. Longer than any one letter takes to send.
    sending_for: dt.timedelta = dt.timedelta(minutes=30)

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> NoticeSettings:
        """Read ``MEELOOP_REMINDER_HOURS`` (1 to 168, default 24); a bad value raises
        :class:`~matcher.domain.problems.InvalidInput` naming the variable.

        >>> NoticeSettings.from_env({"MEELOOP_REMINDER_HOURS": "48"}).reminder_hours
        48
        """
        text = environ.get("MEELOOP_REMINDER_HOURS", "").strip() or str(cls.reminder_hours)
        problems = Problems()
        if not text.isdigit() or not 1 <= int(text) <= 7 * 24:
            problems.add(
                Location(ENVIRONMENT, field="MEELOOP_REMINDER_HOURS"),
                f"'{text}' is not a number of hours from 1 to 168 (a week)",
            )
        problems.raise_if_any()
        return cls(reminder_hours=int(text))


@dataclass(frozen=True)
class Due:
    """One notice due to one person: about a session (reminder, check-in) or a quarter (value
    check, with the number of sessions the person took part in)."""

    kind: str
    about: str
    person_id: str
    event: ScheduledEvent | None = None
    day: dt.date | None = None
    start: dt.datetime | None = None
    end: dt.datetime | None = None
    quarter: Quarter | None = None
    sessions: int = 0


@dataclass(frozen=True)
class Sent:
    """How a run went: notices sent, those the server refused (person id, why), and those due but
    not tried because no mail server is set up. A server that cannot be reached, or goes away
    during the run, is :class:`~matcher.services.queue.TryAgain` instead."""

    sent: int = 0
    failed: tuple[tuple[str, str], ...] = ()
    waiting: int = 0

    def summary(self) -> str:
        return phrase(
            "{sent} sent, {failed} failed, {waiting} not tried",
            sent=self.sent,
            failed=len(self.failed),
            waiting=self.waiting,
        )


# -- what is due -----------------------------------------------------------------------------------


def _sessions(event: ScheduledEvent) -> list[tuple[dt.date, dt.datetime, dt.datetime]]:
    """(day in the event's time zone, start, end) of every session of the event."""
    zone = ZoneInfo(event.timezone)
    return [(t.start.astimezone(zone).date(), t.start, t.end) for t in event.times()]


def _about(event: ScheduledEvent, day: dt.date) -> str:
    return f"{event.id}/{day.isoformat()}"


def _here_on(person: Person | None, day: dt.date) -> bool:
    """The person is still with the organisation on ``day`` (their leaving day included)."""
    return person is not None and (person.leaving_date is None or person.leaving_date >= day)


def due_reminders(db: Database, now: dt.datetime, settings: NoticeSettings) -> list[Due]:
    """A reminder to each participant of each session that starts after ``now`` and within
    ``settings.reminder_hours``, unless they will have left by its day or already had one."""
    until = now + dt.timedelta(hours=settings.reminder_hours)
    with db.transaction() as session:
        events = schedule.events(session, ending_after=now)
        people = storage.load_people(session, (p for e in events for p in participants(e)))
    found = [
        Due(REMINDER, _about(event, day), person_id, event, day, start, end)
        for event in events
        for day, start, end in _sessions(event)
        if now < start <= until
        for person_id in participants(event)
        if _here_on(people.get(person_id), day)
    ]
    return sorted(
        _unsettled(db, REMINDER, found, settings), key=lambda d: (d.start or now, d.about, d.person_id)
    )


def due_check_ins(db: Database, now: dt.datetime, settings: NoticeSettings) -> list[Due]:
    """A check-in to each participant of each session that ended at least
    ``settings.check_in_after`` and at most ``settings.check_in_within`` ago, unless they have
    left or were asked already."""
    latest_end = now - settings.check_in_after
    earliest_end = now - settings.check_in_within
    with db.transaction() as session:
        events = schedule.events(session, ending_after=earliest_end)
        people = storage.load_people(session, (p for e in events for p in participants(e)))
    found = [
        Due(CHECK_IN, _about(event, day), person_id, event, day, start, end)
        for event in events
        for day, start, end in _sessions(event)
        if earliest_end < end <= latest_end
        for person_id in participants(event)
        if _here_on(people.get(person_id), now.date())
    ]
    return sorted(
        _unsettled(db, CHECK_IN, found, settings), key=lambda d: (d.end or now, d.about, d.person_id)
    )


def due_value_checks(db: Database, now: dt.datetime, settings: NoticeSettings) -> list[Due]:
    """In the first ``settings.value_check_days`` days of a quarter: a value check to each person
    still here who took part in a session during the quarter before (one that has ended, and that
    they did not say was called off), unless they had it already."""
    quarter = Quarter.of(now.date())
    if (now.date() - quarter.first_day).days >= settings.value_check_days:
        return []
    past = quarter.previous()
    with db.transaction() as session:
        events = schedule.events(session, ending_after=dt.datetime.combine(past.first_day, dt.time(), dt.UTC))
        called_off = store.not_held(session)
        people = storage.load_people(session, (p for e in events for p in participants(e)))
    sessions: dict[str, int] = {}
    for event in events:
        for day, _start, end in _sessions(event):
            if not past.first_day <= day <= past.last_day or end > now:
                continue
            for person_id in participants(event):
                if (event.id, day, person_id) not in called_off:
                    sessions[person_id] = sessions.get(person_id, 0) + 1
    found = [
        Due(VALUE_CHECK, past.key, person_id, quarter=past, sessions=n)
        for person_id, n in sorted(sessions.items())
        if _here_on(people.get(person_id), now.date())
    ]
    return _unsettled(db, VALUE_CHECK, found, settings)


def _unsettled(db: Database, kind: str, found: list[Due], settings: NoticeSettings) -> list[Due]:
    """The notices found, without those sent already or tried as often as allowed."""
    if not found:
        return []
    with db.transaction() as session:
        done = store.settled(session, kind, (d.about for d in found), most_attempts=settings.most_attempts)
    return [d for d in found if (d.about, d.person_id) not in done]


# -- the scheduled work ------------------------------------------------------------------------------


@queue.scheduled("reminders", cron="*/15 * * * *", summary=phrase("reminders before a session"))
def send_reminders(ctx: queue.Context, now: dt.datetime, settings: NoticeSettings | None = None) -> Sent:
    """Send the reminders due at ``now`` (see :func:`due_reminders`)."""
    settings = settings or NoticeSettings.from_env(os.environ)
    return _send(ctx, due_reminders(ctx.db, now, settings), now, settings)


@queue.scheduled("check-ins", cron="*/15 * * * *", summary=phrase("'did you meet?' after a session"))
def send_check_ins(ctx: queue.Context, now: dt.datetime, settings: NoticeSettings | None = None) -> Sent:
    """Send the check-ins due at ``now`` (see :func:`due_check_ins`), and try the value checks that
    failed again: the value check itself runs only once a quarter."""
    settings = settings or NoticeSettings.from_env(os.environ)
    with ctx.db.transaction() as session:
        value_retries = store.failed(session, VALUE_CHECK, most_attempts=settings.most_attempts)
    retried = [d for d in due_value_checks(ctx.db, now, settings) if (d.about, d.person_id) in value_retries]
    return _send(ctx, due_check_ins(ctx.db, now, settings) + retried, now, settings)


@queue.scheduled("value-check", cron="0 7 1 1,4,7,10 *", summary=phrase("the quarterly value check"))
def send_value_checks(ctx: queue.Context, now: dt.datetime, settings: NoticeSettings | None = None) -> Sent:
    """Send the value checks due at ``now`` (see :func:`due_value_checks`)."""
    settings = settings or NoticeSettings.from_env(os.environ)
    return _send(ctx, due_value_checks(ctx.db, now, settings), now, settings)


def _send(ctx: queue.Context, dues: list[Due], now: dt.datetime, settings: NoticeSettings) -> Sent:
    if not dues:
        return Sent()
    if ctx.smtp is None:
        log.info("%d notices are due, but no mail server is set up (MEELOOP_SMTP_HOST)", len(dues))
        return Sent(waiting=len(dues))
    with ctx.db.transaction() as session:
        languages = {a.person_id: a.locale for a in accounts.accounts(session) if a.person_id and a.locale}
    sent = 0
    failed: list[tuple[str, str]] = []
    try:
        with Postman(ctx.smtp) as postman:
            for done, due in enumerate(dues):
                outcome = _send_one(ctx, postman, due, now, settings, languages)
                if outcome is None:
                    continue  # another run has it
                if not isinstance(outcome, DeliveryError):
                    sent += 1
                    continue
                failed.append((due.person_id, str(outcome)))
                log.warning("%s to %s not sent: %s", due.kind, due.person_id, outcome)
                if outcome.connection_lost:
                    raise queue.TryAgain(
                        phrase(
                            "the mail server went away after {sent} sent; {left} wait for the next run",
                            sent=sent,
                            left=len(dues) - done - 1,
                        )
                    )
    except DeliveryError as error:  # the server cannot be reached at all
        raise queue.TryAgain(str(error)) from error
    return Sent(sent, tuple(failed))


def _send_one(
    ctx: queue.Context,
    postman: Postman,
    due: Due,
    now: dt.datetime,
    settings: NoticeSettings,
    languages: Mapping[str, str],
) -> DeliveryError | Literal["sent"] | None:
    """Claim one notice, send it and mark how it went: ``"sent"`` when it went out, None when
    another run has it, else why not. The claim is committed before the mail server is asked, so
    no transaction waits for the server (on SQLite it would hold up every writer)."""
    event = due.event
    with ctx.db.transaction() as session:
        notice_id = store.claim(
            session,
            due.kind,
            due.about,
            due.person_id,
            event_id=event.id if event else None,
            session_day=due.day,
            now=now,
            most_attempts=settings.most_attempts,
            stale_before=now - settings.sending_for,
        )
        if notice_id is None:
            return None
        people = storage.load_people(session, [due.person_id, *(participants(event) if event else ())])
    person = people[due.person_id]
    words = catalogs.translator(languages.get(due.person_id) or ctx.invites.language)
    token = secrets.token_urlsafe(24) if due.kind in (CHECK_IN, VALUE_CHECK) else ""
    subject, text = write(due, person, people, ctx.invites, words, token=token)
    try:
        postman.send_note(
            person.email,
            subject,
            text,
            to_name=person.name,
            message_id=f"<meeloop-notice-{notice_id}@{ctx.invites.domain}>",
            now=now,
        )
    except DeliveryError as error:
        with ctx.db.transaction() as session:
            store.mark_failed(session, notice_id, str(error))
        return error
    with ctx.db.transaction() as session:
        if event is not None and event.id is not None and due.day is not None and token:
            store.ask(session, event.id, due.day, due.person_id, token, now=now)
        if due.kind == VALUE_CHECK and token:
            survey_storage.ask_value_check(session, due.person_id, due.about, token, now=now)
        store.mark_sent(session, notice_id, now=now)
    return SENT


# -- what the e-mails say ------------------------------------------------------------------------------


def write(
    due: Due,
    person: Person,
    people: Mapping[str, Person],
    settings: InviteSettings,
    words: Translator,
    *,
    token: str = "",
) -> tuple[str, str]:
    """The subject and text of the notice, in the reader's language."""
    if due.kind == REMINDER:
        subject, lines = _reminder(due, person, people, settings, words)
    elif due.kind == CHECK_IN:
        subject, lines = _check_in(due, settings, words, token)
    else:
        subject, lines = _value_check(due, settings, words, token)
    greeting = phrase("Dear {name},", name=one_line(person.name))
    return say(subject, words), "\n".join(
        [say(greeting, words), "", *(say(line, words) for line in lines)]
    ) + "\n"


def _locale(words: Translator) -> str:
    return str(getattr(words, "locale", "en"))


def _reminder(
    due: Due, person: Person, people: Mapping[str, Person], settings: InviteSettings, words: Translator
) -> tuple[str, list[str]]:
    event = _event(due)
    assert due.start is not None and due.end is not None
    zone = ZoneInfo(person.timezone)
    when = phrase(
        "{start}–{end} ({timezone})",
        start=format_datetime(due.start.astimezone(zone), "EEEE d MMMM y, HH:mm", locale=_locale(words)),
        end=format_time(due.end.astimezone(zone), "HH:mm", locale=_locale(words)),
        timezone=person.timezone,
    )
    lines = [
        phrase("A reminder: your {kind} “{title}” is coming up.", kind=kind_word(event), title=event.title),
        "",
        phrase("When: {when}", when=when),
        phrase("Where: {place}", place=location(event, people, settings, words)),
    ]
    others = [one_line(people[m].name) for m in event.members if m != person.id and m in people]
    if others:
        lines.append(phrase("With: {names:list}", names=others))
    tip = PREPARE.get(participants(event).get(person.id, ""))
    if tip:
        lines += ["", phrase("To prepare: {tip}", tip=tip)]
    lines += ["", phrase("Your plans in meeloop: {url}", url=f"{settings.plans_url}#event-{event.id}")]
    return phrase("Reminder: {title}", title=event.title), lines


def _check_in(due: Due, settings: InviteSettings, words: Translator, token: str) -> tuple[str, list[str]]:
    event = _event(due)
    assert due.day is not None
    day = format_date(due.day, "EEEE d MMMM y", locale=_locale(words))
    link = f"{settings.base_url}/check-in/{token}"
    lines = [
        phrase(
            "Your {kind} “{title}” was planned for {day}. Did it take place?",
            kind=kind_word(event),
            title=event.title,
            day=day,
        ),
        "",
        phrase("Yes, it took place: {url}", url=f"{link}/{HELD}"),
        phrase("It was moved to another time: {url}", url=f"{link}/{MOVED}"),
        phrase("No, it did not take place: {url}", url=f"{link}/{NOT_HELD}"),
        "",
        phrase("You do not need to log in. Clicked the wrong one? Use another link to change your answer."),
        phrase("HR only sees how many sessions took place, never who answered what."),
        phrase("If it did, the page that follows asks what it brought you. That part is up to you."),
    ]
    return phrase("Did it take place? {title}", title=event.title), lines


#: Wenger-Trayner's five value levels as the reflections page names them (DOMAIN.md).
VALUE_LEVELS = (
    (term("Immediate value"), term("the experience itself: it was worth the time")),
    (term("Potential value"), term("an insight, a contact, a book to read")),
    (term("Applied value"), term("I did something differently in my work")),
    (term("Realised value"), term("it had an effect on clients, the team or the product")),
    (term("Reframing value"), term("it changed how I look at my work")),
)


def _value_check(due: Due, settings: InviteSettings, words: Translator, token: str) -> tuple[str, list[str]]:
    assert due.quarter is not None
    locale = _locale(words)
    lines = [
        counted(
            due.sessions,
            "From {first} to {last} you took part in {n} session of learning with colleagues.",
            "From {first} to {last} you took part in {n} sessions of learning with colleagues.",
            first=format_date(due.quarter.first_day, "d MMMM", locale=locale),
            last=format_date(due.quarter.last_day, "d MMMM y", locale=locale),
        ),
        phrase("What did it bring you? Look back for a moment on the five kinds of value:"),
        *(phrase("- {level} ({meaning})", level=level, meaning=meaning) for level, meaning in VALUE_LEVELS),
        "",
        phrase(
            "Tick the kinds of value it had, in a short form (you do not need to log in): {url}",
            url=f"{settings.base_url}/value-check/{token}",
        ),
        phrase("You can change your answer until the end of this quarter."),
        "",
        phrase(
            "How does your team make room for learning? A few questions on the learning climate: {url}",
            url=f"{settings.base_url}/me/learning-climate",
        ),
        phrase("Only you read your answers; HR sees only counts of groups too large to tell who said what."),
    ]
    return phrase("What did learning with colleagues bring you last quarter?"), lines


def _event(due: Due) -> ScheduledEvent:
    assert due.event is not None, due
    return due.event


# -- answering the check-in ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckInView:
    """A check-in as its links show it: which session, the answer so far, and the language of the
    person it was sent to."""

    event_id: int
    day: dt.date
    kind: str
    title: str
    language: str
    #: held | moved | not-held; None until answered.
    answer: str | None
    #: Whether the session can be reflected on: its event is still planned.
    reflectable: bool = True
    #: With ``moved``: the new day, when the person gave it.
    moved_to: dt.date | None = None


def _token_looks_right(token: str) -> bool:
    return 0 < len(token) <= 100 and all(c.isalnum() or c in "-_" for c in token)


def check_in(db: Database, settings: InviteSettings, token: str) -> CheckInView | None:
    """The check-in behind a token from a check-in e-mail; None for a wrong one."""
    if not _token_looks_right(token):
        return None
    with db.transaction() as session:
        found = store.by_token(session, token)
        return _view(session, settings, found) if found else None


#: How far from the session a moved session's new day may be.
MOVED_WITHIN = dt.timedelta(days=366)


def answer_check_in(
    db: Database,
    settings: InviteSettings,
    token: str,
    answer: str,
    *,
    now: dt.datetime,
    moved_to: dt.date | None = None,
) -> CheckInView | None:
    """Store whether the session took place (:data:`CHECK_IN_ANSWERS`, or the old ``yes``/``no``),
    replacing an earlier answer; None for a wrong token. A new day (``moved_to``) goes with
    ``moved`` only, within a year of the session; anything wrong raises
    :class:`~matcher.domain.problems.InvalidInput` and stores nothing."""
    if not _token_looks_right(token):
        return None
    given = OLD_ANSWERS.get(answer, answer)
    with db.transaction() as session:
        found = store.by_token(session, token)
        if found is None:
            return None
        problems = Problems()
        where = Location("check-in", found.session_day.isoformat(), "answer")
        if given not in CHECK_IN_ANSWERS:
            problems.add(
                where,
                phrase("'{answer}' is not an answer; choose held, moved or not held", answer=answer[:20]),
            )
        if moved_to is not None and given == MOVED and abs(moved_to - found.session_day) > MOVED_WITHIN:
            problems.add(
                Location("check-in", found.session_day.isoformat(), "moved_to"),
                phrase("give a new day within a year of {day}", day=found.session_day),
            )
        problems.raise_if_any()
        stored = store.answer(session, found.id, given, now=now, moved_to=moved_to)
        return _view(session, settings, stored)


def _view(session: Any, settings: InviteSettings, found: store.CheckIn) -> CheckInView | None:
    event = schedule.event(session, found.event_id)
    if event is None:
        return None
    chosen = next(
        (a.locale for a in accounts.accounts(session) if a.person_id == found.person_id and a.locale), None
    )
    return CheckInView(
        found.event_id,
        found.session_day,
        event.kind,
        event.title,
        catalogs.language_of(chosen or settings.language),
        found.answer,
        event.status == PLANNED,
        found.moved_to,
    )


# -- what HR sees -------------------------------------------------------------------------------------


@dataclass
class CheckInCount:
    """The check-ins on one group of sessions: how many said it took place, was moved, did not take
    place, and how many did not answer. Never who answered what."""

    held: int = 0
    moved: int = 0
    not_held: int = 0
    no_answer: int = 0

    @property
    def asked(self) -> int:
        return self.held + self.moved + self.not_held + self.no_answer


def check_in_counts(db: Database, *, by: str = "round_kind") -> dict[str, CheckInCount]:
    """Counts per group of sessions, grouped as :func:`matcher.services.reflections.reflection_tallies`
    groups: ``kind``, ``source`` (the round's name for its meetings) or ``round_kind``."""
    with db.transaction() as session:
        rows = list(store.answers_with_events(session))
        group = session_group(session, by)
    counts: dict[str, CheckInCount] = {}
    for given, kind, source in rows:
        count = counts.setdefault(group(kind, source), CheckInCount())
        if given == HELD:
            count.held += 1
        elif given == MOVED:
            count.moved += 1
        elif given == NOT_HELD:
            count.not_held += 1
        else:
            count.no_answer += 1
    return dict(sorted(counts.items()))


@dataclass(frozen=True)
class CheckInAnswer:
    """One participant's check-in on one session, for the learning loop to count with: the answer
    (:data:`CHECK_IN_ANSWERS`, None when not answered) and, with ``moved``, the new day if given."""

    event_id: int
    session_day: dt.date
    person_id: str
    answer: str | None
    moved_to: dt.date | None
    answered: dt.datetime | None


def check_in_answers(
    db: Database,
    *,
    since: dt.date | None = None,
    event_ids: Iterable[int] | None = None,
    person_ids: Iterable[str] | None = None,
) -> list[CheckInAnswer]:
    """Every check-in asked (on sessions from ``since``, of ``event_ids``, to ``person_ids``), by
    session day, event and person. For counting: who answered what is never shown to others."""
    with db.transaction() as session:
        found = store.check_ins(session, person_ids, since=since, event_ids=event_ids)
    return sorted(
        (
            CheckInAnswer(c.event_id, c.session_day, c.person_id, c.answer, c.moved_to, c.answered)
            for c in found
        ),
        key=lambda a: (a.session_day, a.event_id, a.person_id),
    )


def notices_sent(db: Database, *, kind: str | None = None) -> list[store.StoredNotice]:
    """The record of notices (of ``kind``), oldest first: what went out, what failed and why."""
    with db.transaction() as session:
        return store.notices(session, kind=kind)


__all__ = [
    "CHECK_IN",
    "CHECK_IN_ANSWERS",
    "HELD",
    "MOVED",
    "NOT_HELD",
    "REMINDER",
    "VALUE_CHECK",
    "CheckInAnswer",
    "CheckInCount",
    "CheckInView",
    "Due",
    "NoticeSettings",
    "Quarter",
    "Sent",
    "answer_check_in",
    "check_in",
    "check_in_answers",
    "check_in_counts",
    "due_check_ins",
    "due_reminders",
    "due_value_checks",
    "notices_sent",
    "send_check_ins",
    "send_reminders",
    "send_value_checks",
    "write",
]
