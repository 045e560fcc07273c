"""The employee's own pages run on Gemeente Wadloo with a published round, its meetings and a shadowing
slot: built once per session, and copied for every test."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.web.me.support import BRAM, CHEN, HR, prepare_organisation
from tests.webtools import add_account, log_in, make_app


@pytest.fixture(scope="session")
def prepared(tmp_path_factory, sqlite_copy) -> Path:
    folder = tmp_path_factory.mktemp("me-org")
    path = folder / "meeloop.sqlite3"
    app = make_app(sqlite_copy(folder))
    prepare_organisation(app.extensions["meeloop"]["db"], folder)
    add_account(app, BRAM, "employee", "bram")
    add_account(app, CHEN, "employee", "chen")
    add_account(app, HR, "hr", None)
    app.extensions["meeloop"]["db"].dispose()
    return path


@pytest.fixture
def app(prepared, tmp_path):
    path = tmp_path / "meeloop.sqlite3"
    shutil.copyfile(prepared, path)
    app = make_app(f"sqlite:///{path}")
    yield app
    app.extensions["meeloop"]["db"].dispose()


@pytest.fixture
def app_db(app):
    """The app's own database: an SQLite file."""
    return app.extensions["meeloop"]["db"]


@pytest.fixture
def bram(app):
    client = app.test_client()
    log_in(client, BRAM)
    return client


@pytest.fixture
def chen(app):
    client = app.test_client()
    log_in(client, CHEN)
    return client
