"""The organisation through the API: the export is the file export, an import is the file import
(all or nothing, with its history), and a bad document changes nothing and says where and why."""

from __future__ import annotations

import json

import pytest

from matcher.io import orgjson
from matcher.services import history, organisation


def _document(api) -> dict:
    return orgjson.to_document(organisation.load_organisation(api.db))


def _with_fleur(doc: dict) -> dict:
    doc["people"].append(
        {"id": "fleur", "name": "Fleur Bakker", "email": "fleur@wadloo.example", "skills": {"sql": 3}}
    )
    return doc


def test_the_export_is_the_same_document_as_the_file_export(api):
    with api.client(api.token(["organisation:read"])) as http:
        answer = http.get("/api/organisation")
    assert answer.status_code == 200
    assert answer.json() == _document(api)
    assert answer.headers["Cache-Control"] == "no-store"


def test_a_dry_run_says_what_would_change_and_stores_nothing(api):
    before = _document(api)
    with api.client(api.token(["organisation:write"])) as http:
        answer = http.post("/api/organisation", params={"dry_run": "true"}, json=_with_fleur(_document(api)))
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["dry_run"] is True and body["changed"] is False and body["run"] is None
    assert body["changes"]["people_added"] == ["fleur"]
    assert _document(api) == before


def test_a_good_import_changes_the_data_and_is_in_the_history(api):
    with api.client(api.token(["organisation:write", "people:read"])) as http:
        answer = http.post("/api/organisation", json=_with_fleur(_document(api)))
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert body["changed"] is True and body["changes"]["people_added"] == ["fleur"]
        assert body["summary"].startswith("1 person added")
        assert http.get("/api/people/fleur").json()["name"] == "Fleur Bakker"
    [run] = organisation.recent_imports(api.db, limit=1)
    assert run.id == body["run"] and run.sources == ("organisation.json",)
    [change] = history.changes_of(api.db, "fleur")
    assert change.run_id == body["run"]
    assert change.author.by == "hr@wadloo.example"


def test_what_a_person_entered_themselves_is_kept_unless_taken(api):
    def asked(person_id: str) -> bool:
        return next(p for p in _document(api)["people"] if p["id"] == person_id)["ask_me"]

    doc = _document(api)
    opted = next(p for p in doc["people"] if p["ask_me"])
    opted["ask_me"] = False
    with api.client(api.token(["organisation:write"])) as http:
        kept = http.post("/api/organisation", json=doc)
        assert kept.status_code == 200, kept.text
        conflict = {"person": opted["id"], "field": "ask_me", "theirs": True, "in_document": False}
        assert {**conflict, "takeable": True} in kept.json()["conflicts"]
        assert asked(opted["id"]) is True
        taken = http.post("/api/organisation", params={"take": f"{opted['id']}:ask_me"}, json=doc)
    assert taken.status_code == 200, taken.text
    assert taken.json()["changes"]["taken"] == [f"{opted['id']}:ask_me"]
    assert asked(opted["id"]) is False


def _broken(api) -> bytes:
    doc = _document(api)
    doc["people"][1]["start_date"] = "31-02-2024"
    doc["people"][2]["shoe_size"] = 44
    return json.dumps(doc).encode()


@pytest.mark.parametrize(
    ("language", "summary", "date_problem"),
    [
        ("en", "2 problems found, nothing was changed", "'31-02-2024' is not a date that exists"),
        ("nl", "2 problemen gevonden, er is niets gewijzigd", "'31-02-2024' is een datum die niet bestaat"),
    ],
)
def test_a_bad_document_changes_nothing_and_says_where_and_why(api, language, summary, date_problem):
    before, runs = _document(api), organisation.recent_imports(api.db)
    with api.client(api.token(["organisation:write"]), language=language) as http:
        answer = http.post(
            "/api/organisation", content=_broken(api), headers={"Content-Type": "application/json"}
        )
    assert answer.status_code == 422
    body = answer.json()
    assert body["message"] == summary
    problems = {p["path"]: p for p in body["problems"]}
    assert set(problems) == {"people[1].start_date", "people[2]"}
    assert problems["people[1].start_date"]["field"] == "start_date"
    assert date_problem in problems["people[1].start_date"]["message"]
    assert "shoe_size" in problems["people[2]"]["message"]
    assert _document(api) == before and organisation.recent_imports(api.db) == runs


def test_a_body_that_is_not_json_is_refused_with_where_it_breaks(api):
    before = _document(api)
    with api.client(api.token(["organisation:write"])) as http:
        answer = http.post("/api/organisation", content=b'{"people": [\n  {"id": "x",}\n]}')
        empty = http.post("/api/organisation", content=b"")
    assert answer.status_code == 422
    [problem] = answer.json()["problems"]
    assert problem["row"].startswith("line 2")
    assert empty.status_code == 422 and "empty" in empty.json()["problems"][0]["message"]
    assert _document(api) == before


def test_a_bad_parameter_is_named(api):
    with api.client(api.token()) as http:
        answer = http.post("/api/organisation", params={"dry_run": "perhaps"}, json=_document(api))
        paged = http.get("/api/people", params={"per_page": "0"})
    assert answer.status_code == 400 and answer.json()["field"] == "dry_run"
    assert paged.status_code == 400 and paged.json()["field"] == "per_page"
