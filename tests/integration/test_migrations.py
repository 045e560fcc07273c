"""The migrations themselves, from an empty database: every other test starts from a copy of a
database they brought up once per session (see tests/conftest.py)."""

from __future__ import annotations

import pytest
import sqlalchemy
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from matcher import storage
from matcher.storage import make_engine, migrate, schema_is_current


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def empty_url(request: pytest.FixtureRequest) -> str:
    return request.getfixturevalue(f"empty_{request.param}_url")


def _differences(engine: sqlalchemy.Engine) -> list[object]:
    """What the schema in the database lacks or has beyond the models, as alembic's autogenerate sees it."""
    with engine.connect() as connection:
        return compare_metadata(MigrationContext.configure(connection), storage.Base.metadata)


def _tables(engine: sqlalchemy.Engine) -> set[str]:
    return set(sqlalchemy.inspect(engine).get_table_names()) - {"alembic_version"}


def test_the_migrations_build_the_models_schema_from_nothing_take_it_all_down_and_build_it_again(empty_url):
    engine = make_engine(empty_url)
    try:
        migrate(engine)
        assert schema_is_current(engine)
        assert _tables(engine) == set(storage.Base.metadata.tables)
        assert _differences(engine) == []

        config = storage.alembic_config(empty_url)
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "base")
        assert _tables(engine) == set()
        assert not schema_is_current(engine)

        migrate(engine)
        assert schema_is_current(engine)
        assert _differences(engine) == []
    finally:
        engine.dispose()
