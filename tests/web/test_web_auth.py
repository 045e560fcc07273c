"""Accounts: logging in and out, the rate limit, password changes, CSRF, cookies, languages, errors."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from flask import abort

from matcher.domain.accounts import AccountError
from matcher.io import orgjson
from matcher.services import accounts as account_service
from matcher.services import organisation
from matcher.services.accounts import hash_password
from matcher.storage import accounts
from tests.clitools import run
from tests.orgs import small_org
from tests.webtools import PASSWORD, add_account, csrf_token, log_in, make_app, post_form
from web import create_app


@pytest.fixture
def app(sqlite_url, tmp_path):
    orgjson.write_json(small_org(), tmp_path / "org.json")
    db = organisation.Database(sqlite_url)
    organisation.import_file(db, tmp_path / "org.json")
    db.dispose()
    app = make_app(sqlite_url)
    add_account(app, "hr@wadloo.example", "hr")
    add_account(app, "anna@wadloo.example", "employee", "anna")
    yield app
    app.extensions["meeloop"]["db"].dispose()


def test_the_right_password_logs_in_and_a_wrong_one_says_so_without_telling_which(app):
    client = app.test_client()
    wrong = post_form(client, "/login", {"login": "anna@wadloo.example", "password": "not it at all"})
    unknown = post_form(client, "/login", {"login": "nobody@wadloo.example", "password": "not it at all"})
    assert wrong.status_code == unknown.status_code == 401
    assert "do not match an active account" in wrong.get_data(as_text=True)
    assert wrong.get_data(as_text=True).count("do not match") == unknown.get_data(as_text=True).count(
        "do not match"
    )
    assert client.get("/").status_code == 302
    log_in(client, "  Anna@Wadloo.example ")  # the login is not case-sensitive
    assert client.get("/").status_code == 200


def test_an_unknown_login_costs_the_same_hash_check_as_a_wrong_password(app, monkeypatch):
    """The password hash is most of what a login costs: a refusal for an unknown or switched-off
    account checks one too, made the same way, so its time does not tell which accounts exist."""
    with app.extensions["meeloop"]["db"].transaction() as session:
        accounts.add_account(
            session,
            "gone@wadloo.example",
            role="employee",
            password_hash=hash_password(PASSWORD),
            person_id=None,
            now=dt.datetime(2027, 1, 1, tzinfo=dt.UTC),
        )
        accounts.set_active(session, accounts.account_by_login(session, "gone@wadloo.example").id, False)
    checked: list[str] = []
    real = account_service.check_password_hash

    def counting(stored: str, password: str) -> bool:
        checked.append(stored.rsplit("$", 2)[0])  # the method and its cost, without salt and hash
        return real(stored, password)

    monkeypatch.setattr(account_service, "check_password_hash", counting)
    for login in ("anna@wadloo.example", "nobody@wadloo.example", "gone@wadloo.example"):
        answer = post_form(app.test_client(), "/login", {"login": login, "password": "wrong"})
        assert answer.status_code == 401
    assert len(checked) == 3 and len(set(checked)) == 1, checked


def test_only_a_hash_of_the_password_is_stored(app):
    with app.extensions["meeloop"]["db"].transaction() as session:
        stored = accounts.account_by_login(session, "anna@wadloo.example")
    assert PASSWORD not in stored.password_hash and stored.password_hash.startswith("scrypt:")


def test_repeated_wrong_passwords_are_slowed_down_per_login(app):
    client = app.test_client()
    statuses = [
        post_form(client, "/login", {"login": "anna@wadloo.example", "password": f"wrong {n}"}).status_code
        for n in range(6)
    ]
    assert statuses == [401] * 5 + [429]
    blocked = post_form(client, "/login", {"login": "anna@wadloo.example", "password": PASSWORD})
    assert blocked.status_code == 429 and "Too many attempts" in blocked.get_data(as_text=True)
    # another login from the same address still works
    log_in(client, "hr@wadloo.example")


def test_a_form_without_its_csrf_token_is_refused(app):
    client = app.test_client()
    response = client.post("/login", data={"login": "anna@wadloo.example", "password": PASSWORD})
    assert response.status_code == 400 and "CSRF" in response.get_data(as_text=True)
    log_in(client, "anna@wadloo.example")
    assert client.post("/logout").status_code == 400
    assert client.get("/").status_code == 200  # still logged in
    forged = client.post("/logout", data={"csrf_token": "made-up"})
    assert forged.status_code == 400


def test_logging_out_ends_the_session(app):
    client = app.test_client()
    log_in(client, "anna@wadloo.example")
    token = csrf_token(client, "/")
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/").status_code == 302


@pytest.mark.parametrize("ending", ["logout", "password", "switch-off"])
def test_a_session_cookie_copied_before_it_ended_reads_nothing_after(app, ending):
    client = app.test_client()
    log_in(client, "anna@wadloo.example")
    assert client.get("/me/data.json").status_code == 200
    copied = client.get_cookie("meeloop_session").value
    if ending == "logout":
        assert client.post("/logout", data={"csrf_token": csrf_token(client, "/")}).status_code == 302
    elif ending == "password":
        new = {"current": PASSWORD, "new": "a new secret 42", "repeat": "a new secret 42"}
        assert post_form(client, "/account/password", new).status_code == 302
    else:
        with app.extensions["meeloop"]["db"].transaction() as session:
            anna = accounts.account_by_login(session, "anna@wadloo.example")
            accounts.set_active(session, anna.id, False)
    thief = app.test_client()
    thief.set_cookie("meeloop_session", copied)
    assert thief.get("/me/data.json").status_code == 302


def test_a_password_change_checks_the_old_one_and_ends_other_sessions(app):
    first, second = app.test_client(), app.test_client()
    log_in(first, "anna@wadloo.example")
    log_in(second, "anna@wadloo.example")
    bad = post_form(first, "/account/password", {"current": "wrong", "new": "a new secret 42", "repeat": "x"})
    assert bad.status_code == 400
    text = bad.get_data(as_text=True)
    assert "differ" in text
    short = post_form(first, "/account/password", {"current": PASSWORD, "new": "short", "repeat": "short"})
    assert "at least 10 characters" in short.get_data(as_text=True)
    not_current = post_form(
        first,
        "/account/password",
        {"current": "wrong", "new": "a new secret 42", "repeat": "a new secret 42"},
    )
    assert "not your current password" in not_current.get_data(as_text=True)
    done = post_form(
        first,
        "/account/password",
        {"current": PASSWORD, "new": "a new secret 42", "repeat": "a new secret 42"},
    )
    assert done.status_code == 302
    assert first.get("/").status_code == 200  # this session carries on
    assert second.get("/").status_code == 302  # the other one has ended
    log_in(app.test_client(), "anna@wadloo.example", "a new secret 42")


def test_a_switched_off_account_cannot_log_in_and_its_sessions_end(app):
    client = app.test_client()
    log_in(client, "anna@wadloo.example")
    with app.extensions["meeloop"]["db"].transaction() as session:
        accounts.set_active(session, accounts.account_by_login(session, "anna@wadloo.example").id, False)
    assert client.get("/").status_code == 302
    refused = post_form(app.test_client(), "/login", {"login": "anna@wadloo.example", "password": PASSWORD})
    assert refused.status_code == 401


def test_the_last_hr_account_stays(app):
    with app.extensions["meeloop"]["db"].transaction() as session:
        hr = accounts.account_by_login(session, "hr@wadloo.example")
        with pytest.raises(AccountError, match="last HR account"):
            accounts.set_role(session, hr.id, "employee")
        with pytest.raises(AccountError, match="last HR account"):
            accounts.set_active(session, hr.id, False)


#: Targets a browser reads as another site: it drops tabs and line breaks, and reads \\ as /.
OFF_SITE = [
    "https://evil.example/",
    "//evil.example/x",
    "javascript:alert(1)",
    "/\t/evil.example",
    "/\n/evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    " //evil.example",
    "\x00//evil.example",
    "https:/evil.example",
]


@pytest.mark.parametrize("target", [*OFF_SITE, "/ask?skill=sql"])
def test_after_logging_in_only_a_page_of_this_site_is_followed(app, target):
    client = app.test_client()
    token = csrf_token(client, "/login")
    response = client.post(
        "/login",
        query_string={"next": target},
        data={"login": "anna@wadloo.example", "password": PASSWORD, "csrf_token": token},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == (target if target.startswith("/ask") else "/")


def test_session_cookies_are_secure_http_only_and_same_site_by_default(sqlite_url, monkeypatch):
    monkeypatch.delenv("MEELOOP_SECURE_COOKIES", raising=False)
    app = create_app({"DATABASE_URL": sqlite_url, "SECRET_KEY": "x"})
    add_account(app, "hr@wadloo.example", "hr")
    client = app.test_client()
    token = csrf_token(client, "/login")
    response = client.post(
        "/login", data={"login": "hr@wadloo.example", "password": PASSWORD, "csrf_token": token}
    )
    cookie = response.headers["Set-Cookie"]
    assert (
        "meeloop_session=" in cookie
        and "Secure" in cookie
        and "HttpOnly" in cookie
        and "SameSite=Lax" in cookie
    )
    app.extensions["meeloop"]["db"].dispose()


def test_pages_forbid_framing_and_foreign_scripts(app):
    response = app.test_client().get("/login")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_the_language_follows_the_browser_and_the_switch(app):
    client = app.test_client()
    dutch = client.get("/login", headers={"Accept-Language": "nl-NL,nl;q=0.9,en;q=0.5"})
    assert '<html lang="nl">' in dutch.get_data(as_text=True)
    assert "Inloggen" in dutch.get_data(as_text=True)
    english = client.get("/login", headers={"Accept-Language": "de-DE"})
    assert '<html lang="en">' in english.get_data(as_text=True) and "Log in" in english.get_data(as_text=True)
    log_in(client, "anna@wadloo.example")
    switched = post_form(client, "/language", {"locale": "nl", "next": "/skills"}, form_page="/")
    assert switched.status_code == 302 and switched.headers["Location"] == "/skills"
    assert '<html lang="nl">' in client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    # the choice is kept with the account: a new session starts in Dutch
    fresh = app.test_client()
    log_in(fresh, "anna@wadloo.example")
    assert '<html lang="nl">' in fresh.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)


@pytest.mark.parametrize("target", OFF_SITE)
def test_the_language_switch_goes_back_only_to_a_page_of_this_site(app, target):
    client = app.test_client()
    switched = post_form(client, "/language", {"locale": "en", "next": target}, form_page="/login")
    assert switched.status_code == 302 and switched.headers["Location"] == "/"


def test_a_server_error_shows_a_friendly_page_and_is_logged(app, caplog):
    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    @app.get("/gone")
    def gone():
        abort(410)

    client = app.test_client()
    app.config["TESTING"] = False
    app.config["PROPAGATE_EXCEPTIONS"] = False
    with caplog.at_level(logging.ERROR):
        response = client.get("/boom")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "It has been logged" in html and "secret internals" not in html and "Traceback" not in html
    assert any("secret internals" in (record.exc_text or str(record.exc_info)) for record in caplog.records)
    assert client.get("/gone").status_code == 410


def test_the_first_hr_account_comes_from_the_command_line(sqlite_url, tmp_path):
    made = run(
        "user",
        "add",
        "admin@wadloo.example",
        "--role",
        "hr",
        "--password-stdin",
        db=sqlite_url,
        cwd=tmp_path,
        stdin="a long admin secret\n",
    )
    assert made.returncode == 0, made.stderr
    assert "account 'admin@wadloo.example' added (HR)" in made.stdout
    weak = run(
        "user",
        "add",
        "x@wadloo.example",
        "--role",
        "hr",
        "--password-stdin",
        db=sqlite_url,
        cwd=tmp_path,
        stdin="short\n",
    )
    assert weak.returncode == 2 and "at least 10 characters" in weak.stderr and "Traceback" not in weak.stderr
    twice = run(
        "user", "add", "ADMIN@wadloo.example", "--role", "hr", "--generate", db=sqlite_url, cwd=tmp_path
    )
    assert twice.returncode == 2 and "already an account" in twice.stderr
    ghost = run(
        "user",
        "add",
        "g@wadloo.example",
        "--role",
        "employee",
        "--person",
        "ghost",
        "--generate",
        db=sqlite_url,
        cwd=tmp_path,
    )
    assert ghost.returncode == 2 and "nobody with the id 'ghost'" in ghost.stderr
    listed = run("user", "list", db=sqlite_url, cwd=tmp_path)
    assert "admin@wadloo.example" in listed.stdout and " HR " in listed.stdout
    app = make_app(sqlite_url)
    log_in(app.test_client(), "admin@wadloo.example", "a long admin secret")
    app.extensions["meeloop"]["db"].dispose()


def test_behind_a_proxy_the_login_limit_counts_each_client(sqlite_url, monkeypatch):
    monkeypatch.setenv("MEELOOP_PROXIES", "1")
    app = make_app(sqlite_url, LOGIN_LIMIT="50 per minute", LOGIN_LIMIT_PER_ADDRESS="3 per minute")
    add_account(app, "hr@wadloo.example", "hr")
    client = app.test_client()

    def attempt(address: str) -> int:
        token = csrf_token(client, "/login")
        return client.post(
            "/login",
            data={"login": "hr@wadloo.example", "password": "wrong password", "csrf_token": token},
            headers={"X-Forwarded-For": address},
        ).status_code

    assert [attempt("203.0.113.1") for _ in range(4)] == [401, 401, 401, 429]
    assert attempt("203.0.113.2") == 401
    app.extensions["meeloop"]["db"].dispose()
