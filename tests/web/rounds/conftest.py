"""The app with the mentoring organisation and HR logged in; and the app for lunch & learn and
shadowing plans, where Marit presents and Niels hosts guests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.orgs import mentoring_org
from tests.web.rounds.support import close_app, import_organisation, start_app, time_org
from tests.webtools import add_account, log_in


@pytest.fixture
def app(sqlite_url, tmp_path) -> Iterator[Flask]:
    """Three mentors with four places, five mentees: one mentee is always left out."""
    import_organisation(sqlite_url, mentoring_org(), tmp_path)
    app = start_app(sqlite_url)
    add_account(app, "pim@wadloo.example", "employee", "pim")
    add_account(app, "marit@wadloo.example", "manager", "marit")
    yield app
    close_app(app)


@pytest.fixture
def hr(app) -> FlaskClient:
    client = app.test_client()
    log_in(client, "hr@wadloo.example")
    return client


@pytest.fixture
def time_app(sqlite_url, tmp_path) -> Iterator[Flask]:
    import_organisation(sqlite_url, time_org(), tmp_path)
    app = start_app(sqlite_url)
    yield app
    close_app(app)
