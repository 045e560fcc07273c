"""Helpers for the web tests: accounts, logging in, and the CSRF token a real form carries."""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.serving import make_server

from matcher.services.accounts import hash_password
from matcher.storage import accounts
from web import create_app

PASSWORD = "correct horse battery"
TODAY = dt.date(2026, 11, 21)
_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def make_app(database_url: str, **settings: Any) -> Flask:
    """The app as it runs, with CSRF on; a test's settings override."""
    config: dict[str, Any] = {
        "DATABASE_URL": database_url,
        "TESTING": True,
        "TODAY": TODAY,
        "SECRET_KEY": "test secret",
        "SESSION_COOKIE_SECURE": False,
    }
    config.update(settings)
    return create_app(config)


def add_account(app: Flask, login: str, role: str, person_id: str | None = None, password: str = PASSWORD):
    with app.extensions["meeloop"]["db"].transaction() as session:
        return accounts.add_account(
            session,
            login,
            role=role,
            password_hash=hash_password(password),
            person_id=person_id,
            now=dt.datetime.now(dt.UTC),
        )


def csrf_token(client: FlaskClient, path: str = "/login") -> str:
    """The token from a form on the page, as a browser would send it back."""
    html = client.get(path).get_data(as_text=True)
    found = _TOKEN.search(html)
    assert found, f"no CSRF token in the form on {path}"
    return found.group(1)


def log_in(client: FlaskClient, login: str, password: str = PASSWORD) -> Any:
    token = csrf_token(client, "/login")
    response = client.post("/login", data={"login": login, "password": password, "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response


def post_form(client: FlaskClient, path: str, data: dict[str, Any], *, form_page: str | None = None) -> Any:
    """POST as the browser does: with the CSRF token from the page that shows the form."""
    token = csrf_token(client, form_page or path)
    return client.post(path, data={**data, "csrf_token": token})


@contextmanager
def live_server(app: Flask) -> Iterator[str]:
    """The app on a real HTTP server on loopback, for real clients and browsers; its base URL."""
    http = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{http.server_port}"
    finally:
        http.shutdown()
        http.server_close()
        thread.join(timeout=5)
