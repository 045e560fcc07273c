"""The API's description is a valid OpenAPI document that lists exactly the app's /api routes, and
a token that calls too often is told to wait."""

from __future__ import annotations

import re

import httpx
from openapi_spec_validator import validate

from tests.web.api.support import served
from tests.webtools import make_app


def _app_routes(app) -> set[tuple[str, str]]:
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/"):
            path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule)
            routes |= {(path, method.lower()) for method in rule.methods - {"HEAD", "OPTIONS"}}
    return routes


def test_the_served_description_is_valid_openapi_and_lists_every_api_route(sqlite_url, tmp_path):
    with served(sqlite_url, tmp_path) as api, httpx.Client(base_url=api.base) as http:
        answer = http.get("/api/openapi.json")
        assert answer.status_code == 200
        document = answer.json()
        validate(document)
        described = {(path, method) for path, item in document["paths"].items() for method in item}
        assert described == _app_routes(api.app)
        assert document["openapi"].startswith("3.1")
        assert document["components"]["securitySchemes"]["token"]["scheme"] == "bearer"


def test_the_organisation_schema_is_the_import_schema_file(sqlite_url):
    from matcher.io import orgjson
    from web.openapi import document

    app = make_app(sqlite_url)
    with app.app_context():
        placed = document()["components"]["schemas"]["Organisation"]
    file = orgjson.schema()
    assert placed["properties"].keys() == file["properties"].keys()
    assert placed["$defs"]["person"]["required"] == file["$defs"]["person"]["required"]
    app.extensions["meeloop"]["db"].dispose()


def test_a_token_that_calls_too_often_gets_429_with_retry_after(sqlite_url, tmp_path):
    with served(sqlite_url, tmp_path, API_RATE_LIMIT="3 per minute") as api:
        busy, other = api.token(), api.token()
        with api.client(busy, language="nl") as http:
            answers = [http.get("/api/people") for _ in range(4)]
        assert [a.status_code for a in answers] == [200, 200, 200, 429]
        refused = answers[-1]
        assert 1 <= int(refused.headers["Retry-After"]) <= 61
        assert refused.json()["status"] == 429
        assert refused.json()["message"].startswith("Te veel verzoeken")
        with api.client(other) as http:
            assert http.get("/api/people").status_code == 200


def test_writing_the_same_token_another_way_does_not_start_a_fresh_count(sqlite_url, tmp_path):
    with served(sqlite_url, tmp_path, API_RATE_LIMIT="3 per minute") as api:
        secret = api.token()
        ways = ["Bearer {}", "bearer  {}", "BEARER   {}", "Bearer\t{}"]
        with api.client() as http:
            answers = [http.get("/api/people", headers={"Authorization": w.format(secret)}) for w in ways]
        assert [a.status_code for a in answers] == [200, 200, 200, 429]


def test_a_session_that_changes_data_through_the_api_needs_its_csrf_token(sqlite_url, tmp_path):
    from tests.webtools import PASSWORD

    with served(sqlite_url, tmp_path) as api, httpx.Client(base_url=api.base) as http:
        page = http.get("/login").text
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        http.post("/login", data={"login": "hr@wadloo.example", "password": PASSWORD, "csrf_token": token})
        assert http.get("/api/people").status_code == 200
        refused = http.post("/api/organisation", content=b"{}")
        assert refused.status_code == 400 and refused.json()["field"] == "X-CSRFToken"
        page = http.get("/hr/api-tokens").text
        fresh = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        with_token = http.post(
            "/api/organisation", params={"dry_run": "1"}, content=b"{}", headers={"X-CSRFToken": fresh}
        )
        assert with_token.status_code == 200, with_token.text
