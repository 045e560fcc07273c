"""The learning loop's questionnaires: the quarterly value check and the learning climate (leerklimaat).

**The value check** asks each participant, once a quarter, which of the five value levels learning
with colleagues reached in the quarter before, with a short story if they like. The e-mail
(:func:`matcher.services.notices.send_value_checks`) links to the form with a random token that
answers for one person and one quarter without logging in; logged in, the same form is on the
person's own pages. One answer per person and quarter, changeable throughout the quarter in which it
is asked (the quarter after the one it is about).

**The learning climate** questionnaire (:data:`matcher.domain.surveys.CLIMATE_ITEMS`) is answered
once per quarter per person on their own pages, and changeable during that quarter.

Reports show counts and means only, per group, and only for groups with at least
:attr:`SurveySettings.min_group` answers (:mod:`matcher.domain.surveys`). Individual answers go back
to the person only (their pages, and their data export in :mod:`matcher.services.personal`).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from matcher import storage
from matcher.domain.phrases import phrase
from matcher.domain.problems import Location, Problems
from matcher.domain.reflections import STORY_LENGTH, VALUE_LEVELS, checked_answer
from matcher.domain.reports import tenure_band
from matcher.domain.schedule import ScheduledEvent
from matcher.domain.surveys import (
    CLIMATE_ITEMS,
    MIN_GROUP,
    SCALE,
    VALUE_GROUPINGS,
    ClimateAnswer,
    ClimateCell,
    Quarter,
    Suppressed,
    ValueCell,
    ValueCheck,
    climate_report,
    value_report,
)
from matcher.io import catalogs
from matcher.io.ics import InviteSettings, participants
from matcher.services.reflections import session_group
from matcher.storage import Database, accounts, schedule
from matcher.storage import notices as notice_storage
from matcher.storage import surveys as store

__all__ = [
    "CLIMATE_ITEMS",
    "SCALE",
    "STORY_LENGTH",
    "VALUE_GROUPINGS",
    "VALUE_LEVELS",
    "ClimateAnswer",
    "ClimateCell",
    "ClimateForm",
    "Quarter",
    "Suppressed",
    "SurveySettings",
    "ValueCell",
    "ValueCheck",
    "ValueCheckForm",
    "climate_form",
    "climate_results",
    "save_climate",
    "save_value_check",
    "value_check_by_token",
    "value_check_form",
    "value_check_levels",
    "value_check_results",
]

VALUE_SOURCE, CLIMATE_SOURCE = "value check", "learning climate"


@dataclass(frozen=True)
class SurveySettings:
    """How small a group may be shown: ``MEELOOP_MIN_GROUP_SIZE`` (3 to 100, default 5)."""

    min_group: int = MIN_GROUP

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> SurveySettings:
        """A bad value raises :class:`~matcher.domain.problems.InvalidInput` naming the variable.

        >>> SurveySettings.from_env({"MEELOOP_MIN_GROUP_SIZE": "8"}).min_group
        8
        """
        text = environ.get("MEELOOP_MIN_GROUP_SIZE", "").strip() or str(MIN_GROUP)
        problems = Problems()
        if not text.isdigit() or not 3 <= int(text) <= 100:
            problems.add(
                Location("environment", field="MEELOOP_MIN_GROUP_SIZE"),
                phrase("'{text}' is not a group size from 3 to 100", text=text),
            )
        problems.raise_if_any()
        return cls(min_group=int(text))


def settings_from_env() -> SurveySettings:
    return SurveySettings.from_env(os.environ)


# -- the value check ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ValueCheckForm:
    """The value check as its form shows it: about which quarter, how many sessions the person had
    in it (held, in which programmes), the answer so far, whether it can still be changed, and the
    language of the person (for the page behind the e-mail's link)."""

    person_id: str
    quarter: Quarter
    sessions: int
    programmes: tuple[str, ...]
    answer: ValueCheck | None
    open: bool
    language: str = "en"


def _open(quarter: Quarter, today: dt.date) -> bool:
    """A value check is answered in the quarter after the one it is about."""
    return Quarter.of(today) == quarter.next()


def _held_sessions(session: Any, person_id: str, quarter: Quarter, today: dt.date) -> list[tuple[str, str]]:
    """(kind, source) of each session the person was in during the quarter, up to today, that they did
    not say was moved or not held."""
    events: list[ScheduledEvent] = schedule.events(
        session, ending_after=dt.datetime.combine(quarter.first_day, dt.time(), dt.UTC)
    )
    called_off = notice_storage.not_held(session)
    found = []
    for event in events:
        if person_id not in participants(event):
            continue
        zone = ZoneInfo(event.timezone)
        for time in event.times():
            day = time.start.astimezone(zone).date()
            if quarter.first_day <= day <= min(quarter.last_day, today) and (
                (event.id, day, person_id) not in called_off
            ):
                found.append((event.kind, event.source))
    return found


def _form(session: Any, person_id: str, quarter: Quarter, today: dt.date, language: str) -> ValueCheckForm:
    held = _held_sessions(session, person_id, quarter, today)
    group = session_group(session, "round_kind")
    programmes = tuple(sorted({group(kind, source) for kind, source in held}))
    answer = store.value_check(session, person_id, quarter.key)
    return ValueCheckForm(
        person_id,
        quarter,
        len(held),
        programmes,
        answer if answer is not None and answer.answered is not None else None,
        _open(quarter, today),
        language,
    )


def value_check_form(db: Database, person_id: str, *, today: dt.date) -> ValueCheckForm:
    """The value check on the quarter before today's, for the person on their own pages."""
    with db.transaction() as session:
        return _form(session, person_id, Quarter.of(today).previous(), today, "en")


def _token_looks_right(token: str) -> bool:
    return 0 < len(token) <= 100 and all(c.isalnum() or c in "-_" for c in token)


def value_check_by_token(
    db: Database, settings: InviteSettings, token: str, *, today: dt.date
) -> ValueCheckForm | None:
    """The value check behind the token of a value-check e-mail; None for a wrong token."""
    if not _token_looks_right(token):
        return None
    with db.transaction() as session:
        found = store.value_check_by_token(session, token)
        if found is None:
            return None
        person_id, key = found
        quarter = Quarter.parse(key)
        if quarter is None:
            return None
        chosen = next(
            (a.locale for a in accounts.accounts(session) if a.person_id == person_id and a.locale), None
        )
        return _form(session, person_id, quarter, today, catalogs.language_of(chosen or settings.language))


def save_value_check(
    db: Database,
    person_id: str,
    quarter: Quarter,
    levels: Iterable[str],
    story: str,
    *,
    today: dt.date,
    now: dt.datetime,
) -> ValueCheck:
    """Store the person's value check on ``quarter``, replacing the one before: at least one value
    level or a story of at most :data:`STORY_LENGTH` characters, while the check is open and about
    a quarter in which the person had sessions. Anything wrong raises
    :class:`~matcher.domain.problems.InvalidInput` and stores nothing."""
    where = quarter.key
    chosen, story, problems = checked_answer(levels, story, VALUE_SOURCE, where)
    with db.transaction() as session:
        form = _form(session, person_id, quarter, today, "en")
        person = storage.load_person(session, person_id)
        if not form.open:
            problems.add(
                Location(VALUE_SOURCE, where, "quarter"),
                phrase("the value check on {quarter} can no longer be changed", quarter=quarter.key),
            )
        elif not form.sessions or person is None:
            problems.add(
                Location(VALUE_SOURCE, where, "quarter"),
                phrase("you had no sessions in {quarter} to look back on", quarter=quarter.key),
            )
        problems.raise_if_any()
        assert person is not None
        answer = ValueCheck(
            person_id,
            quarter.key,
            chosen,
            story,
            person.department,
            person.team,
            tenure_band(person, quarter.last_day),
            form.programmes,
            now,
        )
        return store.save_value_check(session, answer, now=now)


def value_check_results(
    db: Database, *, min_group: int = MIN_GROUP
) -> dict[str, dict[str, dict[str, ValueCell | Suppressed]]]:
    """``{grouping: {group: {quarter: cell}}}`` for each of :data:`VALUE_GROUPINGS` (programme,
    department, tenure band): counts only, groups under ``min_group`` answers suppressed."""
    with db.transaction() as session:
        answers = store.value_checks(session)
    return {by: value_report(answers, by=by, min_group=min_group) for by in VALUE_GROUPINGS}


def value_check_levels(db: Database, quarter: str) -> dict[str, tuple[str, ...]]:
    """Person id -> the value levels their value check on ``quarter`` reached, for the learning loop
    to count with. Never for showing: individual answers are private."""
    with db.transaction() as session:
        return {
            a.person_id: a.levels
            for a in store.value_checks(session, quarter=quarter)
            if a.answered is not None
        }


# -- the learning climate ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClimateForm:
    """The learning climate questionnaire of this quarter, with the person's answers so far."""

    quarter: Quarter
    answer: ClimateAnswer | None
    team: str


def climate_form(db: Database, person_id: str, *, today: dt.date) -> ClimateForm:
    quarter = Quarter.of(today)
    with db.transaction() as session:
        person = storage.load_person(session, person_id)
        found = store.climate_answers(session, person_ids=[person_id], quarter=quarter.key)
    return ClimateForm(quarter, found[0] if found else None, person.team if person else "")


def save_climate(
    db: Database, person_id: str, scores: Mapping[str, str], *, today: dt.date, now: dt.datetime
) -> ClimateAnswer:
    """Store the person's answers for this quarter, replacing earlier ones: every statement a whole
    number from 1 to 5. Anything wrong raises :class:`~matcher.domain.problems.InvalidInput` naming
    each statement, and stores nothing."""
    quarter = Quarter.of(today)
    problems = Problems()
    given: dict[str, int] = {}
    for item in CLIMATE_ITEMS:
        text = (scores.get(item) or "").strip()
        if not text:
            problems.add(Location(CLIMATE_SOURCE, quarter.key, item), phrase("choose a number from 1 to 5"))
        elif not text.isdigit() or int(text) not in SCALE:
            problems.add(
                Location(CLIMATE_SOURCE, quarter.key, item),
                phrase("'{text}' is not a number from 1 to 5", text=text[:20]),
            )
        else:
            given[item] = int(text)
    for item in sorted(set(scores) - set(CLIMATE_ITEMS)):
        problems.add(Location(CLIMATE_SOURCE, quarter.key, item[:40]), phrase("there is no such statement"))
    with db.transaction() as session:
        person = storage.load_person(session, person_id)
        if person is None:
            problems.add(Location(CLIMATE_SOURCE, quarter.key), phrase("you are not on the talent map"))
        problems.raise_if_any()
        assert person is not None
        return store.save_climate(
            session, ClimateAnswer(person_id, quarter.key, given, person.department, person.team, now)
        )


def climate_results(
    db: Database, *, min_group: int = MIN_GROUP, person_ids: Iterable[str] | None = None
) -> dict[str, dict[str, ClimateCell | Suppressed]]:
    """``{team: {quarter: cell}}`` from the answers (of ``person_ids``: a manager's reporting line):
    means per statement, teams under ``min_group`` answers suppressed."""
    with db.transaction() as session:
        answers = store.climate_answers(session, person_ids=person_ids)
    return climate_report(answers, min_group=min_group)
