"""The corpus runs against one organisation per database kind, stored once for the whole module: no
bad file may change it, so every case can share it (and each compares the database before and after)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from matcher.io import orgjson
from matcher.services import organisation
from matcher.storage import Database
from tests.conftest import _postgres_database
from tests.orgs import small_org

NOW = dt.datetime(2026, 11, 21, 9, 0, tzinfo=dt.UTC)


def _seed(url: str, folder: Path) -> Database:
    db = Database(url)
    orgjson.write_json(small_org(), folder / "seed.json")
    organisation.import_file(db, folder / "seed.json", now=NOW)
    return db


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def seeded(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, sqlite_copy: Callable[..., str]
) -> Iterator[Database]:
    """The small organisation stored in a real SQLite file, or on a real PostgreSQL server."""
    folder = tmp_path_factory.mktemp(f"corpus-{request.param}")
    if request.param == "sqlite":
        db = _seed(sqlite_copy(folder), folder)
        yield db
        db.dispose()
        return
    server = request.getfixturevalue("postgres_server")
    template = request.getfixturevalue("postgres_template")
    with _postgres_database(server, template) as url:
        db = _seed(url, folder)
        yield db
        db.dispose()


def dump(db: Database) -> dict[str, list[str]]:
    """Every row of every table, in an order that does not depend on how the database returns them."""
    with db.engine.connect() as connection:
        tables = sorted(inspect(connection).get_table_names())
        return {
            table: sorted(repr(tuple(row)) for row in connection.execute(text(f'SELECT * FROM "{table}"')))
            for table in tables
        }
