"""Replies to invites in the database: the latest answer per event and person, and every message
read from the organiser's mailbox. Every function runs inside the caller's transaction and only
flushes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from matcher.domain.replies import Answer, ReadMail
from matcher.storage.base import utc
from matcher.storage.rows.replies import InviteReplyRow, ReplyMailRow


def _answer(row: InviteReplyRow) -> Answer:
    return Answer(
        event_id=row.event_id,
        person_id=row.person_id,
        answer=row.answer,
        received=utc(row.received),
        sequence=row.sequence,
        occurrence=dt.datetime.fromisoformat(row.occurrence) if row.occurrence else None,
        comment=row.comment,
        proposed_start=utc(row.proposed_start) if row.proposed_start else None,
        proposed_end=utc(row.proposed_end) if row.proposed_end else None,
    )


def was_read(session: Session, mailbox_key: str) -> bool:
    found = session.scalars(select(ReplyMailRow.id).where(ReplyMailRow.mailbox_key == mailbox_key)).first()
    return found is not None


def note_mail(
    session: Session,
    mailbox_key: str,
    *,
    outcome: str,
    reason: str = "",
    sender: str = "",
    subject: str = "",
    event_id: int | None = None,
    now: dt.datetime,
) -> None:
    session.add(
        ReplyMailRow(
            mailbox_key=mailbox_key,
            read=now,
            outcome=outcome,
            reason=reason,
            sender=sender,
            subject=subject,
            event_id=event_id,
        )
    )
    session.flush()


def store_answer(session: Session, answer: Answer) -> None:
    """Keep ``answer`` as the person's latest for that event (and occurrence)."""
    occurrence = answer.occurrence.astimezone(dt.UTC).isoformat() if answer.occurrence else ""
    row = session.scalars(
        select(InviteReplyRow).where(
            InviteReplyRow.event_id == answer.event_id,
            InviteReplyRow.person_id == answer.person_id,
            InviteReplyRow.occurrence == occurrence,
        )
    ).first()
    if row is None:
        row = InviteReplyRow(event_id=answer.event_id, person_id=answer.person_id, occurrence=occurrence)
        session.add(row)
    row.answer = answer.answer
    row.sequence = answer.sequence
    row.comment = answer.comment
    row.proposed_start = answer.proposed_start
    row.proposed_end = answer.proposed_end
    row.received = answer.received
    session.flush()


def answers(session: Session, event_ids: Iterable[int]) -> list[Answer]:
    ids = list(event_ids)
    if not ids:
        return []
    rows = session.scalars(
        select(InviteReplyRow)
        .where(InviteReplyRow.event_id.in_(ids))
        .order_by(InviteReplyRow.event_id, InviteReplyRow.person_id, InviteReplyRow.occurrence)
    )
    return [_answer(r) for r in rows]


def answers_of(session: Session, person_id: str) -> list[Answer]:
    rows = session.scalars(select(InviteReplyRow).where(InviteReplyRow.person_id == person_id))
    return [_answer(r) for r in rows]


def read_mails(session: Session, *, outcomes: Iterable[str], limit: int = 100) -> list[ReadMail]:
    rows = session.scalars(
        select(ReplyMailRow)
        .where(ReplyMailRow.outcome.in_(list(outcomes)))
        .order_by(ReplyMailRow.read.desc(), ReplyMailRow.id.desc())
        .limit(limit)
    )
    return [
        ReadMail(r.id, utc(r.read), r.outcome, r.reason or "", r.sender, r.subject, r.event_id) for r in rows
    ]
