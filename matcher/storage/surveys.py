"""The learning loop's questionnaires in the database: value checks and learning climate answers.

One row per person and quarter for each; answering again replaces the answer. Every function runs
inside the caller's transaction and only flushes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from matcher.domain.surveys import ClimateAnswer, ValueCheck
from matcher.storage import ClimateAnswerRow, ValueCheckRow
from matcher.storage.base import utc
from matcher.storage.notices import token_hash


def _value_check(row: ValueCheckRow) -> ValueCheck:
    return ValueCheck(
        row.person_id,
        row.quarter,
        tuple(row.levels),
        row.story,
        row.department,
        row.team,
        row.tenure,
        tuple(row.programmes),
        utc(row.answered) if row.answered else None,
    )


def _value_row(session: Session, person_id: str, quarter: str) -> ValueCheckRow | None:
    return session.scalars(
        select(ValueCheckRow).where(ValueCheckRow.person_id == person_id, ValueCheckRow.quarter == quarter)
    ).one_or_none()


def ask_value_check(session: Session, person_id: str, quarter: str, token: str, *, now: dt.datetime) -> None:
    """Record that the person was sent the value check on ``quarter`` with ``token`` in its link; a
    new token replaces the one before, and an answer given stays."""
    row = _value_row(session, person_id, quarter)
    if row is None:
        row = ValueCheckRow(person_id=person_id, quarter=quarter, created=now, levels=[], programmes=[])
        session.add(row)
    row.token_hash = token_hash(token)
    session.flush()


def value_check_by_token(session: Session, token: str) -> tuple[str, str] | None:
    """(person id, quarter) of the value check whose link carries ``token``."""
    row = session.scalars(
        select(ValueCheckRow).where(ValueCheckRow.token_hash == token_hash(token))
    ).one_or_none()
    return (row.person_id, row.quarter) if row is not None else None


def value_check(session: Session, person_id: str, quarter: str) -> ValueCheck | None:
    row = _value_row(session, person_id, quarter)
    return _value_check(row) if row is not None else None


def save_value_check(session: Session, answer: ValueCheck, *, now: dt.datetime) -> ValueCheck:
    """Store the person's value check on its quarter, replacing the one given before."""
    row = _value_row(session, answer.person_id, answer.quarter)
    if row is None:
        row = ValueCheckRow(person_id=answer.person_id, quarter=answer.quarter, created=now)
        session.add(row)
    row.levels = list(answer.levels)
    row.story = answer.story
    row.department = answer.department
    row.team = answer.team
    row.tenure = answer.tenure
    row.programmes = list(answer.programmes)
    row.answered = now
    session.flush()
    return _value_check(row)


def value_checks(
    session: Session, *, person_ids: Iterable[str] | None = None, quarter: str | None = None
) -> list[ValueCheck]:
    """The value checks (of ``person_ids``, on ``quarter``), answered or not, oldest quarter first."""
    query = select(ValueCheckRow).order_by(ValueCheckRow.quarter, ValueCheckRow.id)
    if person_ids is not None:
        query = query.where(ValueCheckRow.person_id.in_(sorted(set(person_ids))))
    if quarter is not None:
        query = query.where(ValueCheckRow.quarter == quarter)
    return [_value_check(r) for r in session.scalars(query)]


def _climate(row: ClimateAnswerRow) -> ClimateAnswer:
    return ClimateAnswer(
        row.person_id,
        row.quarter,
        {key: int(value) for key, value in row.scores.items()},
        row.department,
        row.team,
        utc(row.answered),
    )


def save_climate(session: Session, answer: ClimateAnswer) -> ClimateAnswer:
    """Store the person's learning climate answers in the quarter, replacing those given before."""
    row = session.scalars(
        select(ClimateAnswerRow).where(
            ClimateAnswerRow.person_id == answer.person_id, ClimateAnswerRow.quarter == answer.quarter
        )
    ).one_or_none()
    if row is None:
        row = ClimateAnswerRow(person_id=answer.person_id, quarter=answer.quarter)
        session.add(row)
    row.scores = dict(answer.scores)
    row.department = answer.department
    row.team = answer.team
    row.answered = answer.answered
    session.flush()
    return _climate(row)


def climate_answers(
    session: Session, *, person_ids: Iterable[str] | None = None, quarter: str | None = None
) -> list[ClimateAnswer]:
    """The learning climate answers (of ``person_ids``, in ``quarter``), oldest quarter first."""
    query = select(ClimateAnswerRow).order_by(ClimateAnswerRow.quarter, ClimateAnswerRow.id)
    if person_ids is not None:
        query = query.where(ClimateAnswerRow.person_id.in_(sorted(set(person_ids))))
    if quarter is not None:
        query = query.where(ClimateAnswerRow.quarter == quarter)
    return [_climate(r) for r in session.scalars(query)]
