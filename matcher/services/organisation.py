"""Use cases for the organisation, one function each: import and export it, load it, build the
talent map. The CLI and the web app call
these; they hold no IO of their own beyond the files they are given and the
database they are handed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from matcher import storage
from matcher.domain import integrity
from matcher.domain.history import Author
from matcher.domain.imports import ImportRun
from matcher.domain.merge import Changes, merge
from matcher.domain.model import Organisation
from matcher.domain.ownership import PersonReview, Takes
from matcher.domain.parsed import Parsed
from matcher.domain.phrases import counted, phrase, term
from matcher.domain.problems import InvalidInput, Location, Problem, commas
from matcher.io import matrix, orgjson
from matcher.storage import Database, admin, talentmap

__all__ = [
    "Database",
    "ImportResult",
    "export_file",
    "import_file",
    "load_organisation",
    "person_names",
    "read_file",
]

Progress = Callable[[str], None]

FORMATS = {
    ".json": term("organisation JSON"),
    ".csv": term("skills matrix (CSV)"),
    ".xlsx": term("skills matrix (Excel)"),
}


def quiet(_message: str) -> None:
    pass


def _check_format(path: Path) -> None:
    if path.suffix.lower() not in FORMATS:
        accepted = [phrase("{suffix} ({name})", suffix=suffix, name=name) for suffix, name in FORMATS.items()]
        message = phrase(
            "unknown file type '{suffix}'; use {accepted}", suffix=path.suffix, accepted=commas(accepted)
        )
        raise InvalidInput([Problem(Location(path.name), message)])


def read_file(path: Path, *, skills_path: Path | None = None, known: Organisation | None = None) -> Parsed:
    """Read any supported file into domain data, or raise InvalidInput."""
    _check_format(path)
    if not path.is_file():
        raise InvalidInput([Problem(Location(path.name), phrase("the file does not exist"))])
    if path.suffix.lower() == ".json":
        return orgjson.read_json(path)
    return matrix.read_matrix(path, skills_path=skills_path, known_skills=known.skills if known else ())


@dataclass(frozen=True)
class ImportResult:
    changes: Changes
    run_id: int | None
    people: int
    skills: int
    #: Per person with something to say: the fields that change and the conflicts with what they
    #: entered (:mod:`matcher.domain.ownership`).
    reviews: tuple[PersonReview, ...] = ()
    #: Skill names by id, to show levels and wishes by.
    skill_names: Mapping[str, str] = field(default_factory=dict)

    @property
    def conflicts(self) -> int:
        """Fields left as the person entered them: conflicts HR could have taken and did not."""
        return sum(1 for r in self.reviews for c in r.open_conflicts if c.takeable)


def import_file(
    db: Database,
    path: Path,
    *,
    skills_path: Path | None = None,
    replace: bool = False,
    now: dt.datetime | None = None,
    progress: Progress = quiet,
    dry_run: bool = False,
    takes: Takes | Iterable[str] = (),
    by: str | None = None,
) -> ImportResult:
    """Import a file as one transaction: every problem is reported and nothing
    is written, or everything is. A ``dry_run`` makes the same checks and reports
    the same changes, and writes nothing.

    The file changes the fields HR owns; what people own or entered themselves stays, except the
    fields HR ``takes`` (``PERSON:FIELD`` or ``FIELD`` for everyone; see
    :class:`~matcher.domain.ownership.Takes`), and no opt-in is ever switched on. The run records
    what HR took."""
    now = now or dt.datetime.now(dt.UTC)
    chosen = takes if isinstance(takes, Takes) else Takes.of(takes)
    with db.transaction() as session:
        progress(phrase("loading the stored organisation"))
        stored = storage.load_organisation(session)
        own = talentmap.load_provenance(session)
        progress(phrase("reading {file}", file=path.name))
        parsed = read_file(path, skills_path=skills_path, known=stored)
        progress(
            phrase(
                "checking {people} and {skills}",
                people=counted(len(parsed.organisation.people), "{n} person", "{n} people"),
                skills=counted(len(parsed.organisation.skills), "{n} skill", "{n} skills"),
            )
        )
        result = merge(stored, parsed, replace=replace, own=own, takes=chosen)
        merged, changes = result.organisation, result.changes
        problems = parsed.problems
        integrity.check_duplicates(parsed.organisation, parsed.locator, problems)
        integrity.check_organisation(merged, parsed.locator, problems)
        integrity.check_history(
            parsed.organisation.history, {p.id for p in merged.people}, parsed.locator, problems
        )
        problems.raise_if_any()
        run_id = None
        if not changes.nothing and not dry_run:
            progress(phrase("writing: {summary}", summary=changes.summary()))
            run_id = storage.write_changes(
                session,
                stored,
                merged,
                sources=list(parsed.sources),
                replace=replace,
                changes=changes,
                now=now,
                author=Author("import", by),
            )
            talentmap.write_provenance(session, own, result.provenance)
            talentmap.record_taken(session, run_id, [f"{person}:{key}" for person, key in changes.taken])
    names = {s.id: s.name for s in merged.skills}
    return ImportResult(changes, run_id, len(merged.people), len(merged.skills), result.reviews, names)


def export_file(db: Database, path: Path) -> list[Path]:
    _check_format(path)
    with db.transaction() as session:
        org = storage.load_organisation(session)
    if path.suffix.lower() == ".json":
        orgjson.write_json(org, path)
        return [path]
    return matrix.write_matrix(org, path)


def load_organisation(db: Database) -> Organisation:
    with db.transaction() as session:
        return storage.load_organisation(session)


def recent_imports(db: Database, limit: int = 10) -> list[ImportRun]:
    """The latest imports, newest first, with what each changed."""
    with db.transaction() as session:
        return admin.recent_imports(session, limit=limit)


def person_names(db: Database) -> dict[str, str]:
    with db.transaction() as session:
        return storage.person_names(session)
