"""Each test gets the API on a real server, on SQLite or PostgreSQL."""

from __future__ import annotations

import pytest

from tests.web.api.support import served


@pytest.fixture
def api(db_url, tmp_path):
    with served(db_url, tmp_path, API_RATE_LIMIT="1000 per minute") as running:
        yield running
