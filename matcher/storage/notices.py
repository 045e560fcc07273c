"""Scheduled notices in the database: which were sent to whom, and the check-in answers (held,
moved or not held).

A notice is claimed before it goes out: :func:`claim` writes its row as ``sending`` (or takes back
a failed one, or one whose sender died) in a transaction of its own, so a second run or worker
that wants the same notice finds it taken; after the mail server answered, :func:`mark_sent` or
:func:`mark_failed` says how it went. No transaction stays open while the mail server is talked
to. Every function runs inside the caller's transaction and only flushes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from matcher.storage import CheckInRow, NoticeRow, ScheduledEventRow
from matcher.storage.base import utc

SENDING, SENT, FAILED = "sending", "sent", "failed"
#: The check-in answers: it took place, it takes place at another time, it did not take place.
HELD, MOVED, NOT_HELD = "held", "moved", "not-held"


@dataclass(frozen=True)
class CheckIn:
    """One participant's check-in on one session, found by its token."""

    id: int
    event_id: int
    session_day: dt.date
    person_id: str
    asked: dt.datetime
    #: held | moved | not-held; None until answered.
    answer: str | None
    answered: dt.datetime | None
    #: With ``moved``: the new day, when the person gave it.
    moved_to: dt.date | None = None


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


# -- notices ------------------------------------------------------------------------------------------


def settled(
    session: Session, kind: str, abouts: Iterable[str], *, most_attempts: int
) -> set[tuple[str, str]]:
    """(about, person id) of the notices of ``kind`` about ``abouts`` that need no more sending:
    sent, or failed ``most_attempts`` times."""
    wanted = sorted(set(abouts))
    found: set[tuple[str, str]] = set()
    for first in range(0, len(wanted), 500):  # a bounded IN list, on every database alike
        rows = session.execute(
            select(NoticeRow.about, NoticeRow.person_id).where(
                NoticeRow.kind == kind,
                NoticeRow.about.in_(wanted[first : first + 500]),
                (NoticeRow.status == SENT) | (NoticeRow.attempts >= most_attempts),
            )
        )
        found.update((about, person) for about, person in rows)
    return found


def failed(session: Session, kind: str, *, most_attempts: int) -> set[tuple[str, str]]:
    """(about, person id) of the notices of ``kind`` that failed and may be tried again."""
    rows = session.execute(
        select(NoticeRow.about, NoticeRow.person_id).where(
            NoticeRow.kind == kind, NoticeRow.status == FAILED, NoticeRow.attempts < most_attempts
        )
    )
    return {(about, person) for about, person in rows}


def claim(
    session: Session,
    kind: str,
    about: str,
    person_id: str,
    *,
    event_id: int | None,
    session_day: dt.date | None,
    now: dt.datetime,
    most_attempts: int,
    stale_before: dt.datetime,
) -> int | None:
    """The notice's row id, now ``sending``, when this run may send it: a new row, one that failed
    fewer than ``most_attempts`` times, or one claimed before ``stale_before`` and never marked
    (its sender died). None when it was sent, gave up, or another run is sending it; a run that
    claims at the same moment waits for this transaction and then finds it taken."""
    values = {
        "kind": kind,
        "about": about,
        "person_id": person_id,
        "event_id": event_id,
        "session_day": session_day,
        "status": SENDING,
        "claimed": now,
        "attempts": 1,
        "last_error": "",
        "created": now,
    }
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    inserted = session.scalars(
        dialect.insert(NoticeRow)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["kind", "about", "person_id"])
        .returning(NoticeRow.id)
    ).one_or_none()
    if inserted is not None:
        return inserted
    again = (NoticeRow.status == FAILED) | (
        (NoticeRow.status == SENDING) & (NoticeRow.claimed < stale_before)
    )
    return session.scalars(
        update(NoticeRow)
        .where(
            NoticeRow.kind == kind,
            NoticeRow.about == about,
            NoticeRow.person_id == person_id,
            NoticeRow.attempts < most_attempts,
            again,
        )
        .values(status=SENDING, claimed=now, attempts=NoticeRow.attempts + 1)
        .returning(NoticeRow.id)
    ).one_or_none()


def mark_sent(session: Session, notice_id: int, *, now: dt.datetime) -> None:
    session.execute(
        update(NoticeRow).where(NoticeRow.id == notice_id).values(status=SENT, sent=now, last_error="")
    )


def mark_failed(session: Session, notice_id: int, error: str) -> None:
    """A failed attempt: tried again by a later run, while fewer than the most attempts were made."""
    session.execute(
        update(NoticeRow)
        .where(NoticeRow.id == notice_id, NoticeRow.status == SENDING)
        .values(status=FAILED, last_error=error[:2000])
    )


@dataclass(frozen=True)
class StoredNotice:
    kind: str
    about: str
    person_id: str
    status: str
    attempts: int
    last_error: str
    sent: dt.datetime | None


def notices(session: Session, *, kind: str | None = None, person_id: str | None = None) -> list[StoredNotice]:
    """Every notice (of ``kind``, to ``person_id``), in the order they were first tried."""
    query = select(NoticeRow).order_by(NoticeRow.id)
    if kind is not None:
        query = query.where(NoticeRow.kind == kind)
    if person_id is not None:
        query = query.where(NoticeRow.person_id == person_id)
    return [
        StoredNotice(
            r.kind, r.about, r.person_id, r.status, r.attempts, r.last_error, utc(r.sent) if r.sent else None
        )
        for r in session.scalars(query)
    ]


# -- check-ins ------------------------------------------------------------------------------------------


def _check_in(row: CheckInRow) -> CheckIn:
    return CheckIn(
        row.id,
        row.event_id,
        row.session_day,
        row.person_id,
        utc(row.asked),
        row.answer,
        utc(row.answered) if row.answered else None,
        row.moved_to,
    )


def ask(
    session: Session, event_id: int, session_day: dt.date, person_id: str, token: str, *, now: dt.datetime
) -> None:
    """Record that the person was asked about the session with ``token`` in the links; asked
    again, the new token replaces the one before (and an answer given stays)."""
    row = session.scalars(
        select(CheckInRow).where(
            CheckInRow.event_id == event_id,
            CheckInRow.session_day == session_day,
            CheckInRow.person_id == person_id,
        )
    ).one_or_none()
    if row is None:
        row = CheckInRow(event_id=event_id, session_day=session_day, person_id=person_id, asked=now)
        session.add(row)
    row.token_hash = token_hash(token)
    row.asked = now
    session.flush()


def check_ins_of(session: Session, person_id: str) -> list[CheckIn]:
    """The person's check-ins, oldest session first."""
    query = select(CheckInRow).where(CheckInRow.person_id == person_id)
    return [_check_in(r) for r in session.scalars(query.order_by(CheckInRow.session_day, CheckInRow.id))]


def by_token(session: Session, token: str) -> CheckIn | None:
    row = session.scalars(select(CheckInRow).where(CheckInRow.token_hash == token_hash(token))).one_or_none()
    return _check_in(row) if row is not None else None


def answer(
    session: Session, check_in_id: int, given: str, *, now: dt.datetime, moved_to: dt.date | None = None
) -> CheckIn:
    """Store the answer (held, moved or not held), replacing one given before; a new day only
    goes with ``moved``."""
    row = session.get(CheckInRow, check_in_id, with_for_update=True)
    assert row is not None, check_in_id
    row.answer = given
    row.moved_to = moved_to if given == MOVED else None
    row.answered = now
    session.flush()
    return _check_in(row)


def not_held(session: Session) -> set[tuple[int, dt.date, str]]:
    """(event id, session day, person id) of every session its participant said did not take place
    (moved or not held)."""
    rows = session.execute(
        select(CheckInRow.event_id, CheckInRow.session_day, CheckInRow.person_id).where(
            CheckInRow.answer.in_([MOVED, NOT_HELD])
        )
    )
    return {(event, day, person) for event, day, person in rows}


def answers_with_events(session: Session) -> list[tuple[str | None, str, str]]:
    """(answer, event kind, event source) for every check-in asked: what HR's counts are made of."""
    rows = session.execute(
        select(CheckInRow.answer, ScheduledEventRow.kind, ScheduledEventRow.source).join(
            ScheduledEventRow, ScheduledEventRow.id == CheckInRow.event_id
        )
    )
    return [(given, kind, source) for given, kind, source in rows]


def check_ins(
    session: Session,
    person_ids: Iterable[str] | None = None,
    *,
    since: dt.date | None = None,
    event_ids: Iterable[int] | None = None,
) -> list[CheckIn]:
    """The check-ins asked (of ``person_ids``, on ``event_ids``, on sessions from ``since``), in the
    order they were asked."""
    query = select(CheckInRow).order_by(CheckInRow.id)
    if person_ids is not None:
        query = query.where(CheckInRow.person_id.in_(sorted(set(person_ids))))
    if event_ids is not None:
        query = query.where(CheckInRow.event_id.in_(sorted(set(event_ids))))
    if since is not None:
        query = query.where(CheckInRow.session_day >= since)
    return [_check_in(r) for r in session.scalars(query)]
