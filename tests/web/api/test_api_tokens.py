"""Personal access tokens over a real HTTP connection: what a token opens, and when it stops."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from sqlalchemy import select

from matcher.domain.tokens import TokenError
from matcher.services import accounts, api_tokens
from matcher.storage import ApiTokenRow


def test_a_token_reads_people_a_page_at_a_time_and_notes_when_it_was_used(api):
    secret = api.token(["people:read"])
    with api.client(secret) as http:
        first = http.get("/api/people", params={"per_page": 2})
        assert first.status_code == 200
        body = first.json()
        assert [p["id"] for p in body["people"]] == ["anna", "bram"]
        assert body["total"] == 5 and body["page"] == 1
        last = http.get(body["next"]).json()
        assert [p["id"] for p in last["people"]] == ["chen", "dirk"]
        assert http.get("/api/people", params={"page": 3, "per_page": 2}).json()["next"] is None
        assert "set-cookie" not in first.headers
    [token] = api_tokens.tokens(api.db)
    assert token.last_used == api.clock()


def test_only_a_digest_of_the_secret_is_stored(api):
    secret = api.token()
    assert secret.startswith("mlp_") and len(secret) > 40
    with api.db.transaction() as session:
        rows = session.scalars(select(ApiTokenRow)).all()
    assert [row.digest for row in rows] == [hashlib.sha256(secret.encode()).hexdigest()]
    assert all(secret not in str(value) for row in rows for value in vars(row).values())


def test_a_revoked_token_gets_401_saying_so(api):
    secret = api.token()
    [token] = api_tokens.tokens(api.db)
    api_tokens.revoke(api.db, token.id, now=api.clock())
    with api.client(secret) as http:
        answer = http.get("/api/people")
    assert answer.status_code == 401
    assert "revoked" in answer.json()["message"]
    assert answer.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_token_works_through_its_expiry_day_and_not_after(api):
    secret = api.token(days=10)
    api.clock.moment += dt.timedelta(days=10, hours=8)
    with api.client(secret) as http:
        assert http.get("/api/people").status_code == 200
        api.clock.moment += dt.timedelta(days=1)
        answer = http.get("/api/people")
    assert answer.status_code == 401
    assert answer.json()["message"] == "This token does not work: it expired on December 1, 2026."


@pytest.mark.parametrize(
    ("header", "says"),
    [
        ("Bearer mlp_thisisnotatokenthatwasevermade0000", "not known"),
        ("Bearer abc", "not a meeloop token"),
        ("Basic aHI6c2VjcmV0", "Authorization: Bearer"),
    ],
)
def test_an_unknown_or_malformed_token_gets_401_saying_why(api, header, says):
    with api.client() as http:
        answer = http.get("/api/people", headers={"Authorization": header})
    assert answer.status_code == 401
    assert says in answer.json()["message"]
    assert answer.json()["field"] == "Authorization"


def test_a_token_without_the_scope_gets_403_naming_it(api):
    secret = api.token(["people:read"])
    with api.client(secret) as http:
        export = http.get("/api/organisation")
        imported = http.post("/api/organisation", content=b"{}")
    assert export.status_code == 403 and export.json()["scope"] == "organisation:read"
    assert "organisation:read" in export.json()["message"]
    assert imported.status_code == 403 and imported.json()["scope"] == "organisation:write"


def test_an_export_token_cannot_read_people(api):
    secret = api.token(["organisation:read"])
    with api.client(secret) as http:
        assert http.get("/api/organisation").status_code == 200
        assert http.get("/api/people/anna").json()["scope"] == "people:read"
        assert http.get("/api/ask", params={"skill": "sql"}).status_code == 403


def test_a_token_stops_working_when_its_owner_is_no_longer_hr(api):
    secret = api.token()
    with api.client(secret) as http:
        assert http.get("/api/people").status_code == 200
        accounts.set_role(api.db, api.hr_id, "manager")
        answer = http.get("/api/people")
        assert answer.status_code == 401
        assert "no longer an active HR account" in answer.json()["message"]
        accounts.set_role(api.db, api.hr_id, "hr")
        accounts.set_active(api.db, api.hr_id, False)
        assert http.get("/api/people").status_code == 401


def test_only_an_hr_account_can_have_a_token(api):
    employee = accounts.account_by_login(api.db, "bram@wadloo.example")
    with pytest.raises(TokenError) as refused:
        api_tokens.make_token(
            api.db,
            employee.id,
            name="x",
            scopes=["people:read"],
            expires=api.clock().date() + dt.timedelta(days=3),
            now=api.clock(),
        )
    assert refused.value.field == "account"


def test_every_api_route_needs_a_login_or_a_token(api):
    with api.client() as http:
        paths = ("/api/people", "/api/people/anna", "/api/organisation", "/api/ask?skill=sql", "/api/skills")
        for path in paths:
            answer = http.get(path)
            assert answer.status_code == 401, path
            assert answer.json()["message"].startswith("Log in first")
        assert http.post("/api/organisation", content=b"{}").status_code == 401
        assert http.get("/api/health").status_code == 200
        assert http.get("/api/openapi.json").status_code == 200


def test_errors_are_in_the_account_language_without_accept_language(api):
    accounts.set_locale(api.db, api.hr_id, "nl")
    secret = api.token(["people:read"])
    with api.client(secret) as http:
        dutch = http.get("/api/organisation").json()["message"]
        english = http.get("/api/organisation", headers={"Accept-Language": "en"}).json()["message"]
    assert english.startswith("This token does not have the scope 'organisation:read'")
    assert dutch.startswith("Deze sleutel heeft niet het recht 'organisation:read'")
