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


def _at(engine: sqlalchemy.Engine, url: str, step: str, revision: str) -> None:
    config = storage.alembic_config(url)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        getattr(command, step)(config, revision)


def test_lunch_and_shadowing_plans_kept_in_their_jobs_move_to_their_own_tables_and_back(empty_url):
    """Before revision 0006 a plan lived in its job's result; upgrading moves the latest finished
    one of each name into the plan tables, published or not, and downgrading puts it back."""
    import datetime as dt

    from matcher.storage import time_plans

    session_plan = {
        "sessions": [
            {
                "skill_id": "wmo",
                "presenter_id": "marit",
                "start": "2026-12-01T11:00:00+00:00",
                "end": "2026-12-01T12:00:00+00:00",
                "timezone": "Europe/Amsterdam",
                "audience": ["pim", "jan"],
                "demand": 3,
                "reasons": ["3 colleagues want to learn Wmo"],
            }
        ],
        "unplaced": [{"skill_id": "sql", "reason": "nobody offered to present it"}],
    }
    slot_plan = {
        "status": "optimal",
        "objective": 1,
        "bound": 1,
        "gap": 0.0,
        "score": 12.5,
        "seconds": 0.4,
        "notes": ["placed all"],
        "slots": [
            {
                "request_id": "7",
                "guest_id": "pim",
                "host_id": "niels",
                "skill_id": None,
                "start": "2026-12-02T09:00:00Z",
                "end": "2026-12-02T10:00:00Z",
                "timezone": "Europe/Amsterdam",
                "host_timezone": "Europe/Brussels",
                "reasons": ["Niels holds SQL"],
            }
        ],
        "unplaced": [],
    }
    created = dt.datetime(2026, 11, 20, 9, tzinfo=dt.UTC)
    engine = make_engine(empty_url)
    try:
        _at(engine, empty_url, "upgrade", "0005")
        job = sqlalchemy.table(
            "solve_job",
            *(sqlalchemy.column(c) for c in ("id", "round_name", "kind", "status", "elapsed", "limit")),
            *(sqlalchemy.column(c) for c in ("message", "started_by")),
            sqlalchemy.column("settings", sqlalchemy.JSON()),
            sqlalchemy.column("best", sqlalchemy.JSON()),
            sqlalchemy.column("created", sqlalchemy.DateTime(timezone=True)),
            sqlalchemy.column("finished", sqlalchemy.DateTime(timezone=True)),
        )
        common = {"elapsed": 1.0, "limit": 10.0, "message": "", "started_by": "hr", "created": created}
        settings = {"first_day": "2026-11-30", "last_day": "2026-12-11"}
        with engine.begin() as connection:
            connection.execute(
                job.insert(),
                [
                    # An older job of the same name: only the latest finished one is the plan.
                    {**common, "id": 1, "round_name": "lunch", "kind": "lunch", "status": "done",
                     "settings": settings, "finished": created,
                     "best": {"plan": {"sessions": [], "unplaced": []}}},
                    {**common, "id": 2, "round_name": "lunch", "kind": "lunch", "status": "done",
                     "settings": settings, "best": {"plan": session_plan, "units": 1}, "finished": created},
                    {**common, "id": 3, "round_name": "stage", "kind": "shadowing", "status": "done",
                     "settings": settings, "finished": created,
                     "best": {"plan": slot_plan, "published": "2026-11-21T08:00:00+00:00"}},
                    {**common, "id": 4, "round_name": "failed", "kind": "lunch", "status": "failed",
                     "settings": settings, "best": {}, "finished": created},
                ],
            )  # fmt: skip
        _at(engine, empty_url, "upgrade", "head")
        with storage.session_factory(engine)() as session:
            assert time_plans.plan_names(session) == {"lunch", "stage"}
            lunch = time_plans.load_plan(session, "lunch")
            stage = time_plans.load_plan(session, "stage")
        assert lunch is not None and stage is not None
        assert (lunch.status, lunch.job_id, lunch.published, lunch.first_day) == (
            "proposed",
            2,
            None,
            dt.date(2026, 11, 30),
        )
        session = lunch.plan.sessions[0]
        assert (session.presenter_id, session.audience, session.demand) == ("marit", ("pim", "jan"), 3)
        assert session.start == dt.datetime(2026, 12, 1, 11, tzinfo=dt.UTC)
        # An old lunch plan had no bound: every topic placed is the one it can be sure of.
        assert (lunch.plan.bound, lunch.plan.status, lunch.plan.unplaced) == (
            2,
            "feasible",
            (("sql", "nobody offered to present it"),),
        )
        assert (stage.status, stage.published) == ("published", dt.datetime(2026, 11, 21, 8, tzinfo=dt.UTC))
        slot = stage.plan.slots[0]
        assert (slot.request_id, slot.guest_id, slot.host_id, slot.host_timezone) == (
            "7",
            "pim",
            "niels",
            "Europe/Brussels",
        )
        assert (stage.plan.score, stage.plan.notes, stage.plan.status) == (12.5, ("placed all",), "optimal")

        _at(engine, empty_url, "downgrade", "0005")
        with engine.connect() as connection:
            best = {row.id: row.best for row in connection.execute(sqlalchemy.select(job))}
        assert best[2]["plan"]["sessions"][0]["audience"] == ["pim", "jan"]
        assert best[2]["plan"]["sessions"][0]["start"] == "2026-12-01T11:00:00+00:00"
        assert best[3]["published"] == "2026-11-21T08:00:00+00:00"
        assert best[3]["plan"]["slots"][0]["request_id"] == "7" and best[3]["plan"]["score"] == 12.5
        assert best[1] == {"plan": {"sessions": [], "unplaced": []}}
    finally:
        engine.dispose()
