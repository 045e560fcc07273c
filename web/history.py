"""A person's recorded changes in the reader's words: the HR person page and the employee's own data page.

Each change reads as "2 december 2026, 14:03 · HR-import organisation.json: afdeling Financiën ->
Inkoop": when, what made it, and per field its old and new value. The values are shown by the
template macro ``history_value`` (``_history.html``), which knows each kind of field (dates,
yes or no, working hours, skill levels ...); here a change becomes its heading and its lines.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from matcher.domain import history
from matcher.domain.history import PersonChange, Plan
from web.phrases import say

#: The label and the kind of value of each field of a person, as the pages show them.
FIELDS: dict[str, tuple[Any, str]] = {
    "name": (_l("name"), "text"),
    "email": (_l("e-mail address"), "text"),
    "department": (_l("department"), "text"),
    "function": (_l("function"), "text"),
    "site": (_l("site"), "text"),
    "team": (_l("team"), "text"),
    "manager_id": (_l("manager"), "person"),
    "start_date": (_l("start date"), "date"),
    "leaving_date": (_l("leaving date"), "date"),
    "years_experience": (_l("years of experience"), "number"),
    "intern": (_l("intern"), "yes_no"),
    "newcomer": (_l("newcomer"), "yes_no"),
    "languages": (_l("languages"), "languages"),
    "timezone": (_l("time zone"), "text"),
    "working_hours": (_l("working hours"), "hours"),
    "ask_me": (_l("ask me about"), "yes_no"),
    "mentor_capacity": (_l("mentees at most"), "number"),
    "host_capacity": (_l("shadowing guests a month at most"), "number"),
    "presenter": (_l("presents at lunch & learn"), "yes_no"),
}


@dataclass(frozen=True)
class Line:
    """One field of a change: its label, the kind of value, and the old and new value (None: not set)."""

    label: str
    kind: str
    old: Any
    new: Any


@dataclass(frozen=True)
class Shown:
    """A change as a page shows it."""

    change: PersonChange
    #: When, in the reader's words: ``2 december 2026, 14:03``.
    when: str
    heading: str
    lines: tuple[Line, ...]


def when(moment: dt.datetime) -> str:
    """``2 december 2026, 14:03``, in the reader's language and time zone."""
    return format_datetime(moment, "d MMMM y, HH:mm")


def label(field: str, skills: Mapping[str, str]) -> tuple[str, str]:
    """The label and kind of value of a field of a person's record."""
    skill = history.skill_of(field)
    if skill is not None:
        name = skills.get(skill, skill)
        if field.startswith(history.SKILL_PREFIX):
            return _("level of %(skill)s", skill=name), "level"
        return _("wish to learn %(skill)s", skill=name), "priority"
    found, kind = FIELDS.get(field, (field, "text"))
    return str(found), kind


def _files(change: PersonChange) -> str:
    return ", ".join(str(say(source)) for source in change.sources)


def heading(change: PersonChange, *, own: bool = False, names: Mapping[str, str] | None = None) -> str:
    """What made the change, in words: ``HR-import organisation.json``. ``own``: the person reads it."""
    author, names = change.author, names or {}
    run = author.reverts
    match author.kind, author.by:
        case "import", None:
            return _("HR import %(files)s", files=_files(change))
        case "import", by:
            return _("HR import %(files)s by %(by)s", files=_files(change), by=by)
        case "profile", _by:
            if own:
                return _("you changed your profile")
            name = names.get(change.person_id, change.person_id)
            return _("%(name)s changed their own profile", name=name)
        case "hr", by:
            return _("changed by HR (%(by)s)", by=by)
        case "restore", None:
            return _("restored to how it was before change %(run)s", run=run)
        case "restore", by:
            return _("restored by %(by)s to how it was before change %(run)s", by=by, run=run)
        case "undo", None:
            return _("change %(run)s undone", run=run)
        case "undo", by:
            return _("change %(run)s undone by %(by)s", run=run, by=by)
    return _files(change)


def shown(
    changes: list[PersonChange],
    skills: Mapping[str, str],
    *,
    own: bool = False,
    names: Mapping[str, str] | None = None,
) -> list[Shown]:
    return [
        Shown(
            c,
            when(c.at),
            heading(c, own=own, names=names),
            tuple(Line(*label(f.field, skills), f.old, f.new) for f in c.fields),
        )
        for c in changes
    ]


@dataclass(frozen=True)
class PersonGoingBack:
    """What going back does to one person, as a page shows it."""

    person_id: str
    name: str
    event: str
    back: tuple[Line, ...]
    #: A field that stays, with the reason (a message).
    kept: tuple[tuple[Line, str], ...]


def going_back(plan: Plan, skills: Mapping[str, str], names: Mapping[str, str]) -> list[PersonGoingBack]:
    found = []
    for person in plan.people:
        if not person.back and not person.kept:
            continue
        back = tuple(Line(*label(f.field, skills), f.old, f.new) for f in person.back)
        kept = tuple((Line(*label(k.field, skills), k.value, k.value), k.reason) for k in person.kept)
        found.append(PersonGoingBack(person.person_id, _name(person, names), person.event, back, kept))
    return found


def _name(person: Any, names: Mapping[str, str]) -> str:
    """The person's name now, or as they come back, or their id."""
    record = person.record or {}
    return names.get(person.person_id) or str(record.get("name") or person.person_id)
