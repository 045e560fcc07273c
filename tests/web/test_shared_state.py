"""Several web processes share the login limit's counts and the sessions through a real Redis server
(MEELOOP_REDIS_URL), and every security property of a session holds there as it does in a signed cookie:
a copied cookie reads nothing after logging out, a password change or switching the account off, the id
changes at login, forms need their CSRF token, cookies are Secure, HttpOnly and SameSite."""

from __future__ import annotations

import gc
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient
from markupsafe import Markup

from matcher.storage import accounts
from tests.redis_server import _free_port
from tests.webtools import PASSWORD, add_account, csrf_token, log_in, make_app, post_form
from web.shared_state import SESSION_PREFIX, TaggedJSON

_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')

COOKIE = "meeloop_session"
LOGIN = "hr@wadloo.example"
OTHER = "hr2@wadloo.example"
#: How long a server process may take to answer its first request.
STARTUP = 120.0


@pytest.fixture
def no_redis_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MEELOOP_REDIS_URL", raising=False)


@pytest.fixture
def two_apps(
    sqlite_url: str, fresh_redis_url: str, no_redis_from_the_environment: None
) -> Iterator[list[Flask]]:
    """Two apps on one database and one Redis, as two server processes would be."""
    apps = [make_app(sqlite_url, REDIS_URL=fresh_redis_url, LOGIN_LIMIT="3 per hour") for _ in range(2)]
    add_account(apps[0], LOGIN, "hr")
    add_account(apps[0], OTHER, "employee")
    yield apps
    for app in apps:
        app.extensions["meeloop"]["db"].dispose()


@pytest.fixture
def store(fresh_redis_url: str) -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(fresh_redis_url)
    yield client
    client.close()


def _attempt(client: FlaskClient, password: str = "not the password") -> int:
    return post_form(client, "/login", {"login": LOGIN, "password": password}).status_code


def _sid(client: FlaskClient) -> str:
    cookie = client.get_cookie(COOKIE)
    assert cookie is not None, "no session cookie"
    return cookie.value


def _carried_to(app: Flask, sid: str) -> FlaskClient:
    """A client of ``app`` holding a copy of a session cookie."""
    client = app.test_client()
    client.set_cookie(COOKIE, sid)
    return client


def test_failed_logins_through_one_process_count_in_the_other(two_apps):
    first, second = (app.test_client() for app in two_apps)
    assert [_attempt(first), _attempt(second), _attempt(first)] == [401, 401, 401]
    assert _attempt(second) == 429
    assert _attempt(first, PASSWORD) == 429


def test_without_redis_each_process_counts_its_own(sqlite_url, no_redis_from_the_environment):
    apps = [make_app(sqlite_url, LOGIN_LIMIT="3 per hour") for _ in range(2)]
    add_account(apps[0], LOGIN, "hr")
    first, second = (app.test_client() for app in apps)
    assert [_attempt(first) for _ in range(4)] == [401, 401, 401, 429]
    assert _attempt(second) == 401
    log_in(second, LOGIN)
    # and a session lives in its signed cookie
    signed = apps[1].session_interface.get_signing_serializer(apps[1])  # type: ignore[attr-defined]
    assert "_user_id" in signed.loads(_sid(second))
    for app in apps:
        app.extensions["meeloop"]["db"].dispose()


def test_with_the_limit_switched_off_every_attempt_is_answered(sqlite_url, no_redis_from_the_environment):
    app = make_app(sqlite_url, RATELIMIT_ENABLED=False, LOGIN_LIMIT="3 per hour")
    add_account(app, LOGIN, "hr")
    gc.collect()  # the app alone keeps its limiter
    client = app.test_client()
    assert [_attempt(client) for _ in range(5)] == [401] * 5
    log_in(client, LOGIN)
    app.extensions["meeloop"]["db"].dispose()


def test_a_session_started_through_one_process_goes_on_in_the_other(two_apps, store):
    first = two_apps[0].test_client()
    log_in(first, LOGIN)
    sid = _sid(first)
    stored = store.get(SESSION_PREFIX + sid)
    assert stored is not None and b"_user_id" in stored  # the cookie carries only the id
    other = _carried_to(two_apps[1], sid)
    assert other.get("/").status_code == 200
    assert other.get("/account/password").status_code == 200


def test_logging_out_through_one_process_ends_the_session_in_both(two_apps, store):
    first = two_apps[0].test_client()
    log_in(first, LOGIN)
    sid = _sid(first)
    second = _carried_to(two_apps[1], sid)
    assert second.post("/logout", data={"csrf_token": csrf_token(second, "/")}).status_code == 302
    assert store.get(SESSION_PREFIX + sid) is None
    assert _carried_to(two_apps[0], sid).get("/").status_code == 302
    assert _carried_to(two_apps[1], sid).get("/").status_code == 302
    assert "You are logged out." in second.get("/login").get_data(as_text=True)


@pytest.mark.parametrize("ending", ["logout", "password", "switch-off"])
def test_a_cookie_copied_before_the_session_ended_reads_nothing_after(two_apps, store, ending):
    app = two_apps[0]
    client = app.test_client()
    log_in(client, OTHER)
    copied = _sid(client)
    if ending == "logout":
        assert client.post("/logout", data={"csrf_token": csrf_token(client, "/")}).status_code == 302
    elif ending == "password":
        new = {"current": PASSWORD, "new": "a new secret 42", "repeat": "a new secret 42"}
        assert post_form(client, "/account/password", new).status_code == 302
        assert client.get("/").status_code == 200  # this session carries on, under a new id
        assert _sid(client) != copied
    else:
        with app.extensions["meeloop"]["db"].transaction() as session:
            accounts.set_active(session, accounts.account_by_login(session, OTHER).id, False)
    for each in two_apps:
        assert _carried_to(each, copied).get("/").status_code == 302


def test_a_password_change_ends_the_other_sessions_in_every_process(two_apps):
    first, elsewhere = two_apps[0].test_client(), two_apps[1].test_client()
    log_in(first, LOGIN)
    log_in(elsewhere, LOGIN)
    new = {"current": PASSWORD, "new": "a new secret 42", "repeat": "a new secret 42"}
    assert post_form(first, "/account/password", new).status_code == 302
    assert _carried_to(two_apps[1], _sid(first)).get("/").status_code == 200
    assert elsewhere.get("/").status_code == 302


def test_logging_in_gives_the_session_a_new_id(two_apps, store):
    """A session id someone planted before the login (session fixation) reads nothing after it."""
    client = two_apps[0].test_client()
    token = csrf_token(client, "/login")
    planted = _sid(client)
    assert store.get(SESSION_PREFIX + planted) is not None  # the form's token is kept in the session
    response = client.post("/login", data={"login": LOGIN, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    assert _sid(client) != planted
    assert store.get(SESSION_PREFIX + planted) is None
    assert _carried_to(two_apps[1], planted).get("/").status_code == 302


def test_forms_still_need_their_csrf_token(two_apps):
    client = two_apps[0].test_client()
    refused = client.post("/login", data={"login": LOGIN, "password": PASSWORD})
    assert refused.status_code == 400 and "CSRF" in refused.get_data(as_text=True)
    log_in(client, LOGIN)
    other = _carried_to(two_apps[1], _sid(client))
    assert other.post("/logout").status_code == 400
    assert other.post("/logout", data={"csrf_token": "made-up"}).status_code == 400
    assert other.get("/").status_code == 200  # still logged in


def test_the_cookie_is_secure_http_only_same_site_and_ends_with_the_browser_and_the_lifetime(
    sqlite_url, fresh_redis_url, store, no_redis_from_the_environment
):
    app = make_app(sqlite_url, REDIS_URL=fresh_redis_url, SESSION_COOKIE_SECURE=True)
    add_account(app, LOGIN, "hr")
    client = app.test_client()
    token = csrf_token(client, "/login")
    response = client.post("/login", data={"login": LOGIN, "password": PASSWORD, "csrf_token": token})
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Expires" not in cookie and "Max-Age" not in cookie
    sid = cookie.split(";", 1)[0].split("=", 1)[1]
    lifetime = int(app.permanent_session_lifetime.total_seconds())
    assert lifetime - 60 < store.ttl(SESSION_PREFIX + sid) <= lifetime
    app.extensions["meeloop"]["db"].dispose()


def test_a_session_keeps_what_a_signed_cookie_keeps():
    kept = {"_flashes": [("info", Markup('<span lang="en">Wadloo</span>'))], "locale": "nl"}
    serializer = TaggedJSON()
    back = serializer.decode(serializer.encode(kept))
    assert back == kept and isinstance(back["_flashes"][0][1], Markup)


# -- two real server processes ------------------------------------------------------------------


@pytest.fixture
def two_servers(tmp_path, postgres_url, fresh_redis_url) -> Iterator[list[str]]:
    """Two web server processes (waitress) on one PostgreSQL database and one Redis; their base URLs."""
    app = make_app(postgres_url)
    add_account(app, LOGIN, "hr")
    add_account(app, OTHER, "hr")
    app.extensions["meeloop"]["db"].dispose()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MEELOOP_")}
    env |= {
        "MEELOOP_DATABASE_URL": postgres_url,
        "MEELOOP_REDIS_URL": fresh_redis_url,
        "MEELOOP_SECRET_KEY": "shared by every web process",
        "MEELOOP_SECURE_COOKIES": "0",
    }
    started: list[tuple[subprocess.Popen[bytes], Path]] = []
    bases: list[str] = []
    try:
        for n in range(2):
            port, log = _free_port(), tmp_path / f"server{n}.log"
            with open(log, "wb") as output:
                command = [sys.executable, "-m", "waitress", "--host=127.0.0.1", f"--port={port}"]
                process = subprocess.Popen(
                    [*command, "--call", "web:create_app"],
                    env=env,
                    cwd=tmp_path,
                    stdout=output,
                    stderr=output,
                )
            started.append((process, log))
            bases.append(f"http://127.0.0.1:{port}")
        for (process, log), base in zip(started, bases, strict=True):
            _wait_for(process, base, log)
        yield bases
    finally:
        for process, _log in started:
            process.terminate()
            process.wait(timeout=30)


def _wait_for(process: subprocess.Popen[bytes], base: str, log: Path) -> None:
    deadline = time.monotonic() + STARTUP
    while process.poll() is None and time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/api/health", timeout=5).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    pytest.fail(f"the server did not start: {log.read_text(errors='replace')}")


def _token(client: httpx.Client, path: str) -> str:
    found = _TOKEN.search(client.get(path).text)
    assert found, f"no CSRF token on {path}"
    return found.group(1)


@pytest.mark.postgres
def test_two_server_processes_share_the_login_limit_and_the_sessions(two_servers):
    first, second = (httpx.Client(base_url=base, timeout=30) for base in two_servers)
    with first, second:
        tokens = [_token(first, "/login"), _token(second, "/login")]

        def attempt(n: int, login: str = LOGIN, password: str = "not the password") -> int:
            form = {"login": login, "password": password, "csrf_token": tokens[n]}
            return (first, second)[n].post("/login", data=form).status_code

        # 5 failed tries a minute per login and address: three through one process, two through the other
        assert [attempt(0), attempt(1), attempt(0), attempt(1), attempt(0)] == [401] * 5
        assert attempt(1, password=PASSWORD) == 429
        # a session started through one process goes on in the other, and logging out there ends it
        assert attempt(0, OTHER, PASSWORD) == 302
        copied = first.cookies[COOKIE]
        with httpx.Client(base_url=two_servers[1], timeout=30, cookies={COOKIE: copied}) as elsewhere:
            assert elsewhere.get("/").status_code == 200
            assert elsewhere.post("/logout", data={"csrf_token": _token(elsewhere, "/")}).status_code == 302
        with httpx.Client(base_url=two_servers[0], timeout=30, cookies={COOKIE: copied}) as thief:
            assert thief.get("/").status_code == 302
