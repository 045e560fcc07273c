"""Who reaches what: every route of the app, for every role, including other people's ids.

The table is built from the app's own URL map, so a new route is checked the day it is added:
anonymous visitors are sent to the login page (or get 401 on the API), employees and managers
get 403 on every HR page, and ids of other people's private things answer 404.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from matcher.io import orgjson
from matcher.services import organisation
from tests.optins import import_with_opt_ins
from tests.orgs import small_org
from tests.webtools import add_account, log_in, make_app

#: Routes anyone may reach without logging in.
#: Behind a secret token, not a login: a calendar feed, the answers to a "did you meet?" e-mail and the
#: value check form its e-mail links to. Single sign-on starts and ends without a login (and is not
#: there at all, a 404, where it is not set up).
PUBLIC = {
    "auth.login",
    "oidc.start",
    "oidc.callback",
    "static",
    "api.health",
    "api.openapi",
    "feeds.feed",
    "language.choose",
    "check_ins.answered",
    "check_ins.confirm",
    "check_ins.give",
    "surveys.value_check_link",
}
#: Sample values for URL parameters: someone else's where it matters.
SAMPLES = {
    "person_id": "eva",
    "skill_id": "sql",
    "token": "not-a-real-token",
    "event_id": 999999,
    "request_id": 999999,
    "reflection_id": 999999,
    "job_id": 999999,
    "name": "no-such-round",
    "round_name": "no-such-round",
    "filename": "style.css",
}


@pytest.fixture(scope="module")
def app(tmp_path_factory, sqlite_copy):
    folder = tmp_path_factory.mktemp("access")
    url = sqlite_copy(folder)
    orgjson.write_json(small_org(), folder / "org.json")
    db = organisation.Database(url)
    import_with_opt_ins(db, folder / "org.json", now=dt.datetime(2026, 11, 1, tzinfo=dt.UTC))
    db.dispose()
    app = make_app(url, RATELIMIT_ENABLED=False)
    add_account(app, "hr@wadloo.example", "hr")
    add_account(app, "anna@wadloo.example", "employee", "anna")
    add_account(app, "bram@wadloo.example", "manager", "bram")
    yield app
    app.extensions["meeloop"]["db"].dispose()


def _routes(app) -> list[tuple[str, str, str]]:
    """(endpoint, method, path) for every route, its parameters filled with samples."""
    found = []
    for rule in app.url_map.iter_rules():
        path = rule.rule
        for argument in rule.arguments:
            numeric = type(rule._converters[argument]).__name__ == "IntegerConverter"
            value = SAMPLES.get(argument, 999999 if numeric else "x")
            path = re.sub(rf"<(?:[a-z]+(?:\([^)]*\))?:)?{argument}>", str(value), path)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append((rule.endpoint, method, path))
    return found


def _client(app, login: str | None):
    client = app.test_client()
    if login:
        log_in(client, login)
    return client


def test_every_route_but_the_public_ones_needs_a_login(app):
    client = _client(app, None)
    app.config["WTF_CSRF_ENABLED"] = False  # reach the login check, not the CSRF check
    try:
        checked = 0
        for endpoint, method, path in _routes(app):
            if endpoint in PUBLIC:
                continue
            response = client.open(path, method=method)
            if path.startswith("/api/"):
                assert response.status_code == 401, (method, path, response.status_code)
            else:
                assert response.status_code == 302, (method, path, response.status_code)
                assert response.headers["Location"].startswith("/login"), (method, path)
            checked += 1
    finally:
        app.config["WTF_CSRF_ENABLED"] = True
    assert checked >= 10


@pytest.mark.parametrize("login", ["anna@wadloo.example", "bram@wadloo.example"])
def test_employees_and_managers_get_403_on_every_hr_page(app, login):
    client = _client(app, login)
    app.config["WTF_CSRF_ENABLED"] = False
    try:
        hr_routes = [(e, m, p) for e, m, p in _routes(app) if p.startswith("/hr")]
        for _endpoint, method, path in hr_routes:
            response = client.open(path, method=method)
            assert response.status_code == 403, (login, method, path, response.status_code)
    finally:
        app.config["WTF_CSRF_ENABLED"] = True


def test_every_post_form_needs_its_csrf_token(app):
    client = _client(app, "hr@wadloo.example")
    posts = [(e, p) for e, m, p in _routes(app) if m == "POST" and e not in {"static"}]
    assert posts
    for endpoint, path in posts:
        response = client.post(path, data={})
        assert response.status_code == 400, (endpoint, path, response.status_code)
