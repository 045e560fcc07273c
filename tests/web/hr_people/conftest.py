"""HR's pages run on the small organisation, with an HR, a manager and an employee account."""

from __future__ import annotations

import pytest

from tests.web.hr_people.support import HR, seed, start_app
from tests.webtools import log_in


@pytest.fixture
def app(sqlite_url, tmp_path):
    seed(sqlite_url, tmp_path)
    app = start_app(sqlite_url)
    yield app
    app.extensions["meeloop"]["db"].dispose()


@pytest.fixture
def hr(app):
    client = app.test_client()
    log_in(client, HR)
    return client
