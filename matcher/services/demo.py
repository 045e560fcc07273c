"""The demo organisation: loaded from its files, with its people's opt-ins as their own choices, and
brought to the day the demo is started (:mod:`matcher.services.demo_today`).

An import never switches an opt-in on (:mod:`matcher.domain.ownership`): opting in is each person's
own choice. The demo's people made theirs already, so that the demo has its mentors, hosts and
presenters: after the import their opt-ins in the file are recorded through the profile service,
as if each had saved them on their own profile page.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

from matcher.domain import ownership
from matcher.domain.model import Person
from matcher.io import orgjson
from matcher.services import demo_today, organisation, profiles
from matcher.storage import Database

#: Who invites come from in the demo, and where its colleagues at different sites meet online; the
#: environment's MEELOOP_* settings win.
SETTINGS = {
    "MEELOOP_ORGANIZER": "meeloop@wadloo.nl",
    "MEELOOP_ORGANIZER_NAME": "meeloop Gemeente Wadloo",
    "MEELOOP_ONLINE_LINK": "https://meet.wadloo.nl/leren-van-collegas",
}
ACCOUNTS = demo_today.ACCOUNTS


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


def load_demo(
    db: Database, source: Path, *, now: dt.datetime, calendars: Path | None = None
) -> organisation.ImportResult:
    """Import the demo organisation (replacing what is stored) with its dates moved to ``now``,
    record each person's opt-ins in the file as their own choices, and give it the holidays,
    calendars, past round, meetings and reflections of :mod:`~matcher.services.demo_today`. The
    sample calendars are written to ``calendars`` (a folder; else they are not kept)."""
    parsed = organisation.read_file(source)
    org = demo_today.moved_forward(parsed.organisation, demo_today.weeks_moved(now.date()))
    with tempfile.TemporaryDirectory() as folder:
        moved = Path(folder) / source.name
        orgjson.write_json(org, moved)
        result = organisation.import_file(db, moved, replace=True, now=now)
        choices = {p.id: wanted for p in org.people if (wanted := opt_ins(p))}
        if choices:
            profiles.record_own_choices(db, choices, now=now)
        people = demo_today.calendar_people(org)
        written = demo_today.write_calendars(people, calendars or Path(folder) / "calendars", now.date())
        demo_today.bring_to_life(db, org, written, now=now)
    return result
