"""The use cases behind the API for HR systems: people a page at a time, the organisation exported
as a document, and a document imported.

An import through the API is the file import (:func:`matcher.services.organisation.import_file`):
the body is kept as ``organisation.json`` in a temporary folder and read from there, so that it is
checked by the same schema and rules, keeps what people entered about themselves, is one
transaction (every problem reported, nothing stored when there is one) and is recorded in the
history with its author.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from matcher.domain.model import Organisation
from matcher.io import orgjson
from matcher.services import organisation
from matcher.storage import Database

#: What a body that is imported is called where a problem says where it is.
BODY_NAME = "organisation.json"


@dataclass(frozen=True)
class PeoplePage:
    people: list[dict[str, Any]]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def people_page(org: Organisation, page: int, per_page: int) -> PeoplePage:
    """The people on one page, ordered by id, each as the organisation document writes a person."""
    ordered = sorted(org.people, key=lambda p: p.id)
    shown = ordered[(page - 1) * per_page : page * per_page]
    ids = {p.id for p in shown}
    part = replace(
        org,
        people=tuple(shown),
        holdings=tuple(h for h in org.holdings if h.person_id in ids),
        wishes=tuple(w for w in org.wishes if w.person_id in ids),
        history=(),
    )
    return PeoplePage(orgjson.to_document(part)["people"], page, per_page, len(ordered))


def export_document(db: Database) -> dict[str, Any]:
    """The organisation as the JSON file export writes it."""
    return orgjson.to_document(organisation.load_organisation(db))


def import_document(
    db: Database,
    body: bytes,
    *,
    replace: bool,
    dry_run: bool,
    takes: Iterable[str],
    by: str,
    now: dt.datetime,
) -> organisation.ImportResult:
    """Import a request's body as an organisation JSON file; InvalidInput when anything is wrong,
    and then nothing is stored."""
    with tempfile.TemporaryDirectory(prefix="meeloop-api-") as folder:
        path = Path(folder) / BODY_NAME
        path.write_bytes(body)
        return organisation.import_file(
            db, path, replace=replace, dry_run=dry_run, takes=list(takes), now=now, by=by
        )
