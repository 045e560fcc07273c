"""Editing one person's record: the employee's own profile, or HR correcting anyone.

An edit is a small import. The changes are a person object of the organisation JSON (README,
``matcher/io/schema/organisation.schema.json``) holding only the keys that change; they pass the
same schema, field parsers (:mod:`matcher.io.fields`), merge and whole-organisation checks as a file
would, and are written with :func:`matcher.storage.write_changes`. So an edit is recorded as a
run with what it changed, and the data version goes up, which tells cached talent maps to
rebuild. Bad input raises :class:`~matcher.domain.problems.InvalidInput` with a problem per field
(``Location(SOURCE, person_id, field)``, the field as in the JSON: ``working_hours``,
``skills.sql``, ``wishes.python``, ``timezone`` ...) and nothing is written.

>>> sorted(SELF_EDITABLE)[:3]
['ask_me', 'host_capacity', 'languages']
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from matcher import storage
from matcher.domain import integrity
from matcher.domain.merge import Changes, merge
from matcher.domain.model import Organisation
from matcher.domain.phrases import phrase, term
from matcher.domain.problems import InvalidInput, Location, Problem
from matcher.io import fields, orgjson
from matcher.storage import Database

#: The file name problems are reported under (a word of the reader's language on a page).
SOURCE = term("profile")

#: What people may change about themselves: their skills, wishes, what they opt in to and when
#: and how they work.
SELF_EDITABLE: frozenset[str] = frozenset(
    {
        "skills",
        "wishes",
        "ask_me",
        "mentor_capacity",
        "host_capacity",
        "presenter",
        "working_hours",
        "languages",
        "timezone",
    }
)
#: What only HR changes (it comes from the personnel records).
HR_ONLY: tuple[str, ...] = (
    "name",
    "email",
    "department",
    "function",
    "site",
    "team",
    "manager",
    "start_date",
    "years_experience",
    "leaving_date",
    "intern",
    "newcomer",
)
EDITABLE: frozenset[str] = SELF_EDITABLE | frozenset(HR_ONLY)


@dataclass(frozen=True)
class EditResult:
    changes: Changes
    #: The recorded run, None when nothing changed (and nothing was written).
    run_id: int | None

    @property
    def nothing(self) -> bool:
        return self.changes.nothing


def update_person(
    db: Database,
    person_id: str,
    changes: Mapping[str, Any],
    *,
    now: dt.datetime,
    by: str | None = None,
    allowed: frozenset[str] = EDITABLE,
) -> EditResult:
    """Change a stored person: ``changes`` maps JSON person keys to their new values.

    ``skills`` and ``wishes``, when given, are the person's complete lists (a skill left out, or at
    level 0, is no longer held). ``languages`` may be a list or text (``nl, en``), ``working_hours``
    a mapping of weekday to ranges or the compact text form. ``by`` names who made the change (for
    the record); ``allowed`` limits the keys (an employee's own profile: :data:`SELF_EDITABLE`).
    One transaction; on any problem nothing is written.
    """
    with db.transaction() as session:
        stored, merged, found = _merged(session, person_id, changes, allowed)
        if found.nothing:
            return EditResult(found, None)
        source = (
            phrase("profile of {person}, changed by {by}", person=person_id, by=by)
            if by and by != person_id
            else phrase("profile of {person}", person=person_id)
        )
        run_id = storage.write_changes(
            session, stored, merged, sources=[source], replace=False, changes=found, now=now
        )
    return EditResult(found, run_id)


def check_person(
    db: Database, person_id: str, changes: Mapping[str, Any], *, allowed: frozenset[str] = EDITABLE
) -> None:
    """The same checks as :func:`update_person` without writing: raises InvalidInput with every
    problem. A form that already found problems of its own uses it to report all of them at once."""
    with db.transaction() as session:
        _merged(session, person_id, changes, allowed)


def _merged(
    session: Any, person_id: str, changes: Mapping[str, Any], allowed: frozenset[str]
) -> tuple[Organisation, Organisation, Changes]:
    """The stored organisation, the one with the changes, and what differs; or InvalidInput."""
    not_allowed = [key for key in changes if key not in allowed]
    if not_allowed:
        raise InvalidInput(
            [
                Problem(Location(SOURCE, person_id, key), phrase("this field cannot be changed here"))
                for key in not_allowed
            ]
        )
    stored = storage.load_organisation(session)
    person = stored.person(person_id)
    if person is None:
        raise InvalidInput([Problem(Location(SOURCE, person_id, "id"), phrase("there is no such person"))])
    doc = {"id": person.id, "name": person.name, "email": person.email, **_normalised(changes)}
    document = {"format": orgjson.FORMAT, "version": orgjson.VERSION, "people": [doc]}
    parsed = orgjson.parse_document(document, SOURCE)
    merged, found = merge(stored, parsed)
    problems = parsed.problems
    integrity.check_organisation(merged, parsed.locator, problems)
    if problems:
        raise InvalidInput([_at_person(p, person_id) for p in problems], problems.total)
    return stored, merged, found


def _normalised(changes: Mapping[str, Any]) -> dict[str, Any]:
    """Forms hand in text where the JSON has lists; everything else goes to the schema as it is."""
    out = dict(changes)
    if isinstance(out.get("languages"), str):
        out["languages"] = list(fields.parse_list(out["languages"]))
    return out


def _at_person(problem: Problem, person_id: str) -> Problem:
    """``profile, people[0], field 'x'`` -> ``profile, anna, field 'x'``."""
    return Problem(Location(problem.where.file, person_id, problem.where.field), problem.message)


def field_of(problem: Problem) -> str:
    """The top-level person key a problem is about: ``skills.sql`` -> ``skills``."""
    return (problem.where.field or "").split(".", 1)[0]
