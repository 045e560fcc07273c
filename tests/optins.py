"""Opt-ins in tests. An import never switches one on (matcher/domain/ownership.py): opting in to
be asked, to mentor, to host or to present is each person's own choice. A test whose people must be
mentors, hosts or presenters imports its file and then records the opt-ins the file gives as the
people's own choices, through the profile service, as the demo does."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from matcher.services import demo, organisation, profiles

#: When the people opted in, unless a test says otherwise.
OPTED_IN = dt.datetime(2026, 10, 1, 9, 0, tzinfo=dt.UTC)


def opt_in_as_in(db: organisation.Database, path: Path, *, now: dt.datetime | None = None) -> None:
    """Each person in the file opts in, on their own profile, to what the file says they do."""
    parsed = organisation.read_file(path, known=organisation.load_organisation(db))
    choices = {p.id: wanted for p in parsed.organisation.people if (wanted := demo.opt_ins(p))}
    if choices:
        profiles.record_own_choices(db, choices, now=now or OPTED_IN)


def import_with_opt_ins(db: organisation.Database, path: Path, **options) -> organisation.ImportResult:
    """:func:`organisation.import_file`, then :func:`opt_in_as_in` for the same file."""
    result = organisation.import_file(db, path, **options)
    opt_in_as_in(db, path, now=options.get("now"))
    return result


def opt_in_at(url: str, path: Path) -> None:
    """:func:`opt_in_as_in` on the database at ``url`` (for tests that import with the command)."""
    db = organisation.Database(url)
    try:
        opt_in_as_in(db, path)
    finally:
        db.dispose()
