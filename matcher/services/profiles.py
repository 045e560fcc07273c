"""Editing one person's record: the employee's own profile, or HR correcting anyone.

An edit is a small import. The changes are a person object of the organisation JSON (README,
``matcher/io/schema/organisation.schema.json``) holding only the keys that change; they pass the
same schema, field parsers (:mod:`matcher.io.fields`), merge and organisation checks as a file
would, and are written with :func:`matcher.storage.write_changes`. So an edit is recorded as a
run with what it changed, and the data version goes up with the people it changed, which tells
cached talent maps whom to take in anew. An edit loads and checks only the part of the
organisation it touches (:func:`_stored_part`), never the whole organisation. Bad input raises
:class:`~matcher.domain.problems.InvalidInput` with a problem per field
(``Location(SOURCE, person_id, field)``, the field as in the JSON: ``working_hours``,
``skills.sql``, ``wishes.python``, ``timezone`` ...) and nothing is written.

>>> sorted(SELF_EDITABLE)[:3]
['ask_me', 'host_capacity', 'languages']
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from matcher import storage
from matcher.domain import integrity, ownership
from matcher.domain.history import Author
from matcher.domain.merge import Changes, Merged, merge
from matcher.domain.model import Organisation, Person
from matcher.domain.ownership import Provenance
from matcher.domain.phrases import counted, phrase, term
from matcher.domain.problems import InvalidInput, Location, Problem
from matcher.io import fields, orgjson
from matcher.storage import Database, people, talentmap

#: The file name problems are reported under (a word of the reader's language on a page).
SOURCE = term("profile")

#: What people may change about themselves: their skills, wishes, what they opt in to and when
#: and how they work (the fields they own, and skills and wishes: :mod:`matcher.domain.ownership`).
SELF_EDITABLE: frozenset[str] = ownership.PERSON_KEYS | ownership.EITHER_KEYS
#: What only HR changes (it comes from the personnel records).
HR_ONLY: tuple[str, ...] = ownership.HR_KEYS
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
        stored, merged, own = _merged(session, {person_id: changes}, allowed, by_self=by == person_id)
        found = merged.changes
        if found.nothing:
            return EditResult(found, None)
        source = (
            phrase("profile of {person}, changed by {by}", person=person_id, by=by)
            if by and by != person_id
            else phrase("profile of {person}", person=person_id)
        )
        author = Author("hr", by) if by and by != person_id else Author("profile", person_id)
        run_id = _write(session, stored, merged, own, [source], now, author)
    return EditResult(found, run_id)


def record_own_choices(
    db: Database, choices: Mapping[str, Mapping[str, Any]], *, now: dt.datetime
) -> EditResult:
    """What several people chose on their own profiles (``choices`` by person id, each as for
    :func:`update_person` with ``by`` the person), checked and written together as one run: as if
    each had saved their profile. The demo records its people's opt-ins this way."""
    with db.transaction() as session:
        stored, merged, own = _merged(session, choices, SELF_EDITABLE, by_self=True)
        if merged.changes.nothing:
            return EditResult(merged.changes, None)
        sources = [counted(len(choices), "the own profile of {n} person", "the own profiles of {n} people")]
        run_id = _write(session, stored, merged, own, sources, now, Author("profile"))
    return EditResult(merged.changes, run_id)


def _write(
    session: Any,
    stored: Organisation,
    merged: Merged,
    own: Provenance,
    sources: list[str],
    now: dt.datetime,
    author: Author,
) -> int:
    run_id = storage.write_changes(
        session,
        stored,
        merged.organisation,
        sources=sources,
        replace=False,
        changes=merged.changes,
        now=now,
        author=author,
    )
    talentmap.write_provenance(session, own, merged.provenance)
    return run_id


def check_person(
    db: Database, person_id: str, changes: Mapping[str, Any], *, allowed: frozenset[str] = EDITABLE
) -> None:
    """The same checks as :func:`update_person` without writing: raises InvalidInput with every
    problem. A form that already found problems of its own uses it to report all of them at once."""
    with db.transaction() as session:
        _merged(session, {person_id: changes}, allowed, by_self=False)


def _merged(
    session: Any, changes: Mapping[str, Mapping[str, Any]], allowed: frozenset[str], *, by_self: bool
) -> tuple[Organisation, Merged, Provenance]:
    """The stored organisation, the merge of the changes (by person id) and which of the stored
    levels and wishes their people entered themselves; or InvalidInput.
    A level or wish a person sets for themselves (``by_self``) is theirs; one HR sets is HR's."""
    not_allowed = [
        (person_id, key) for person_id, keys in changes.items() for key in keys if key not in allowed
    ]
    if not_allowed:
        raise InvalidInput(
            [
                Problem(Location(SOURCE, person_id, key), phrase("this field cannot be changed here"))
                for person_id, key in not_allowed
            ]
        )
    stored = _stored_part(session, changes)
    docs = []
    for person_id, wanted in changes.items():
        person = stored.person(person_id)
        if person is None:
            raise InvalidInput(
                [Problem(Location(SOURCE, person_id, "id"), phrase("there is no such person"))]
            )
        docs.append({"id": person.id, "name": person.name, "email": person.email, **_normalised(wanted)})
    document = {"format": orgjson.FORMAT, "version": orgjson.VERSION, "people": docs}
    parsed = orgjson.parse_document(document, SOURCE)
    own = _own(session, stored)
    merged = merge(stored, parsed, by=ownership.BY_SELF if by_self else ownership.BY_HR, own=own)
    problems = parsed.problems
    integrity.check_people(merged.organisation, parsed.locator, problems)
    ids = list(changes)
    # The stored name and address only say who is meant: text an older import let through (a line
    # break in a name) blocks no edit of other fields; changing that field is checked as usual.
    listed = [_at_person(p, ids) for p in problems]
    found = [
        p
        for p in listed
        if not (field_of(p) in IDENTIFYING and field_of(p) not in changes.get(str(p.where.row), {}))
    ]
    if found:
        raise InvalidInput(found, problems.total - (len(listed) - len(found)))
    return stored, merged, own


#: The fields an edit carries from the stored person only to say who is meant.
IDENTIFYING = frozenset({"name", "email"})


def _stored_part(session: Any, changes: Mapping[str, Mapping[str, Any]]) -> Organisation:
    """What an edit of these people and its checks need of the stored organisation: the people with
    their levels and wishes; everyone up the manager line they have and the one they get (so that an
    unknown manager or a loop is found); whoever has an address they get (so that a taken address is
    found); and the skills they hold, wish for or are given. Not the rest, so that an edit stays quick
    in a large organisation."""
    edited = people.load_part(session, changes)
    others: dict[str, Person] = {}
    for person in edited.people:
        wanted = changes[person.id]
        for manager in (person.manager_id, wanted.get("manager")):
            # A manager already read came with the whole line above them.
            if isinstance(manager, str) and manager and manager not in others:
                others.update((p.id, p) for p in people.manager_line(session, manager))
        email = wanted.get("email")
        if isinstance(email, str) and email.strip():
            others.update((p.id, p) for p in people.people_with_email(session, email.strip()))
    # The others are there to be checked against, not changed: their levels and wishes stay out.
    extra = tuple(p for pid, p in sorted(others.items()) if pid not in changes)
    # The skills the part holds or wishes for and those the edit names; the rest of the taxonomy
    # stays out, as it stays as it was.
    named = {h.skill_id for h in edited.holdings} | {w.skill_id for w in edited.wishes}
    for wanted in changes.values():
        for key in ("skills", "wishes"):
            if isinstance(wanted.get(key), Mapping):
                named.update(k for k in wanted[key] if isinstance(k, str))
    return dataclasses.replace(
        edited, people=edited.people + extra, skills=people.load_skills(session, named)
    )


def _own(session: Any, stored: Organisation) -> Provenance:
    """Which of the levels and wishes in ``stored`` their people entered themselves; the rest of the
    organisation's stay out of the edit, as its levels and wishes do."""
    holders = {h.person_id for h in stored.holdings} | {w.person_id for w in stored.wishes}
    own = talentmap.load_provenance(session, holders)
    levels = {(h.person_id, h.skill_id) for h in stored.holdings}
    wishes = {(w.person_id, w.skill_id) for w in stored.wishes}
    return Provenance(own.holdings & levels, own.wishes & wishes)


def _normalised(changes: Mapping[str, Any]) -> dict[str, Any]:
    """Forms hand in text where the JSON has lists; everything else goes to the schema as it is."""
    out = dict(changes)
    if isinstance(out.get("languages"), str):
        out["languages"] = list(fields.parse_list(out["languages"]))
    return out


def _at_person(problem: Problem, person_ids: list[str]) -> Problem:
    """``profile, people[0], field 'x'`` -> ``profile, anna, field 'x'``."""
    row = str(problem.where.row or "")
    index = int(row[len("people[") : -1]) if row.startswith("people[") and row[-1:] == "]" else 0
    person_id = person_ids[index] if 0 <= index < len(person_ids) else person_ids[0]
    return Problem(Location(problem.where.file, person_id, problem.where.field), problem.message)


def field_of(problem: Problem) -> str:
    """The top-level person key a problem is about: ``skills.sql`` -> ``skills``."""
    return (problem.where.field or "").split(".", 1)[0]
