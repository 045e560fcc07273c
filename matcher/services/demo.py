"""The demo organisation: loaded from its files, with its people's opt-ins as their own choices.

An import never switches an opt-in on (:mod:`matcher.domain.ownership`): opting in is each person's
own choice. The demo's people made theirs already, so that the demo has its mentors, hosts and
presenters: after the import their opt-ins in the file are recorded through the profile service,
as if each had saved them on their own profile page.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from matcher.domain import ownership
from matcher.domain.model import Person
from matcher.services import organisation, profiles
from matcher.storage import Database


def opt_ins(person: Person) -> dict[str, Any]:
    """The opt-ins a person has switched on (or raised), as profile keys."""
    default = Person(person.id, person.name, person.email)
    return {
        rule.key: getattr(person, rule.attribute)
        for rule in ownership.FIELDS
        if rule.opt_in
        and rule.attribute
        and getattr(person, rule.attribute) != getattr(default, rule.attribute)
    }


def load_demo(db: Database, source: Path, *, now: dt.datetime) -> organisation.ImportResult:
    """Import the demo organisation (replacing what is stored), then record each person's opt-ins
    in the file as their own choices."""
    result = organisation.import_file(db, source, replace=True, now=now)
    parsed = organisation.read_file(source)
    choices = {p.id: wanted for p in parsed.organisation.people if (wanted := opt_ins(p))}
    if choices:
        profiles.record_own_choices(db, choices, now=now)
    return result
